//! Rendering article bodies off the async runtime.
//!
//! Rendering is CPU work: even bounded (see `sahifa_text::markdown`), a 1 MiB body takes a
//! while, and on a runtime worker thread it would stall every request scheduled there,
//! `/healthz` included. So bodies render on tokio's blocking pool, at most [`permits`] at
//! a time so that renders cannot take every core from the request workers, and within
//! [`RENDER_BUDGET`], after which the writer is answered with an error. The render itself
//! cannot be stopped once started, which is why its cost is bounded at the source.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::{NewsroomError, Result};

/// How long a writer waits for a body to render, queueing included. A bounded body
/// renders in well under a second on one core; this is for a machine under load.
pub const RENDER_BUDGET: Duration = Duration::from_secs(10);

/// The form and API field a body error is shown on.
const BODY_FIELD: &str = "body";

/// How many bodies render at once: all cores but one, which is left to the request
/// workers.
fn permits() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .max(1)
}

static RENDERERS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(permits())));

/// A body as a writer hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyInput {
    /// HTML (the visual editor, the API's `body_html`, an import), reduced to the schema.
    Html(String),
    /// Markdown (the API's `body`, `import-jsonl`, the demo), converted to the schema.
    Markdown(String),
}

impl Default for BodyInput {
    fn default() -> Self {
        BodyInput::Html(String::new())
    }
}

impl BodyInput {
    /// The text as given.
    pub fn source(&self) -> &str {
        match self {
            BodyInput::Html(s) | BodyInput::Markdown(s) => s,
        }
    }

    /// The same kind of body with its text changed by `f`.
    pub fn map(&self, f: impl FnOnce(&str) -> String) -> BodyInput {
        match self {
            BodyInput::Html(s) => BodyInput::Html(f(s)),
            BodyInput::Markdown(s) => BodyInput::Markdown(f(s)),
        }
    }
}

/// The stored body of `body`: HTML of the body schema (`sahifa_text::body`), made on the
/// blocking pool within [`RENDER_BUDGET`].
///
/// A body longer than `sahifa_text::body::MAX_BODY_BYTES` is refused on the `body` field
/// (`admin-error-body-too-long`); one that does not convert in time is refused with
/// `admin-error-body-render-timeout`.
pub async fn body_html(body: &BodyInput) -> Result<String> {
    if sahifa_text::body::too_long(body.source()) {
        return Err(NewsroomError::invalid(
            BODY_FIELD,
            "admin-error-body-too-long",
        ));
    }
    let body = body.clone();
    within_budget(RENDER_BUDGET, move || match &body {
        BodyInput::Html(html) => sahifa_text::body::sanitize(html),
        BodyInput::Markdown(md) => sahifa_text::body::from_markdown(md),
    })
    .await
}

/// The sanitised HTML of `md`, rendered on the blocking pool within [`RENDER_BUDGET`].
///
/// A body longer than `sahifa_text::markdown::MAX_BODY_BYTES` is refused on the `body`
/// field (`admin-error-body-too-long`); one that does not render in time is refused with
/// `admin-error-body-render-timeout`.
pub async fn render_markdown(md: &str) -> Result<String> {
    if sahifa_text::markdown::too_long(md) {
        return Err(NewsroomError::invalid(
            BODY_FIELD,
            "admin-error-body-too-long",
        ));
    }
    let md = md.to_owned();
    within_budget(RENDER_BUDGET, move || {
        sahifa_text::markdown::render_markdown(&md)
    })
    .await
}

/// Runs `work` on the blocking pool under the renderers' semaphore, giving up after
/// `budget` (waiting for a permit included).
async fn within_budget<T, F>(budget: Duration, work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let run = async {
        let permit = RENDERERS
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| NewsroomError::Internal(e.to_string()))?;
        // The permit moves into the task: a render that outlives its budget still counts
        // against the limit until it really ends.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| NewsroomError::Internal(format!("render task: {e}")))
    };
    match tokio::time::timeout(budget, run).await {
        Ok(outcome) => outcome,
        Err(_) => {
            tracing::warn!(budget_secs = budget.as_secs(), "body render over budget");
            Err(NewsroomError::invalid(
                BODY_FIELD,
                "admin-error-body-render-timeout",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_off_the_runtime_and_refuses_oversized_bodies() {
        let html = render_markdown("**نص**").await.expect("renders");
        assert_eq!(html.trim(), "<p><strong>نص</strong></p>");
        let big = "ا".repeat(sahifa_text::markdown::MAX_BODY_BYTES);
        let err = render_markdown(&big).await.expect_err("too long");
        assert_eq!(
            err.fields(),
            &[crate::FieldError {
                field: "body",
                key: "admin-error-body-too-long"
            }]
        );
    }

    #[tokio::test]
    async fn bodies_of_either_kind_come_out_in_the_schema() {
        let from_html = body_html(&BodyInput::Html("<b>نص</b><script>x</script>".into()))
            .await
            .expect("sanitises");
        assert_eq!(from_html, "<p dir=\"auto\"><strong>نص</strong></p>");
        let from_md = body_html(&BodyInput::Markdown("**نص**".into()))
            .await
            .expect("converts");
        assert_eq!(from_md.trim(), from_html);
        let big = BodyInput::Html("ا".repeat(sahifa_text::body::MAX_BODY_BYTES));
        let err = body_html(&big).await.expect_err("too long");
        assert_eq!(
            err.fields().first().map(|f| f.key),
            Some("admin-error-body-too-long")
        );
    }

    #[tokio::test]
    async fn work_over_budget_answers_an_error_without_waiting_for_it() {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let err = within_budget(Duration::from_millis(50), move || {
            // Held until the test has its answer: the budget, not the work, ends the wait.
            let _ = wait.recv_timeout(Duration::from_secs(30));
        })
        .await
        .expect_err("over budget");
        assert_eq!(
            err.fields().first().map(|f| f.key),
            Some("admin-error-body-render-timeout")
        );
        let _ = release.send(());
    }
}
