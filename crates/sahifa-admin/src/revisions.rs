//! Revisions: every save is kept; two can be compared word by word, and any can be restored
//! (restoring is itself a save, so it can be undone the same way).

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use sahifa_store::{ArticleInput, Revision};

use super::{form_with_csrf, notice, render};
use sahifa_http::auth::CurrentUser;
use sahifa_http::error::AppError;
use sahifa_http::responses::see_other;
use sahifa_http::state::AppState;
use sahifa_newsroom::Actor;

async fn editable_revisions(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<(String, Vec<Revision>), AppError> {
    let (article, _, _) = super::articles::load_editable(state, current, id).await?;
    Ok((article.summary.title, state.db().revisions(id).await?))
}

/// The context of `admin/revisions.html`: an article's saves, newest first.
#[derive(Debug, Serialize)]
struct RevisionsPage<'a> {
    article_id: i64,
    article_title: &'a str,
    revisions: Vec<RevisionRow<'a>>,
    notice: Option<&'static str>,
}

/// One save of the article.
#[derive(Debug, Serialize)]
struct RevisionRow<'a> {
    id: i64,
    /// Its place in the article's history, the oldest being 1 (the diff shows the same).
    number: usize,
    /// `None` when the account is gone or the save was the system's.
    who: Option<&'a str>,
    when: String,
    title: &'a str,
    status: &'static str,
}

/// The context of `admin/diff.html`: two revisions compared field by field.
#[derive(Debug, Serialize)]
struct DiffPage<'a> {
    article_id: i64,
    article_title: &'a str,
    /// The older and the newer revision's numbers, as the list shows them.
    old: usize,
    new: usize,
    rows: Vec<DiffRow>,
}

/// One field of the comparison.
#[derive(Debug, Serialize)]
struct DiffRow {
    /// The field label's message key.
    key: &'static str,
    changed: bool,
    spans: Vec<DiffSpan>,
}

/// A run of words the two versions share, or that one of them alone has.
#[derive(Debug, Serialize)]
struct DiffSpan {
    /// `equal`, `insert` or `delete`.
    op: &'static str,
    text: String,
}

/// `GET /admin/articles/{id}/revisions`.
pub async fn list_revisions(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let (title, revisions) = editable_revisions(&state, &current, id).await?;
    let count = revisions.len();
    let rows = revisions
        .iter()
        .enumerate()
        .map(|(at, r)| RevisionRow {
            id: r.id,
            number: count - at,
            who: r.user_name.as_deref(),
            when: super::articles::moment(&site, r.created_at),
            title: &r.snapshot.title,
            status: r.snapshot.status.as_str(),
        })
        .collect();
    let ctx = RevisionsPage {
        article_id: id,
        article_title: &title,
        revisions: rows,
        notice: notice(&query),
    };
    render(
        &state,
        Some(&current),
        "admin/revisions.html",
        "admin-revisions-title",
        ctx,
    )
    .await
}

/// The number revision `id` has in the list (`revisions` newest first, the oldest 1).
fn number_of(revisions: &[Revision], id: i64) -> usize {
    let at = revisions.iter().position(|r| r.id == id).unwrap_or(0);
    revisions.len() - at
}

/// A word-level diff of one field, for reading: each changed stretch is shown as what
/// was deleted and then what was inserted, apart (an Arabic deletion run into the
/// insertion after it reads as one new word), and the spaces and paragraph breaks of the
/// text are kept where they were.
fn diff_field(old: &str, new: &str) -> Vec<DiffSpan> {
    let diff = TextDiff::from_words(old, new);
    let mut spans: Vec<DiffSpan> = Vec::new();
    let mut change = Change::default();
    for piece in diff.iter_all_changes() {
        let text = piece.value();
        match piece.tag() {
            // Space between two changed words belongs to the change on both sides.
            ChangeTag::Equal if text.trim().is_empty() && change.open() => {
                change.between.push_str(text);
            }
            ChangeTag::Equal => {
                change.flush(&mut spans);
                push_span(&mut spans, "equal", text);
            }
            ChangeTag::Delete => change.take_between().deleted.push_str(text),
            ChangeTag::Insert => change.take_between().inserted.push_str(text),
        }
    }
    change.flush(&mut spans);
    spans
}

/// A stretch of deleted and inserted words between two unchanged ones.
#[derive(Default)]
struct Change {
    deleted: String,
    inserted: String,
    /// Space seen since the last changed word.
    between: String,
}

impl Change {
    fn open(&self) -> bool {
        !self.deleted.is_empty() || !self.inserted.is_empty()
    }

    /// The change, with the space seen since its last word moved inside both sides.
    fn take_between(&mut self) -> &mut Change {
        if !self.between.is_empty() {
            let between = std::mem::take(&mut self.between);
            if !self.deleted.is_empty() {
                self.deleted.push_str(&between);
            }
            if !self.inserted.is_empty() {
                self.inserted.push_str(&between);
            }
        }
        self
    }

    fn flush(&mut self, spans: &mut Vec<DiffSpan>) {
        let change = std::mem::take(self);
        let (deleted, inserted) = (change.deleted.trim(), change.inserted.trim());
        if !deleted.is_empty() {
            push_span(spans, "delete", deleted);
        }
        if !deleted.is_empty() && !inserted.is_empty() {
            push_span(spans, "equal", " ");
        }
        if !inserted.is_empty() {
            push_span(spans, "insert", inserted);
        }
        // The space after the change stays where it was.
        if !change.between.is_empty() {
            push_span(spans, "equal", &change.between);
        }
    }
}

/// Appends `text` as `op`, merged into the last span when that is the same kind.
fn push_span(spans: &mut Vec<DiffSpan>, op: &'static str, text: &str) {
    if let Some(last) = spans.last_mut()
        && last.op == op
    {
        last.text.push_str(text);
        return;
    }
    spans.push(DiffSpan {
        op,
        text: text.to_string(),
    });
}

/// The text a reader sees of a snapshot's body: of its HTML, or of the Markdown of a
/// revision saved before bodies became HTML.
fn body_text(a: &ArticleInput) -> String {
    use sahifa_newsroom::rendering::BodyInput;
    match sahifa_newsroom::articles::body_of(a) {
        BodyInput::Html(html) => sahifa_text::body::plain_text(&html),
        BodyInput::Markdown(md) => sahifa_text::markdown::to_plain_text(&md),
    }
}

fn fields(a: &ArticleInput) -> Vec<(&'static str, String)> {
    vec![
        ("admin-field-title", a.title.clone()),
        ("admin-field-lead", a.lead.clone()),
        (
            "admin-field-dateline",
            a.dateline.clone().unwrap_or_default(),
        ),
        ("admin-field-source", a.source.clone().unwrap_or_default()),
        ("admin-field-slug", a.slug.clone().unwrap_or_default()),
        ("admin-field-status", a.status.as_str().to_string()),
        ("admin-field-tags", a.tags.join("، ")),
        ("admin-field-body", body_text(a)),
    ]
}

/// `GET /admin/articles/{id}/revisions/diff?a=OLD&b=NEW`.
pub async fn show_diff(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (title, revisions) = editable_revisions(&state, &current, id).await?;
    let pick = |name: &str| -> Result<&Revision, AppError> {
        let wanted: i64 = query
            .get(name)
            .and_then(|v| sahifa_text::digits::to_ascii_digits(v).parse().ok())
            .ok_or(AppError::BadRequest)?;
        revisions
            .iter()
            .find(|r| r.id == wanted)
            .ok_or(AppError::NotFound)
    };
    let (a, b) = (pick("a")?, pick("b")?);
    let (old, new) = if a.id <= b.id { (a, b) } else { (b, a) };
    let rows = fields(&old.snapshot)
        .into_iter()
        .zip(fields(&new.snapshot))
        .map(|((key, before), (_, after))| DiffRow {
            key,
            changed: before != after,
            spans: diff_field(&before, &after),
        })
        .collect();
    let ctx = DiffPage {
        article_id: id,
        article_title: &title,
        old: number_of(&revisions, old.id),
        new: number_of(&revisions, new.id),
        rows,
    };
    render(
        &state,
        Some(&current),
        "admin/diff.html",
        "admin-diff-title",
        ctx,
    )
    .await
}

/// `POST /admin/articles/{id}/revisions/{rev}/restore`.
pub async fn restore_revision(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, rev)): Path<(i64, i64)>,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(&state, &current, request).await?;
    state
        .newsroom()
        .restore_revision(&Actor::User(current.user.clone()), id, rev)
        .await?;
    Ok(see_other(&format!("/admin/articles/{id}?msg=restored")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(spans: &[DiffSpan]) -> String {
        spans
            .iter()
            .map(|s| match s.op {
                "delete" => format!("[-{}-]", s.text),
                "insert" => format!("{{+{}+}}", s.text),
                _ => s.text.clone(),
            })
            .collect()
    }

    #[test]
    fn deletions_and_insertions_stay_apart_with_their_spaces() {
        let spans = diff_field(
            "ولا إصابة في صفوف المدنيين وفق تقارير أولية",
            "ولا إصابات خطيرة في صفوف المدنيين وفق تقارير بجروح طفيفة",
        );
        assert_eq!(
            shown(&spans),
            "ولا [-إصابة-] {+إصابات خطيرة+} في صفوف المدنيين وفق تقارير [-أولية-] {+بجروح طفيفة+}"
        );
        // Paragraph breaks are kept.
        let spans = diff_field("أ\n\nب", "أ\n\nج");
        assert_eq!(shown(&spans), "أ\n\n[-ب-] {+ج+}");
        assert_eq!(shown(&diff_field("", "نص جديد")), "{+نص جديد+}");
    }
}
