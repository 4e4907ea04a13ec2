//! The reader against WordPress's own test exports and hand-made edge cases.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::PathBuf;

use proptest::prelude::*;
use sahifa_wxr::{Channel, Entry, Item, Reader, Term, TermKind, WxrError};

fn shared(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/wxr")
        .join(name)
}

fn local(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

struct Read {
    entries: Vec<Entry>,
    channel: Channel,
    warnings: Vec<String>,
    bytes: u64,
}

fn read_bytes(bytes: &[u8]) -> Result<Read, WxrError> {
    let mut reader = Reader::new(bytes);
    let mut entries = Vec::new();
    while let Some(e) = reader.next_entry()? {
        entries.push(e);
    }
    Ok(Read {
        entries,
        channel: reader.channel().clone(),
        warnings: reader.warnings().to_vec(),
        bytes: reader.bytes_read(),
    })
}

fn read_path(path: &PathBuf) -> Result<Read, WxrError> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = Reader::new(BufReader::new(file));
    let mut entries = Vec::new();
    while let Some(e) = reader.next_entry()? {
        entries.push(e);
    }
    Ok(Read {
        entries,
        channel: reader.channel().clone(),
        warnings: reader.warnings().to_vec(),
        bytes: reader.bytes_read(),
    })
}

fn ok(path: PathBuf) -> Read {
    read_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn err(path: PathBuf) -> WxrError {
    match read_path(&path) {
        Ok(_) => panic!("{} was accepted", path.display()),
        Err(e) => e,
    }
}

fn items(r: &Read) -> Vec<&Item> {
    r.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Item(i) => Some(&**i),
            _ => None,
        })
        .collect()
}

fn terms(r: &Read) -> Vec<&Term> {
    r.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Term(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    items_by_type: BTreeMap<String, usize>,
    authors: usize,
    categories: usize,
    tags: usize,
    other_terms: BTreeMap<String, usize>,
    item_terms: usize,
    postmeta: usize,
    comments: usize,
    comments_by_type: BTreeMap<String, usize>,
    sticky: usize,
}

fn counts(r: &Read) -> Counts {
    let mut c = Counts::default();
    for e in &r.entries {
        match e {
            Entry::Author(_) => c.authors += 1,
            Entry::Term(t) => match &t.kind {
                TermKind::Category => c.categories += 1,
                TermKind::Tag => c.tags += 1,
                TermKind::Other(name) => *c.other_terms.entry(name.clone()).or_default() += 1,
            },
            Entry::Item(i) => {
                *c.items_by_type.entry(i.post_type.clone()).or_default() += 1;
                c.item_terms += i.terms.len();
                c.postmeta += i.meta.len();
                c.comments += i.comments.len();
                c.sticky += usize::from(i.sticky);
                for k in &i.comments {
                    *c.comments_by_type
                        .entry(k.comment_type.clone())
                        .or_default() += 1;
                }
            }
        }
    }
    c
}

fn map(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

// The expected numbers below were counted once, independently of this crate, with
// Python's xml.etree: `channel.findall("item")` grouped by the text of `wp:post_type`;
// `findall` of `wp:author`, `wp:category`, `wp:tag`, `wp:term` (grouped by
// `wp:term_taxonomy`); item `<category>` elements having both `domain` and `nicename`;
// `wp:postmeta`; `wp:comment` grouped by the stripped `wp:comment_type`; `wp:is_sticky`
// equal to 1. The reader folds a `wp:term` of taxonomy `category` / `post_tag` into
// Category / Tag, so those totals are `wp:category` (or `wp:tag`) plus such `wp:term`s.

#[test]
fn theme_unit_test_data() {
    let r = ok(shared("themeunittestdata.wordpress.xml"));
    let expected = Counts {
        items_by_type: map(&[
            ("post", 58),
            ("page", 21),
            ("attachment", 37),
            ("nav_menu_item", 70),
        ]),
        authors: 2,
        // 68 wp:category + 1 wp:term with term_taxonomy=category.
        categories: 69,
        tags: 110,
        // The other 6 wp:term.
        other_terms: map(&[("nav_menu", 6)]),
        item_terms: 446,
        postmeta: 737,
        comments: 33,
        comments_by_type: map(&[("", 28), ("comment", 1), ("pingback", 2), ("trackback", 2)]),
        sticky: 1,
    };
    assert_eq!(counts(&r), expected);
    assert_eq!(r.bytes, 609_142);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.channel.title, "Theme Unit Test Data");
    assert_eq!(r.channel.wxr_version, "1.2");
    assert_eq!(r.channel.base_site_url, "https://wordpress.com/");
    assert_eq!(
        r.channel.base_blog_url,
        "https://wpthemetestdata.wordpress.com"
    );

    let all = items(&r);
    let special: Vec<_> = all
        .iter()
        .filter(|i| i.title.contains("Special Characters"))
        .collect();
    assert_eq!(special.len(), 1);
    assert_eq!(
        special[0].title.as_bytes(),
        r#"Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\;:'"?,.>"#.as_bytes()
    );

    // Malformed in the source itself; kept as they are.
    let creators: Vec<&str> = all.iter().map(|i| i.creator.as_str()).collect();
    assert_eq!(
        creators
            .iter()
            .filter(|c| **c == "themereviewteam>")
            .count(),
        1
    );
    assert_eq!(
        creators
            .iter()
            .filter(|c| **c == ">themereviewteam")
            .count(),
        1
    );

    // Authors without wp:author_id; one login in CDATA, one not.
    let logins: Vec<_> = r
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Author(a) => Some((a.id, a.login.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(logins, [(None, "themedemos"), (None, "themereviewteam")]);

    assert_eq!(all.iter().filter(|i| i.password == "enter").count(), 1);
    assert_eq!(all.iter().filter(|i| i.parent != 0).count(), 73);
    assert_eq!(all.iter().filter(|i| i.menu_order != 0).count(), 78);
    assert!(all.iter().any(|i| i.title == "Ελληνικά-Greek"));
    assert!(
        all.iter()
            .any(|i| i.title == "Επίπεδο 2 -Second Greek level")
    );
}

#[test]
fn block_test_data() {
    let r = ok(shared("64-block-test-data.xml"));
    let expected = Counts {
        items_by_type: map(&[
            ("post", 61),
            ("page", 1),
            ("attachment", 9),
            ("wp_navigation", 1),
        ]),
        authors: 2,
        // 7 wp:category + the same 7 repeated as wp:term.
        categories: 14,
        // 4 wp:tag + the same 4 repeated as wp:term.
        tags: 8,
        other_terms: map(&[("wp_theme", 1), ("wp_template_part_area", 1)]),
        item_terms: 92,
        postmeta: 14,
        comments: 2,
        comments_by_type: map(&[("comment", 2)]),
        sticky: 0,
    };
    assert_eq!(counts(&r), expected);
    assert_eq!(r.bytes, 553_456);
    assert_eq!(r.channel.language, "en-US");
    let threaded = items(&r)
        .iter()
        .flat_map(|i| i.comments.iter())
        .filter(|c| c.parent != 0)
        .count();
    assert_eq!(threaded, 1);
}

#[test]
fn theme_preview() {
    let r = ok(shared("theme-preview.xml"));
    let expected = Counts {
        items_by_type: map(&[("post", 7)]),
        comments: 2,
        comments_by_type: map(&[("", 2)]),
        ..Counts::default()
    };
    assert_eq!(counts(&r), expected);
    for i in items(&r) {
        // No wp:post_id, wp:post_name, wp:post_parent: defaults, not failures.
        assert_eq!(i.id, 0);
        assert_eq!(i.post_name, "");
        assert_eq!(i.parent, 0);
        // CRLF line ends read as LF, as every XML parser reads them.
        assert!(!i.content.contains('\r'));
        assert_eq!(i.creator, "Theme Admin");
    }
}

#[test]
fn wxr_1_0() {
    let r = ok(local("wxr-1.0.xml"));
    assert_eq!(r.channel.wxr_version, "1.0");
    assert_eq!(r.channel.title, "Old Blog");
    let t = terms(&r);
    assert_eq!(t.len(), 2);
    assert_eq!(
        (&t[0].kind, t[0].slug.as_str(), t[0].name.as_str()),
        (&TermKind::Category, "news", "News")
    );
    assert_eq!((&t[1].kind, t[1].slug.as_str()), (&TermKind::Tag, "rust"));
    let i = items(&r);
    assert_eq!(i.len(), 1);
    let i = i[0];
    assert_eq!(
        (i.id, i.post_type.as_str(), i.status.as_str()),
        (1, "post", "publish")
    );
    assert_eq!(i.excerpt, "First.");
    assert_eq!(i.content, "First post.");
    // Bare and half-attributed duplicates are not terms; `tag` is `post_tag`.
    let got: Vec<_> = i
        .terms
        .iter()
        .map(|t| (t.domain.as_str(), t.slug.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        got,
        [("category", "news", "News"), ("post_tag", "rust", "Rust")]
    );
}

#[test]
fn wxr_1_1() {
    let r = ok(local("wxr-1.1.xml"));
    assert_eq!(r.channel.wxr_version, "1.1");
    match &r.entries[0] {
        Entry::Author(a) => {
            assert_eq!(a.id, Some(7));
            assert_eq!(a.login, "editor");
            assert_eq!(a.display_name, "The Editor");
        }
        other => panic!("{other:?}"),
    }
    let i = items(&r)[0];
    assert_eq!((i.id, i.post_type.as_str(), i.sticky), (2, "page", true));
    assert_eq!(i.excerpt, "An excerpt");
}

#[test]
fn https_1_2_and_text() {
    let r = ok(local("text.xml"));
    assert_eq!(r.channel.title, "صحيفة");
    assert_eq!(r.channel.link, "https://sahifa.example/");
    assert_eq!(r.channel.wxr_version, "1.2");
    assert_eq!(r.channel.language, "ar");
    let i = items(&r)[0];
    // ZWNJ, RLE…PDF, RLM and the ligature ﷲ, byte for byte (no normalisation).
    assert_eq!(
        i.title,
        "مقال\u{200c}تجريبي \u{202b}عربي\u{202c} \u{200f}و\u{fdf2}"
    );
    assert_eq!(i.link, "https://sahifa.example/?p=10");
    assert_eq!(i.creator, "كاتب");
    assert_eq!(i.content, "a ]]> b");
    assert_eq!(i.excerpt, "It&#039;s and it's & <b> ن");
    assert_eq!(i.description, "\ttwo\n  lines\t");
    assert_eq!((i.id, i.parent, i.menu_order), (10, 0, 0));
    assert_eq!(i.post_name, "");
    assert_eq!(i.password, "");
    assert_eq!(i.status, "publish");
    assert_eq!(i.meta[0].key, "quote");
    assert_eq!(
        i.meta[0].value,
        r#"C:\path\to "quoted" 'single' \'slashed\' a:1:{s:4:"ﷲ";}"#
    );
    assert_eq!(
        i.meta_value("xmlish"),
        Some("<b>not an element</b> &amp; &bomb;")
    );
    let got: Vec<_> = i
        .terms
        .iter()
        .map(|t| (t.domain.as_str(), t.slug.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("category", "%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1", "أخبار"),
            ("post_tag", "tom-&-jerry", "Tom & Jerry"),
        ]
    );
    let c = &i.comments[0];
    assert_eq!(c.id, 5);
    // A content field: its spaces stay.
    assert_eq!(c.author, " قارئ ");
    assert_eq!(c.content, "شكراً\n\tجزيلاً");
    assert_eq!(
        (
            c.approved.as_str(),
            c.comment_type.as_str(),
            c.parent,
            c.user_id
        ),
        ("1", "", 0, 0)
    );
    assert_eq!(c.meta.len(), 1);
    assert_eq!(
        (c.meta[0].key.as_str(), c.meta[0].value.as_str()),
        ("akismet_result", "false")
    );
}

#[test]
fn namespaces_by_uri() {
    let r = ok(local("namespaces.xml"));
    // The wp:author under a rebound prefix is not an author.
    assert_eq!(r.entries.len(), 1);
    let i = items(&r)[0];
    assert_eq!(i.title, "Namespaces");
    assert_eq!(i.id, 1);
    // `fake-status` is in a fake namespace; `draft` is real; `pending` (another prefix,
    // WXR 1.0's URI) comes later and wins.
    assert_eq!(i.status, "pending");
    assert_eq!(i.post_name, "real-slug");
    assert_eq!(i.content, "body in a default namespace");
    assert_eq!(i.creator, "writer2");
}

#[test]
fn default_namespace_creator_counts() {
    let xml = br#"<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><creator xmlns="http://purl.org/dc/elements/1.1/">writer</creator></item></channel></rss>"#;
    let r = read_bytes(xml).unwrap();
    assert_eq!(items(&r)[0].creator, "writer");
}

#[test]
fn newer_version_is_a_warning() {
    let r = ok(local("newer-version.xml"));
    assert_eq!(
        r.warnings,
        ["WXR version 1.3 is newer than 1.2; read as 1.2"]
    );
}

#[test]
fn mismatched_end_tag() {
    let e = err(local("mismatched.xml"));
    assert_eq!(e.message, "expected </wp:author>, found </item>");
    assert_eq!((e.line, e.column), (13, 2));
}

#[test]
fn truncated() {
    let e = err(local("truncated.xml"));
    assert_eq!(e.message, "the file ends inside <item> (is it truncated?)");
    assert_eq!((e.line, e.column), (13, 1));
}

#[test]
fn truncated_everywhere() {
    // Every prefix of a valid file is refused, never accepted or a panic.
    let bytes = std::fs::read(local("text.xml")).unwrap();
    let end = bytes.len() - "</rss>\n".len();
    for cut in 0..end {
        assert!(
            read_bytes(&bytes[..cut]).is_err(),
            "accepted a file cut at {cut}"
        );
    }
}

#[test]
fn bad_version() {
    let e = err(local("bad-version.xml"));
    assert_eq!(
        e.message,
        "wp:wxr_version \"abc\" is not a version number like 1.2"
    );
    assert_eq!((e.line, e.column), (11, 4));
}

#[test]
fn missing_version() {
    let e = err(local("missing-version.xml"));
    assert_eq!(e.message, "wp:wxr_version is missing");
    assert_eq!((e.line, e.column), (14, 1));
}

#[test]
fn doctype_refused() {
    let e = err(local("doctype.xml"));
    assert_eq!(
        e.message,
        "a DOCTYPE is not allowed in a WordPress export (entities are never expanded)"
    );
    assert_eq!((e.line, e.column), (2, 1));
}

#[test]
fn not_xml() {
    let e = err(local("not-xml.xml"));
    assert_eq!((e.line, e.column), (1, 1));
    assert!(e.message.contains("not an XML file"), "{e}");
}

#[test]
fn unknown_entity() {
    let e = err(local("unknown-entity.xml"));
    assert_eq!((e.line, e.column), (11, 12));
    assert!(
        e.message.starts_with("&eacute; is not an XML entity"),
        "{e}"
    );
}

#[test]
fn binary_garbage() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let e = read_bytes(&garbage).err().expect("garbage accepted");
    assert_eq!(e.line, 1);
    let e = read_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
        .err()
        .expect("PNG accepted");
    assert_eq!(e.line, 1);
}

#[test]
fn empty_and_wrong_root() {
    let e = read_bytes(b"").err().unwrap();
    assert_eq!((e.line, e.column), (1, 1));
    let e = read_bytes(b"<?xml version=\"1.0\"?>\n<html><body/></html>")
        .err()
        .unwrap();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("<html>"), "{e}");
    let e = read_bytes(b"<rss version=\"2.0\"></rss>").err().unwrap();
    assert!(e.message.contains("<channel>"), "{e}");
}

#[test]
fn error_is_sticky() {
    let mut reader = Reader::new(&b"<rss><channel><item></wrong>"[..]);
    let first = reader.next_entry().unwrap_err();
    assert_eq!(reader.next_entry().unwrap_err(), first);
}

#[test]
fn columns_count_characters() {
    // Arabic letters are two bytes each; the column counts characters.
    let xml = "<rss><channel>\n<title>عربي &nope;</title>".as_bytes();
    let e = read_bytes(xml).err().unwrap();
    assert_eq!((e.line, e.column), (2, 13));
}

#[test]
fn streams_one_entry_at_a_time() {
    // The first item is returned before the rest of the file is even valid.
    let xml = br#"<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>one</title></item>
<item><title>two</title></wrong>"#;
    let mut reader = Reader::new(&xml[..]);
    assert!(matches!(reader.next_entry(), Ok(Some(Entry::Item(_)))));
    assert!(reader.bytes_read() < xml.len() as u64);
    assert!(reader.next_entry().is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mutated_wxr_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = std::fs::read(local("text.xml")).unwrap();
        for (at, byte, op) in edits {
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let _ = read_bytes(&bytes);
    }

    #[test]
    fn random_text_never_panics(s in "(<|>|&|;|#|x|[a-z:]|\\]|\\[|!|-|\"|'| |/|=|\\?|CDATA|rss|channel|item|wp|xmlns|DOCTYPE|\u{0646})*") {
        let _ = read_bytes(s.as_bytes());
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_bytes(&bytes);
    }
}

#[test]
fn byte_order_mark() {
    let mut xml = b"\xEF\xBB\xBF".to_vec();
    xml.extend_from_slice(
        b"<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\n<wp:wxr_version>1.x</wp:wxr_version>",
    );
    let e = read_bytes(&xml).err().unwrap();
    assert_eq!((e.line, e.column), (2, 1));
    let ok = b"\xEF\xBB\xBF<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><wp:wxr_version>1.2</wp:wxr_version></channel></rss>";
    let r = read_bytes(ok).unwrap();
    assert_eq!(r.bytes, ok.len() as u64);
}
