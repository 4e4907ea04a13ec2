//! Accounts, for administrators only: list, create, edit (name, role, active, byline),
//! reset a password, delete. Each handler parses the form, calls one account use case
//! (`sahifa_newsroom::users`, where the rules and the last-administrator protection live)
//! and renders; a refused input re-renders the form with its field errors.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use sahifa_newsroom::users::{AccountChange, Byline, NewAccount};
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::{Author, Role, User};

use super::{FormFields, form_with_csrf, notice, render, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;
use sahifa_site::view;

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

/// The field errors of a refused input, or the error it is.
fn field_errors(err: NewsroomError) -> Result<FieldErrors, AppError> {
    match err {
        NewsroomError::Invalid(fields) => Ok(fields.iter().map(|f| (f.field, f.key)).collect()),
        other => Err(other.into()),
    }
}

fn actor(current: &CurrentUser) -> Actor {
    Actor::User(current.user.clone())
}

/// What a handler asks the user form to show.
struct FormPage<'a> {
    user: Option<&'a User>,
    values: &'a UserValues,
    errors: &'a FieldErrors,
    password_error: Option<&'static str>,
    delete_error: Option<&'static str>,
    status: StatusCode,
    notice: Option<&'static str>,
}

/// The context of `admin/user_form.html`: a new account, or an existing one with its
/// password reset and delete forms.
#[derive(Debug, Serialize)]
struct UserFormPage<'a> {
    /// The account edited; `null` on the new-account form.
    user: Option<EditedUser<'a>>,
    /// Where the form posts.
    action: String,
    v: &'a UserValues,
    /// Field name → message key.
    errors: HashMap<&'static str, &'static str>,
    password_error: Option<&'static str>,
    delete_error: Option<&'static str>,
    roles: Vec<&'static str>,
    authors: Vec<Author>,
    min_password: usize,
    notice: Option<&'static str>,
    /// The edited account's byline profile form; `None` without a byline.
    profile: Option<crate::author_profile::ProfileForm>,
}

/// The stored account an edit form is about.
#[derive(Debug, Serialize)]
struct EditedUser<'a> {
    id: i64,
    email: &'a str,
    created: String,
    /// The signed-in administrator's own account (which cannot be deleted here).
    is_me: bool,
}

/// The context of `admin/users.html`: every account.
#[derive(Debug, Serialize)]
struct UserListPage<'a> {
    rows: Vec<UserRow<'a>>,
    notice: Option<&'static str>,
}

/// One account of the list.
#[derive(Debug, Serialize)]
struct UserRow<'a> {
    id: i64,
    email: &'a str,
    name: &'a str,
    role: &'static str,
    active: bool,
    /// The byline's name, `None` for an account without one.
    byline: Option<&'a str>,
    created: String,
    edit_url: String,
    is_me: bool,
}

async fn form_page(
    state: &AppState,
    current: &CurrentUser,
    page: FormPage<'_>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let ctx = UserFormPage {
        user: page.user.map(|u| EditedUser {
            id: u.id,
            email: &u.email,
            created: view::display_date(&site, &u.created_at),
            is_me: u.id == current.user.id,
        }),
        action: page
            .user
            .map(|u| format!("/admin/users/{}", u.id))
            .unwrap_or_else(|| "/admin/users/new".into()),
        v: page.values,
        errors: page.errors.iter().copied().collect(),
        password_error: page.password_error,
        delete_error: page.delete_error,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        authors: state.db().authors().await?,
        min_password: sahifa_http::auth::password::MIN_PASSWORD_CHARS,
        notice: page.notice,
        profile: match page.user {
            Some(u) => {
                let action = format!("/admin/users/{}/profile", u.id);
                crate::author_profile::stored_form(state, u.author_id, action).await?
            }
            None => None,
        },
    };
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
    let users = state.db().users().await?;
    let rows = users
        .iter()
        .map(|u| UserRow {
            id: u.id,
            email: &u.email,
            name: &u.name,
            role: u.role.as_str(),
            active: u.active,
            byline: u
                .author_id
                .and_then(|a| authors.get(&a))
                .map(String::as_str),
            created: view::display_date(&site, &u.created_at),
            edit_url: format!("/admin/users/{}", u.id),
            is_me: u.id == current.user.id,
        })
        .collect();
    let ctx = UserListPage {
        rows,
        notice: notice(&query),
    };
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
    let form = form_with_csrf(&state, &current, request).await?;
    let values = UserValues {
        active: true,
        ..UserValues::from_form(&form)
    };
    let account = NewAccount {
        email: values.email.clone(),
        name: values.name.clone(),
        role: values.role.clone(),
        password: form.raw("password"),
        byline: Byline::from_form(&values.author),
    };
    match state
        .newsroom()
        .create_user(&actor(&current), &account)
        .await
    {
        Ok(user) => Ok(see_other(&format!("/admin/users/{}?msg=created", user.id))),
        Err(err) => {
            let errors = field_errors(err)?;
            let page = FormPage {
                user: None,
                values: &values,
                errors: &errors,
                password_error: None,
                delete_error: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                notice: None,
            };
            form_page(&state, &current, page).await
        }
    }
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
    let form = form_with_csrf(&state, &current, request).await?;
    let user = state.db().user_by_id(id).await?.ok_or(AppError::NotFound)?;
    // The email is the login and is not edited here; show the stored one.
    let values = UserValues {
        email: user.email.clone(),
        ..UserValues::from_form(&form)
    };
    let change = AccountChange {
        name: values.name.clone(),
        role: values.role.clone(),
        active: values.active,
        byline: Byline::from_form(&values.author),
    };
    match state
        .newsroom()
        .update_user(&actor(&current), id, &change)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}?msg=saved"))),
        Err(err) => {
            let errors = field_errors(err)?;
            let page = FormPage {
                user: Some(&user),
                values: &values,
                errors: &errors,
                password_error: None,
                delete_error: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                notice: None,
            };
            form_page(&state, &current, page).await
        }
    }
}

/// `POST /admin/users/{id}/password`: sets a new password and ends the account's sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let user = state.db().user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let password = form.raw("password");
    match state
        .newsroom()
        .set_password(&actor(&current), id, &password)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/admin/users/{id}?msg=password-changed"
        ))),
        Err(err) => {
            let errors = field_errors(err)?;
            let values = UserValues::from_user(&user);
            let page = FormPage {
                user: Some(&user),
                values: &values,
                errors: &Vec::new(),
                password_error: errors.first().map(|(_, key)| *key),
                delete_error: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                notice: None,
            };
            form_page(&state, &current, page).await
        }
    }
}

/// `POST /admin/users/{id}/delete`: the account goes; its articles stay.
pub async fn delete_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    form_with_csrf(&state, &current, request).await?;
    let user = state.db().user_by_id(id).await?.ok_or(AppError::NotFound)?;
    match state.newsroom().delete_user(&actor(&current), id).await {
        Ok(()) => Ok(see_other("/admin/users?msg=deleted")),
        // Deleting oneself or the last administrator: said on the form, next to the button.
        Err(NewsroomError::Conflict { key, .. }) => {
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
            form_page(&state, &current, page).await
        }
        Err(other) => Err(other.into()),
    }
}
