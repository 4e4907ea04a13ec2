//! A fake Telegram Bot API on an ephemeral port. It speaks the real wire format
//! (`POST /bot{token}/{method}`, answers `{"ok": true, "result": Message}` or
//! `{"ok": false, "error_code", "description", "parameters": {"retry_after"}}`) and can be
//! scripted to fail: the n-th request takes the n-th scripted behaviour, later ones succeed.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// The token the fake accepts.
pub const TOKEN: &str = "123456789:AAFakeTokenForSahifaTests_0123456789";

/// What the fake does with one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// Accept and record the message.
    Ok,
    /// 500 Internal Server Error (Bot API envelope).
    ServerError,
    /// 502 with an HTML body, as a proxy in front of the API would answer.
    BadGateway,
    /// 429 with `parameters.retry_after` seconds.
    TooMany(u64),
    /// 400 with this description.
    BadRequest(&'static str),
    /// Never answer (the request never reaches "Telegram").
    Hang,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// When it arrived.
    pub at: Instant,
    /// Bot API method.
    pub method: String,
    /// JSON body.
    pub body: Value,
    /// What the fake did.
    pub behaviour: Behaviour,
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Behaviour>,
    requests: Vec<Request>,
    /// Accepted sends/edits: (method, body, message_id).
    accepted: Vec<(String, Value, i64)>,
    next_id: i64,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeTelegram {
    /// `http://127.0.0.1:PORT` (what `SAHIFA_TELEGRAM_API_BASE` gets).
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeTelegram {
    /// Starts the fake with a failure script.
    pub async fn start(script: Vec<Behaviour>) -> FakeTelegram {
        let inner = Arc::new(Mutex::new(Inner {
            script: script.into(),
            next_id: 100,
            ..Default::default()
        }));
        let app = Router::new()
            .route("/{bot}/{method}", post(api))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake telegram");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTelegram { base, inner }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.inner.lock().expect("lock").requests.clone()
    }

    /// Accepted `sendMessage`/`sendPhoto` calls: (method, body, message_id).
    pub fn posts(&self) -> Vec<(String, Value, i64)> {
        self.inner
            .lock()
            .expect("lock")
            .accepted
            .iter()
            .filter(|(m, _, _)| m.starts_with("send"))
            .cloned()
            .collect()
    }

    /// Accepted edit calls.
    pub fn edits(&self) -> Vec<(String, Value, i64)> {
        self.inner
            .lock()
            .expect("lock")
            .accepted
            .iter()
            .filter(|(m, _, _)| m.starts_with("edit"))
            .cloned()
            .collect()
    }

    /// Accepted posts whose text or caption mentions `needle`.
    pub fn posts_mentioning(&self, needle: &str) -> usize {
        self.posts()
            .iter()
            .filter(|(_, body, _)| {
                let text = body["text"]
                    .as_str()
                    .or(body["caption"].as_str())
                    .unwrap_or("");
                text.contains(needle)
            })
            .count()
    }
}

async fn api(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path((bot, method)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return envelope_error(StatusCode::UNAUTHORIZED, 401, "Unauthorized", None);
    }
    let behaviour = {
        let mut inner = inner.lock().expect("lock");
        let behaviour = inner.script.pop_front().unwrap_or(Behaviour::Ok);
        inner.requests.push(Request {
            at: Instant::now(),
            method: method.clone(),
            body: body.clone(),
            behaviour: behaviour.clone(),
        });
        behaviour
    };
    match behaviour {
        Behaviour::Hang => {
            std::future::pending::<()>().await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Behaviour::ServerError => envelope_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            500,
            "Internal Server Error",
            None,
        ),
        Behaviour::BadGateway => (
            StatusCode::BAD_GATEWAY,
            "<html><body>502 Bad Gateway</body></html>",
        )
            .into_response(),
        Behaviour::TooMany(secs) => envelope_error(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            &format!("Too Many Requests: retry after {secs}"),
            Some(secs),
        ),
        Behaviour::BadRequest(description) => envelope_error(
            StatusCode::BAD_REQUEST,
            400,
            &format!("Bad Request: {description}"),
            None,
        ),
        Behaviour::Ok => accept(&inner, &method, body),
    }
}

fn accept(inner: &Mutex<Inner>, method: &str, body: Value) -> Response {
    let known = [
        "sendMessage",
        "sendPhoto",
        "editMessageText",
        "editMessageCaption",
    ];
    if !known.contains(&method) {
        return envelope_error(StatusCode::NOT_FOUND, 404, "Not Found", None);
    }
    if body.get("chat_id").is_none() {
        return envelope_error(
            StatusCode::BAD_REQUEST,
            400,
            "Bad Request: chat_id is empty",
            None,
        );
    }
    let mut inner = inner.lock().expect("lock");
    let message_id = if method.starts_with("edit") {
        body["message_id"].as_i64().unwrap_or(0)
    } else {
        inner.next_id += 1;
        inner.next_id
    };
    inner
        .accepted
        .push((method.to_string(), body.clone(), message_id));
    let mut message = json!({
        "message_id": message_id,
        "date": 1_764_000_000,
        "chat": {"id": -1_001_234_567_890_i64, "type": "channel", "title": "Sahifa", "username": "sahifa_test"},
    });
    if let Some(text) = body.get("text") {
        message["text"] = text.clone();
    }
    if let Some(caption) = body.get("caption") {
        message["caption"] = caption.clone();
        message["photo"] =
            json!([{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 1280, "height": 720}]);
    }
    Json(json!({"ok": true, "result": message})).into_response()
}

fn envelope_error(
    status: StatusCode,
    code: i64,
    description: &str,
    retry_after: Option<u64>,
) -> Response {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(secs) = retry_after {
        body["parameters"] = json!({"retry_after": secs});
    }
    (status, Json(body)).into_response()
}

/// Polls `check` every 50 ms until it is true or `limit` passes.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
