//! A small, forgiving HTML tokenizer and the character-reference handling the rest of the
//! conversion needs. It only has to find tags, comments and text the way a browser would
//! split them; [`sahifa_text::body::sanitize`] has the last word on structure and safety,
//! so anything odd is passed on as text rather than guessed at.

use std::borrow::Cow;

/// A piece of markup, borrowing from the input.
#[derive(Debug)]
pub(super) enum Token<'a> {
    Text(&'a str),
    Start(Tag<'a>),
    End {
        name: String,
        raw: &'a str,
    },
    Comment(&'a str),
    /// The content of an element whose text is not markup (`script`, `style`, …).
    Raw(&'a str),
}

#[derive(Debug)]
pub(super) struct Tag<'a> {
    /// Lower-cased.
    pub name: String,
    /// Lower-cased names, raw (undecoded) values.
    pub attrs: Vec<(String, &'a str)>,
    pub self_closing: bool,
    pub raw: &'a str,
}

impl Tag<'_> {
    /// The decoded value of `name`.
    pub fn attr(&self, name: &str) -> Option<Cow<'_, str>> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| decode(v))
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }

    pub fn class_starting(&self, prefix: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c.starts_with(prefix)))
    }
}

/// Elements whose content the browser reads as text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

pub(super) struct Tokens<'a> {
    src: &'a str,
    pos: usize,
    raw_until: Option<String>,
}

pub(super) fn tokens(src: &str) -> Tokens<'_> {
    Tokens {
        src,
        pos: 0,
        raw_until: None,
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let rest = self.src.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        if let Some(name) = self.raw_until.take() {
            let end = find_end_tag(rest, &name).unwrap_or(rest.len());
            self.pos += end;
            if let Some(raw) = rest.get(..end).filter(|r| !r.is_empty()) {
                return Some(Token::Raw(raw));
            }
            return self.next();
        }
        if rest.starts_with('<')
            && let Some((token, len)) = markup(rest)
        {
            self.pos += len.max(1);
            if let Token::Start(tag) = &token
                && !tag.self_closing
                && RAW_TEXT.contains(&tag.name.as_str())
            {
                self.raw_until = Some(tag.name.clone());
            }
            return Some(token);
        }
        let skip = usize::from(rest.starts_with('<'));
        let end = rest
            .get(skip..)
            .and_then(|r| r.find('<'))
            .map_or(rest.len(), |i| i + skip);
        self.pos += end;
        rest.get(..end).map(Token::Text)
    }
}

/// Where `</name` starts in `s`, ASCII case-insensitively.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|r| r.find("</")) {
        let at = from + i;
        let candidate = bytes.get(at + 2..at + 2 + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The token at the start of `s` (which starts with `<`) and its length, or `None` when
/// the `<` is only text.
fn markup(s: &str) -> Option<(Token<'_>, usize)> {
    let bytes = s.as_bytes();
    let second = *bytes.get(1)?;
    if s.starts_with("<!--") {
        let len = s.get(4..)?.find("-->").map_or(s.len(), |i| i + 7);
        return Some((Token::Comment(s.get(..len)?), len));
    }
    if second == b'!' || second == b'?' {
        let len = s.find('>').map_or(s.len(), |i| i + 1);
        return Some((Token::Comment(s.get(..len)?), len));
    }
    if second == b'/' {
        if !bytes.get(2)?.is_ascii_alphabetic() {
            return None;
        }
        let end = s.find('>')?;
        let name_end = bytes
            .iter()
            .skip(2)
            .position(|b| is_space(*b) || *b == b'/' || *b == b'>')
            .map_or(end, |i| i + 2);
        let name = s.get(2..name_end)?.to_ascii_lowercase();
        return Some((
            Token::End {
                name,
                raw: s.get(..=end)?,
            },
            end + 1,
        ));
    }
    if !second.is_ascii_alphabetic() {
        return None;
    }
    let mut i = 1;
    while bytes
        .get(i)
        .is_some_and(|b| !is_space(*b) && *b != b'/' && *b != b'>')
    {
        i += 1;
    }
    let name = s.get(1..i)?.to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while bytes.get(i).is_some_and(|b| is_space(*b) || *b == b'/') {
            self_closing = bytes.get(i) == Some(&b'/');
            i += 1;
        }
        match bytes.get(i) {
            None => return None,
            Some(b'>') => break,
            Some(_) => self_closing = false,
        }
        let name_start = i;
        i += 1;
        while bytes
            .get(i)
            .is_some_and(|b| !is_space(*b) && !matches!(*b, b'=' | b'>' | b'/'))
        {
            i += 1;
        }
        let attr_name = s.get(name_start..i)?.to_ascii_lowercase();
        while bytes.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while bytes.get(i).copied().is_some_and(is_space) {
                i += 1;
            }
            match bytes.get(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let quote = char::from(*q);
                    let close = s.get(i + 1..)?.find(quote)? + i + 1;
                    value = s.get(i + 1..close)?;
                    i = close + 1;
                }
                _ => {
                    let start = i;
                    while bytes.get(i).is_some_and(|b| !is_space(*b) && *b != b'>') {
                        i += 1;
                    }
                    value = s.get(start..i)?;
                }
            }
        }
        attrs.push((attr_name, value));
    }
    let tag = Tag {
        name,
        attrs,
        self_closing,
        raw: s.get(..=i)?,
    };
    Some((Token::Start(tag), i + 1))
}

/// `s` with its character references decoded (numeric ones and the named ones WordPress
/// and word processors write; an unknown name is left as it is).
pub(super) fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        match reference(after) {
            Some((decoded, len)) => {
                out.push_str(&decoded);
                rest = after.get(len..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The reference at the start of `s` (just after its `&`), and how many bytes it took
/// including its `;`.
fn reference(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let semi = s.get(..s.len().min(34))?.find(';')?;
    let body = s.get(..semi)?;
    if let Some(number) = body.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        let c = match value {
            0 => '\u{FFFD}',
            v => char::from_u32(v).unwrap_or('\u{FFFD}'),
        };
        return Some((Cow::Owned(c.to_string()), semi + 1));
    }
    let c = match body {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "shy" => "\u{ad}",
        "zwnj" => "\u{200c}",
        "zwj" => "\u{200d}",
        "lrm" => "\u{200e}",
        "rlm" => "\u{200f}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "prime" => "′",
        "Prime" => "″",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "times" => "×",
        "divide" => "÷",
        "deg" => "°",
        "middot" => "·",
        "bull" => "•",
        "euro" => "€",
        "pound" => "£",
        "cent" => "¢",
        "yen" => "¥",
        "sect" => "§",
        "para" => "¶",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "plusmn" => "±",
        "iexcl" => "¡",
        "iquest" => "¿",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "thinsp" => "\u{2009}",
        _ => return None,
    };
    Some((Cow::Borrowed(c), semi + 1))
}

pub(super) fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

pub(super) fn escape_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// Writes ` name="value"`.
pub(super) fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape_attr(out, value);
    out.push('"');
}
