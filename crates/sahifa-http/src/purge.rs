//! Telling the HTTP caches in front what a write retired.
//!
//! Every write this process commits is announced by the store's registry with the things
//! it changed (see `sahifa_store::retirements`); for each cache in `--purge-urls` a task
//! sends them as `PURGE` requests carrying the keys in an `xkey-purge` header, the form
//! `deploy/varnish/sahifa.vcl` reads with `vmod_xkey` (the same keys the pages carry in
//! `xkey`/`Surrogate-Key`/`Cache-Tag`). A retirement of everything purges the key every
//! cached response carries.
//!
//! Purges never hold up a write: they run after the commit, in their own task per cache,
//! so one cache that is down delays no other. Retirements that arrive while a purge is
//! being sent are merged into the next one. A purge that fails is retried
//! ([`RETRY_AFTER`]); one that still fails is logged and given up (the cache's `s-maxage`
//! bounds how long it can then serve the old page). A task that falls so far behind that
//! announcements were dropped purges everything, never too little. Only the process that
//! committed a write purges for it: other nodes apply it to their own caches but stay
//! silent.
//!
//! Each purge is sent twice: at once, and again [`REPEAT_AFTER`] later. Between a commit
//! and the other nodes' next poll of the retirement log (every quarter second), a cache
//! that was just purged may fetch the page from a node that has not yet retired its own
//! copy, and would keep that old copy for its whole `s-maxage`; the second purge, sent
//! when every node has caught up, drops it.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::Method;
use sahifa_store::retirements::{EVERYTHING_KEY, Retired};
use sahifa_store::{Db, Dep};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

/// The header carrying the keys of a purge.
pub const PURGE_HEADER: &str = "xkey-purge";

/// How long to wait before each retry of a failed purge.
pub const RETRY_AFTER: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_secs(2),
    Duration::from_secs(8),
];

/// When a purge is sent a second time: two of the nodes' polls of the retirement log
/// (`sahifa_web::EPOCH_SYNC_EVERY`, a quarter second), so that a cache refilled from a
/// node that had not yet caught up is purged again, and readers see a write through the
/// cache well within a second.
pub const REPEAT_AFTER: Duration = Duration::from_millis(500);

/// Keys per request: a header a few kilobytes long at most, which every cache accepts.
const KEYS_PER_REQUEST: usize = 200;

/// How long one purge request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// What one purge names.
#[derive(Debug, Default)]
enum Batch {
    #[default]
    Nothing,
    Keys(BTreeSet<Dep>),
    Everything,
}

impl Batch {
    fn add(&mut self, retired: Retired) {
        match (std::mem::take(self), retired) {
            (Batch::Everything, _) | (_, Retired::Everything) => *self = Batch::Everything,
            (Batch::Keys(mut keys), Retired::Some(deps)) => {
                keys.extend(deps.iter().copied());
                *self = Batch::Keys(keys);
            }
            (Batch::Nothing, Retired::Some(deps)) => {
                *self = Batch::Keys(deps.iter().copied().collect());
            }
        }
    }

    /// The header values to send, one per request.
    fn headers(&self) -> Vec<String> {
        match self {
            Batch::Nothing => Vec::new(),
            Batch::Everything => vec![EVERYTHING_KEY.to_string()],
            Batch::Keys(keys) => keys
                .iter()
                .map(Dep::to_string)
                .collect::<Vec<_>>()
                .chunks(KEYS_PER_REQUEST)
                .map(|chunk| chunk.join(" "))
                .collect(),
        }
    }
}

/// Starts one purging task per cache; none when `urls` is empty.
pub fn spawn(db: &Db, urls: &[url::Url]) -> Vec<tokio::task::JoinHandle<()>> {
    let client = match reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "cannot build the purge client; caches will not be purged");
            return Vec::new();
        }
    };
    urls.iter()
        .map(|url| {
            let announcements = db.registry().subscribe();
            tokio::spawn(purge_loop(client.clone(), url.clone(), announcements))
        })
        .collect()
}

async fn purge_loop(
    client: reqwest::Client,
    url: url::Url,
    mut announcements: tokio::sync::broadcast::Receiver<Retired>,
) {
    loop {
        let mut batch = Batch::default();
        match announcements.recv().await {
            Ok(retired) => batch.add(retired),
            Err(RecvError::Lagged(_)) => batch.add(Retired::Everything),
            Err(RecvError::Closed) => return,
        }
        // Merge whatever else is already waiting into this purge.
        loop {
            match announcements.try_recv() {
                Ok(retired) => batch.add(retired),
                Err(TryRecvError::Lagged(_)) => batch.add(Retired::Everything),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        let headers = batch.headers();
        for keys in &headers {
            send_with_retries(&client, &url, keys).await;
        }
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            tokio::time::sleep(REPEAT_AFTER).await;
            for keys in &headers {
                send_with_retries(&client, &url, keys).await;
            }
        });
    }
}

async fn send_with_retries(client: &reqwest::Client, url: &url::Url, keys: &str) {
    let mut waits = RETRY_AFTER.iter();
    loop {
        let failure = match send(client, url, keys).await {
            Ok(()) => return,
            Err(failure) => failure,
        };
        match waits.next() {
            Some(wait) => {
                tracing::debug!(%url, %failure, "purge failed; retrying");
                tokio::time::sleep(*wait).await;
            }
            None => {
                tracing::warn!(%url, %failure, keys, "purge failed; the cache keeps these pages until they expire");
                return;
            }
        }
    }
}

async fn send(client: &reqwest::Client, url: &url::Url, keys: &str) -> Result<(), String> {
    let method = Method::from_bytes(b"PURGE").map_err(|e| e.to_string())?;
    let response = client
        .request(method, url.clone())
        .header(PURGE_HEADER, keys)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("answered {}", response.status()))
    }
}

/// Reads `--purge-urls`: absolute `http://` or `https://` URLs separated by commas.
pub fn parse_urls(text: &str) -> Result<Vec<url::Url>, String> {
    let mut urls = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let url = url::Url::parse(part).map_err(|e| format!("{part:?} is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!(
                "{part:?} is not an http:// or https:// URL of a cache"
            ));
        }
        urls.push(url);
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_merge_and_split() {
        let mut batch = Batch::default();
        assert!(batch.headers().is_empty());
        batch.add(Retired::Some(vec![Dep::Article(2), Dep::Latest].into()));
        batch.add(Retired::Some(vec![Dep::Article(2), Dep::Tag(5)].into()));
        assert_eq!(batch.headers(), vec!["a2 t5 all".to_string()]);
        batch.add(Retired::Everything);
        batch.add(Retired::Some(vec![Dep::Article(9)].into()));
        assert_eq!(batch.headers(), vec![EVERYTHING_KEY.to_string()]);

        let mut many = Batch::default();
        many.add(Retired::Some((0..450).map(Dep::Article).collect()));
        let headers = many.headers();
        assert_eq!(headers.len(), 3);
        assert!(
            headers
                .iter()
                .all(|h| h.split(' ').count() <= KEYS_PER_REQUEST)
        );
    }

    #[test]
    fn purge_urls_are_checked() {
        assert_eq!(parse_urls("").map(|u| u.len()), Ok(0));
        let urls =
            parse_urls("http://127.0.0.1:6081/, https://cache.example/purge").expect("valid");
        assert_eq!(urls.len(), 2);
        assert!(parse_urls("127.0.0.1:6081").is_err());
        assert!(parse_urls("ftp://cache.example/").is_err());
        assert!(parse_urls("http://").is_err());
    }
}
