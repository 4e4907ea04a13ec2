//! `sahifa serve`.

use std::time::Duration;

use anyhow::Context;

use crate::cli::{Global, ServeArgs, open_database, parse_addr};

/// Opens the database, loads the demo when asked, and serves until SIGTERM or Ctrl-C.
pub async fn run(global: &Global, args: ServeArgs) -> anyhow::Result<()> {
    let addr = parse_addr(&args.addr)?;
    let db = open_database(global).await?;
    if args.demo {
        let loaded = crate::demo::load_if_empty(&db, &global.data_dir)
            .await
            .context("cannot load the demo content")?;
        if loaded {
            let (email, password) = crate::demo::create_demo_admin(&db)
                .await
                .context("cannot create the demo administrator")?;
            // Printed once, on the start that created it: the password is stored only hashed.
            println!("Demo administrator: {email} / {password}  (log in at /admin)");
        }
    }
    let base_url = args
        .base_url
        .clone()
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| format!("http://{addr}"));
    let mut config = sahifa_web::WebConfig::new(global.data_dir.clone(), base_url);
    config.theme_dir = args.theme_dir.clone();
    let state = sahifa_web::build_state(db.clone(), config).context("cannot load the theme")?;
    let indexer = crate::search::start(&db, &global.data_dir, &state).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let sync = sahifa_web::spawn_epoch_sync(db.clone(), Duration::from_secs(1));
    // Scheduled articles go live from every process; the store makes each publish happen once.
    let scheduler = sahifa_web::spawn_scheduler(db.clone(), state.config().scheduler_every);
    let telegram = start_telegram(&db, &state, &args);
    tracing::info!("Sahifa is serving on http://{addr}");
    sahifa_web::serve(listener, sahifa_web::router(state), shutdown_signal())
        .await
        .context("server failed")?;
    sync.abort();
    indexer.abort();
    scheduler.abort();
    // Let a delivery in flight be recorded: cutting it off is what opens the duplicate
    // window (sent but not recorded).
    telegram.shutdown(Duration::from_secs(10)).await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Starts the Telegram delivery worker (it idles while posting is off or unconfigured).
fn start_telegram(
    db: &sahifa_store::Db,
    state: &sahifa_web::AppState,
    args: &ServeArgs,
) -> sahifa_telegram::WorkerHandle {
    use sahifa_text::dates::Lang;
    let labels = sahifa_telegram::Labels {
        ar: state.catalog().text(Lang::Ar, "telegram-read-more"),
        en: state.catalog().text(Lang::En, "telegram-read-more"),
    };
    let mut config = sahifa_telegram::WorkerConfig::new(
        &state.config().base_url,
        sahifa_telegram::Overrides::from_env(),
        labels,
    );
    let tuning = &args.telegram;
    config.poll_interval = Duration::from_millis(tuning.telegram_poll_ms.max(10));
    config.retry_base = Duration::from_millis(tuning.telegram_retry_base_ms.max(10));
    config.lease = Duration::from_secs(tuning.telegram_lease_secs.max(1));
    // A request must end before its lease does, or a slow answer would let another
    // worker send the same post.
    config.request_timeout = config
        .request_timeout
        .min(config.lease.mul_f64(0.5).max(Duration::from_millis(500)));
    sahifa_telegram::spawn_worker(db.clone(), config)
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
