//! The audit trail: who created, published, unpublished, deleted what and when.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Serialize;

use super::{render, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::i18n::{Arg, Catalog};
use sahifa_http::state::AppState;
use sahifa_newsroom::comments::Moderation;
use sahifa_site::view;
use sahifa_text::dates::Lang;

const PER_PAGE: i64 = 50;

/// Actions with a translated label; others are shown as stored.
const ACTIONS: [&str; 30] = [
    "created",
    "updated",
    "published",
    "unpublished",
    "scheduled",
    "deleted",
    "restored",
    "renamed",
    "role-changed",
    "enabled",
    "disabled",
    "password-changed",
    "password-reset",
    "settings-changed",
    "revoked",
    "sessions-ended",
    "retried",
    "replied",
    "moderated",
    "blocked",
    "exported",
    "erased",
    "comments-opened",
    "comments-closed",
    "uploaded",
    "body-converted",
    "breaking-set",
    "breaking-cleared",
    "breaking-expired",
    "front-page-changed",
];

/// Object kinds with a translated label.
const KINDS: [&str; 14] = [
    "article",
    "page",
    "menu-item",
    "category",
    "tag",
    "user",
    "token",
    "media",
    "settings",
    "comment",
    "comments",
    "author",
    "telegram-delivery",
    "front-page",
];

/// The site-settings fields a `settings-changed` entry lists, with their form labels.
const SETTINGS_FIELDS: [(&str, &str); 6] = [
    ("name", "admin-field-site-name"),
    ("tagline", "admin-field-tagline"),
    ("locale", "admin-field-locale"),
    ("time_zone", "admin-field-time-zone"),
    ("digit_style", "admin-field-digit-style"),
    ("telegram_channel", "admin-field-telegram-channel"),
];

/// The role names stored in user entries.
const ROLES: [&str; 4] = ["administrator", "editor", "author", "contributor"];

/// A detail rebuilt in the site's language: a catalogue key and its arguments, each
/// argument either text as stored or another key to translate first.
#[derive(Debug, PartialEq)]
struct DetailMessage {
    key: &'static str,
    args: Vec<(&'static str, Part)>,
}

#[derive(Debug, PartialEq)]
enum Part {
    Text(String),
    Key(String),
    /// Several keys, joined with the language's list separator.
    Keys(Vec<String>),
}

/// Recognises the shapes the newsroom writes (the trail stores them as text, so old rows
/// keep their meaning): `None` when a detail holds only content (titles, names, emails)
/// or a shape this version does not know, and is shown as stored.
fn detail_message(action: &str, kind: &str, detail: &str) -> Option<DetailMessage> {
    let message = |key, args| Some(DetailMessage { key, args });
    let role = |r: &str| ROLES.contains(&r).then(|| Part::Key(format!("role-{r}")));
    match (action, kind) {
        ("moderated", "comment") => {
            let (verb, ids) = detail.split_once(' ')?;
            let verb = Moderation::parse(verb)?;
            let ids = ids.trim().strip_prefix('[')?.strip_suffix(']')?;
            message(
                "admin-audit-detail-moderated",
                vec![
                    (
                        "action",
                        Part::Key(format!("admin-audit-moderation-{}", verb.as_str())),
                    ),
                    ("ids", Part::Text(ids.to_string())),
                ],
            )
        }
        ("replied", "comment") => {
            let id = detail.strip_prefix("reply to ")?;
            message(
                "admin-audit-detail-replied",
                vec![("id", Part::Text(id.to_string()))],
            )
        }
        ("retried", "telegram-delivery") => {
            let (job, article) = detail.split_once(' ')?;
            let job =
                matches!(job, "post" | "edit").then(|| format!("admin-audit-delivery-{job}"))?;
            message(
                "admin-audit-detail-retried",
                vec![
                    ("kind", Part::Key(job)),
                    ("id", Part::Text(article.to_string())),
                ],
            )
        }
        ("created", "user") => {
            let (email, role_name) = detail.strip_suffix(')')?.rsplit_once(" (")?;
            message(
                "admin-audit-detail-user-created",
                vec![
                    ("email", Part::Text(email.to_string())),
                    ("role", role(role_name)?),
                ],
            )
        }
        ("role-changed", "user") => {
            let (email, change) = detail.rsplit_once(": ")?;
            let (from, to) = change.split_once(" → ")?;
            message(
                "admin-audit-detail-role-changed",
                vec![
                    ("email", Part::Text(email.to_string())),
                    ("from", role(from)?),
                    ("to", role(to)?),
                ],
            )
        }
        ("settings-changed", "settings") => {
            if let Some(rest) = detail.strip_prefix("telegram: ") {
                return telegram_settings(rest);
            }
            let fields = detail
                .split(", ")
                .filter(|f| !f.is_empty())
                .map(|f| {
                    SETTINGS_FIELDS
                        .iter()
                        .find(|(name, _)| *name == f)
                        .map(|(_, key)| key.to_string())
                })
                .collect::<Option<Vec<_>>>()?;
            let key = if fields.is_empty() {
                "admin-audit-detail-nothing-changed"
            } else {
                "admin-audit-detail-settings"
            };
            message(key, vec![("fields", Part::Keys(fields))])
        }
        _ => None,
    }
}

/// `on, channel NAME, token kept` (after `telegram: `).
fn telegram_settings(rest: &str) -> Option<DetailMessage> {
    let mut parts = rest.split(", ");
    let state = match parts.next()? {
        "on" => "admin-audit-telegram-on",
        "off" => "admin-audit-telegram-off",
        _ => return None,
    };
    let channel = parts.next()?.strip_prefix("channel ")?;
    let token = match parts.next()? {
        "token kept" => "admin-audit-token-kept",
        "token changed" => "admin-audit-token-changed",
        "token removed" => "admin-audit-token-removed",
        _ => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    let channel = if channel == "-" {
        Part::Key("admin-audit-telegram-no-channel".into())
    } else {
        Part::Text(format!("@{channel}"))
    };
    Some(DetailMessage {
        key: "admin-audit-detail-telegram",
        args: vec![
            ("state", Part::Key(state.into())),
            ("channel", channel),
            ("token", Part::Key(token.into())),
        ],
    })
}

/// The detail in the site's language, or as stored.
fn detail_text(catalog: &Catalog, lang: Lang, action: &str, kind: &str, detail: &str) -> String {
    let Some(message) = detail_message(action, kind, detail) else {
        return detail.to_string();
    };
    let args = message
        .args
        .into_iter()
        .map(|(name, part)| {
            let text = match part {
                Part::Text(text) => text,
                Part::Key(key) => catalog.text(lang, &key),
                Part::Keys(keys) => keys
                    .iter()
                    .map(|key| catalog.text(lang, key))
                    .collect::<Vec<_>>()
                    .join(&catalog.text(lang, "admin-audit-list-separator")),
            };
            (name.to_string(), Arg::Text(text))
        })
        .collect();
    catalog.get(lang, message.key, &args)
}

/// Where an audited object lives in the admin, when it still can be opened there.
fn object_url(kind: &str, id: Option<i64>) -> Option<String> {
    let id = id?;
    match kind {
        "article" => Some(format!("/admin/articles/{id}")),
        "category" => Some(format!("/admin/categories/{id}")),
        "page" => Some(format!("/admin/pages/{id}")),
        "user" => Some(format!("/admin/users/{id}")),
        _ => None,
    }
}

/// The context of `admin/audit.html`: one page of the trail, newest first.
#[derive(Debug, Serialize)]
struct AuditPage<'a> {
    rows: Vec<AuditRow<'a>>,
    total: i64,
    /// Page links (`null` when there is one page).
    pagination: Option<view::Pagination>,
}

/// One audit entry as the trail's table prints it.
#[derive(Debug, Serialize)]
struct AuditRow<'a> {
    /// Date and time in the site's zone, language and digits.
    when: String,
    at_iso: String,
    /// `None` for the system (the template says so).
    who: Option<&'a str>,
    /// The translated label's key; `action` is shown as stored when there is none.
    action_key: Option<String>,
    action: &'a str,
    kind_key: Option<String>,
    kind: &'a str,
    object_id: Option<i64>,
    url: Option<String>,
    /// In the site's language where the newsroom wrote a known shape, else as stored.
    detail: String,
}

/// `GET /admin/audit?page=`.
pub async fn list_audit(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ViewAudit)?;
    let site = state.site().await?;
    let page = sahifa_site::pages::page_number(&query)?;
    let (entries, total) = state
        .db()
        .audit_entries(PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            when: format!(
                "{} {}",
                view::display_date(&site, &e.at),
                sahifa_text::dates::format_time(
                    &e.at.with_timezone(&site.tz),
                    site.lang,
                    site.digits
                )
            ),
            at_iso: e.at.to_rfc3339(),
            who: (!e.user_name.is_empty()).then_some(e.user_name.as_str()),
            action_key: ACTIONS
                .contains(&e.action.as_str())
                .then(|| format!("admin-audit-action-{}", e.action)),
            action: &e.action,
            kind_key: KINDS
                .contains(&e.object_kind.as_str())
                .then(|| format!("admin-audit-kind-{}", e.object_kind)),
            kind: &e.object_kind,
            object_id: e.object_id,
            url: object_url(&e.object_kind, e.object_id),
            detail: detail_text(
                state.catalog(),
                site.lang,
                &e.action,
                &e.object_kind,
                &e.detail,
            ),
        })
        .collect();
    let pagination = view::paginate("/admin/audit", page, view::page_count(total, PER_PAGE));
    let ctx = AuditPage {
        rows,
        total,
        pagination,
    };
    render(
        &state,
        Some(&current),
        "admin/audit.html",
        "admin-audit-title",
        ctx,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(action: &str, kind: &str, detail: &str) -> Option<&'static str> {
        detail_message(action, kind, detail).map(|m| m.key)
    }

    #[test]
    fn known_shapes_are_recognised() {
        assert_eq!(
            key("moderated", "comment", "approve [1, 2]"),
            Some("admin-audit-detail-moderated")
        );
        assert_eq!(key("moderated", "comment", "bless [1]"), None);
        assert_eq!(
            key("replied", "comment", "reply to 7"),
            Some("admin-audit-detail-replied")
        );
        assert_eq!(
            key("created", "user", "a@b.example (editor)"),
            Some("admin-audit-detail-user-created")
        );
        assert_eq!(
            key("role-changed", "user", "a@b.example: editor → author"),
            Some("admin-audit-detail-role-changed")
        );
        assert_eq!(
            key("settings-changed", "settings", "name, time_zone"),
            Some("admin-audit-detail-settings")
        );
        assert_eq!(
            key("settings-changed", "settings", ""),
            Some("admin-audit-detail-nothing-changed")
        );
        assert_eq!(
            key(
                "settings-changed",
                "settings",
                "telegram: on, channel -, token kept"
            ),
            Some("admin-audit-detail-telegram")
        );
        assert_eq!(
            key("retried", "telegram-delivery", "post 3"),
            Some("admin-audit-detail-retried")
        );
        // Titles and names are content: shown as stored.
        assert_eq!(key("created", "article", "عنوان"), None);
        assert_eq!(key("created", "user", "a@b.example (boss)"), None);
    }
}
