//! `sahifa serve`.

use std::time::Duration;

use anyhow::Context;

use crate::cli::{Global, ServeArgs, open_database, parse_addr};

/// Opens the database, loads the demo when asked, and serves until SIGTERM or Ctrl-C.
pub async fn run(global: &Global, args: ServeArgs) -> anyhow::Result<()> {
    let addr = parse_addr(&args.addr)?;
    let db = open_database(global).await?;
    if args.demo {
        crate::demo::load_if_empty(&db, &global.data_dir)
            .await
            .context("cannot load the demo content")?;
    }
    let config = sahifa_web::WebConfig {
        data_dir: global.data_dir.clone(),
        theme_dir: args.theme_dir.clone(),
        base_url: args
            .base_url
            .clone()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("http://{addr}")),
        page_cache_entries: 10_000,
    };
    let state = sahifa_web::build_state(db.clone(), config).context("cannot load the theme")?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let sync = sahifa_web::spawn_epoch_sync(db.clone(), Duration::from_secs(1));
    tracing::info!("Sahifa is serving on http://{addr}");
    sahifa_web::serve(listener, sahifa_web::router(state), shutdown_signal())
        .await
        .context("server failed")?;
    sync.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
