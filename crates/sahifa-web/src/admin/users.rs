//! Accounts, for administrators only: list, create, edit (name, role, active, byline),
//! reset a password, delete.
//!
//! The newsroom can never lock itself out: the last active administrator cannot be
//! demoted, disabled or deleted, and nobody can disable or delete their own account here.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use sahifa_store::{AuthorInput, Role, StoreError, User};

use super::{FormFields, form_with_csrf, notice, render, render_with_status, require};
use crate::auth::password::{check_new_password, hash_password};
use crate::auth::{Capability, CurrentUser};
use crate::error::AppError;
use crate::pages::see_other;
use crate::state::AppState;
use crate::view;

const NAME_MAX: usize = 100;

/// The byline choice meaning "make a byline with the account's name".
const NEW_BYLINE: &str = "new";

type FieldErrors = Vec<(&'static str, &'static str)>;

/// What the user form holds, typed or loaded.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct UserValues {
    email: String,
    name: String,
    role: String,
    active: bool,
    /// An author id, [`NEW_BYLINE`] or empty for none.
    author: String,
}

impl UserValues {
    fn from_form(form: &FormFields) -> UserValues {
        UserValues {
            email: form.text("email"),
            name: form.text("name"),
            role: form.text("role"),
            active: form.text("active") == "yes",
            author: form.text("author"),
        }
    }

    fn from_user(u: &User) -> UserValues {
        UserValues {
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.as_str().to_string(),
            active: u.active,
            author: u.author_id.map(|a| a.to_string()).unwrap_or_default(),
        }
    }
}

/// The byline a form asks for.
enum Byline {
    None,
    New,
    Existing(i64),
}

async fn check_common(
    state: &AppState,
    values: &UserValues,
    errors: &mut FieldErrors,
) -> Result<(Option<Role>, Byline), AppError> {
    if values.name.is_empty() {
        errors.push(("name", "admin-error-name-required"));
    } else if values.name.chars().count() > NAME_MAX {
        errors.push(("name", "admin-error-name-too-long"));
    }
    let role = Role::parse(&values.role);
    if role.is_none() {
        errors.push(("role", "admin-error-role-invalid"));
    }
    let byline = match values.author.as_str() {
        "" => Byline::None,
        NEW_BYLINE => Byline::New,
        other => match sahifa_text::digits::to_ascii_digits(other).parse::<i64>() {
            Ok(id) if state.db().authors().await?.iter().any(|a| a.id == id) => {
                Byline::Existing(id)
            }
            _ => {
                errors.push(("author", "admin-error-unknown-author"));
                Byline::None
            }
        },
    };
    Ok((role, byline))
}

/// The byline's author id, creating one named like the account when asked (or reusing an
/// existing byline of exactly that name).
async fn resolve_byline(
    state: &AppState,
    byline: Byline,
    name: &str,
) -> Result<Option<i64>, AppError> {
    match byline {
        Byline::None => Ok(None),
        Byline::Existing(id) => Ok(Some(id)),
        Byline::New => {
            let db = state.db();
            if let Some(a) = db.author_by_name(name).await? {
                return Ok(Some(a.id));
            }
            let input = AuthorInput {
                slug: None,
                name: name.to_string(),
                bio: String::new(),
            };
            match db.create_author(&input).await {
                Ok(id) => Ok(Some(id)),
                // A name whose slug another byline already has: give it a numbered one.
                Err(
                    StoreError::Conflict(_) | StoreError::Invalid(_) | StoreError::MissingReference,
                ) => {
                    let slug = format!(
                        "{}-{}",
                        sahifa_text::slug::slugify(name),
                        crate::auth::tokens::random_token()
                            .chars()
                            .take(6)
                            .collect::<String>()
                            .to_lowercase()
                    );
                    let input = AuthorInput {
                        slug: Some(slug),
                        ..input
                    };
                    Ok(db.create_author(&input).await.ok())
                }
                Err(other) => Err(other.into()),
            }
        }
    }
}

fn who(current: &CurrentUser) -> Option<(i64, &str)> {
    Some((current.user.id, current.user.name.as_str()))
}

/// Whether `user` is the only active administrator left.
async fn is_last_admin(state: &AppState, user: &User) -> Result<bool, AppError> {
    Ok(user.role == Role::Administrator
        && user.active
        && state.db().active_admin_count().await? <= 1)
}

struct FormPage<'a> {
    user: Option<&'a User>,
    values: &'a UserValues,
    errors: &'a FieldErrors,
    password_error: Option<&'static str>,
    delete_error: Option<&'static str>,
    status: StatusCode,
    notice: Option<&'static str>,
}

async fn form_page(
    state: &AppState,
    current: &CurrentUser,
    page: FormPage<'_>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let errors: HashMap<&str, &str> = page.errors.iter().copied().collect();
    let ctx = json!({
        "user": page.user.map(|u| json!({
            "id": u.id,
            "email": u.email,
            "created": view::display_date(&site, &u.created_at),
            "is_me": u.id == current.user.id,
        })),
        "action": page.user.map(|u| format!("/admin/users/{}", u.id)).unwrap_or_else(|| "/admin/users/new".into()),
        "v": page.values,
        "errors": errors,
        "password_error": page.password_error,
        "delete_error": page.delete_error,
        "roles": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "authors": state.db().authors().await?,
        "min_password": crate::auth::password::MIN_PASSWORD_CHARS,
        "notice": page.notice,
    });
    let title = if page.user.is_some() {
        "admin-edit-user-title"
    } else {
        "admin-new-user-title"
    };
    render_with_status(
        page.status,
        state,
        Some(current),
        "admin/user_form.html",
        title,
        ctx,
    )
    .await
}

/// `GET /admin/users`.
pub async fn list_users(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let site = state.site().await?;
    let authors: HashMap<i64, String> = state
        .db()
        .authors()
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let rows: Vec<Value> = state
        .db()
        .users()
        .await?
        .iter()
        .map(|u| {
            json!({
                "id": u.id,
                "email": u.email,
                "name": u.name,
                "role": u.role.as_str(),
                "active": u.active,
                "byline": u.author_id.and_then(|a| authors.get(&a).cloned()),
                "created": view::display_date(&site, &u.created_at),
                "edit_url": format!("/admin/users/{}", u.id),
                "is_me": u.id == current.user.id,
            })
        })
        .collect();
    let ctx = json!({"rows": rows, "notice": notice(&query)});
    render(
        &state,
        Some(&current),
        "admin/users.html",
        "admin-users-title",
        ctx,
    )
    .await
}

/// `GET /admin/users/new`.
pub async fn new_user(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let values = UserValues {
        role: Role::Author.as_str().into(),
        active: true,
        author: NEW_BYLINE.into(),
        ..Default::default()
    };
    let page = FormPage {
        user: None,
        values: &values,
        errors: &Vec::new(),
        password_error: None,
        delete_error: None,
        status: StatusCode::OK,
        notice: None,
    };
    form_page(&state, &current, page).await
}

/// `POST /admin/users/new`.
pub async fn create_user(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let headers = request.headers().clone();
    let form = form_with_csrf(&state, &current, &headers, request).await?;
    let values = UserValues {
        active: true,
        ..UserValues::from_form(&form)
    };
    let password = form.raw("password");
    let mut errors: FieldErrors = Vec::new();
    let email = match sahifa_store::normalise_email(&values.email) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(("email", "admin-error-email-invalid"));
            None
        }
    };
    if let Some(email) = &email
        && state.db().user_for_login(email).await?.is_some()
    {
        errors.push(("email", "admin-error-email-taken"));
    }
    let (role, byline) = check_common(&state, &values, &mut errors).await?;
    if let Err(key) = check_new_password(&password) {
        errors.push(("password", key));
    }
    let invalid = |errors: FieldErrors| {
        let (state, current, values) = (&state, &current, &values);
        async move {
            let page = FormPage {
                user: None,
                values,
                errors: &errors,
                password_error: None,
                delete_error: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                notice: None,
            };
            form_page(state, current, page).await
        }
    };
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return invalid(errors).await;
    };
    let hash = hash_password(password).await.map_err(AppError::Internal)?;
    let db = state.db();
    let id = match db.create_user(&email, &values.name, role, &hash).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            return invalid(vec![("email", "admin-error-email-taken")]).await;
        }
        Err(StoreError::Invalid(_) | StoreError::MissingReference) => {
            return invalid(vec![("email", "admin-error-email-invalid")]).await;
        }
        Err(other) => return Err(other.into()),
    };
    let author_id = resolve_byline(&state, byline, &values.name).await?;
    if author_id.is_some() {
        db.update_user(id, &values.name, role, author_id, true)
            .await?;
    }
    db.audit(
        who(&current),
        "created",
        "user",
        Some(id),
        &format!("{email} ({})", role.as_str()),
    )
    .await?;
    Ok(see_other(&format!("/admin/users/{id}?msg=created")))
}

/// `GET /admin/users/{id}`.
pub async fn edit_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let user = state.db().user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let values = UserValues::from_user(&user);
    let page = FormPage {
        user: Some(&user),
        values: &values,
        errors: &Vec::new(),
        password_error: None,
        delete_error: None,
        status: StatusCode::OK,
        notice: notice(&query),
    };
    form_page(&state, &current, page).await
}

/// `POST /admin/users/{id}`: name, role, active, byline.
pub async fn save_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let headers = request.headers().clone();
    let form = form_with_csrf(&state, &current, &headers, request).await?;
    let db = state.db();
    let user = db.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    // The email is the login and is not edited here; show the stored one.
    let values = UserValues {
        email: user.email.clone(),
        ..UserValues::from_form(&form)
    };
    let mut errors: FieldErrors = Vec::new();
    let (role, byline) = check_common(&state, &values, &mut errors).await?;
    if let Some(role) = role {
        let loses_admin = role != Role::Administrator || !values.active;
        if loses_admin && is_last_admin(&state, &user).await? {
            errors.push(("role", "admin-error-last-admin"));
        }
    }
    if user.id == current.user.id && !values.active {
        errors.push(("active", "admin-error-disable-self"));
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        let page = FormPage {
            user: Some(&user),
            values: &values,
            errors: &errors,
            password_error: None,
            delete_error: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
        };
        return form_page(&state, &current, page).await;
    };
    let author_id = resolve_byline(&state, byline, &values.name).await?;
    db.update_user(id, &values.name, role, author_id, values.active)
        .await?;
    if role != user.role {
        let detail = format!("{}: {} → {}", user.email, user.role.as_str(), role.as_str());
        db.audit(who(&current), "role-changed", "user", Some(id), &detail)
            .await?;
    }
    if user.active != values.active {
        let action = if values.active { "enabled" } else { "disabled" };
        db.audit(who(&current), action, "user", Some(id), &user.email)
            .await?;
    }
    Ok(see_other(&format!("/admin/users/{id}?msg=saved")))
}

/// `POST /admin/users/{id}/password`: sets a new password and ends the account's sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let headers = request.headers().clone();
    let form = form_with_csrf(&state, &current, &headers, request).await?;
    let db = state.db();
    let user = db.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let password = form.raw("password");
    if let Err(key) = check_new_password(&password) {
        let values = UserValues::from_user(&user);
        let page = FormPage {
            user: Some(&user),
            values: &values,
            errors: &Vec::new(),
            password_error: Some(key),
            delete_error: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
        };
        return form_page(&state, &current, page).await;
    }
    let hash = hash_password(password).await.map_err(AppError::Internal)?;
    db.set_password_hash(id, &hash).await?;
    db.audit(
        who(&current),
        "password-reset",
        "user",
        Some(id),
        &user.email,
    )
    .await?;
    Ok(see_other(&format!(
        "/admin/users/{id}?msg=password-changed"
    )))
}

/// `POST /admin/users/{id}/delete`: the account goes; its articles stay.
pub async fn delete_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let headers = request.headers().clone();
    form_with_csrf(&state, &current, &headers, request).await?;
    let db = state.db();
    let user = db.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let refusal = if user.id == current.user.id {
        Some("admin-error-delete-self")
    } else if is_last_admin(&state, &user).await? {
        Some("admin-error-last-admin")
    } else {
        None
    };
    if let Some(key) = refusal {
        let values = UserValues::from_user(&user);
        let page = FormPage {
            user: Some(&user),
            values: &values,
            errors: &Vec::new(),
            password_error: None,
            delete_error: Some(key),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
        };
        return form_page(&state, &current, page).await;
    }
    db.delete_user(id).await?;
    db.audit(who(&current), "deleted", "user", Some(id), &user.email)
        .await?;
    Ok(see_other("/admin/users?msg=deleted"))
}
