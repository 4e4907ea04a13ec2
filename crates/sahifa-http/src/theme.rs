//! The theme: templates and static assets, embedded in the binary and optionally
//! overridden file by file from `--theme-dir`.
//!
//! Assets are served under content-hashed names (`css/site.3fa9c1d2e0.css`) with a year-long
//! immutable cache lifetime: a changed file gets a new name, so readers never see a stale
//! stylesheet and never re-download an unchanged one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error as TemplateError, ErrorKind, State};
use sahifa_text::dates::Lang;
use sahifa_text::digits::{DigitStyle, localize_digits};

use crate::encoded::EncodedBody;
use crate::i18n::{Arg, Catalog};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../themes/default");

/// One static file ready to serve.
pub struct Asset {
    /// The body in every encoding.
    pub body: EncodedBody,
    /// Its media type.
    pub content_type: &'static str,
}

/// Templates plus hashed static assets.
pub struct Theme {
    env: Environment<'static>,
    /// Logical path (`css/site.css`) to public URL (`/static/css/site.<hash>.css`).
    urls: Arc<HashMap<String, String>>,
    /// Hashed path (`css/site.<hash>.css`) to the file.
    assets: HashMap<String, Asset>,
}

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The override folder could not be read.
    #[error("cannot read theme directory {path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A template does not compile.
    #[error("theme template error: {0}")]
    Template(#[from] TemplateError),
}

impl Theme {
    /// Loads the embedded theme with files from `override_dir` taking precedence.
    pub fn load(override_dir: Option<&Path>, catalog: Arc<Catalog>) -> Result<Theme, ThemeError> {
        if let Some(dir) = override_dir
            && !dir.is_dir()
        {
            return Err(ThemeError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
            });
        }
        let mut files: HashMap<String, Vec<u8>> = HashMap::new();
        collect_embedded(&DEFAULT_THEME, &mut files);
        if let Some(dir) = override_dir {
            collect_dir(dir, dir, &mut files)?;
        }

        let mut urls = HashMap::new();
        let mut assets = HashMap::new();
        let mut templates = HashMap::new();
        for (path, bytes) in files {
            if let Some(name) = path.strip_prefix("templates/") {
                let source = String::from_utf8(bytes).map_err(|e| ThemeError::Io {
                    path: PathBuf::from(&path),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                })?;
                templates.insert(name.to_string(), source);
            } else if let Some(logical) = path.strip_prefix("static/") {
                let hashed = hashed_name(logical, &bytes);
                urls.insert(logical.to_string(), format!("/static/{hashed}"));
                assets.insert(
                    hashed,
                    Asset {
                        content_type: content_type(logical),
                        body: EncodedBody::new(bytes),
                    },
                );
            }
        }
        let urls = Arc::new(urls);
        let env = build_env(templates, urls.clone(), catalog)?;
        Ok(Theme { env, urls, assets })
    }

    /// Renders `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, TemplateError> {
        self.env.get_template(name)?.render(ctx)
    }

    /// The public URL of a static file, by its logical path.
    pub fn asset_url(&self, logical: &str) -> Option<&str> {
        self.urls.get(logical).map(String::as_str)
    }

    /// A static file by its hashed path.
    pub fn asset(&self, hashed: &str) -> Option<&Asset> {
        self.assets.get(hashed)
    }
}

fn collect_embedded(dir: &Dir<'static>, out: &mut HashMap<String, Vec<u8>>) {
    for file in dir.files() {
        out.insert(
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        );
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

fn collect_dir(
    root: &Path,
    dir: &Path,
    out: &mut HashMap<String, Vec<u8>>,
) -> Result<(), ThemeError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ThemeError::Io { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        if path.is_dir() {
            collect_dir(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            out.insert(relative.to_string_lossy().replace('\\', "/"), bytes);
        }
    }
    Ok(())
}

/// `css/site.css` → `css/site.<10 hex digits of blake3>.css`.
fn hashed_name(logical: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash[..10];
    match logical.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') && !stem.is_empty() => {
            format!("{stem}.{short}.{ext}")
        }
        _ => format!("{logical}.{short}"),
    }
}

/// The media type for a file name; also used for uploaded media.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn build_env(
    templates: HashMap<String, String>,
    urls: Arc<HashMap<String, String>>,
    catalog: Arc<Catalog>,
) -> Result<Environment<'static>, TemplateError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    env.set_formatter(html_formatter);
    let templates = Arc::new(templates);
    env.set_loader(move |name| Ok(templates.get(name).cloned()));

    env.add_function(
        "t",
        move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, TemplateError> {
            let lang = state
                .lookup("lang")
                .and_then(|v| v.as_str().map(Lang::from_code))
                .unwrap_or(Lang::Ar);
            let mut args = HashMap::new();
            for name in kwargs.args() {
                let value: Value = kwargs.get(name)?;
                let arg = match value.as_i64() {
                    Some(n) if value.is_integer() => Arg::Number(n),
                    _ => Arg::Text(value.to_string()),
                };
                args.insert(name.to_string(), arg);
            }
            Ok(catalog.get(lang, key, &args))
        },
    );

    env.add_function(
        "asset",
        move |logical: &str| -> Result<String, TemplateError> {
            urls.get(logical).cloned().ok_or_else(|| {
                TemplateError::new(
                    ErrorKind::InvalidOperation,
                    format!("unknown asset {logical}"),
                )
            })
        },
    );

    env.add_filter("num", |state: &State, value: Value| -> String {
        let style = state
            .lookup("digit_style")
            .and_then(|v| v.as_str().and_then(|s| s.parse::<DigitStyle>().ok()))
            .unwrap_or_default();
        localize_digits(&value.to_string(), style)
    });

    // Compile the page templates now so a broken override fails at start-up, not per request.
    for name in PAGE_TEMPLATES {
        env.get_template(name)?;
    }
    Ok(env)
}

/// Escapes `& < > " '` in HTML output. minijinja's default also escapes `/`, which is not
/// needed for safety in text or quoted attributes and turns every URL into `&#x2f;` soup.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), TemplateError> {
    if !matches!(state.auto_escape(), minijinja::AutoEscape::Html) || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_undefined() || value.is_none() {
        return Ok(());
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped)
        .map_err(|_| TemplateError::new(ErrorKind::WriteFailure, "write failed"))
}

/// The templates the server renders directly; partials are reached from these.
const PAGE_TEMPLATES: [&str; 5] = [
    "home.html",
    "article.html",
    "archive.html",
    "error.html",
    "search.html",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension() {
        let name = hashed_name("css/site.css", b"body{}");
        assert!(name.starts_with("css/site."));
        assert!(name.ends_with(".css"));
        assert_ne!(name, hashed_name("css/site.css", b"body{color:red}"));
    }
}
