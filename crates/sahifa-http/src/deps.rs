//! What a cached page shows, collected while it renders.
//!
//! A render runs inside [`recording`]; the code that puts something on the page (a card,
//! an article, a list query, the site's frame) calls [`record`] with what it shows, and the
//! page is stored with the set (see `crate::cache`). Recording is a task-local: code
//! outside a render (the admin, a CLI) records into nothing, at no cost, and no render
//! function has to thread a collector through every call.
//!
//! The same set is what HTTP caches in front are told (`xkey`, `Surrogate-Key`,
//! `Cache-Tag`), so a purge by key drops exactly the pages this process retires.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::future::Future;

use axum::http::HeaderValue;
use sahifa_store::Dep;
use sahifa_store::retirements::EVERYTHING_KEY;

/// Articles a page may name one by one; a page listing more (a sitemap) depends on any
/// article's content instead, which keeps its key headers short.
pub const MAX_NAMED_ARTICLES: usize = 100;

tokio::task_local! {
    static RECORDING: RefCell<BTreeSet<Dep>>;
}

/// Notes that the page being rendered shows `dep`; outside a render, does nothing.
pub fn record(dep: Dep) {
    let _ = RECORDING.try_with(|set| set.borrow_mut().insert(dep));
}

/// Notes several things the page shows.
pub fn record_all(deps: impl IntoIterator<Item = Dep>) {
    let _ = RECORDING.try_with(|set| set.borrow_mut().extend(deps));
}

/// Runs `render` with a fresh recording, which [`collected`] reads at its end.
pub async fn recording<F: Future>(render: F) -> F::Output {
    RECORDING.scope(RefCell::new(BTreeSet::new()), render).await
}

/// What the render so far has recorded, taken out of the recording (empty outside one).
pub fn collected() -> Deps {
    let set = RECORDING
        .try_with(|set| std::mem::take(&mut *set.borrow_mut()))
        .unwrap_or_default();
    Deps::new(set)
}

/// The things one cached entry shows, and the key headers that say so.
#[derive(Debug, Clone)]
pub struct Deps {
    list: Box<[Dep]>,
    /// `sahifa a12 c3 ...`, for `xkey` and `Surrogate-Key`.
    keys: HeaderValue,
    /// `sahifa,a12,c3,...`, for `Cache-Tag`.
    tags: HeaderValue,
}

impl Deps {
    fn new(mut set: BTreeSet<Dep>) -> Deps {
        let articles = set.iter().filter(|d| matches!(d, Dep::Article(_))).count();
        if articles > MAX_NAMED_ARTICLES {
            set.retain(|d| !matches!(d, Dep::Article(_)));
            set.insert(Dep::AnyArticle);
        }
        let words: Vec<String> = std::iter::once(EVERYTHING_KEY.to_string())
            .chain(set.iter().map(Dep::to_string))
            .collect();
        // The words are ASCII letters and digits, which a header value always takes.
        let header = |sep: &str| {
            HeaderValue::from_str(&words.join(sep))
                .unwrap_or_else(|_| HeaderValue::from_static(EVERYTHING_KEY))
        };
        Deps {
            keys: header(" "),
            tags: header(","),
            list: set.into_iter().collect(),
        }
    }

    /// The things shown.
    pub fn list(&self) -> &[Dep] {
        &self.list
    }

    /// The space-separated key list (`xkey`, `Surrogate-Key`).
    pub fn keys_header(&self) -> &HeaderValue {
        &self.keys
    }

    /// The comma-separated key list (`Cache-Tag`).
    pub fn tags_header(&self) -> &HeaderValue {
        &self.tags
    }
}

impl Default for Deps {
    fn default() -> Self {
        Deps::new(BTreeSet::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_render_collects_what_it_records() {
        record(Dep::Site); // outside: dropped
        let deps = recording(async {
            record(Dep::Article(3));
            tokio::task::yield_now().await;
            record_all([Dep::Latest, Dep::Article(3), Dep::Category(2)]);
            collected()
        })
        .await;
        assert_eq!(
            deps.list(),
            &[Dep::Article(3), Dep::Category(2), Dep::Latest]
        );
        assert_eq!(deps.keys_header(), "sahifa a3 c2 all");
        assert_eq!(deps.tags_header(), "sahifa,a3,c2,all");
        assert!(collected().list().is_empty());
    }

    #[tokio::test]
    async fn too_many_articles_become_any_article() {
        let deps = recording(async {
            record_all((0..=MAX_NAMED_ARTICLES as i64).map(Dep::Article));
            record(Dep::Latest);
            collected()
        })
        .await;
        assert_eq!(deps.list(), &[Dep::Latest, Dep::AnyArticle]);
    }
}
