//! Sending one plain-text mail through the configured SMTP server, off the request path:
//! a slow or absent server delays nobody's page, and a failure is logged, not shown (the
//! page's answer must not depend on the account or on the mail).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use sahifa_http::state::AppState;

/// How long one delivery may take, connection included.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// One mail to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The recipient's address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// The sender: the configured one, else `noreply@` the base URL's host.
pub fn sender(smtp_from: Option<&str>, base_url: &str) -> String {
    if let Some(from) = smtp_from {
        return from.trim().to_string();
    }
    let host = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .split(['/', ':', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    format!("noreply@{host}")
}

/// Queues `mail` for delivery when SMTP is configured; returns at once.
pub fn send_in_background(state: &AppState, mail: Outgoing) {
    let config = state.config();
    let Some(url) = config.smtp_url.clone() else {
        return;
    };
    let from = sender(config.smtp_from.as_deref(), &config.base_url);
    tokio::spawn(async move {
        let to = mail.to.clone();
        match tokio::time::timeout(SEND_TIMEOUT, send(&url, &from, mail)).await {
            Ok(Ok(())) => tracing::info!(%to, "password-reset mail sent"),
            Ok(Err(e)) => tracing::warn!(%to, error = %e, "password-reset mail failed"),
            Err(_) => tracing::warn!(%to, "password-reset mail timed out"),
        }
    });
}

/// Delivers `mail` from `from` through the server at `url`.
async fn send(url: &str, from: &str, mail: Outgoing) -> Result<(), String> {
    let from = from
        .parse()
        .map_err(|e| format!("sender address {from:?}: {e}"))?;
    let to = mail
        .to
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)
        .map_err(|e| format!("message: {e}"))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("SMTP URL: {e}"))?
        .timeout(Some(SEND_TIMEOUT))
        .build();
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::sender;

    #[test]
    fn the_sender_defaults_to_the_base_host() {
        assert_eq!(
            sender(None, "https://news.example:8443/x"),
            "noreply@news.example"
        );
        assert_eq!(
            sender(Some(" desk@news.example "), "https://x"),
            "desk@news.example"
        );
        assert_eq!(sender(None, ""), "noreply@localhost");
    }
}
