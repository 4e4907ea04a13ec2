//! WordPress content conversion over real inputs.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use sahifa_wxr::content::{
    Converted, Links, MediaLink, comment_text, convert_post, upload_key, upload_references,
};

const BASE: &str = "https://example.com/";

fn upload(key: &str) -> Option<String> {
    let rest = key.strip_prefix("https://example.com/wp-content/uploads/")?;
    (!rest.contains("missing")).then(|| format!("/media/{rest}"))
}

fn attachment(id: i64) -> Option<MediaLink> {
    (1..=20).contains(&id).then(|| MediaLink {
        url: format!("/media/att-{id}.jpg"),
        alt: format!("صورة {id}"),
        width: Some(800),
        height: Some(600),
        caption: if id == 2 {
            "تعليق الصورة".into()
        } else {
            String::new()
        },
    })
}

fn convert_with(raw: &str, base: &str, post_attachments: &[i64]) -> Converted {
    let links = Links {
        old_base: base,
        upload: &upload,
        attachment: &attachment,
        post_attachments,
    };
    convert_post(raw, &links)
}

fn convert(raw: &str) -> Converted {
    convert_with(raw, BASE, &[])
}

fn html(raw: &str) -> String {
    convert(raw).html
}

#[test]
fn classic_content_is_autopd_like_wordpress() {
    assert_eq!(
        html("فقرة أولى\nسطر ثان\n\nفقرة ثانية"),
        "<p dir=\"auto\">فقرة أولى<br>\nسطر ثان</p>\n<p dir=\"auto\">فقرة ثانية</p>\n"
    );
    // Windows line endings, runs of blank lines, spaces around the breaks.
    assert_eq!(
        html("one  \r\n  two\r\n\r\n\r\n\r\nthree"),
        "<p dir=\"auto\">one<br>\ntwo</p>\n<p dir=\"auto\">three</p>\n"
    );
    // Block-level elements are not wrapped; a list item's lines keep their breaks.
    assert_eq!(
        html("<ul>\n<li>أ</li>\n<li>ب\nج</li>\n</ul>\nبعد"),
        "<ul dir=\"auto\"><li dir=\"auto\">أ</li><li dir=\"auto\">ب<br>\nج</li></ul><p dir=\"auto\">بعد</p>\n"
    );
    assert_eq!(
        html("<h2>عنوان</h2>\nنص"),
        "<h2 dir=\"auto\">عنوان</h2><p dir=\"auto\">نص</p>\n"
    );
    // A quote's text becomes its paragraphs.
    assert_eq!(
        html("<blockquote>قال\n\nثم قال</blockquote>"),
        "<blockquote dir=\"auto\"><p dir=\"auto\">قال</p>\n<p dir=\"auto\">ثم قال</p>\n</blockquote>"
    );
    // Two <br>s are a paragraph break; one next to a newline is not doubled.
    assert_eq!(
        html("a<br /><br />b<br>\nc"),
        "<p dir=\"auto\">a</p>\n<p dir=\"auto\">b<br>\nc</p>\n"
    );
    // Inline markup stays in its paragraph.
    assert_eq!(
        html("<strong>خبر</strong> عاجل\n<em>تفاصيل</em>"),
        "<p dir=\"auto\"><strong>خبر</strong> عاجل<br>\n<em>تفاصيل</em></p>\n"
    );
    // `pre` is untouched by autop; its lines are kept as line breaks.
    assert_eq!(
        html("قبل\n<pre>\nline 1\n\n  line 3</pre>\nبعد"),
        "<p dir=\"auto\">قبل</p>\n<p dir=\"auto\">line 1<br>\n<br>\n  line 3</p><p dir=\"auto\">بعد</p>\n"
    );
    assert_eq!(html(""), "");
    assert_eq!(html("  \n\n  "), "");
}

#[test]
fn block_content_is_kept_as_it_is() {
    let raw = "<!-- wp:paragraph -->\n<p>سطر\nمتصل</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">عنوان</h3>\n<!-- /wp:heading -->\n\n<!-- wp:list -->\n<ul><li>واحد</li></ul>\n<!-- /wp:list -->";
    let out = html(raw);
    // No <br> added inside the paragraph, no comment left, no paragraph around blocks.
    assert!(out.contains("<p dir=\"auto\">سطر\nمتصل</p>"), "{out}");
    assert!(out.contains("<h3 dir=\"auto\">عنوان</h3>"), "{out}");
    assert!(
        out.contains("<ul dir=\"auto\"><li dir=\"auto\">واحد</li></ul>"),
        "{out}"
    );
    assert!(!out.contains("<br>") && !out.contains("wp:"), "{out}");

    let image = "<!-- wp:image {\"id\":7} -->\n<figure class=\"wp-block-image size-large\"><img src=\"https://example.com/wp-content/uploads/2021/05/b-1024x683.jpg\" alt=\"بديل\" class=\"wp-image-7\"/><figcaption>تعليق</figcaption></figure>\n<!-- /wp:image -->";
    assert_eq!(
        html(image).trim(),
        "<figure class=\"image\" dir=\"auto\"><img src=\"/media/2021/05/b.jpg\" alt=\"بديل\"><figcaption dir=\"auto\">تعليق</figcaption></figure>"
    );
}

#[test]
fn caption_becomes_an_image_figure() {
    let raw = "[caption id=\"attachment_12\" align=\"aligncenter\" width=\"300\"]<a href=\"https://example.com/wp-content/uploads/2020/01/a.jpg\"><img class=\"size-medium wp-image-12\" src=\"https://example.com/wp-content/uploads/2020/01/a-300x200.jpg\" alt=\"بديل\" width=\"300\" height=\"200\" /></a> تعليق <em>الصورة</em>[/caption]";
    assert_eq!(
        html(raw),
        "<figure class=\"image\" dir=\"auto\"><img src=\"/media/2020/01/a.jpg\" alt=\"بديل\" width=\"300\" height=\"200\"><figcaption dir=\"auto\">تعليق <em>الصورة</em></figcaption></figure>"
    );
    // Single-quoted and bare attributes, the caption in an attribute (WordPress < 3.4),
    // text around it in the same paragraph.
    let raw = "قبل\n[caption id='attachment_3' width=200 caption='قديم']<img src=\"https://example.com/wp-content/uploads/missing.jpg\">[/caption]\nبعد";
    let out = convert(raw);
    assert_eq!(
        out.html,
        "<p dir=\"auto\">قبل</p>\n<figure class=\"image\" dir=\"auto\"><img src=\"/media/att-3.jpg\" alt=\"صورة 3\" width=\"800\" height=\"600\"><figcaption dir=\"auto\">قديم</figcaption></figure><p dir=\"auto\">بعد</p>\n"
    );
    // The file was not imported but its attachment was: not an old-host reference.
    assert_eq!(out.old_host_references, 0);
    // A caption without an image is its content.
    assert_eq!(
        html("[caption]نص فقط[/caption]"),
        "<p dir=\"auto\">نص فقط</p>\n"
    );
}

#[test]
fn gallery_shows_the_attachments() {
    let out = html("[gallery ids=\"1, 2,99\" columns=\"3\"]");
    assert_eq!(
        out,
        "<figure class=\"gallery\" dir=\"auto\"><figure class=\"image\" dir=\"auto\"><img src=\"/media/att-1.jpg\" alt=\"صورة 1\" width=\"800\" height=\"600\"></figure><figure class=\"image\" dir=\"auto\"><img src=\"/media/att-2.jpg\" alt=\"صورة 2\" width=\"800\" height=\"600\"><figcaption dir=\"auto\">تعليق الصورة</figcaption></figure></figure>"
    );
    // Without ids: the post's own attachments, less the excluded.
    let out = convert_with("[gallery exclude=\"4\"]", BASE, &[4, 5]).html;
    assert_eq!(
        out,
        "<figure class=\"gallery\" dir=\"auto\"><figure class=\"image\" dir=\"auto\"><img src=\"/media/att-5.jpg\" alt=\"صورة 5\" width=\"800\" height=\"600\"></figure></figure>"
    );
    // Nothing known: nothing shown.
    assert_eq!(html("[gallery]"), "");
    assert_eq!(html("[gallery ids=\"99\"]"), "");
}

#[test]
fn embeds_of_known_providers() {
    let youtube = "<figure class=\"embed\" data-provider=\"youtube\" data-url=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" dir=\"auto\"><a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" rel=\"noopener noreferrer\">https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>";
    let x = "<figure class=\"embed\" data-provider=\"x\" data-url=\"https://x.com/AJArabic/status/1790000000000000000\" dir=\"auto\">";
    assert_eq!(html("[embed]https://youtu.be/dQw4w9WgXcQ[/embed]"), youtube);
    assert_eq!(
        html("[embed width=\"500\"] https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=3 [/embed]"),
        youtube
    );
    // A bare URL on its own line, next to text.
    let out = html(
        "مقدمة\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\nhttps://twitter.com/AJArabic/status/1790000000000000000\n\nخاتمة",
    );
    assert!(out.starts_with("<p dir=\"auto\">مقدمة</p>\n"), "{out}");
    assert!(out.contains(youtube) && out.contains(x), "{out}");
    assert!(out.ends_with("<p dir=\"auto\">خاتمة</p>\n"), "{out}");
    // A URL inside a sentence stays a link in the sentence.
    let out = html("شاهد https://www.youtube.com/watch?v=dQw4w9WgXcQ الآن");
    assert!(out.starts_with("<p dir=\"auto\">شاهد <a href="), "{out}");
    // An unknown URL: a paragraph with its link.
    assert_eq!(
        html("[embed]https://vimeo.com/123[/embed]"),
        "<p dir=\"auto\"><a href=\"https://vimeo.com/123\" rel=\"noopener noreferrer\">https://vimeo.com/123</a></p>"
    );
    assert_eq!(
        html("https://vimeo.com/123"),
        "<p dir=\"auto\"><a href=\"https://vimeo.com/123\" rel=\"noopener noreferrer\">https://vimeo.com/123</a></p>\n"
    );
    // Block embeds, old and new, with their caption kept as a paragraph.
    let block = "<!-- wp:embed {\"url\":\"https://youtu.be/dQw4w9WgXcQ\",\"type\":\"video\"} -->\n<figure class=\"wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube\"><div class=\"wp-block-embed__wrapper\">\nhttps://youtu.be/dQw4w9WgXcQ\n</div><figcaption>شرح</figcaption></figure>\n<!-- /wp:embed -->";
    assert_eq!(
        html(block).trim(),
        format!("{youtube}<p dir=\"auto\">شرح</p>")
    );
    let old = "<!-- wp:core-embed/twitter {\"url\":\"https://twitter.com/AJArabic/status/1790000000000000000\"} -->\n<figure class=\"wp-block-embed-twitter wp-block-embed is-type-rich\"><div class=\"wp-block-embed__wrapper\">\nhttps://twitter.com/AJArabic/status/1790000000000000000\n</div></figure>\n<!-- /wp:core-embed/twitter -->";
    assert!(html(old).trim().starts_with(x));
    // A frame and an embedded tweet's markup.
    let frame = "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" frameborder=\"0\" allowfullscreen></iframe>";
    assert_eq!(html(frame), youtube);
    let tweet = "<blockquote class=\"twitter-tweet\"><p lang=\"ar\" dir=\"rtl\">نص التغريدة</p>&mdash; الجزيرة (@AJArabic) <a href=\"https://twitter.com/AJArabic/status/1790000000000000000?ref_src=twsrc%5Etfw\">May 1, 2024</a></blockquote> <script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>";
    assert!(html(tweet).starts_with(x), "{}", html(tweet));
}

#[test]
fn video_and_audio_become_links_to_the_file() {
    assert_eq!(
        html(
            "[video width=\"640\" mp4=\"https://example.com/wp-content/uploads/2020/01/clip-1.mp4\" poster=\"x.jpg\"][/video]"
        ),
        "<p dir=\"auto\"><a href=\"/media/2020/01/clip-1.mp4\" rel=\"noopener noreferrer\">clip-1.mp4</a></p>\n"
    );
    assert_eq!(
        html(
            "استمع: [audio src=\"https://example.com/wp-content/uploads/2020/01/%D8%AA%D9%84%D8%A7%D9%88%D8%A9.mp3\" /]"
        ),
        "<p dir=\"auto\">استمع: <a href=\"/media/2020/01/تلاوة.mp3\" rel=\"noopener noreferrer\">تلاوة.mp3</a></p>\n"
    );
    assert_eq!(
        html("[audio https://example.com/wp-content/uploads/a.mp3]"),
        "<p dir=\"auto\"><a href=\"/media/a.mp3\" rel=\"noopener noreferrer\">a.mp3</a></p>\n"
    );
    // A file that was not imported stays on the old host, and is counted.
    let out = convert("[audio mp3=\"https://example.com/wp-content/uploads/missing.mp3\"]");
    assert_eq!(
        out.html,
        "<p dir=\"auto\"><a href=\"https://example.com/wp-content/uploads/missing.mp3\" rel=\"noopener noreferrer\">missing.mp3</a></p>\n"
    );
    assert_eq!(out.old_host_references, 1);
    assert!(
        html("[video src=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"]")
            .starts_with("<figure class=\"embed\" data-provider=\"youtube\"")
    );
    // The block editor's players.
    let block = "<!-- wp:video {\"id\":5} -->\n<figure class=\"wp-block-video\"><video controls src=\"https://example.com/wp-content/uploads/2020/01/v.mp4\"></video><figcaption>فيديو</figcaption></figure>\n<!-- /wp:video -->";
    assert_eq!(
        html(block).trim(),
        "<p dir=\"auto\"><a href=\"/media/2020/01/v.mp4\" rel=\"noopener noreferrer\">v.mp4</a></p><p dir=\"auto\">فيديو</p>"
    );
}

#[test]
fn shortcode_syntax() {
    // Escaped shortcodes are their literal text; unknown ones stay as they are.
    assert_eq!(
        html("اكتب [[gallery]] هكذا"),
        "<p dir=\"auto\">اكتب [gallery] هكذا</p>\n"
    );
    assert_eq!(
        html("[[caption]x[/caption]]"),
        "<p dir=\"auto\">[caption]x[/caption]</p>\n"
    );
    assert_eq!(
        html("[contact-form-7 id=\"1\" title=\"اتصل\"]"),
        "<p dir=\"auto\">[contact-form-7 id=\"1\" title=\"اتصل\"]</p>\n"
    );
    assert_eq!(
        html("[ليس رمزا] و [ و ]"),
        "<p dir=\"auto\">[ليس رمزا] و [ و ]</p>\n"
    );
    // An enclosing shortcode without its end tag is self-closing.
    assert_eq!(html("[embed]"), "");
    // Many brackets cost linear time (this would take minutes if each were searched to the end).
    let many = "[caption ".repeat(20_000);
    assert!(!html(&many).is_empty());
    let many = "[embed]".repeat(20_000);
    assert_eq!(html(&many), "");
}

#[test]
fn more_and_nextpage() {
    let out = convert("مقدمة\n<!--more-->\nبقية");
    assert_eq!(
        out.html,
        "<p dir=\"auto\">مقدمة</p>\n<p dir=\"auto\">بقية</p>\n"
    );
    assert!(out.had_more);
    assert_eq!(out.pages, 1);
    let out = convert("تشويق <!--more اقرأ المزيد-->تكملة");
    assert_eq!(out.html, "<p dir=\"auto\">تشويق تكملة</p>\n");
    assert!(out.had_more);
    let out = convert("صفحة ١\n<!--nextpage-->\nصفحة ٢<!--nextpage-->صفحة ٣");
    assert_eq!(
        out.html,
        "<p dir=\"auto\">صفحة ١</p><hr>\n<p dir=\"auto\">صفحة ٢</p><hr>\n<p dir=\"auto\">صفحة ٣</p>\n"
    );
    assert_eq!(out.pages, 3);
    assert!(!out.had_more);
    let block = "<!-- wp:paragraph --><p>أ</p><!-- /wp:paragraph --><!-- wp:more --><!--more--><!-- /wp:more --><!-- wp:nextpage --><!--nextpage--><!-- /wp:nextpage --><!-- wp:paragraph --><p>ب</p><!-- /wp:paragraph -->";
    let out = convert(block);
    assert_eq!(
        out.html,
        "<p dir=\"auto\">أ</p>\n<hr>\n<p dir=\"auto\">ب</p>"
    );
    assert_eq!((out.had_more, out.pages), (true, 2));
}

#[test]
fn old_upload_references_are_rewritten() {
    let img = |src: &str| html(&format!("<img src=\"{src}\" alt=\"\">"));
    let new = "<p dir=\"auto\"><img src=\"/media/2020/01/a.jpg\" alt=\"\"></p>\n";
    for src in [
        "https://example.com/wp-content/uploads/2020/01/a.jpg",
        "http://example.com/wp-content/uploads/2020/01/a.jpg",
        "//example.com/wp-content/uploads/2020/01/a.jpg",
        "/wp-content/uploads/2020/01/a.jpg",
        "HTTPS://EXAMPLE.COM/wp-content/uploads/2020/01/a.jpg?ver=2#x",
        "https://example.com:443/wp-content/uploads/2020/01/a-150x150.jpg",
        "https://example.com/wp-content/uploads/2020/01/a-scaled.jpg",
        "https://example.com/wp-content/uploads/2020/01/a-1024x768.jpg",
        "https://example.com/wp-content/uploads/2020/01/%61.jpg",
        "https://example.com/wp-content/uploads/2020/01/a&#46;jpg",
        "https:&#x2F;&#x2F;example.com/wp-content/uploads/2020/01/a.jpg",
        "https://i0.wp.com/example.com/wp-content/uploads/2020/01/a.jpg?resize=300",
    ] {
        assert_eq!(img(src), new, "{src}");
    }
    // Look-alikes, other paths and data URIs are left alone and not counted.
    for src in [
        "https://example.com.evil.org/wp-content/uploads/2020/01/a.jpg",
        "https://notexample.com/wp-content/uploads/2020/01/a.jpg",
        "https://user@example.com/wp-content/uploads/2020/01/a.jpg",
        "https://example.com/wp-content/themes/x/a.jpg",
        "https://example.com/wp-content/uploads/../../etc/passwd",
    ] {
        let out = convert(&format!("<img src=\"{src}\">"));
        assert_eq!(
            out.html,
            format!("<p dir=\"auto\"><img src=\"{src}\"></p>\n"),
            "{src}"
        );
        assert_eq!(out.old_host_references, 0, "{src}");
    }
    let data = convert("<p>x<img src=\"data:image/gif;base64,R0lGOD\">y</p>");
    assert_eq!(data.old_host_references, 0);
    assert_eq!(data.html, "<p dir=\"auto\">xy</p>");

    // A base with a path: the prefix is the whole segment.
    let base = "https://example.com/news";
    let upload_news = |key: &str| {
        key.strip_prefix("https://example.com/news/wp-content/uploads/")
            .map(|r| format!("/media/{r}"))
    };
    let links = Links {
        old_base: base,
        upload: &upload_news,
        attachment: &attachment,
        post_attachments: &[],
    };
    let out = convert_post(
        "<a href=\"https://example.com/news/wp-content/uploads/f.pdf\">ملف</a> <a href=\"https://example.com/news-not-taken/wp-content/uploads/f.pdf\">آخر</a>",
        &links,
    );
    assert!(
        out.html.contains("<a href=\"/media/f.pdf\""),
        "{}",
        out.html
    );
    assert!(
        out.html
            .contains("https://example.com/news-not-taken/wp-content/uploads/f.pdf")
    );
    assert_eq!(out.old_host_references, 0);

    // Not imported: kept on the old host and counted, a relative one made absolute.
    let out = convert(
        "<img src=\"https://example.com/wp-content/uploads/missing-300x200.jpg\"> <a href=\"/wp-content/uploads/missing.pdf\">pdf</a> <img src=\"//example.com/wp-content/uploads/missing.png\">",
    );
    assert_eq!(out.old_host_references, 3);
    assert!(
        out.html
            .contains("src=\"https://example.com/wp-content/uploads/missing-300x200.jpg\"")
    );
    assert!(
        out.html
            .contains("href=\"https://example.com/wp-content/uploads/missing.pdf\"")
    );
    assert!(
        out.html
            .contains("src=\"https://example.com/wp-content/uploads/missing.png\"")
    );

    // srcset's first candidate when there is no src; lazy-loading placeholders.
    assert_eq!(
        html(
            "<img srcset=\"https://example.com/wp-content/uploads/2020/01/a-300x200.jpg 300w, https://example.com/wp-content/uploads/2020/01/a.jpg 1024w\">"
        ),
        "<p dir=\"auto\"><img src=\"/media/2020/01/a.jpg\"></p>\n"
    );
    assert_eq!(
        html(
            "<img src=\"data:image/gif;base64,R0lGOD\" data-lazy-src=\"https://example.com/wp-content/uploads/2020/01/a.jpg\">"
        ),
        "<p dir=\"auto\"><img src=\"/media/2020/01/a.jpg\"></p>\n"
    );
    // Mentions in text, next to punctuation.
    assert_eq!(
        html(
            "الملف: https://example.com/wp-content/uploads/2020/01/a-150x150.jpg، وليس https://example.com/about."
        ),
        "<p dir=\"auto\">الملف: <a href=\"/media/2020/01/a.jpg\" rel=\"noopener noreferrer\">/media/2020/01/a.jpg</a>، وليس <a href=\"https://example.com/about\" rel=\"noopener noreferrer\">https://example.com/about</a>.</p>\n"
    );
}

#[test]
fn upload_urls_map_to_their_original() {
    for (url, original) in [
        (
            "https://e.com/wp-content/uploads/2020/01/a-150x150.jpg",
            "https://e.com/wp-content/uploads/2020/01/a.jpg",
        ),
        ("a-scaled.jpg", "a.jpg"),
        ("a-scaled-1024x768.jpeg", "a.jpeg"),
        ("/u/photo-2-1x1.png?x=1", "/u/photo-2.png?x=1"),
        ("صورة-300x200.jpg", "صورة.jpg"),
        ("a-1024x768", "a-1024x768"),
        ("-150x150.jpg", "-150x150.jpg"),
        ("a-123456x1.jpg", "a-123456x1.jpg"),
        ("a-x150.jpg", "a-x150.jpg"),
        ("2020-01-01.jpg", "2020-01-01.jpg"),
        ("", ""),
    ] {
        assert_eq!(
            sahifa_text::old_urls::upload_original(url),
            original,
            "{url}"
        );
    }
    assert_eq!(
        upload_key(
            "http://example.com/wp-content/uploads/2020/01/%D8%B5-300x200.jpg?v=1",
            BASE
        )
        .as_deref(),
        Some("https://example.com/wp-content/uploads/2020/01/ص.jpg")
    );
    assert_eq!(upload_key("https://example.com/2020/01/post/", BASE), None);
    // WordPress.com serves a site's uploads from its files host.
    assert_eq!(
        upload_key(
            "https://wpthemetestdata.files.wordpress.com/2008/06/img-150x150.jpg",
            "https://wpthemetestdata.wordpress.com/"
        )
        .as_deref(),
        Some("https://wpthemetestdata.files.wordpress.com/2008/06/img.jpg")
    );
}

#[test]
fn every_upload_reference_is_listed_once() {
    let raw = "<img src=\"https://example.com/wp-content/uploads/2020/01/a-300x200.jpg\" srcset=\"https://example.com/wp-content/uploads/2020/01/a-1024x768.jpg 1024w, http://example.com/wp-content/uploads/2020/01/b.jpg 2x\">\n[video mp4=\"https://example.com/wp-content/uploads/v.mp4\"]\n<a href=\"https://example.com/wp-content/uploads/2020/01/a.jpg\">x</a> <a href=\"https://other.org/wp-content/uploads/c.jpg\">y</a> https://example.com/wp-content/uploads/%D8%AF.pdf";
    assert_eq!(
        upload_references(raw, BASE),
        vec![
            "https://example.com/wp-content/uploads/2020/01/a.jpg",
            "https://example.com/wp-content/uploads/2020/01/b.jpg",
            "https://example.com/wp-content/uploads/v.mp4",
            "https://example.com/wp-content/uploads/د.pdf",
        ]
    );
    assert!(upload_references(raw, "not a url").is_empty());
}

#[test]
fn text_is_kept_byte_for_byte() {
    let text = "نص\u{200c}عربي \u{200f}مع علامة 😀 C:\\path \"quoted\" 'single' \u{0623}\u{0654}";
    assert_eq!(html(text), format!("<p dir=\"auto\">{text}</p>\n"));
    // Already decomposed and composed forms are both left as they are.
    let decomposed = "e\u{301} é";
    assert_eq!(
        html(decomposed),
        format!("<p dir=\"auto\">{decomposed}</p>\n")
    );
    // The reordering controls are what sanitize removes on purpose.
    assert_eq!(html("a\u{202e}b"), "<p dir=\"auto\">ab</p>\n");
}

#[test]
fn comments_become_plain_text() {
    assert_eq!(comment_text("شكراً &amp; مرحباً"), "شكراً & مرحباً");
    assert_eq!(
        comment_text("&amp;lt;b&amp;gt; يبقى نصاً"),
        "&lt;b&gt; يبقى نصاً"
    );
    assert_eq!(comment_text("<b>عريض</b> و<em>مائل</em>"), "عريض ومائل");
    assert_eq!(comment_text("سطر<br>سطر<br />\nسطر"), "سطر\nسطر\nسطر");
    assert_eq!(comment_text("<p>فقرة</p><p>أخرى</p>"), "فقرة\n\nأخرى");
    // WordPress stores typed comments with their newlines: they mean the same here.
    assert_eq!(comment_text("أ\nب\n\n\n\nج  \r\n"), "أ\nب\n\nج");
    assert_eq!(
        comment_text(
            "<a href=\"https://example.org/x\" rel=\"nofollow\">هنا</a> و <a href=\"https://example.org/\">example.org</a>"
        ),
        "هنا (https://example.org/x) و example.org"
    );
    assert_eq!(comment_text("<a href=\"javascript:alert(1)\">x</a>"), "x");
    assert_eq!(
        comment_text("<blockquote>اقتباس</blockquote>ردي"),
        "اقتباس\n\nردي"
    );
    assert_eq!(
        comment_text("<img src=\"s.png\" alt=\":)\" class=\"wp-smiley\"> 😀"),
        ":) 😀"
    );
    assert_eq!(comment_text("<script>alert(1)</script>نص"), "نص");
    assert_eq!(comment_text("5 < 6 and 7 > 3"), "5 < 6 and 7 > 3");
    assert_eq!(comment_text("قال: \"لا\" \\ 'نعم'"), "قال: \"لا\" \\ 'نعم'");
    assert_eq!(comment_text(""), "");
}

/// Every `content:encoded` of a WXR file (CDATA sections, as WordPress writes them).
fn contents(xml: &str) -> Vec<String> {
    const OPEN: &str = "<content:encoded><![CDATA[";
    const CLOSE: &str = "]]></content:encoded>";
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(OPEN) {
        let body = &rest[at + OPEN.len()..];
        let Some(end) = body.find(CLOSE) else { break };
        found.push(body[..end].replace("]]]]><![CDATA[>", "]]>"));
        rest = &body[end + CLOSE.len()..];
    }
    found
}

#[test]
fn the_theme_unit_test_data_converts() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/wxr/themeunittestdata.wordpress.xml"
    );
    let Ok(xml) = std::fs::read_to_string(path).or_else(|_| {
        std::fs::read_to_string("/work/shared/fixtures/wxr/themeunittestdata.wordpress.xml")
    }) else {
        panic!("fixture missing: {path}");
    };
    let bodies = contents(&xml);
    assert!(bodies.len() > 80, "{}", bodies.len());
    let base = "https://wpthemetestdata.wordpress.com/";
    let mut with_text = 0;
    let mut galleries = 0;
    let mut rewritten = 0;
    for body in &bodies {
        let refs = upload_references(body, base);
        let upload = |key: &str| Some(format!("/media/{}", key.rsplit('/').next().unwrap_or("x")));
        let links = Links {
            old_base: base,
            upload: &upload,
            attachment: &attachment,
            post_attachments: &[1, 2],
        };
        let out = convert_post(body, &links);
        if !body.trim().is_empty() {
            assert!(!out.html.trim().is_empty(), "empty output for {body:?}");
            with_text += 1;
        }
        assert_eq!(out.html, sahifa_text::body::sanitize(&out.html), "{body:?}");
        assert_eq!(out.old_host_references, 0, "{body:?}");
        galleries += usize::from(out.html.contains("<figure class=\"gallery\""));
        if !refs.is_empty() {
            assert!(!out.html.contains("files.wordpress.com"), "{}", out.html);
            rewritten += 1;
        }
        assert!(
            !out.html.contains("[gallery") && !out.html.contains("[caption"),
            "{}",
            out.html
        );
    }
    assert!(with_text > 50, "{with_text}");
    assert!(galleries > 0 && rewritten > 0, "{galleries} {rewritten}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("<p>".to_string()),
            Just("</p>".to_string()),
            Just("<br>".to_string()),
            Just("<pre>".to_string()),
            Just("</pre>".to_string()),
            Just("<ul><li>".to_string()),
            Just("</li></ul>".to_string()),
            Just("<blockquote class=\"twitter-tweet\">".to_string()),
            Just("</blockquote>".to_string()),
            Just("<figure class=\"wp-block-embed\"><div>".to_string()),
            Just("</figure>".to_string()),
            Just("<iframe src=\"https://youtu.be/dQw4w9WgXcQ\">".to_string()),
            Just("<!-- wp:paragraph -->".to_string()),
            Just("<!--more-->".to_string()),
            Just("<!--nextpage-->".to_string()),
            Just("[caption id=\"attachment_2\"]".to_string()),
            Just("[/caption]".to_string()),
            Just("[gallery ids=\"1,2\"]".to_string()),
            Just("[[".to_string()),
            Just("]]".to_string()),
            Just("[embed]".to_string()),
            Just("[/embed]".to_string()),
            Just("[video mp4='https://example.com/wp-content/uploads/v.mp4']".to_string()),
            Just("<img src=\"https://example.com/wp-content/uploads/a-1x1.jpg\" class=\"wp-image-3\">".to_string()),
            Just("<a href=\"//example.com/wp-content/uploads/missing.pdf\">".to_string()),
            Just("</a>".to_string()),
            Just("https://www.youtube.com/watch?v=dQw4w9WgXcQ".to_string()),
            Just("&amp;&#x;&#99999999;&".to_string()),
            Just("<".to_string()),
            Just("<a b='".to_string()),
            "[\\PC\u{200c}\u{202e}]{0,12}",
            "[<>\\[\\]/=\"' a-z&;#!-]{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn never_panics_and_is_a_fixed_point_of_sanitize(parts in proptest::collection::vec(fragment(), 0..24)) {
            let raw: String = parts.concat();
            let out = convert_with(&raw, BASE, &[1]);
            prop_assert_eq!(sahifa_text::body::sanitize(&out.html), out.html.clone());
            let _ = upload_references(&raw, BASE);
            let _ = comment_text(&raw);
            let _ = sahifa_text::old_urls::upload_original(&raw);
        }

        #[test]
        fn arbitrary_text_never_panics(raw in "\\PC{0,200}") {
            let out = convert(&raw);
            prop_assert_eq!(sahifa_text::body::sanitize(&out.html), out.html.clone());
            let _ = comment_text(&raw);
            let _ = upload_references(&raw, "https://example.com/news/");
        }
    }
}

#[test]
fn upload_folder_path_is_the_path_under_the_uploads_folder_decoded_once() {
    use sahifa_wxr::content::upload_folder_path;
    for (key, path) in [
        (
            "https://example.com/wp-content/uploads/2020/01/صورة.jpg",
            Some("2020/01/صورة.jpg"),
        ),
        (
            "https://example.com/news/wp-content/uploads/2020/01/100%25.jpg",
            Some("2020/01/100%25.jpg"),
        ),
        (
            "https://example.com/wp-content/blogs.dir/2/files/a.png",
            Some("2/files/a.png"),
        ),
        (
            "https://example.com/files/2019/05/a.png",
            Some("2019/05/a.png"),
        ),
        (
            "https://files.example.com/2019/05/a.png",
            Some("2019/05/a.png"),
        ),
        ("https://example.com", None),
        ("https://example.com/wp-content/uploads/", None),
    ] {
        assert_eq!(upload_folder_path(key), path, "{key}");
    }
    // A key is what `upload_key` made: the two agree.
    let key = upload_key(
        "https://example.com/wp-content/uploads/2020/01/%D8%B5-300x200.jpg?v=1",
        BASE,
    )
    .unwrap();
    assert_eq!(upload_folder_path(&key), Some("2020/01/ص.jpg"));
}
