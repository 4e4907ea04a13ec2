//! What a WXR file holds, as plain data. Strings are exactly the file's text (entity and
//! character references outside CDATA decoded, CDATA sections concatenated); scalar fields
//! (logins, ids, slugs, statuses, URLs, dates) are trimmed, content fields are not.

/// The channel's own fields: known once the first author, term or item is read (WordPress
/// writes them first) and complete at the end of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    /// `<title>`.
    pub title: String,
    /// `<link>`.
    pub link: String,
    /// `<description>`.
    pub description: String,
    /// `<language>`, e.g. `ar` or `en-US`.
    pub language: String,
    /// `wp:wxr_version`, trimmed, e.g. `1.2`.
    pub wxr_version: String,
    /// `wp:base_site_url`.
    pub base_site_url: String,
    /// `wp:base_blog_url`: the prefix of the site's URLs (WordPress.com sets
    /// `base_site_url` to `https://wordpress.com/`; this one is the blog's).
    pub base_blog_url: String,
}

/// A `wp:author` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// `wp:author_id`, when present and numeric.
    pub id: Option<i64>,
    /// `wp:author_login`, trimmed: the key posts use (`dc:creator`).
    pub login: String,
    /// `wp:author_email`, trimmed.
    pub email: String,
    /// `wp:author_display_name`.
    pub display_name: String,
    /// `wp:author_first_name`.
    pub first_name: String,
    /// `wp:author_last_name`.
    pub last_name: String,
}

/// Which taxonomy a term belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// `category`.
    Category,
    /// `post_tag` (WXR 1.0 items write `tag`).
    Tag,
    /// Anything else: `nav_menu`, `post_format`, a custom taxonomy (its name).
    Other(String),
}

/// A `wp:category`, `wp:tag` or `wp:term` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The taxonomy.
    pub kind: TermKind,
    /// `wp:term_id`, when present and numeric.
    pub id: Option<i64>,
    /// `wp:category_nicename` / `wp:tag_slug` / `wp:term_slug`, trimmed (possibly
    /// percent-encoded UTF-8, as WordPress stores it).
    pub slug: String,
    /// `wp:cat_name` / `wp:tag_name` / `wp:term_name`.
    pub name: String,
    /// `wp:category_parent` / `wp:term_parent`: the parent's slug, trimmed; empty for none.
    pub parent_slug: String,
    /// `wp:category_description` / `wp:tag_description` / `wp:term_description`.
    pub description: String,
}

/// A `<category domain="…" nicename="…">Name</category>` on an item. Only ones with both
/// attributes are listed (WXR 1.0's bare duplicates are not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTerm {
    /// `domain`: `category`, `post_tag` (`tag` in WXR 1.0 is reported as `post_tag`),
    /// `post_format`, `nav_menu`, …
    pub domain: String,
    /// `nicename`, trimmed: the term's slug.
    pub slug: String,
    /// The element's text: the term's name.
    pub name: String,
}

/// A `wp:postmeta` or `wp:commentmeta` pair, the value raw (a serialized PHP value is
/// kept as text, never unserialized).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// `wp:meta_key`, trimmed.
    pub key: String,
    /// `wp:meta_value`.
    pub value: String,
}

/// A `wp:comment` of an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comment {
    /// `wp:comment_id` (0 when missing or not a number).
    pub id: i64,
    /// `wp:comment_author`.
    pub author: String,
    /// `wp:comment_author_email`, trimmed.
    pub author_email: String,
    /// `wp:comment_author_url`, trimmed.
    pub author_url: String,
    /// `wp:comment_author_IP`, trimmed.
    pub author_ip: String,
    /// `wp:comment_date`, trimmed (`YYYY-MM-DD HH:MM:SS`, site time).
    pub date: String,
    /// `wp:comment_date_gmt`, trimmed.
    pub date_gmt: String,
    /// `wp:comment_content`: HTML.
    pub content: String,
    /// `wp:comment_approved`, trimmed: `1`, `0`, `spam`, `trash`, or empty.
    pub approved: String,
    /// `wp:comment_type`, trimmed: empty or `comment` for a comment, `pingback`,
    /// `trackback`, …
    pub comment_type: String,
    /// `wp:comment_parent` (0 for a top-level comment).
    pub parent: i64,
    /// `wp:comment_user_id` (0 for a visitor).
    pub user_id: i64,
    /// `wp:commentmeta`.
    pub meta: Vec<Meta>,
}

/// An `<item>`: a post, a page, an attachment, a menu item, a revision, a custom post type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// `<title>` (may hold HTML or be empty).
    pub title: String,
    /// `<link>`, trimmed: the old permalink, exactly as WordPress served it.
    pub link: String,
    /// `<pubDate>`, trimmed.
    pub pub_date: String,
    /// `dc:creator`, trimmed: the author's login.
    pub creator: String,
    /// `<guid>`, trimmed.
    pub guid: String,
    /// `<description>`.
    pub description: String,
    /// `content:encoded`: the body HTML.
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_id` (0 when missing or not a number).
    pub id: i64,
    /// `wp:post_date`, trimmed (site time; may be `0000-00-00 00:00:00`).
    pub post_date: String,
    /// `wp:post_date_gmt`, trimmed (may be `0000-00-00 00:00:00`).
    pub post_date_gmt: String,
    /// `wp:post_modified`, trimmed.
    pub post_modified: String,
    /// `wp:post_modified_gmt`, trimmed.
    pub post_modified_gmt: String,
    /// `wp:comment_status`, trimmed (`open`/`closed`).
    pub comment_status: String,
    /// `wp:post_name`, trimmed: the slug (percent-encoded UTF-8 for Arabic); may be empty.
    pub post_name: String,
    /// `wp:status`, trimmed: `publish`, `future`, `draft`, `pending`, `private`,
    /// `inherit`, `auto-draft`, `trash`.
    pub status: String,
    /// `wp:post_parent` (0 for none).
    pub parent: i64,
    /// `wp:menu_order`.
    pub menu_order: i64,
    /// `wp:post_type`, trimmed; empty when the item has none (such an item is not imported).
    pub post_type: String,
    /// `wp:post_password`.
    pub password: String,
    /// `wp:is_sticky` is `1`.
    pub sticky: bool,
    /// `wp:attachment_url`, trimmed.
    pub attachment_url: String,
    /// The item's `<category domain nicename>` elements, in file order.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta`, in file order.
    pub meta: Vec<Meta>,
    /// `wp:comment`, in file order.
    pub comments: Vec<Comment>,
}

impl Item {
    /// The first value of post meta `key`.
    pub fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.value.as_str())
    }
}

/// One thing read from the file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A `wp:author`.
    Author(Author),
    /// A term (`wp:category`, `wp:tag`, `wp:term`).
    Term(Term),
    /// An `<item>` (boxed: items are large).
    Item(Box<Item>),
}
