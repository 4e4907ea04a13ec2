//! The byline profile form (display name, bio, photo, links): on `/admin/profile` for the
//! signed-in account's own byline, and on `/admin/users/{id}` for administrators. The
//! rules and the permission check live in `sahifa_newsroom::authors`.

use std::collections::HashMap;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use sahifa_newsroom::authors::ProfileDraft;
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::Author;

use super::{FormFields, form_with_csrf, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;

/// Media items offered as photos, newest first.
const PHOTO_CHOICES: i64 = 200;

/// The profile form's context (`admin/_author_profile.html`).
#[derive(Debug, Serialize)]
pub struct ProfileForm {
    /// Where the form posts.
    action: String,
    /// The byline's public page.
    public_url: String,
    v: ProfileValues,
    /// Field name → message key.
    errors: HashMap<&'static str, &'static str>,
    photos: Vec<PhotoChoice>,
}

/// The form's values, typed or stored.
#[derive(Debug, Default, Serialize)]
struct ProfileValues {
    name: String,
    bio: String,
    photo: String,
    link_x: String,
    link_telegram: String,
    link_facebook: String,
    link_website: String,
}

/// A media-library image offered as the photo.
#[derive(Debug, Serialize)]
struct PhotoChoice {
    id: String,
    label: String,
}

impl ProfileValues {
    fn stored(a: &Author) -> ProfileValues {
        ProfileValues {
            name: a.name.clone(),
            bio: a.bio.clone(),
            photo: a.photo_media_id.map(|p| p.to_string()).unwrap_or_default(),
            link_x: a.link_x.clone(),
            link_telegram: a.link_telegram.clone(),
            link_facebook: a.link_facebook.clone(),
            link_website: a.link_website.clone(),
        }
    }

    fn typed(form: &FormFields) -> ProfileValues {
        ProfileValues {
            name: form.text("name"),
            bio: form.raw("bio"),
            photo: form.text("photo"),
            link_x: form.text("link_x"),
            link_telegram: form.text("link_telegram"),
            link_facebook: form.text("link_facebook"),
            link_website: form.text("link_website"),
        }
    }

    fn draft(&self) -> ProfileDraft {
        ProfileDraft {
            name: self.name.clone(),
            bio: self.bio.clone(),
            photo: self.photo.clone(),
            link_x: self.link_x.clone(),
            link_telegram: self.link_telegram.clone(),
            link_facebook: self.link_facebook.clone(),
            link_website: self.link_website.clone(),
        }
    }
}

/// The form for byline `author_id` as stored, posting to `action`; `None` for an
/// account without a byline.
pub async fn stored_form(
    state: &AppState,
    author_id: Option<i64>,
    action: String,
) -> Result<Option<ProfileForm>, AppError> {
    let Some(author) = (match author_id {
        Some(id) => state.db().author_by_id(id).await?,
        None => None,
    }) else {
        return Ok(None);
    };
    let values = ProfileValues::stored(&author);
    Ok(Some(
        form(state, &author, action, values, HashMap::new()).await?,
    ))
}

async fn form(
    state: &AppState,
    author: &Author,
    action: String,
    v: ProfileValues,
    errors: HashMap<&'static str, &'static str>,
) -> Result<ProfileForm, AppError> {
    let (media, _) = state.db().media_list(PHOTO_CHOICES, 0).await?;
    let photos = media
        .into_iter()
        .map(|m| {
            let label = [&m.alt, &m.original_name, &m.stem]
                .into_iter()
                .find(|s| !s.is_empty())
                .cloned()
                .unwrap_or_default();
            PhotoChoice {
                id: m.id.to_string(),
                label,
            }
        })
        .collect();
    Ok(ProfileForm {
        action,
        public_url: sahifa_http::urls::author(&author.slug),
        v,
        errors,
        photos,
    })
}

/// The standalone page a refused profile comes back on.
#[derive(Debug, Serialize)]
struct RefusedPage {
    profile: ProfileForm,
    back_url: String,
}

/// Saves the form into byline `author_id`, then goes to `done`; a refused input comes
/// back with its field errors.
async fn save(
    state: &AppState,
    current: &CurrentUser,
    author_id: i64,
    form_fields: &FormFields,
    action: String,
    done: &str,
) -> Result<Response, AppError> {
    let values = ProfileValues::typed(form_fields);
    let actor = Actor::User(current.user.clone());
    match state
        .newsroom()
        .update_author_profile(&actor, author_id, &values.draft())
        .await
    {
        Ok(()) => Ok(see_other(&format!("{done}?msg=saved"))),
        Err(NewsroomError::Invalid(fields)) => {
            let author = state
                .db()
                .author_by_id(author_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let errors = fields.iter().map(|f| (f.field, f.key)).collect();
            let ctx = RefusedPage {
                profile: form(state, &author, action, values, errors).await?,
                back_url: done.to_string(),
            };
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                state,
                Some(current),
                "admin/author_profile.html",
                "admin-author-profile-title",
                ctx,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/profile/author`: the signed-in account's own byline.
pub async fn save_own(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
    let author_id = current.user.author_id.ok_or(AppError::NotFound)?;
    save(
        &state,
        &current,
        author_id,
        &fields,
        "/admin/profile/author".into(),
        "/admin/profile",
    )
    .await
}

/// `POST /admin/users/{id}/profile`: an administrator edits account `id`'s byline.
pub async fn save_for_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let fields = form_with_csrf(&state, &current, request).await?;
    let user = state.db().user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let author_id = user.author_id.ok_or(AppError::NotFound)?;
    save(
        &state,
        &current,
        author_id,
        &fields,
        format!("/admin/users/{id}/profile"),
        &format!("/admin/users/{id}"),
    )
    .await
}
