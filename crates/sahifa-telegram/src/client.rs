//! A minimal Bot API client: `POST {base}/bot{token}/{method}` with a JSON body, answers
//! read in the Bot API's envelope (`ok`, `result`, `error_code`, `description`,
//! `parameters.retry_after`) and sorted into what is worth retrying and what is not.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

/// Telegram's public Bot API, used unless `SAHIFA_TELEGRAM_API_BASE` says otherwise.
pub const DEFAULT_API_BASE: &str = "https://api.telegram.org";

/// Why a call failed, sorted by what the caller should do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again: the network failed, Telegram answered 5xx, or asked us to slow
    /// down (429, with the wait it asked for).
    #[error("{reason}")]
    Transient {
        /// What happened, without the token.
        reason: String,
        /// The `retry_after` Telegram asked for.
        retry_after: Option<Duration>,
    },
    /// Will fail the same way again (bad token, unknown chat, malformed message).
    #[error("{reason}")]
    Permanent {
        /// Telegram's `error_code: description`.
        reason: String,
        /// The error code (HTTP status when the body was not the Bot API envelope).
        code: i64,
    },
}

#[derive(Debug, Deserialize)]
struct Envelope {
    ok: bool,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error_code: Option<i64>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Parameters>,
}

#[derive(Debug, Deserialize)]
struct Parameters {
    #[serde(default)]
    retry_after: Option<u64>,
}

/// A Bot API endpoint.
#[derive(Debug, Clone)]
pub struct BotApi {
    http: reqwest::Client,
    base: String,
}

impl BotApi {
    /// A client for `base` (no trailing slash needed) with a per-request `timeout`.
    pub fn new(base: &str, timeout: Duration) -> Result<BotApi, SendError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("sahifa/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SendError::Permanent {
                reason: format!("cannot build the HTTP client: {}", e.without_url()),
                code: 0,
            })?;
        Ok(BotApi {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// Calls `method` with `body`; returns the `result` of a successful answer.
    pub async fn call(&self, token: &str, method: &str, body: &Value) -> Result<Value, SendError> {
        let url = format!("{}/bot{token}/{method}", self.base);
        let response = match self.http.post(&url).json(body).send().await {
            Ok(r) => r,
            // The URL holds the token: never let it reach a log or the admin page.
            Err(e) => {
                return Err(SendError::Transient {
                    reason: format!("network error: {}", e.without_url()),
                    retry_after: None,
                });
            }
        };
        let status = response.status().as_u16();
        let text = match response.text().await {
            Ok(t) => t,
            Err(e) => {
                return Err(SendError::Transient {
                    reason: format!("network error reading the answer: {}", e.without_url()),
                    retry_after: None,
                });
            }
        };
        classify(status, &text)
    }
}

/// Sorts an HTTP answer into a result or a [`SendError`].
pub fn classify(status: u16, body: &str) -> Result<Value, SendError> {
    let envelope: Option<Envelope> = serde_json::from_str(body).ok();
    match envelope {
        Some(Envelope {
            ok: true, result, ..
        }) => Ok(result.unwrap_or(Value::Null)),
        Some(env) => {
            let code = env.error_code.unwrap_or(i64::from(status));
            let reason = format!(
                "{code}: {}",
                env.description.as_deref().unwrap_or("no description")
            );
            let retry_after = env
                .parameters
                .and_then(|p| p.retry_after)
                .map(Duration::from_secs);
            if code == 429 || code >= 500 || retry_after.is_some() {
                Err(SendError::Transient {
                    reason,
                    retry_after,
                })
            } else {
                Err(SendError::Permanent { reason, code })
            }
        }
        None if status == 429 || status >= 500 => Err(SendError::Transient {
            reason: format!("HTTP {status} without a Bot API answer"),
            retry_after: None,
        }),
        None => Err(SendError::Permanent {
            reason: format!("HTTP {status} without a Bot API answer (is the API base right?)"),
            code: i64::from(status),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_answers() {
        assert!(classify(200, r#"{"ok":true,"result":{"message_id":7}}"#).is_ok());
        let too_many = classify(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#,
        );
        assert_eq!(
            too_many,
            Err(SendError::Transient {
                reason: "429: Too Many Requests: retry after 3".into(),
                retry_after: Some(Duration::from_secs(3)),
            })
        );
        assert!(matches!(
            classify(502, "<html>bad gateway</html>"),
            Err(SendError::Transient { .. })
        ));
        assert!(matches!(
            classify(
                400,
                r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#
            ),
            Err(SendError::Permanent { code: 400, .. })
        ));
        assert!(matches!(
            classify(404, "not found"),
            Err(SendError::Permanent { code: 404, .. })
        ));
    }
}
