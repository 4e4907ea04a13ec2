//! A streaming WXR reader: one [`Entry`] at a time, only the current one in memory.
//!
//! Elements are matched by namespace URI (never by prefix) through quick-xml's
//! [`NsReader`]. A DOCTYPE is refused outright, so no entity is ever expanded; outside
//! CDATA only the five XML entities and character references are decoded. Line ends are
//! normalised as XML 1.0 requires (`\r\n` and a lone `\r` read as `\n`), exactly as
//! WordPress's own importer (libxml) sees them; a `&#13;` reference stays a `\r`.

use std::io::{self, BufRead, Read};

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use crate::model::{Author, Channel, Comment, Entry, Item, ItemTerm, Meta, Term, TermKind};

/// Why a file was refused, and where: the 1-based line and column (in characters) of the
/// place the problem was detected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct WxrError {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, counted in characters.
    pub column: u64,
    /// A plain sentence for the operator.
    pub message: String,
}

/// Deeper nesting than this is no WordPress export; the limit keeps hostile input from
/// growing the open-element stack without bound.
const MAX_DEPTH: usize = 256;

/// The newest WXR version this reader knows.
const KNOWN_VERSION: (u64, u64) = (1, 2);

/// Counts what quick-xml consumes, and keeps the bytes of the current event so that a
/// position inside it (an error, a start tag) can be turned into a line and column
/// without holding more than one event.
struct Counting<R> {
    inner: R,
    consumed: u64,
    /// Bytes consumed since `mark_offset`.
    recent: Vec<u8>,
    mark_offset: u64,
    /// Line (1-based) and characters already on that line, at `mark_offset`.
    mark_line: u64,
    mark_col: u64,
}

impl<R: BufRead> Counting<R> {
    fn new(inner: R) -> Self {
        Counting {
            inner,
            consumed: 0,
            recent: Vec::new(),
            mark_offset: 0,
            mark_line: 1,
            mark_col: 0,
        }
    }

    /// Moves the mark to the current offset.
    fn mark(&mut self) {
        let (line, col) = advance(self.mark_line, self.mark_col, &self.recent);
        self.mark_line = line;
        self.mark_col = col;
        self.mark_offset = self.consumed;
        self.recent.clear();
    }

    /// 1-based line and column of `offset`, clamped to what is known since the mark.
    fn position_at(&self, offset: u64) -> (u64, u64) {
        let len = offset.saturating_sub(self.mark_offset);
        let len = usize::try_from(len)
            .unwrap_or(usize::MAX)
            .min(self.recent.len());
        let seen = self.recent.get(..len).unwrap_or_default();
        let (line, col) = advance(self.mark_line, self.mark_col, seen);
        (line, col + 1)
    }
}

/// The line and column after `bytes`, starting from `line` with `col` characters on it.
fn advance(mut line: u64, mut col: u64, bytes: &[u8]) -> (u64, u64) {
    let tail = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(last) => {
            let head = bytes.get(..=last).unwrap_or_default();
            line += head.iter().filter(|&&b| b == b'\n').count() as u64;
            col = 0;
            bytes.get(last + 1..).unwrap_or_default()
        }
        None => bytes,
    };
    // UTF-8 continuation bytes do not start a character.
    col += tail.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64;
    (line, col)
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut available = self.fill_buf()?;
        let n = available.read(out)?;
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt > 0 {
            // The inner buffer still holds what the last `fill_buf` returned, so this
            // reads nothing new: it shows the bytes about to be consumed.
            if let Ok(buf) = self.inner.fill_buf() {
                let taken = buf.get(..amt).unwrap_or(buf);
                self.recent.extend_from_slice(taken);
            }
        }
        self.inner.consume(amt);
        self.consumed += amt as u64;
    }
}

/// The namespaces a WXR file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    None,
    Wp,
    Excerpt,
    Content,
    Dc,
    Other,
}

fn classify_ns(uri: &str) -> Ns {
    match uri {
        "http://purl.org/rss/1.0/modules/content/" => Ns::Content,
        "http://purl.org/dc/elements/1.1/" => Ns::Dc,
        _ => {
            let rest = uri
                .strip_prefix("http://")
                .or_else(|| uri.strip_prefix("https://"))
                .and_then(|r| r.strip_prefix("wordpress.org/export/"));
            match rest {
                Some("1.0/" | "1.1/" | "1.2/") => Ns::Wp,
                Some("1.0/excerpt/" | "1.1/excerpt/" | "1.2/excerpt/") => Ns::Excerpt,
                _ => Ns::Other,
            }
        }
    }
}

/// Every element the reader understands, by namespace and local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum El {
    Other,
    // RSS, no namespace.
    Rss,
    Channel,
    Item,
    Title,
    Link,
    Guid,
    Description,
    PubDate,
    Category,
    Language,
    // Other modules.
    ContentEncoded,
    ExcerptEncoded,
    DcCreator,
    // wp:
    WxrVersion,
    BaseSiteUrl,
    BaseBlogUrl,
    Author,
    AuthorId,
    AuthorLogin,
    AuthorEmail,
    AuthorDisplayName,
    AuthorFirstName,
    AuthorLastName,
    WpCategory,
    CatName,
    CategoryNicename,
    CategoryParent,
    CategoryDescription,
    WpTag,
    TagName,
    TagSlug,
    TagDescription,
    WpTerm,
    TermId,
    TermTaxonomy,
    TermName,
    TermSlug,
    TermParent,
    TermDescription,
    PostId,
    PostDate,
    PostDateGmt,
    PostModified,
    PostModifiedGmt,
    CommentStatus,
    PostName,
    Status,
    PostParent,
    MenuOrder,
    PostType,
    PostPassword,
    IsSticky,
    AttachmentUrl,
    Postmeta,
    MetaKey,
    MetaValue,
    Comment,
    CommentId,
    CommentAuthor,
    CommentAuthorEmail,
    CommentAuthorUrl,
    CommentAuthorIp,
    CommentDate,
    CommentDateGmt,
    CommentContent,
    CommentApproved,
    CommentType,
    CommentParent,
    CommentUserId,
    Commentmeta,
}

fn classify(ns: Ns, local: &str) -> El {
    match ns {
        Ns::None => match local {
            "rss" => El::Rss,
            "channel" => El::Channel,
            "item" => El::Item,
            "title" => El::Title,
            "link" => El::Link,
            "guid" => El::Guid,
            "description" => El::Description,
            "pubDate" => El::PubDate,
            "category" => El::Category,
            "language" => El::Language,
            _ => El::Other,
        },
        Ns::Content if local == "encoded" => El::ContentEncoded,
        Ns::Excerpt if local == "encoded" => El::ExcerptEncoded,
        Ns::Dc if local == "creator" => El::DcCreator,
        Ns::Wp => classify_wp(local),
        _ => El::Other,
    }
}

fn classify_wp(local: &str) -> El {
    match local {
        "wxr_version" => El::WxrVersion,
        "base_site_url" => El::BaseSiteUrl,
        "base_blog_url" => El::BaseBlogUrl,
        "author" => El::Author,
        "author_id" => El::AuthorId,
        "author_login" => El::AuthorLogin,
        "author_email" => El::AuthorEmail,
        "author_display_name" => El::AuthorDisplayName,
        "author_first_name" => El::AuthorFirstName,
        "author_last_name" => El::AuthorLastName,
        "category" => El::WpCategory,
        "cat_name" => El::CatName,
        "category_nicename" => El::CategoryNicename,
        "category_parent" => El::CategoryParent,
        "category_description" => El::CategoryDescription,
        "tag" => El::WpTag,
        "tag_name" => El::TagName,
        "tag_slug" => El::TagSlug,
        "tag_description" => El::TagDescription,
        "term" => El::WpTerm,
        "term_id" => El::TermId,
        "term_taxonomy" => El::TermTaxonomy,
        "term_name" => El::TermName,
        "term_slug" => El::TermSlug,
        "term_parent" => El::TermParent,
        "term_description" => El::TermDescription,
        "post_id" => El::PostId,
        "post_date" => El::PostDate,
        "post_date_gmt" => El::PostDateGmt,
        "post_modified" => El::PostModified,
        "post_modified_gmt" => El::PostModifiedGmt,
        "comment_status" => El::CommentStatus,
        "post_name" => El::PostName,
        "status" => El::Status,
        "post_parent" => El::PostParent,
        "menu_order" => El::MenuOrder,
        "post_type" => El::PostType,
        "post_password" => El::PostPassword,
        "is_sticky" => El::IsSticky,
        "attachment_url" => El::AttachmentUrl,
        "postmeta" => El::Postmeta,
        "meta_key" => El::MetaKey,
        "meta_value" => El::MetaValue,
        "comment" => El::Comment,
        "comment_id" => El::CommentId,
        "comment_author" => El::CommentAuthor,
        "comment_author_email" => El::CommentAuthorEmail,
        "comment_author_url" => El::CommentAuthorUrl,
        "comment_author_IP" => El::CommentAuthorIp,
        "comment_date" => El::CommentDate,
        "comment_date_gmt" => El::CommentDateGmt,
        "comment_content" => El::CommentContent,
        "comment_approved" => El::CommentApproved,
        "comment_type" => El::CommentType,
        "comment_parent" => El::CommentParent,
        "comment_user_id" => El::CommentUserId,
        "commentmeta" => El::Commentmeta,
        _ => El::Other,
    }
}

/// One step of the document, with no borrow of the event buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Start(El),
    Empty(El),
    End,
    /// The end of the document, outside every element.
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Before the root element.
    Prolog,
    /// Inside `<rss>`, outside `<channel>`.
    Rss,
    Channel,
    /// After `</rss>`.
    Epilog,
    Done,
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn trim_xml(s: &str) -> &str {
    s.trim_matches(is_xml_space)
}

fn parse_num(s: &str) -> Option<i64> {
    trim_xml(s).parse().ok()
}

/// `^\d+\.\d+$`, as numbers (saturating: an absurd version is still "newer").
fn parse_version(v: &str) -> Option<(u64, u64)> {
    let (major, minor) = v.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) {
        return None;
    }
    let num = |s: &str| s.parse::<u64>().unwrap_or(u64::MAX);
    Some((num(major), num(minor)))
}

/// Reads a WXR file one author, term or item at a time.
pub struct Reader<R: BufRead> {
    xml: NsReader<Counting<R>>,
    buf: Vec<u8>,
    /// Text of the leaf being read.
    text: String,
    /// Qualified names of the open elements, concatenated, for error messages.
    open_names: String,
    open_ends: Vec<usize>,
    /// quick-xml's offset at the last mark (it does not count a skipped BOM).
    mark_qx: u64,
    level: Level,
    saw_channel: bool,
    saw_version: bool,
    channel: Channel,
    warnings: Vec<String>,
    failed: Option<WxrError>,
    /// `domain` and `nicename` of the last `<category>` start tag.
    cat_domain: Option<String>,
    cat_nicename: Option<String>,
    /// Qualified name of the last start or empty tag (for messages).
    last_name: String,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `source` (buffered; wrap a file in a `BufReader`).
    pub fn new(source: R) -> Self {
        let mut xml = NsReader::from_reader(Counting::new(source));
        let config = xml.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        config.allow_dangling_amp = false;
        config.allow_unmatched_ends = false;
        Reader {
            xml,
            buf: Vec::with_capacity(8 * 1024),
            text: String::new(),
            open_names: String::new(),
            open_ends: Vec::new(),
            mark_qx: 0,
            level: Level::Prolog,
            saw_channel: false,
            saw_version: false,
            channel: Channel::default(),
            warnings: Vec::new(),
            failed: None,
            cat_domain: None,
            cat_nicename: None,
            last_name: String::new(),
        }
    }

    /// The next author/term/item, None at the well-formed end of the document.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, WxrError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.next_entry_inner();
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    /// Channel fields read so far (complete after None).
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Bytes of the source consumed so far (for a progress bar).
    pub fn bytes_read(&self) -> u64 {
        self.xml.get_ref().consumed
    }

    /// Non-fatal notes, e.g. "WXR version 1.3 is newer than 1.2; read as 1.2".
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn next_entry_inner(&mut self) -> Result<Option<Entry>, WxrError> {
        loop {
            match self.level {
                Level::Done => return Ok(None),
                Level::Prolog => {
                    match self.next_tok(false)? {
                        Tok::Start(El::Rss) => self.level = Level::Rss,
                        Tok::Empty(El::Rss) => return Err(self.error_here(
                            "<rss> is empty: there is no <channel> (is this a WordPress export?)",
                        )),
                        Tok::Start(_) | Tok::Empty(_) => {
                            let name = &self.last_name;
                            return Err(self.error_here(&format!(
                            "the document starts with <{name}>, not <rss>: this is not a WordPress export"
                        )));
                        }
                        Tok::End => {}
                        Tok::Eof => {
                            return Err(self.error_at_eof(
                            "the file has no <rss> element: it is empty, truncated or not a WordPress export",
                        ));
                        }
                    }
                }
                Level::Rss => match self.next_tok(false)? {
                    Tok::Start(El::Channel) => {
                        self.saw_channel = true;
                        self.level = Level::Channel;
                    }
                    Tok::Empty(El::Channel) => self.saw_channel = true,
                    Tok::Start(_) => self.skip()?,
                    Tok::Empty(_) => {}
                    Tok::End => {
                        if !self.saw_channel {
                            return Err(self.error_here(
                                "<rss> has no <channel>: this is not a WordPress export",
                            ));
                        }
                        self.level = Level::Epilog;
                    }
                    Tok::Eof => {
                        return Err(
                            self.error_at_eof("the file ends inside <rss> (is it truncated?)")
                        );
                    }
                },
                Level::Channel => {
                    let tok = self.next_tok(false)?;
                    if let Some(entry) = self.channel_child(tok)? {
                        return Ok(Some(entry));
                    }
                }
                Level::Epilog => match self.next_tok(false)? {
                    Tok::Start(_) | Tok::Empty(_) => {
                        return Err(self.error_here(
                            "there is another element after </rss>: the file holds more than one document",
                        ));
                    }
                    Tok::End => {}
                    Tok::Eof => {
                        if !self.saw_version {
                            return Err(self.error_at_eof("wp:wxr_version is missing"));
                        }
                        self.level = Level::Done;
                        return Ok(None);
                    }
                },
            }
        }
    }

    fn channel_child(&mut self, tok: Tok) -> Result<Option<Entry>, WxrError> {
        let (el, empty) = match tok {
            Tok::Start(el) => (el, false),
            Tok::Empty(el) => (el, true),
            Tok::End => {
                self.level = Level::Rss;
                return Ok(None);
            }
            Tok::Eof => {
                return Err(self.error_at_eof("the file ends inside <channel> (is it truncated?)"));
            }
        };
        match el {
            El::Title => self.channel.title = self.content(empty)?,
            El::Link => self.channel.link = self.scalar(empty)?,
            El::Description => self.channel.description = self.content(empty)?,
            El::Language => self.channel.language = self.scalar(empty)?,
            El::BaseSiteUrl => self.channel.base_site_url = self.scalar(empty)?,
            El::BaseBlogUrl => self.channel.base_blog_url = self.scalar(empty)?,
            El::WxrVersion => {
                let (line, column) = self.mark_position();
                let version = self.scalar(empty)?;
                match parse_version(&version) {
                    None => {
                        return Err(WxrError {
                            line,
                            column,
                            message: format!(
                                "wp:wxr_version \"{version}\" is not a version number like 1.2"
                            ),
                        });
                    }
                    Some(v) if v > KNOWN_VERSION => self.warnings.push(format!(
                        "WXR version {version} is newer than 1.2; read as 1.2"
                    )),
                    Some(_) => {}
                }
                self.saw_version = true;
                self.channel.wxr_version = version;
            }
            El::Author => return Ok(Some(Entry::Author(self.author(empty)?))),
            El::WpCategory | El::WpTag | El::WpTerm => {
                return Ok(Some(Entry::Term(self.term(el, empty)?)));
            }
            El::Item => return Ok(Some(Entry::Item(Box::new(self.item(empty)?)))),
            _ if empty => {}
            _ => self.skip()?,
        }
        Ok(None)
    }

    fn author(&mut self, empty: bool) -> Result<Author, WxrError> {
        let mut a = Author::default();
        if empty {
            return Ok(a);
        }
        while let Some((el, empty)) = self.child()? {
            match el {
                El::AuthorId => a.id = parse_num(&self.content(empty)?),
                El::AuthorLogin => a.login = self.scalar(empty)?,
                El::AuthorEmail => a.email = self.scalar(empty)?,
                El::AuthorDisplayName => a.display_name = self.content(empty)?,
                El::AuthorFirstName => a.first_name = self.content(empty)?,
                El::AuthorLastName => a.last_name = self.content(empty)?,
                _ => self.ignore(empty)?,
            }
        }
        Ok(a)
    }

    fn term(&mut self, block: El, empty: bool) -> Result<Term, WxrError> {
        let mut t = Term {
            kind: match block {
                El::WpCategory => TermKind::Category,
                El::WpTag => TermKind::Tag,
                _ => TermKind::Other(String::new()),
            },
            id: None,
            slug: String::new(),
            name: String::new(),
            parent_slug: String::new(),
            description: String::new(),
        };
        if empty {
            return Ok(t);
        }
        let mut taxonomy = None;
        while let Some((el, empty)) = self.child()? {
            match (block, el) {
                (_, El::TermId) => t.id = parse_num(&self.content(empty)?),
                (El::WpCategory, El::CatName)
                | (El::WpTag, El::TagName)
                | (El::WpTerm, El::TermName) => t.name = self.content(empty)?,
                (El::WpCategory, El::CategoryNicename)
                | (El::WpTag, El::TagSlug)
                | (El::WpTerm, El::TermSlug) => t.slug = self.scalar(empty)?,
                (El::WpCategory, El::CategoryParent) | (El::WpTerm, El::TermParent) => {
                    t.parent_slug = self.scalar(empty)?;
                }
                (El::WpCategory, El::CategoryDescription)
                | (El::WpTag, El::TagDescription)
                | (El::WpTerm, El::TermDescription) => t.description = self.content(empty)?,
                (El::WpTerm, El::TermTaxonomy) => taxonomy = Some(self.scalar(empty)?),
                _ => self.ignore(empty)?,
            }
        }
        if let Some(taxonomy) = taxonomy {
            t.kind = match taxonomy.as_str() {
                "category" => TermKind::Category,
                "post_tag" => TermKind::Tag,
                _ => TermKind::Other(taxonomy),
            };
        }
        Ok(t)
    }

    fn item(&mut self, empty: bool) -> Result<Item, WxrError> {
        let mut i = Item::default();
        if empty {
            return Ok(i);
        }
        while let Some((el, empty)) = self.child()? {
            match el {
                El::Title => i.title = self.content(empty)?,
                El::Link => i.link = self.scalar(empty)?,
                El::PubDate => i.pub_date = self.scalar(empty)?,
                El::DcCreator => i.creator = self.scalar(empty)?,
                El::Guid => i.guid = self.scalar(empty)?,
                El::Description => i.description = self.content(empty)?,
                El::ContentEncoded => i.content = self.content(empty)?,
                El::ExcerptEncoded => i.excerpt = self.content(empty)?,
                El::PostId => i.id = parse_num(&self.content(empty)?).unwrap_or(0),
                El::PostDate => i.post_date = self.scalar(empty)?,
                El::PostDateGmt => i.post_date_gmt = self.scalar(empty)?,
                El::PostModified => i.post_modified = self.scalar(empty)?,
                El::PostModifiedGmt => i.post_modified_gmt = self.scalar(empty)?,
                El::CommentStatus => i.comment_status = self.scalar(empty)?,
                El::PostName => i.post_name = self.scalar(empty)?,
                El::Status => i.status = self.scalar(empty)?,
                El::PostParent => i.parent = parse_num(&self.content(empty)?).unwrap_or(0),
                El::MenuOrder => i.menu_order = parse_num(&self.content(empty)?).unwrap_or(0),
                El::PostType => i.post_type = self.scalar(empty)?,
                El::PostPassword => i.password = self.content(empty)?,
                El::IsSticky => i.sticky = self.scalar(empty)? == "1",
                El::AttachmentUrl => i.attachment_url = self.scalar(empty)?,
                El::Category => {
                    let domain = self.cat_domain.take();
                    let nicename = self.cat_nicename.take();
                    let name = self.content(empty)?;
                    if let (Some(domain), Some(nicename)) = (domain, nicename) {
                        let domain = match trim_xml(&domain) {
                            "tag" => "post_tag".to_owned(),
                            d => d.to_owned(),
                        };
                        i.terms.push(ItemTerm {
                            domain,
                            slug: trim_xml(&nicename).to_owned(),
                            name,
                        });
                    }
                }
                El::Postmeta => i.meta.push(self.meta(empty)?),
                El::Comment => i.comments.push(self.comment(empty)?),
                _ => self.ignore(empty)?,
            }
        }
        Ok(i)
    }

    fn comment(&mut self, empty: bool) -> Result<Comment, WxrError> {
        let mut c = Comment::default();
        if empty {
            return Ok(c);
        }
        while let Some((el, empty)) = self.child()? {
            match el {
                El::CommentId => c.id = parse_num(&self.content(empty)?).unwrap_or(0),
                El::CommentAuthor => c.author = self.content(empty)?,
                El::CommentAuthorEmail => c.author_email = self.scalar(empty)?,
                El::CommentAuthorUrl => c.author_url = self.scalar(empty)?,
                El::CommentAuthorIp => c.author_ip = self.scalar(empty)?,
                El::CommentDate => c.date = self.scalar(empty)?,
                El::CommentDateGmt => c.date_gmt = self.scalar(empty)?,
                El::CommentContent => c.content = self.content(empty)?,
                El::CommentApproved => c.approved = self.scalar(empty)?,
                El::CommentType => c.comment_type = self.scalar(empty)?,
                El::CommentParent => c.parent = parse_num(&self.content(empty)?).unwrap_or(0),
                El::CommentUserId => c.user_id = parse_num(&self.content(empty)?).unwrap_or(0),
                El::Commentmeta => c.meta.push(self.meta(empty)?),
                _ => self.ignore(empty)?,
            }
        }
        Ok(c)
    }

    fn meta(&mut self, empty: bool) -> Result<Meta, WxrError> {
        let mut m = Meta {
            key: String::new(),
            value: String::new(),
        };
        if empty {
            return Ok(m);
        }
        while let Some((el, empty)) = self.child()? {
            match el {
                El::MetaKey => m.key = self.scalar(empty)?,
                El::MetaValue => m.value = self.content(empty)?,
                _ => self.ignore(empty)?,
            }
        }
        Ok(m)
    }

    /// The next child element of a block, None at the block's end tag. Text between
    /// children is ignored.
    fn child(&mut self) -> Result<Option<(El, bool)>, WxrError> {
        match self.next_tok(false)? {
            Tok::Start(el) => Ok(Some((el, false))),
            Tok::Empty(el) => Ok(Some((el, true))),
            Tok::End => Ok(None),
            // `next_tok` reports an end of file inside an element itself.
            Tok::Eof => Err(self.error_at_eof("the file ends early (is it truncated?)")),
        }
    }

    fn ignore(&mut self, empty: bool) -> Result<(), WxrError> {
        if empty { Ok(()) } else { self.skip() }
    }

    /// Reads a leaf's text as is.
    fn content(&mut self, empty: bool) -> Result<String, WxrError> {
        self.leaf(empty)?;
        Ok(std::mem::take(&mut self.text))
    }

    /// Reads a leaf's text, trimmed.
    fn scalar(&mut self, empty: bool) -> Result<String, WxrError> {
        self.leaf(empty)?;
        let trimmed = trim_xml(&self.text);
        if trimmed.len() == self.text.len() {
            Ok(std::mem::take(&mut self.text))
        } else {
            Ok(trimmed.to_owned())
        }
    }

    /// Collects the text of the element just started into `self.text`; the text of any
    /// child element is not part of it.
    fn leaf(&mut self, empty: bool) -> Result<(), WxrError> {
        self.text.clear();
        if empty {
            return Ok(());
        }
        loop {
            match self.next_tok(true)? {
                Tok::End => return Ok(()),
                Tok::Start(_) => self.skip()?,
                Tok::Empty(_) => {}
                Tok::Eof => return Err(self.error_at_eof("the file ends early (is it truncated?)")),
            }
        }
    }

    /// Skips the rest of the element just started, checking it is well formed.
    fn skip(&mut self) -> Result<(), WxrError> {
        let mut depth = 1usize;
        loop {
            match self.next_tok(false)? {
                Tok::Start(_) => depth += 1,
                Tok::End => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Tok::Empty(_) => {}
                Tok::Eof => return Err(self.error_at_eof("the file ends early (is it truncated?)")),
            }
        }
    }

    /// Reads events up to the next start, empty or end tag (or the end of the document),
    /// appending text to `self.text` when `collect` is set.
    fn next_tok(&mut self, collect: bool) -> Result<Tok, WxrError> {
        loop {
            self.xml.get_mut().mark();
            self.mark_qx = self.xml.buffer_position();
            self.buf.clear();
            let (ns, event) = match self.xml.read_resolved_event_into(&mut self.buf) {
                Ok(x) => x,
                Err(e) => return Err(xml_error(&self.xml, self.mark_qx, &e)),
            };
            let ns = match ns {
                ResolveResult::Unbound => Ns::None,
                ResolveResult::Bound(uri) => classify_ns(uri.0),
                ResolveResult::Unknown(_) => Ns::Other,
            };
            // From here on the event borrows `self.buf` only: errors are built from
            // `self.xml` alone.
            let (e, is_start) = match event {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(_) => {
                    self.open_ends.pop();
                    let end = self.open_ends.last().copied().unwrap_or(0);
                    self.open_names.truncate(end);
                    return Ok(Tok::End);
                }
                Event::Text(t) => {
                    if self.open_ends.is_empty() {
                        if !t.chars().all(is_xml_space) {
                            let message = if self.level == Level::Prolog {
                                "this is not an XML file: it starts with text, not with <?xml or <rss>"
                            } else {
                                "there is text after </rss>"
                            };
                            return Err(error_here(&self.xml, message));
                        }
                    } else if collect {
                        self.text.push_str(&t.xml10_content());
                    }
                    continue;
                }
                Event::CData(c) => {
                    if self.open_ends.is_empty() {
                        return Err(error_here(
                            &self.xml,
                            "this is not a WordPress export: there is a CDATA section outside every element",
                        ));
                    }
                    if collect {
                        self.text.push_str(&c.xml10_content());
                    }
                    continue;
                }
                Event::GeneralRef(r) => {
                    let ch = match r.resolve_char_ref() {
                        Ok(Some(ch)) => ch,
                        Ok(None) => match &*r {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            name => {
                                let message = format!(
                                    "&{name}; is not an XML entity (outside CDATA only &lt; &gt; &amp; &apos; &quot; and character references are allowed)"
                                );
                                return Err(error_here(&self.xml, &message));
                            }
                        },
                        Err(_) => {
                            let message = format!("&{}; is not a valid character reference", &*r);
                            return Err(error_here(&self.xml, &message));
                        }
                    };
                    if self.open_ends.is_empty() {
                        return Err(error_here(
                            &self.xml,
                            "this is not an XML file: there is a reference outside every element",
                        ));
                    }
                    if collect {
                        self.text.push(ch);
                    }
                    continue;
                }
                Event::DocType(_) => {
                    return Err(error_here(
                        &self.xml,
                        "a DOCTYPE is not allowed in a WordPress export (entities are never expanded)",
                    ));
                }
                Event::Decl(d) => {
                    if let Some(Ok(enc)) = d.encoding()
                        && !enc.eq_ignore_ascii_case("utf-8")
                        && !enc.eq_ignore_ascii_case("utf8")
                    {
                        self.warnings.push(format!(
                            "the XML declaration names the encoding {enc}; the file is read as UTF-8"
                        ));
                    }
                    continue;
                }
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => {
                    if let Some(name) = innermost(&self.open_names, &self.open_ends) {
                        let message = format!("the file ends inside <{name}> (is it truncated?)");
                        return Err(error_at_eof(&self.xml, &message));
                    }
                    return Ok(Tok::Eof);
                }
            };
            if self.open_ends.len() >= MAX_DEPTH {
                let message = format!(
                    "elements are nested more than {MAX_DEPTH} deep: this is not a WordPress export"
                );
                return Err(error_here(&self.xml, &message));
            }
            let el = classify(ns, e.local_name().as_ref());
            if el == El::Category {
                self.cat_domain = None;
                self.cat_nicename = None;
                for attr in e.attributes() {
                    let attr = match attr {
                        Ok(a) => a,
                        Err(err) => {
                            let message = format!("a malformed attribute in <category>: {err}");
                            return Err(error_here(&self.xml, &message));
                        }
                    };
                    let key = attr.key.0;
                    if key != "domain" && key != "nicename" {
                        continue;
                    }
                    let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
                        Ok(v) => v.into_owned(),
                        Err(err) => {
                            let message =
                                format!("a malformed attribute in <category>: {}", describe(&err));
                            return Err(error_here(&self.xml, &message));
                        }
                    };
                    if key == "domain" {
                        self.cat_domain = Some(value);
                    } else {
                        self.cat_nicename = Some(value);
                    }
                }
            }
            let name = e.name().0;
            self.last_name.clear();
            self.last_name.push_str(name);
            if is_start {
                self.open_names.push_str(name);
                self.open_ends.push(self.open_names.len());
                return Ok(Tok::Start(el));
            }
            return Ok(Tok::Empty(el));
        }
    }

    /// Line and column where the current event starts.
    fn mark_position(&self) -> (u64, u64) {
        mark_position(&self.xml)
    }

    fn error_here(&self, message: &str) -> WxrError {
        error_here(&self.xml, message)
    }

    fn error_at_eof(&self, message: &str) -> WxrError {
        error_at_eof(&self.xml, message)
    }
}

/// The qualified name of the innermost open element.
fn innermost<'a>(names: &'a str, ends: &[usize]) -> Option<&'a str> {
    let (end, rest) = ends.split_last()?;
    let start = rest.last().copied().unwrap_or(0);
    names.get(start..*end)
}

fn mark_position<R: BufRead>(xml: &NsReader<Counting<R>>) -> (u64, u64) {
    let counting = xml.get_ref();
    counting.position_at(counting.mark_offset)
}

fn error_here<R: BufRead>(xml: &NsReader<Counting<R>>, message: &str) -> WxrError {
    let (line, column) = mark_position(xml);
    WxrError {
        line,
        column,
        message: message.to_owned(),
    }
}

fn error_at_eof<R: BufRead>(xml: &NsReader<Counting<R>>, message: &str) -> WxrError {
    let counting = xml.get_ref();
    let (line, column) = counting.position_at(counting.consumed);
    WxrError {
        line,
        column,
        message: message.to_owned(),
    }
}

/// A quick-xml error, placed where quick-xml says it is (inside the current event).
fn xml_error<R: BufRead>(xml: &NsReader<Counting<R>>, mark_qx: u64, error: &XmlError) -> WxrError {
    let counting = xml.get_ref();
    let at = xml.error_position();
    let offset = if at >= mark_qx {
        counting.mark_offset + (at - mark_qx)
    } else {
        counting.mark_offset
    };
    let (line, column) = counting.position_at(offset);
    WxrError {
        line,
        column,
        message: describe(error),
    }
}

/// An operator's sentence for a quick-xml error.
fn describe(error: &XmlError) -> String {
    match error {
        XmlError::Io(e) => format!("the file could not be read: {e}"),
        XmlError::Syntax(s) => match s {
            SyntaxError::InvalidBangMarkup => {
                "\"<!\" here starts neither a comment, a CDATA section nor a DOCTYPE: the file is not valid XML".to_owned()
            }
            SyntaxError::UnclosedPI | SyntaxError::UnclosedXmlDecl => {
                "a processing instruction (<?…) starts here but never ends (is the file truncated?)".to_owned()
            }
            SyntaxError::UnclosedComment => {
                "a comment (<!--) starts here but never ends (is the file truncated?)".to_owned()
            }
            SyntaxError::UnclosedDoctype => {
                "a DOCTYPE is not allowed in a WordPress export (entities are never expanded)".to_owned()
            }
            SyntaxError::UnclosedCData => {
                "a CDATA section starts here but its ]]> never comes (is the file truncated?)".to_owned()
            }
            SyntaxError::UnclosedTag => {
                "a tag starts here but its > never comes (is the file truncated?)".to_owned()
            }
            SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue => {
                "an attribute value in this tag is never closed by its quote (is the file truncated?)".to_owned()
            }
        },
        XmlError::IllFormed(e) => match e {
            IllFormedError::MismatchedEndTag { expected, found } => {
                format!("expected </{expected}>, found </{found}>")
            }
            IllFormedError::UnmatchedEndTag(tag) => {
                format!("</{tag}> closes an element that was never opened")
            }
            IllFormedError::MissingEndTag(tag) => {
                format!("the file ends inside <{tag}> (is it truncated?)")
            }
            IllFormedError::UnclosedReference => {
                "a bare & is not allowed outside CDATA (it must be written &amp;)".to_owned()
            }
            IllFormedError::MissingDoctypeName => {
                "a DOCTYPE is not allowed in a WordPress export (entities are never expanded)".to_owned()
            }
            IllFormedError::DoubleHyphenInComment => {
                "a comment contains \"--\", which XML does not allow".to_owned()
            }
            IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion => {
                "the XML declaration (<?xml …?>) is malformed: it needs version=\"1.0\"".to_owned()
            }
        },
        XmlError::InvalidAttr(e) => format!("a malformed attribute: {e}"),
        XmlError::Encoding(_) => {
            "the file is not valid UTF-8 here (is it binary, or saved in another encoding?)".to_owned()
        }
        XmlError::Escape(e) => format!("a malformed entity or character reference: {e}"),
        XmlError::Namespace(e) => format!("a malformed namespace declaration: {e}"),
    }
}
