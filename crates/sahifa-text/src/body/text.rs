//! The readable text of a body, for search, word counts, excerpts and descriptions.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};

/// Elements whose start and end separate blocks of text.
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "tr",
    "hr",
    "pre",
    "div",
    "table",
];

#[derive(Default)]
struct Collect {
    blocks: Vec<String>,
    current: String,
    /// Inside an embed figure (its link is not prose) or an element never shown as text.
    hidden: usize,
}

impl Collect {
    fn flush(&mut self) {
        let text = self
            .current
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            self.blocks.push(text);
        }
        self.current.clear();
    }
}

struct Sink(RefCell<Collect>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut c = self.0.borrow_mut();
        match token {
            Token::CharacterTokens(text) if c.hidden == 0 => c.current.push_str(&text),
            Token::TagToken(tag) => {
                let name = &*tag.name;
                let embed = name == "figure"
                    && tag.attrs.iter().any(|a| {
                        &*a.name.local == "class"
                            && a.value.split_ascii_whitespace().any(|c| c == "embed")
                    });
                match tag.kind {
                    TagKind::StartTag if c.hidden > 0 && name == "figure" => c.hidden += 1,
                    TagKind::EndTag if c.hidden > 0 && name == "figure" => c.hidden -= 1,
                    _ if c.hidden > 0 => {}
                    TagKind::StartTag if embed => {
                        c.flush();
                        c.hidden = 1;
                    }
                    _ if BLOCKS.contains(&name) => c.flush(),
                    _ if name == "br" => c.current.push(' '),
                    TagKind::EndTag if matches!(name, "td" | "th") => c.current.push(' '),
                    _ => {}
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The text of a sanitised body: blocks (paragraphs, headings, list items, captions, table
/// rows) joined with `"\n\n"`, whitespace inside a block collapsed to single spaces, image
/// descriptions and embeds left out.
pub fn plain_text(html: &str) -> String {
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Collect::default())), Default::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut collect = tokenizer.sink.0.into_inner();
    collect.flush();
    collect.blocks.join("\n\n")
}
