//! Bodies kept ready in every encoding a client may ask for, so a cache hit costs a lookup
//! and a copy of a reference-counted buffer, never a compression.

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

/// A body in identity, gzip and brotli form with its entity tag.
#[derive(Debug)]
pub struct EncodedBody {
    identity: Bytes,
    gzip: Option<Bytes>,
    br: Option<Bytes>,
    /// Strong validator of the identity bytes (quoted, ready for the header).
    etag: String,
}

/// Below this size compression saves less than the header it costs.
const MIN_COMPRESS: usize = 512;

impl EncodedBody {
    /// Compresses `body` once. Brotli quality 6 and gzip level 6 are the usual balance of
    /// size and time for text that is compressed once and served many times.
    pub fn new(body: Vec<u8>) -> EncodedBody {
        let etag = format!("\"{}\"", &blake3::hash(&body).to_hex()[..20]);
        let (gzip, br) = if body.len() >= MIN_COMPRESS {
            (gzip(&body), brotli(&body))
        } else {
            (None, None)
        };
        EncodedBody {
            identity: Bytes::from(body),
            gzip,
            br,
            etag,
        }
    }

    /// The entity tag of the identity body.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// The identity bytes.
    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// Picks the best encoding the request accepts; returns the bytes, the
    /// `Content-Encoding` value (if any) and the entity tag of that representation.
    pub fn select(&self, request: &HeaderMap) -> (Bytes, Option<&'static str>, String) {
        let accepted = request
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if let Some(br) = &self.br
            && accepts(accepted, "br")
        {
            return (br.clone(), Some("br"), self.variant_etag("br"));
        }
        if let Some(gz) = &self.gzip
            && accepts(accepted, "gzip")
        {
            return (gz.clone(), Some("gzip"), self.variant_etag("gz"));
        }
        (self.identity.clone(), None, self.etag.clone())
    }

    fn variant_etag(&self, suffix: &str) -> String {
        // Each representation needs its own strong validator (RFC 9110 8.8.3).
        format!("{}-{suffix}\"", &self.etag[..self.etag.len() - 1])
    }

    /// True when `If-None-Match` names any representation of this body.
    pub fn not_modified(&self, request: &HeaderMap) -> bool {
        let Some(value) = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let base = &self.etag[..self.etag.len() - 1];
        value.split(',').map(str::trim).any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*" || tag.starts_with(base)
        })
    }
}

/// Whether an `Accept-Encoding` value accepts `coding` (a `q=0` refuses it).
fn accepts(header_value: &str, coding: &str) -> bool {
    header_value.split(',').any(|part| {
        let mut pieces = part.split(';');
        let name = pieces.next().unwrap_or("").trim();
        if !name.eq_ignore_ascii_case(coding) {
            return false;
        }
        !pieces.any(|p| {
            let p = p.trim();
            p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
        })
    })
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        writer.write_all(body).ok()?;
    }
    Some(Bytes::from(out))
}

/// Adds `Content-Encoding`, `Vary` and `ETag` for a selected representation.
pub fn representation_headers(headers: &mut HeaderMap, encoding: Option<&'static str>, etag: &str) {
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_parsing() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("brotli", "br"));
    }

    #[test]
    fn selects_and_validates() {
        let body = EncodedBody::new("سلام ".repeat(400).into_bytes());
        let mut req = HeaderMap::new();
        req.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        let (bytes, enc, etag) = body.select(&req);
        assert_eq!(enc, Some("br"));
        assert!(bytes.len() < body.identity().len());
        assert_ne!(etag, body.etag());
        let mut cond = HeaderMap::new();
        cond.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&etag).unwrap());
        assert!(body.not_modified(&cond));
        cond.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!body.not_modified(&cond));
    }
}
