//! Embedded posts and players: which links become embeds, and how each provider is framed.
//!
//! An embed is stored as the post's URL and its provider, never as the provider's own
//! markup or script: what the page loads, and from where, is decided here when the page
//! is rendered. Each provider is framed from exactly one origin ([`Provider::frame_origin`]),
//! which is what an article page carrying such an embed allows in its CSP and nothing
//! wider. Recognition is strict (host, path shape and id), so a link that only looks like
//! a post stays a link.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

/// A provider whose posts Sahifa embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// YouTube videos (framed from youtube-nocookie.com, which sets no cookie until play).
    YouTube,
    /// Posts on X (Twitter).
    X,
    /// Posts of public Telegram channels.
    Telegram,
    /// Instagram posts and reels.
    Instagram,
    /// Facebook videos.
    Facebook,
    /// SoundCloud tracks and playlists.
    SoundCloud,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 6] = [
        Provider::YouTube,
        Provider::X,
        Provider::Telegram,
        Provider::Instagram,
        Provider::Facebook,
        Provider::SoundCloud,
    ];

    /// The stored name (`data-provider`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::YouTube => "youtube",
            Provider::X => "x",
            Provider::Telegram => "telegram",
            Provider::Instagram => "instagram",
            Provider::Facebook => "facebook",
            Provider::SoundCloud => "soundcloud",
        }
    }

    /// The provider stored as `name`.
    pub fn parse(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The one origin its frame is loaded from: what the CSP's `frame-src` allows.
    pub fn frame_origin(self) -> &'static str {
        match self {
            Provider::YouTube => "https://www.youtube-nocookie.com",
            Provider::X => "https://platform.twitter.com",
            Provider::Telegram => "https://t.me",
            Provider::Instagram => "https://www.instagram.com",
            Provider::Facebook => "https://www.facebook.com",
            Provider::SoundCloud => "https://w.soundcloud.com",
        }
    }

    /// The locale key of its name as readers see it.
    pub fn name_key(self) -> &'static str {
        match self {
            Provider::YouTube => "embed-provider-youtube",
            Provider::X => "embed-provider-x",
            Provider::Telegram => "embed-provider-telegram",
            Provider::Instagram => "embed-provider-instagram",
            Provider::Facebook => "embed-provider-facebook",
            Provider::SoundCloud => "embed-provider-soundcloud",
        }
    }

    /// A frame height that fits its player or post on a phone, in CSS pixels (the width
    /// is the column's). YouTube keeps its 16:9 ratio in the stylesheet instead.
    pub fn frame_height(self) -> u32 {
        match self {
            Provider::YouTube => 315,
            Provider::X => 560,
            Provider::Telegram => 480,
            Provider::Instagram => 640,
            Provider::Facebook => 360,
            Provider::SoundCloud => 166,
        }
    }
}

/// A recognised post: its provider, its canonical URL and the address of its frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    /// Whose post it is.
    pub provider: Provider,
    /// The post's URL in one canonical form (https, the provider's main host, no
    /// tracking parameters): what is stored and what the card links to.
    pub url: String,
    /// The address the frame loads, on [`Provider::frame_origin`].
    pub frame_src: String,
}

/// The embed `url` points at, if it is a post of a known provider.
pub fn recognise(url: &str) -> Option<Embed> {
    let parsed = Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.port().is_some() {
        return None;
    }
    let host = parsed.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let segments: Vec<&str> = parsed
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let query = |name: &str| {
        parsed
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    match host {
        "youtube.com" | "m.youtube.com" | "youtu.be" | "youtube-nocookie.com" => {
            let id = match (host, segments.as_slice()) {
                ("youtu.be", [id]) => (*id).to_string(),
                (_, ["watch"]) => query("v")?,
                (_, ["shorts" | "embed" | "live", id]) => (*id).to_string(),
                _ => return None,
            };
            youtube(&id)
        }
        "twitter.com" | "x.com" | "mobile.twitter.com" | "mobile.x.com" => match segments[..] {
            [user, "status", id] if handle(user, 1, 15) && digits(id) => Some(Embed {
                provider: Provider::X,
                url: format!("https://x.com/{user}/status/{id}"),
                frame_src: format!("{}/embed/Tweet.html?id={id}", Provider::X.frame_origin()),
            }),
            _ => None,
        },
        "t.me" | "telegram.me" => match segments[..] {
            [channel, id] if channel != "s" && handle(channel, 4, 32) && digits(id) => {
                let url = format!("https://t.me/{channel}/{id}");
                Some(Embed {
                    provider: Provider::Telegram,
                    frame_src: format!("{url}?embed=1"),
                    url,
                })
            }
            _ => None,
        },
        "instagram.com" => match segments[..] {
            ["p" | "reel" | "tv", code] if token(code) => {
                let kind = segments.first().copied().unwrap_or("p");
                let url = format!("https://www.instagram.com/{kind}/{code}/");
                Some(Embed {
                    provider: Provider::Instagram,
                    frame_src: format!("{url}embed"),
                    url,
                })
            }
            _ => None,
        },
        "facebook.com" | "m.facebook.com" | "fb.watch" => {
            let url = match (host, segments.as_slice()) {
                ("fb.watch", [code]) if token(code) => format!("https://fb.watch/{code}/"),
                (_, [page, "videos", id]) if token(page) && digits(id) => {
                    format!("https://www.facebook.com/{page}/videos/{id}/")
                }
                (_, [page, "videos", _, id]) if token(page) && digits(id) => {
                    format!("https://www.facebook.com/{page}/videos/{id}/")
                }
                (_, ["watch"]) => {
                    let id = query("v").filter(|v| digits(v))?;
                    format!("https://www.facebook.com/watch/?v={id}")
                }
                _ => return None,
            };
            Some(Embed {
                provider: Provider::Facebook,
                frame_src: format!(
                    "{}/plugins/video.php?href={}&show_text=false",
                    Provider::Facebook.frame_origin(),
                    utf8_percent_encode(&url, NON_ALPHANUMERIC)
                ),
                url,
            })
        }
        "soundcloud.com" | "m.soundcloud.com" => {
            let url = match segments[..] {
                [user, track] if token(user) && token(track) => {
                    format!("https://soundcloud.com/{user}/{track}")
                }
                [user, "sets", set] if token(user) && token(set) => {
                    format!("https://soundcloud.com/{user}/sets/{set}")
                }
                _ => return None,
            };
            Some(Embed {
                provider: Provider::SoundCloud,
                frame_src: format!(
                    "{}/player/?url={}",
                    Provider::SoundCloud.frame_origin(),
                    utf8_percent_encode(&url, NON_ALPHANUMERIC)
                ),
                url,
            })
        }
        _ => None,
    }
}

fn youtube(id: &str) -> Option<Embed> {
    let valid = id.len() == 11
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| Embed {
        provider: Provider::YouTube,
        url: format!("https://www.youtube.com/watch?v={id}"),
        frame_src: format!("{}/embed/{id}", Provider::YouTube.frame_origin()),
    })
}

/// An account name of `min..=max` ASCII letters, digits and underscores.
fn handle(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 25 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A path segment of ASCII letters, digits, `-`, `_` and `.` (post codes, page names).
fn token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_of_each_provider_are_recognised_in_one_canonical_form() {
        for (url, provider, canonical, frame) in [
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
                Provider::YouTube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            ),
            (
                "http://youtu.be/dQw4w9WgXcQ?si=tracking",
                Provider::YouTube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            ),
            (
                "https://youtube.com/shorts/dQw4w9WgXcQ",
                Provider::YouTube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            ),
            (
                "https://twitter.com/AJArabic/status/1790000000000000000?s=20",
                Provider::X,
                "https://x.com/AJArabic/status/1790000000000000000",
                "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000",
            ),
            (
                "https://t.me/middleeastnews/12345",
                Provider::Telegram,
                "https://t.me/middleeastnews/12345",
                "https://t.me/middleeastnews/12345?embed=1",
            ),
            (
                "https://instagram.com/p/C8abc_12-x/?igsh=x",
                Provider::Instagram,
                "https://www.instagram.com/p/C8abc_12-x/",
                "https://www.instagram.com/p/C8abc_12-x/embed",
            ),
            (
                "https://www.facebook.com/aljazeera/videos/123456789/",
                Provider::Facebook,
                "https://www.facebook.com/aljazeera/videos/123456789/",
                "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww%2Efacebook%2Ecom%2Faljazeera%2Fvideos%2F123456789%2F&show_text=false",
            ),
            (
                "https://soundcloud.com/artist/track-name",
                Provider::SoundCloud,
                "https://soundcloud.com/artist/track-name",
                "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud%2Ecom%2Fartist%2Ftrack%2Dname",
            ),
        ] {
            let embed = recognise(url).unwrap_or_else(|| panic!("{url} not recognised"));
            assert_eq!(embed.provider, provider, "{url}");
            assert_eq!(embed.url, canonical, "{url}");
            assert_eq!(embed.frame_src, frame, "{url}");
            assert!(embed.frame_src.starts_with(provider.frame_origin()));
            // The canonical form recognises as itself.
            assert_eq!(recognise(&embed.url), Some(embed));
        }
    }

    #[test]
    fn look_alikes_stay_links() {
        for url in [
            "https://www.youtube.com/",
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ\"><script>",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
            "https://x.com/AJArabic",
            "https://x.com/AJArabic/status/12ab",
            "https://t.me/s/middleeastnews/12",
            "https://t.me/middleeastnews",
            "https://www.instagram.com/aljazeera/",
            "https://www.facebook.com/aljazeera",
            "https://soundcloud.com/artist",
            "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
            "ftp://youtu.be/dQw4w9WgXcQ",
            "https://youtu.be:8443/dQw4w9WgXcQ",
            "نص عربي",
        ] {
            assert_eq!(recognise(url), None, "{url}");
        }
    }

    #[test]
    fn provider_names_round_trip() {
        for p in Provider::ALL {
            assert_eq!(Provider::parse(p.as_str()), Some(p));
        }
        assert_eq!(Provider::parse("vimeo"), None);
    }
}
