//! A hand-made export of an Arabic news site, written the way WordPress 6 writes one: the
//! cases the theme unit test data lacks (percent-encoded Arabic slugs and links, dates
//! near midnight in a +03:00 site, Arabic comments, Arabic names with Latin slugs and the
//! reverse, a body holding `]]>`), in each of WordPress's common permalink structures.

/// WordPress's common permalink structures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permalinks {
    /// `/%postname%/`
    PostName,
    /// `/%year%/%monthnum%/%day%/%postname%/`
    DayAndName,
    /// `/%category%/%postname%/`
    CategoryAndName,
    /// `/archives/%post_id%`
    Numeric,
}

pub const BASE: &str = "https://news.example.com";

/// `عاجل-ارتفاع-أسعار-النفط` as WordPress stores it.
pub const OIL_SLUG: &str = "%d8%b9%d8%a7%d8%ac%d9%84-%d8%a7%d8%b1%d8%aa%d9%81%d8%a7%d8%b9-%d8%a3%d8%b3%d8%b9%d8%a7%d8%b1-%d8%a7%d9%84%d9%86%d9%81%d8%b7";
/// `نفط`.
pub const OIL_CATEGORY: &str = "%d9%86%d9%81%d8%b7";
/// `رياضة`.
pub const SPORT_CATEGORY: &str = "%d8%b1%d9%8a%d8%a7%d8%b6%d8%a9";
/// `إيران`.
pub const IRAN_TAG: &str = "%d8%a5%d9%8a%d8%b1%d8%a7%d9%86";
/// `الدوري-ينطلق` (a sports story's slug).
pub const LEAGUE_SLUG: &str = "%d8%a7%d9%84%d8%af%d9%88%d8%b1%d9%8a-%d9%8a%d9%86%d8%b7%d9%84%d9%82";
/// `من-نحن`.
pub const ABOUT_SLUG: &str = "%d9%85%d9%86-%d9%86%d8%ad%d9%86";
/// `فريق-التحرير`.
pub const TEAM_SLUG: &str = "%d9%81%d8%b1%d9%8a%d9%82-%d8%a7%d9%84%d8%aa%d8%ad%d8%b1%d9%8a%d8%b1";

/// The title of the oil story, with its quotes, backslash and ZWNJ kept byte for byte.
pub const OIL_TITLE: &str = "عاجل: ارتفاع أسعار \"النفط\" 5% \\ برنت\u{200c}";

/// A published post's old link in `structure`.
pub fn post_link(structure: Permalinks, id: i64, day: &str, category: &str, slug: &str) -> String {
    match structure {
        Permalinks::PostName => format!("{BASE}/{slug}/"),
        Permalinks::DayAndName => format!("{BASE}/{day}/{slug}/"),
        Permalinks::CategoryAndName => format!("{BASE}/{category}/{slug}/"),
        Permalinks::Numeric => format!("{BASE}/archives/{id}"),
    }
}

/// The export, its old links written in `structure`.
pub fn export(structure: Permalinks) -> String {
    let oil = post_link(structure, 101, "2026/03/20", "economy", OIL_SLUG);
    let league = post_link(structure, 105, "2026/03/21", SPORT_CATEGORY, LEAGUE_SLUG);
    let future = format!("{BASE}/?p=102");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>صحيفة الخليج</title>
	<link>{BASE}</link>
	<description>أخبار الخليج والعالم</description>
	<pubDate>Sat, 21 Mar 2026 10:00:00 +0000</pubDate>
	<language>ar</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{BASE}</wp:base_site_url>
	<wp:base_blog_url>{BASE}</wp:base_blog_url>

	<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[mona]]></wp:author_login><wp:author_email><![CDATA[mona@news.example.com]]></wp:author_email><wp:author_display_name><![CDATA[منى الحربي]]></wp:author_display_name><wp:author_first_name><![CDATA[منى]]></wp:author_first_name><wp:author_last_name><![CDATA[الحربي]]></wp:author_last_name></wp:author>
	<wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login><wp:author_email><![CDATA[]]></wp:author_email><wp:author_display_name><![CDATA[المحرر]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>

	<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename><![CDATA[{OIL_CATEGORY}]]></wp:category_nicename><wp:category_parent><![CDATA[economy]]></wp:category_parent><wp:cat_name><![CDATA[نفط]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename><![CDATA[economy]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[اقتصاد]]></wp:cat_name><wp:category_description><![CDATA[أسواق وطاقة]]></wp:category_description></wp:category>
	<wp:category><wp:term_id>6</wp:term_id><wp:category_nicename><![CDATA[politics]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[سياسة]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>8</wp:term_id><wp:category_nicename><![CDATA[{SPORT_CATEGORY}]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Sports]]></wp:cat_name></wp:category>
	<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug><![CDATA[{IRAN_TAG}]]></wp:tag_slug><wp:tag_name><![CDATA[إيران]]></wp:tag_name></wp:tag>

	<item>
		<title><![CDATA[صورة النفط]]></title>
		<link>{BASE}/?attachment_id=120</link>
		<pubDate>Thu, 19 Mar 2026 21:00:00 +0000</pubDate>
		<dc:creator><![CDATA[mona]]></dc:creator>
		<guid isPermaLink="false">{BASE}/wp-content/uploads/2026/03/oil.jpg</guid>
		<description></description>
		<content:encoded><![CDATA[]]></content:encoded>
		<excerpt:encoded><![CDATA[ناقلة نفط في ميناء رأس تنورة]]></excerpt:encoded>
		<wp:post_id>120</wp:post_id>
		<wp:post_date><![CDATA[2026-03-20 00:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-03-19 21:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[oil]]></wp:post_name>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_parent>101</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:attachment_url><![CDATA[{BASE}/wp-content/uploads/2026/03/oil.jpg]]></wp:attachment_url>
		<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[ناقلة نفط]]></wp:meta_value></wp:postmeta>
	</item>

	<item>
		<title><![CDATA[{OIL_TITLE}]]></title>
		<link>{oil}</link>
		<pubDate>Thu, 19 Mar 2026 21:30:00 +0000</pubDate>
		<dc:creator><![CDATA[mona]]></dc:creator>
		<guid isPermaLink="false">{BASE}/?p=101</guid>
		<description></description>
		<content:encoded><![CDATA[ميدل ايست نيوز: ارتفعت أسعار النفط صباح اليوم.

وحسب ما أفادت وكالة إرنا، فإن الأسعار بلغت مستوى قياسياً.
والسطر الثاني من الفقرة نفسها.

[caption id="attachment_120" align="aligncenter" width="300"]<a href="{BASE}/wp-content/uploads/2026/03/oil.jpg"><img class="size-medium wp-image-120" src="{BASE}/wp-content/uploads/2026/03/oil-300x200.jpg" alt="ناقلة نفط" width="300" height="200" /></a> ناقلة في رأس تنورة[/caption]

<!--more-->

https://www.youtube.com/watch?v=dQw4w9WgXcQ

قال المحلل إن الشيفرة a[b]]]]><![CDATA[>c تبقى كما هي.]]></content:encoded>
		<excerpt:encoded><![CDATA[<p>الأسعار تقفز مع التوتر في الخليج</p>]]></excerpt:encoded>
		<wp:post_id>101</wp:post_id>
		<wp:post_date><![CDATA[2026-03-20 00:30:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-03-19 21:30:00]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[2026-03-20 01:00:00]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[2026-03-19 22:00:00]]></wp:post_modified_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[{OIL_SLUG}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>1</wp:is_sticky>
		<category domain="category" nicename="economy"><![CDATA[اقتصاد]]></category>
		<category domain="category" nicename="{OIL_CATEGORY}"><![CDATA[نفط]]></category>
		<category domain="category" nicename="politics"><![CDATA[سياسة]]></category>
		<category domain="post_tag" nicename="{IRAN_TAG}"><![CDATA[إيران]]></category>
		<category domain="post_tag" nicename="opec"><![CDATA[أوبك]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[120]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_wp_old_slug]]></wp:meta_key><wp:meta_value><![CDATA[oil-prices]]></wp:meta_value></wp:postmeta>
		<wp:comment><wp:comment_id>203</wp:comment_id><wp:comment_author><![CDATA[سارة]]></wp:comment_author><wp:comment_author_email><![CDATA[sara@example.org]]></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP><![CDATA[10.0.0.3]]></wp:comment_author_IP><wp:comment_date><![CDATA[2026-03-20 02:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2026-03-19 23:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[وأنا أتفق مع الرد.]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>202</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
		<wp:comment><wp:comment_id>201</wp:comment_id><wp:comment_author><![CDATA[أحمد]]></wp:comment_author><wp:comment_author_email><![CDATA[ahmad@example.org]]></wp:comment_author_email><wp:comment_author_url><![CDATA[https://ahmad.example.org]]></wp:comment_author_url><wp:comment_author_IP><![CDATA[10.0.0.1]]></wp:comment_author_IP><wp:comment_date><![CDATA[2026-03-20 01:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2026-03-19 22:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[خبر مهم &amp; <b>مقلق</b> جداً]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
		<wp:comment><wp:comment_id>202</wp:comment_id><wp:comment_author><![CDATA[منى الحربي]]></wp:comment_author><wp:comment_author_email><![CDATA[mona@news.example.com]]></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP><![CDATA[10.0.0.2]]></wp:comment_author_IP><wp:comment_date><![CDATA[2026-03-20 01:30:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2026-03-19 22:30:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[شكراً لك، نتابع الخبر.]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[]]></wp:comment_type><wp:comment_parent>201</wp:comment_parent><wp:comment_user_id>2</wp:comment_user_id></wp:comment>
		<wp:comment><wp:comment_id>204</wp:comment_id><wp:comment_author><![CDATA[spam bot]]></wp:comment_author><wp:comment_author_email><![CDATA[bot@spam.example]]></wp:comment_author_email><wp:comment_author_url><![CDATA[https://spam.example]]></wp:comment_author_url><wp:comment_author_IP><![CDATA[10.0.0.9]]></wp:comment_author_IP><wp:comment_date><![CDATA[2026-03-20 03:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2026-03-20 00:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[buy now]]></wp:comment_content><wp:comment_approved><![CDATA[spam]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
		<wp:comment><wp:comment_id>205</wp:comment_id><wp:comment_author><![CDATA[blog]]></wp:comment_author><wp:comment_author_email></wp:comment_author_email><wp:comment_author_url><![CDATA[https://blog.example]]></wp:comment_author_url><wp:comment_author_IP></wp:comment_author_IP><wp:comment_date><![CDATA[2026-03-20 04:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2026-03-20 01:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[[…] أشار الموقع […]]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[pingback]]></wp:comment_type><wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
		<wp:comment><wp:comment_id>206</wp:comment_id><wp:comment_author><![CDATA[خالد]]></wp:comment_author><wp:comment_author_email><![CDATA[khalid@example.org]]></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP></wp:comment_author_IP><wp:comment_date><![CDATA[2026-03-20 05:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2026-03-20 02:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[تعليق بانتظار المراجعة]]></wp:comment_content><wp:comment_approved><![CDATA[0]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
	</item>

	<item>
		<title><![CDATA[الدوري ينطلق بعد العيد]]></title>
		<link>{league}</link>
		<pubDate>Sat, 21 Mar 2026 20:59:59 +0000</pubDate>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">{BASE}/?p=105</guid>
		<description></description>
		<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>تنطلق مباريات الدوري مساء السبت.</p>
<!-- /wp:paragraph -->]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>105</wp:post_id>
		<wp:post_date><![CDATA[2026-03-21 23:59:59]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[closed]]></wp:comment_status>
		<wp:post_name><![CDATA[{LEAGUE_SLUG}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="{SPORT_CATEGORY}"><![CDATA[Sports]]></category>
	</item>

	<item>
		<title><![CDATA[قمة الطاقة المقبلة]]></title>
		<link>{future}</link>
		<pubDate>Mon, 01 Jul 2030 09:00:00 +0000</pubDate>
		<dc:creator><![CDATA[mona]]></dc:creator>
		<guid isPermaLink="false">{BASE}/?p=102</guid>
		<description></description>
		<content:encoded><![CDATA[تعقد القمة في الرياض.]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>102</wp:post_id>
		<wp:post_date><![CDATA[2030-07-01 12:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2030-07-01 09:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[energy-summit]]></wp:post_name>
		<wp:status><![CDATA[future]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="economy"><![CDATA[اقتصاد]]></category>
	</item>

	<item>
		<title><![CDATA[مسودة بلا رابط]]></title>
		<link>{BASE}/?p=103</link>
		<pubDate></pubDate>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">{BASE}/?p=103</guid>
		<description></description>
		<content:encoded><![CDATA[نص لم يكتمل.]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>103</wp:post_id>
		<wp:post_date><![CDATA[0000-00-00 00:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
		<wp:post_name></wp:post_name>
		<wp:status><![CDATA[draft]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>

	<item>
		<title><![CDATA[خبر خاص]]></title>
		<link>{BASE}/?p=104</link>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">{BASE}/?p=104</guid>
		<content:encoded><![CDATA[للمحررين فقط.]]></content:encoded>
		<wp:post_id>104</wp:post_id>
		<wp:post_date><![CDATA[2026-03-18 10:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-03-18 07:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[private-note]]></wp:post_name>
		<wp:status><![CDATA[private]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>

	<item>
		<title><![CDATA[فريق التحرير]]></title>
		<link>{BASE}/{ABOUT_SLUG}/{TEAM_SLUG}/</link>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">{BASE}/?page_id=111</guid>
		<content:encoded><![CDATA[<p>رئيس التحرير: منى الحربي.</p>]]></content:encoded>
		<wp:post_id>111</wp:post_id>
		<wp:post_date><![CDATA[2026-01-01 10:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-01-01 07:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[{TEAM_SLUG}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>110</wp:post_parent>
		<wp:post_type><![CDATA[page]]></wp:post_type>
	</item>

	<item>
		<title><![CDATA[من نحن]]></title>
		<link>{BASE}/{ABOUT_SLUG}/</link>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">{BASE}/?page_id=110</guid>
		<content:encoded><![CDATA[صحيفة الخليج صحيفة يومية.

تأسست عام ١٩٩٠.]]></content:encoded>
		<wp:post_id>110</wp:post_id>
		<wp:post_date><![CDATA[2026-01-01 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-01-01 06:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[{ABOUT_SLUG}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type><![CDATA[page]]></wp:post_type>
	</item>

	<item>
		<title><![CDATA[الرئيسية]]></title>
		<link>{BASE}/?p=130</link>
		<wp:post_id>130</wp:post_id>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
	</item>
	<item>
		<title><![CDATA[101-revision-v1]]></title>
		<link>{BASE}/?p=131</link>
		<wp:post_id>131</wp:post_id>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_parent>101</wp:post_parent>
		<wp:post_type><![CDATA[revision]]></wp:post_type>
	</item>
</channel>
</rss>
"#
    )
}
