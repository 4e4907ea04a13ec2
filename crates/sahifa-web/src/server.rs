//! The HTTP server loop: accepts connections within a limit, bounds how long a client may
//! take to send its request, and shuts down within a deadline.
//!
//! `axum::serve` has no header-read or idle timeout and no connection limit, so a client
//! drip-feeding thousands of connections held them forever until the process ran out of
//! descriptors. Here each connection is served by hyper's HTTP/1 connection with:
//! - a header-read timeout, which hyper also runs while a keep-alive connection waits for
//!   its next request, so it is the idle timeout as well;
//! - a deadline on the request body (`tower_http`'s `RequestBodyDeadlineLayer`), so a body
//!   trickled a byte at a time cannot hold a handler;
//! - a connection limit (a semaphore): beyond it a connection gets a short 503 with
//!   `Retry-After` and is closed, so descriptors never run out (the limit is sized below
//!   the process's descriptor limit, with a reserve for the database, the index and files);
//! - graceful shutdown: no new connections, in-flight requests get a deadline, then the
//!   tasks still running are abandoned so the process can exit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyDeadlineLayer;

use sahifa_http::headers::Hsts;

/// Descriptors kept free for everything that is not a client connection: the database
/// pool, the search index's segment files, media reads, logs.
pub const DESCRIPTOR_RESERVE: u64 = 512;

/// The most connections served at once when no limit is configured.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

/// Connections being refused at once (each holds a descriptor for its short 503); beyond
/// this, extra connections are closed without an answer.
const REFUSING_AT_ONCE: usize = 64;

/// The refusal sent beyond the connection limit.
/// The whole answer to a connection beyond the limit, with `message` as its text: written
/// before any request is parsed, so it is one fixed byte string.
fn busy_response(message: &str) -> Arc<[u8]> {
    let body = format!("{}\n", message.trim());
    format!(
        "HTTP/1.1 503 Service Unavailable\r\n\
         Retry-After: 1\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into()
}

/// Timeouts and limits of the server loop.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// How long a client may take to send a request head, counted from the connection's
    /// start or from the end of the previous response (the keep-alive idle timeout).
    pub header_timeout: Duration,
    /// How long a request body may take to arrive, from the end of its head.
    pub body_timeout: Duration,
    /// Connections served at once; beyond it a connection gets 503.
    pub max_connections: usize,
    /// How long in-flight requests may run once shutdown begins.
    pub shutdown_timeout: Duration,
    /// Whether responses carry `Strict-Transport-Security` (an https public origin).
    pub hsts: bool,
    /// The text of the 503 answer beyond `max_connections`, in the site's language.
    pub busy_message: String,
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            max_connections: 1024,
            shutdown_timeout: Duration::from_secs(10),
            hsts: false,
            busy_message: "Server busy, please try again in a moment.".into(),
        }
    }
}

/// How a server loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped {
    /// Connections still busy at the shutdown deadline, abandoned.
    pub abandoned: usize,
}

/// Raises the soft limit on open descriptors to the hard limit and returns the limit now
/// in force (`None` where the platform has none or it cannot be read).
pub fn raise_descriptor_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(err) => {
            tracing::warn!(error = %err, "cannot raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// The connection limit: `requested` (or [`DEFAULT_MAX_CONNECTIONS`]) but never more than
/// the descriptor limit leaves after the reserve and the refusals in progress.
pub fn connection_limit(requested: Option<usize>, descriptors: Option<u64>) -> usize {
    let wanted = requested.unwrap_or(DEFAULT_MAX_CONNECTIONS).max(1);
    match descriptors {
        Some(limit) => {
            let room = limit
                .saturating_sub(DESCRIPTOR_RESERVE + REFUSING_AT_ONCE as u64)
                .max(16);
            wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
        }
        None => wanted,
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish within `options.shutdown_timeout`. Handlers see the peer address through
/// `ConnectInfo<SocketAddr>`.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    options: ServerOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<Stopped> {
    let router = router.layer(RequestBodyDeadlineLayer::new(options.body_timeout));
    let permits = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let refusing = Arc::new(Semaphore::new(REFUSING_AT_ONCE));
    let busy = busy_response(&options.busy_message);
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        // Finished connections leave the set here, so it holds only live ones.
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                // Out of descriptors (or a like resource): the pending connection stays in
                // the backlog; pause instead of spinning on the same error.
                tracing::warn!(error = %err, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            if let Ok(slot) = refusing.clone().try_acquire_owned() {
                let busy = busy.clone();
                tokio::spawn(async move {
                    refuse(stream, &busy).await;
                    drop(slot);
                });
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let options = options.clone();
        let stopping = stopping.clone();
        connections.spawn(async move {
            serve_connection(stream, peer, router, &options, stopping).await;
            drop(permit);
        });
    }
    // No new connections from here on: the listening socket closes.
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(options.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    let abandoned = if drained.is_ok() {
        0
    } else {
        let left = connections.len();
        tracing::warn!(
            connections = left,
            "shutdown deadline reached; abandoning requests still running"
        );
        connections.abort_all();
        left
    };
    Ok(Stopped { abandoned })
}

/// One client connection, until it closes, times out, or shutdown finishes it.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    options: &ServerOptions,
    mut stopping: watch::Receiver<bool>,
) {
    let hsts = options.hsts;
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        if hsts {
            request.extensions_mut().insert(Hsts);
        }
        router.clone().oneshot(request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout)
        .serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(error = %err, %peer, "connection ended with an error");
            }
        }
        () = async {
            // The guard `wait_for` returns must not live across the await below.
            let _ = stopping.wait_for(|stop| *stop).await;
        } => {
            // Finish the request in progress, answer it with `Connection: close`, then end.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Answers 503 to a connection beyond the limit and closes it. The request is read (and
/// dropped) before closing, because closing a socket with unread input resets it and the
/// client may then never see the answer.
async fn refuse(mut stream: TcpStream, busy: &[u8]) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(busy).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_leaves_a_reserve_of_descriptors() {
        assert_eq!(connection_limit(Some(100), None), 100);
        assert_eq!(connection_limit(None, None), DEFAULT_MAX_CONNECTIONS);
        assert_eq!(connection_limit(Some(100_000), Some(1024)), 1024 - 512 - 64);
        assert_eq!(
            connection_limit(None, Some(1_048_576)),
            DEFAULT_MAX_CONNECTIONS
        );
        // Even a tiny descriptor limit leaves a few connections.
        assert_eq!(connection_limit(Some(1000), Some(100)), 16);
    }
}
