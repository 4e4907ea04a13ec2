use proptest::prelude::*;

use super::*;

/// Every tag in `html`: its name and its attributes' names, as a browser tokenizes it.
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer};
    use std::cell::RefCell;

    struct Tags(RefCell<Vec<(String, Vec<String>)>>);
    impl TokenSink for Tags {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(tag) = token {
                let attributes = tag.attrs.iter().map(|a| a.name.local.to_string()).collect();
                self.0.borrow_mut().push((tag.name.to_string(), attributes));
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer = Tokenizer::new(Tags(RefCell::new(Vec::new())), Default::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

/// Asserts that `html` holds only the schema's elements and nothing that could run.
fn assert_in_schema(html: &str) {
    for (name, attributes) in tags(html) {
        assert!(ELEMENTS.contains(&name.as_str()), "<{name}> in {html:?}");
        for a in attributes {
            assert!(
                matches!(
                    a.as_str(),
                    "dir"
                        | "href"
                        | "rel"
                        | "src"
                        | "alt"
                        | "width"
                        | "height"
                        | "class"
                        | "start"
                        | "colspan"
                        | "rowspan"
                        | "data-provider"
                        | "data-url"
                        | "data-title"
                        | "data-thumbnail"
                ),
                "attribute {a} in {html:?}"
            );
        }
    }
    let lower = html.to_lowercase();
    for needle in [
        "javascript:",
        "data:",
        "<script",
        "<style",
        "<svg",
        "<form",
        "onerror",
        "onclick",
    ] {
        assert!(!lower.contains(needle), "{needle} in {html:?}");
    }
    assert!(
        !html
            .chars()
            .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
        "bidi control in {html:?}"
    );
}

#[test]
fn hostile_html_is_reduced_to_the_schema() {
    for hostile in [
        "<script>alert(1)</script><p>نص</p>",
        "<script/>alert(1)<p>نص</p>",
        "<p onclick=\"alert(1)\" style=\"color:red\">نص</p>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">رابط</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">رابط</a>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">رابط</a>",
        "<img src=\"data:image/png;base64,AAAA\" alt=\"صورة\">",
        "<svg onload=alert(1)><circle r=\"5\"/></svg><p>بعد</p>",
        "<svg/><p>بعد</p>",
        "<math><mi>x</mi></math>",
        "<style>p{color:red}</style><p>نص</p>",
        "<form action=\"/x\"><form><input name=a><button>أرسل</button></form></form>",
        "<p>\u{202E}مقلوب\u{202C} و&#x202E;مرمز</p>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<a href=\"//evil.example\">بعيد</a>",
        "<p><a href=\"https://example.com\" target=\"_blank\" rel=\"opener\">رابط</a></p>",
        "<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0\">",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<figure class=\"embed\" data-provider=\"youtube\" data-url=\"javascript:alert(1)\"></figure>",
        "<figure class=\"embed\" data-url=\"https://youtu.be/dQw4w9WgXcQ\" data-thumbnail=\"https://evil.example/t.jpg\"></figure>",
        "<table><tr><td onmouseover=alert(1)>خلية</td></tr></table>",
        "<textarea><p>ليس نصاً</p></textarea>",
    ] {
        let clean = sanitize(hostile);
        assert_in_schema(&clean);
        assert!(!clean.contains("alert"), "{hostile:?} gave {clean:?}");
        assert_eq!(sanitize(&clean), clean, "not a fixed point: {hostile:?}");
    }
    assert!(sanitize("<p>\u{202E}مقلوب\u{202C}</p>").contains("مقلوب"));
    assert!(!sanitize("<textarea><p>ليس نصاً</p></textarea>").contains("ليس"));
}

#[test]
fn blocks_take_their_direction_from_their_own_text() {
    assert_eq!(
        sanitize("<h2>عنوان</h2><p>Reuters قالت</p><ul><li>أ</li></ul>"),
        "<h2 dir=\"auto\">عنوان</h2><p dir=\"auto\">Reuters قالت</p><ul dir=\"auto\"><li dir=\"auto\">أ</li></ul>"
    );
}

#[test]
fn text_outside_blocks_becomes_paragraphs() {
    assert_eq!(
        sanitize("سطر أول\nتابع\n\nفقرة ثانية <b>بارزة</b>"),
        "<p dir=\"auto\">سطر أول\nتابع</p><p dir=\"auto\">فقرة ثانية <strong>بارزة</strong></p>"
    );
    assert_eq!(
        sanitize("<div>أ</div><div>ب<br>ج</div>"),
        "<p dir=\"auto\">أ</p><p dir=\"auto\">ب<br>ج</p>"
    );
    // Spacing paragraphs of editors and word processors go.
    assert_eq!(
        sanitize("<p>أ</p><p><br></p><p>&nbsp;</p><p></p><p>ب</p>"),
        "<p dir=\"auto\">أ</p><p dir=\"auto\">ب</p>"
    );
}

#[test]
fn headings_bold_and_italic_are_normalised() {
    assert_eq!(
        sanitize("<h1>أ</h1><h5>ب</h5><p><b>ج</b> <i>د</i> <cite>هـ</cite></p>"),
        "<h2 dir=\"auto\">أ</h2><h4 dir=\"auto\">ب</h4><p dir=\"auto\"><strong>ج</strong> <em>د</em> <em>هـ</em></p>"
    );
}

#[test]
fn word_and_google_docs_pastes_come_out_in_the_schema() {
    let word = "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><style>p.MsoNormal{margin:0}</style></head>\
        <body><!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]-->\
        <p class=MsoNormal dir=RTL style='text-align:right'><b><span lang=AR-SA style='font-family:\"Arial\"'>عاجل:</span></b>\
        <span lang=AR-SA> انفجار في الميناء<o:p></o:p></span></p>\
        <p class=MsoNormal><o:p>&nbsp;</o:p></p>\
        <p class=MsoNormal><i>تفاصيل</i> لاحقة</p></body></html>";
    assert_eq!(
        sanitize(word),
        "<p dir=\"auto\"><strong>عاجل:</strong> انفجار في الميناء</p><p dir=\"auto\"><em>تفاصيل</em> لاحقة</p>"
    );
    let docs = "<meta charset=\"utf-8\"><b style=\"font-weight:normal;\" id=\"docs-internal-guid-1\">\
        <p dir=\"rtl\" style=\"line-height:1.38\"><span style=\"font-size:11pt;font-weight:700\">عنوان</span>\
        <span style=\"font-size:11pt;font-weight:400\"> ثم </span><span style=\"font-style:italic\">مائل</span></p>\
        <br><ul><li dir=\"rtl\"><p dir=\"rtl\"><span>بند</span></p></li></ul></b>";
    assert_eq!(
        sanitize(docs),
        "<p dir=\"auto\"><strong>عنوان</strong> ثم <em>مائل</em></p><ul dir=\"auto\"><li dir=\"auto\"><p dir=\"auto\">بند</p></li></ul>"
    );
}

#[test]
fn a_link_alone_on_its_line_to_a_known_post_becomes_an_embed() {
    let embed = "<figure class=\"embed\" data-provider=\"youtube\" data-url=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" dir=\"auto\">\
        <a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" rel=\"noopener noreferrer\">https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>";
    for input in [
        "<p>https://youtu.be/dQw4w9WgXcQ</p>",
        "<p> <a href=\"https://youtu.be/dQw4w9WgXcQ\">https://youtu.be/dQw4w9WgXcQ</a> </p>",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "<figure class=\"embed\" data-provider=\"x\" data-url=\"https://youtu.be/dQw4w9WgXcQ\"><iframe src=\"https://evil.example\"></iframe><p>أي شيء</p></figure>",
    ] {
        assert_eq!(sanitize(input), embed, "{input}");
    }
    assert_eq!(
        from_markdown("نص\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nبعده"),
        format!("<p dir=\"auto\">نص</p>\n{embed}\n<p dir=\"auto\">بعده</p>\n")
    );
    // In a sentence, or to anything else, it is a link.
    assert_eq!(
        sanitize("<p>شاهد https://youtu.be/dQw4w9WgXcQ الآن</p>"),
        "<p dir=\"auto\">شاهد <a href=\"https://youtu.be/dQw4w9WgXcQ\" rel=\"noopener noreferrer\">https://youtu.be/dQw4w9WgXcQ</a> الآن</p>"
    );
    assert_eq!(
        sanitize("<p>https://example.com/a</p>"),
        "<p dir=\"auto\"><a href=\"https://example.com/a\" rel=\"noopener noreferrer\">https://example.com/a</a></p>"
    );
    // A title and a thumbnail from our own media are kept.
    let titled = sanitize(
        "<figure class=\"embed\" data-url=\"https://x.com/a_b/status/123\" data-title=\"تغريدة\" data-thumbnail=\"/media/t.webp\"></figure>",
    );
    assert_eq!(
        titled,
        "<figure class=\"embed\" data-provider=\"x\" data-url=\"https://x.com/a_b/status/123\" data-title=\"تغريدة\" data-thumbnail=\"/media/t.webp\" dir=\"auto\">\
        <a href=\"https://x.com/a_b/status/123\" rel=\"noopener noreferrer\">تغريدة</a></figure>"
    );
    // An embed of an unknown provider stays a link to it.
    assert_eq!(
        sanitize("<figure class=\"embed\" data-url=\"https://vimeo.com/1\"></figure>"),
        "<p dir=\"auto\"><a href=\"https://vimeo.com/1\" rel=\"noopener noreferrer\">https://vimeo.com/1</a></p>"
    );
}

#[test]
fn figures_keep_caption_credit_and_alt() {
    let figure = "<figure class=\"image\"><img src=\"/media/ab/x-1280.webp\" alt=\"وصف\" width=\"1280\" height=\"720\" loading=\"lazy\">\
        <figcaption>الميناء بعد الانفجار <small class=\"credit\">رويترز</small></figcaption></figure>";
    assert_eq!(
        sanitize(figure),
        "<figure class=\"image\" dir=\"auto\"><img src=\"/media/ab/x-1280.webp\" alt=\"وصف\" width=\"1280\" height=\"720\">\
        <figcaption dir=\"auto\">الميناء بعد الانفجار <small class=\"credit\">رويترز</small></figcaption></figure>"
    );
    let gallery = sanitize(
        "<figure class=\"gallery\"><figure class=\"image\"><img src=\"/media/a.webp\" alt=\"\"></figure></figure>",
    );
    assert!(
        gallery.starts_with("<figure class=\"gallery\" dir=\"auto\"><figure class=\"image\""),
        "{gallery}"
    );
    assert_eq!(
        sanitize("<blockquote class=\"wp-block-pullquote big\"><p>قول</p></blockquote><hr>"),
        "<blockquote class=\"pull-quote\" dir=\"auto\"><p dir=\"auto\">قول</p></blockquote><hr>"
    );
}

#[test]
fn nesting_beyond_the_limit_keeps_its_text_and_stays_fast() {
    let deep = "<blockquote>".repeat(50_000) + "آخر" + &"</blockquote>".repeat(50_000);
    let clean = sanitize(&deep);
    assert!(clean.contains("آخر"));
    assert!(clean.matches("<blockquote").count() <= MAX_DEPTH);
    let many = "<b>ب</b>".repeat(40_000);
    let clean = sanitize(&many);
    assert!(clean.matches("<strong>").count() <= MAX_TAGS);
    assert_eq!(plain_text(&clean).matches('ب').count(), 40_000);
}

#[test]
fn markdown_converts_to_the_same_text() {
    for md in [
        "اكد رئيس **الجمهورية** أن [الزيارة](https://example.com) مهمة.\n\nفقرة ثانية\nبسطرين.",
        "## عنوان\n\n- بند أول\n- بند *ثان*\n\n> اقتباس\n\n1. أ\n2. ب",
        "| أ | ب |\n|---|---|\n| ١ | ٢ |\n\n---\n\n![صورة](/media/x.svg) تحتها `رمز` و~~محذوف~~",
        "نص فيه <span>HTML</span> خام &amp; رموز",
    ] {
        let html = from_markdown(md);
        assert_in_schema(&html);
        assert_eq!(
            plain_text(&html),
            crate::markdown::to_plain_text(md),
            "{md}"
        );
    }
}

#[test]
fn plain_text_leaves_out_embeds_and_separates_blocks() {
    let html = sanitize(
        "<h2>أ</h2><p>ب <strong>ج</strong><br>د</p><p>https://youtu.be/dQw4w9WgXcQ</p><table><tr><td>١</td><td>٢</td></tr></table>",
    );
    assert_eq!(plain_text(&html), "أ\n\nب ج د\n\n١ ٢");
}

/// Pieces of HTML, hostile and ordinary, that a generated body is made of.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<b>".to_string()),
        Just("</b>".to_string()),
        Just("<i>".to_string()),
        Just("</i>".to_string()),
        Just("<a href=\"https://example.com/x\">".to_string()),
        Just("<a href=\"javascript:alert(1)\">".to_string()),
        Just("</a>".to_string()),
        Just("<h1>".to_string()),
        Just("</h1>".to_string()),
        Just("<h3>".to_string()),
        Just("</h3>".to_string()),
        Just("<ul><li>".to_string()),
        Just("</li></ul>".to_string()),
        Just("<li>".to_string()),
        Just("<blockquote>".to_string()),
        Just("</blockquote>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("</td></tr></table>".to_string()),
        Just("<td>".to_string()),
        Just(
            "<figure class=\"image\"><img src=\"/media/a.webp\" alt=\"ا\"><figcaption>".to_string()
        ),
        Just("</figcaption></figure>".to_string()),
        Just("<figure class=\"embed\" data-url=\"https://youtu.be/dQw4w9WgXcQ\">".to_string()),
        Just("</figure>".to_string()),
        Just("<small class=\"credit\">".to_string()),
        Just("</small>".to_string()),
        Just("<br>".to_string()),
        Just("<hr>".to_string()),
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<svg>".to_string()),
        Just("<form>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<span style=\"font-weight:700\">".to_string()),
        Just("</span>".to_string()),
        Just("\n\n".to_string()),
        Just("https://youtu.be/dQw4w9WgXcQ".to_string()),
        Just("https://x.com/a_b/status/1".to_string()),
        Just("\u{202E}".to_string()),
        Just("&amp; &lt; &nbsp;".to_string()),
        "[ابتثجحخ دذرزسش]{1,12}".prop_map(String::from),
        "[a-z <>&\"']{1,8}".prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sanitising_twice_changes_nothing(pieces in prop::collection::vec(piece(), 0..40)) {
        let html: String = pieces.concat();
        let once = sanitize(&html);
        prop_assert_eq!(sanitize(&once), once.clone());
        assert_in_schema(&once);
    }
}
