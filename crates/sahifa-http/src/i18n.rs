//! The locale catalogue: every word a reader or editor sees comes from `locales/*.ftl`
//! (Fluent), Arabic first and English second.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use sahifa_text::dates::Lang;

const ARABIC: &str = include_str!("../../../locales/ar.ftl");
const ENGLISH: &str = include_str!("../../../locales/en.ftl");

/// Arabic and English message bundles.
pub struct Catalog {
    ar: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

/// One argument for a message: a number (used for plural rules) or text.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A number; Fluent picks the plural form from it.
    Number(i64),
    /// Text inserted as is.
    Text(String),
}

impl Catalog {
    /// Parses the embedded catalogues. A syntax error in them is a build defect, so it is
    /// reported at start-up rather than shown to readers.
    pub fn load() -> Result<Catalog, String> {
        Ok(Catalog {
            ar: bundle("ar", ARABIC)?,
            en: bundle("en", ENGLISH)?,
        })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }

    /// The message `key` in `lang`, falling back to Arabic, then to the key itself so a
    /// missing translation is visible but never breaks a page.
    pub fn get(&self, lang: Lang, key: &str, args: &HashMap<String, Arg>) -> String {
        for bundle in [self.bundle(lang), &self.ar] {
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut fluent_args = FluentArgs::new();
            for (name, value) in args {
                let value = match value {
                    Arg::Number(n) => FluentValue::from(*n),
                    Arg::Text(s) => FluentValue::from(s.as_str()),
                };
                fluent_args.set(name.as_str(), value);
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(key, ?errors, "locale message formatted with errors");
            }
            return text.into_owned();
        }
        tracing::warn!(key, "missing locale message");
        key.to_string()
    }

    /// A message without arguments.
    pub fn text(&self, lang: Lang, key: &str) -> String {
        self.get(lang, key, &HashMap::new())
    }

    /// Every message id of one language (for the catalogue completeness test).
    pub fn keys(source_lang: Lang) -> Vec<String> {
        let source = match source_lang {
            Lang::Ar => ARABIC,
            Lang::En => ENGLISH,
        };
        source
            .lines()
            .filter_map(|line| {
                let (id, _) = line.split_once('=')?;
                let id = id.trim();
                let starts_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                (starts_ok
                    && !line.starts_with(' ')
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                .then(|| id.to_string())
            })
            .collect()
    }
}

fn bundle(code: &str, source: &str) -> Result<FluentBundle<FluentResource>, String> {
    let langid: unic_langid::LanguageIdentifier = code
        .parse()
        .map_err(|e| format!("bad language id {code}: {e}"))?;
    let resource = FluentResource::try_new(source.to_string())
        .map_err(|(_, errors)| format!("locales/{code}.ftl has syntax errors: {errors:?}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Isolation marks (U+2068/U+2069) would leak into <title>, attributes and JSON; the
    // templates isolate mixed-direction text with <bdi> where it matters instead.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("locales/{code}.ftl has duplicate messages: {errors:?}"))?;
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_messages() {
        let mut ar = Catalog::keys(Lang::Ar);
        let mut en = Catalog::keys(Lang::En);
        ar.sort();
        en.sort();
        assert!(ar.len() > 40, "catalogue parsed: {}", ar.len());
        assert_eq!(ar, en);
    }

    #[test]
    fn every_key_a_template_or_handler_uses_exists() {
        let catalog = Catalog::load().expect("catalogues parse");
        let theme = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../themes/default/templates"
        );
        let mut used = Vec::new();
        collect_template_keys(std::path::Path::new(theme), &mut used);
        used.extend(
            [
                "error-404-title",
                "error-404-message",
                "error-400-title",
                "error-400-message",
                "error-405-title",
                "error-500-title",
                "error-500-message",
                "category-archive",
                "tag-archive",
                "author-archive",
                "api-bad-paging",
                "api-not-found",
                "share-telegram",
                "share-whatsapp",
                "share-x",
                "share-facebook",
                "share-copy",
            ]
            .map(String::from),
        );
        assert!(used.len() > 30);
        let known = Catalog::keys(Lang::Ar);
        for key in used {
            assert!(known.contains(&key), "missing message {key}");
            assert_ne!(catalog.text(Lang::En, &key), key);
        }
    }

    fn collect_template_keys(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("templates dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                collect_template_keys(&path, out);
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("template");
            for quote in ['"', '\''] {
                let opener = format!("t({quote}");
                for (at, _) in source.match_indices(opener.as_str()) {
                    // `asset('...')` also ends in `t('`: only a call named exactly `t` counts.
                    let before = source[..at].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = &source[at + opener.len()..];
                    // `t("share-" ~ network)` builds the key: those are listed by hand.
                    if let Some(key) = rest.split(quote).next().filter(|k| !k.ends_with('-')) {
                        out.push(key.to_string());
                    }
                }
            }
        }
    }

    #[test]
    fn arabic_plurals_follow_the_number() {
        let catalog = Catalog::load().expect("catalogues parse");
        let minutes = |n: i64| {
            let mut args = HashMap::new();
            args.insert("count".to_string(), Arg::Number(n));
            args.insert("minutes".to_string(), Arg::Text(n.to_string()));
            catalog.get(Lang::Ar, "reading-time", &args)
        };
        assert_ne!(minutes(1), minutes(2));
        assert_ne!(minutes(2), minutes(3));
        assert!(minutes(5).contains('5'));
    }
}
