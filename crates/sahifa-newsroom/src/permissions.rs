//! The permission matrix, WordPress's roles as newsrooms know them. Every admin handler
//! and API call asks here; hiding a button in the UI is never the check.

use sahifa_store::{ArticleStatus, Role, User};

/// Something a role may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// See the admin at all (dashboard, own articles, profile, own tokens).
    UseAdmin,
    /// Write new articles (as drafts at least).
    WriteArticles,
    /// Edit and delete anybody's articles.
    EditOthersArticles,
    /// Publish or schedule one's own articles.
    PublishOwn,
    /// Publish, schedule or unpublish anybody's articles.
    PublishOthers,
    /// Upload and edit media.
    UploadMedia,
    /// Create, rename and delete categories and tags.
    ManageTaxonomy,
    /// Moderate comments.
    ModerateComments,
    /// Create, edit and remove accounts.
    ManageUsers,
    /// Change site settings.
    ManageSettings,
    /// Read the audit trail.
    ViewAudit,
}

/// Whether `role` has `capability`.
pub fn role_can(role: Role, capability: Capability) -> bool {
    use Capability::*;
    match role {
        Role::Administrator => true,
        Role::Editor => !matches!(capability, ManageUsers | ManageSettings | ViewAudit),
        Role::Author => matches!(
            capability,
            UseAdmin | WriteArticles | PublishOwn | UploadMedia
        ),
        Role::Contributor => matches!(capability, UseAdmin | WriteArticles),
    }
}

/// Whether `user` has `capability`.
pub fn can(user: &User, capability: Capability) -> bool {
    user.active && role_can(user.role, capability)
}

/// Whether `user` may open and save an article owned by `owner` that is now `status`.
/// Contributors, like in WordPress, lose the article once it is published or scheduled.
pub fn can_edit_article(user: &User, owner: Option<i64>, status: ArticleStatus) -> bool {
    if can(user, Capability::EditOthersArticles) {
        return true;
    }
    let own = owner == Some(user.id);
    match user.role {
        Role::Author => own,
        Role::Contributor => own && status == ArticleStatus::Draft,
        _ => false,
    }
}

/// Whether `user` may give an article owned by `owner` the status `wanted` (publishing,
/// scheduling, or taking a public article back).
pub fn can_set_status(
    user: &User,
    owner: Option<i64>,
    current: Option<ArticleStatus>,
    wanted: ArticleStatus,
) -> bool {
    let public_change =
        wanted != ArticleStatus::Draft || matches!(current, Some(s) if s != ArticleStatus::Draft);
    if !public_change {
        return true;
    }
    if can(user, Capability::PublishOthers) {
        return true;
    }
    owner == Some(user.id) && can(user, Capability::PublishOwn)
}

/// Whether `user` may delete an article owned by `owner` in `status`.
pub fn can_delete_article(user: &User, owner: Option<i64>, status: ArticleStatus) -> bool {
    if can(user, Capability::EditOthersArticles) {
        return true;
    }
    let own = owner == Some(user.id);
    match user.role {
        Role::Author => own,
        Role::Contributor => own && status == ArticleStatus::Draft,
        _ => false,
    }
}

/// Whether `user` may put the byline `wanted` on an article whose byline is now `current`
/// (`None` for a new article). Those who may edit others' articles assign any byline; a
/// writer signs with their own name, or keeps the byline an editor gave the article.
pub fn can_set_byline(user: &User, wanted: Option<i64>, current: Option<i64>) -> bool {
    can(user, Capability::EditOthersArticles)
        || wanted.is_none()
        || wanted == user.author_id
        || wanted == current
}

/// Whether `user` may change or delete a media item uploaded by `uploader`. Authors
/// manage their own uploads; items with no uploader (imported, demo) are the desk's.
pub fn can_manage_media(user: &User, uploader: Option<i64>) -> bool {
    can(user, Capability::EditOthersArticles)
        || (can(user, Capability::UploadMedia) && uploader == Some(user.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability::*;

    fn user(role: Role, id: i64) -> User {
        User {
            id,
            email: format!("{id}@example.com"),
            name: "x".into(),
            role,
            author_id: None,
            active: true,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_matrix() {
        let table: [(Capability, [bool; 4]); 11] = [
            //                      admin editor author contributor
            (UseAdmin, [true, true, true, true]),
            (WriteArticles, [true, true, true, true]),
            (EditOthersArticles, [true, true, false, false]),
            (PublishOwn, [true, true, true, false]),
            (PublishOthers, [true, true, false, false]),
            (UploadMedia, [true, true, true, false]),
            (ManageTaxonomy, [true, true, false, false]),
            (ModerateComments, [true, true, false, false]),
            (ManageUsers, [true, false, false, false]),
            (ManageSettings, [true, false, false, false]),
            (ViewAudit, [true, false, false, false]),
        ];
        for (capability, expected) in table {
            for (role, allowed) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(
                    role_can(role, capability),
                    allowed,
                    "{role:?} {capability:?}"
                );
            }
        }
    }

    #[test]
    fn ownership_rules() {
        let contributor = user(Role::Contributor, 1);
        assert!(can_edit_article(
            &contributor,
            Some(1),
            ArticleStatus::Draft
        ));
        assert!(!can_edit_article(
            &contributor,
            Some(1),
            ArticleStatus::Published
        ));
        assert!(!can_edit_article(
            &contributor,
            Some(2),
            ArticleStatus::Draft
        ));
        assert!(!can_set_status(
            &contributor,
            Some(1),
            Some(ArticleStatus::Draft),
            ArticleStatus::Published
        ));
        assert!(can_set_status(
            &contributor,
            Some(1),
            None,
            ArticleStatus::Draft
        ));
        let author = user(Role::Author, 3);
        assert!(can_set_status(
            &author,
            Some(3),
            None,
            ArticleStatus::Published
        ));
        assert!(!can_set_status(
            &author,
            Some(4),
            Some(ArticleStatus::Draft),
            ArticleStatus::Published
        ));
        assert!(!can_edit_article(&author, Some(4), ArticleStatus::Draft));
        let editor = user(Role::Editor, 5);
        assert!(can_edit_article(&editor, Some(4), ArticleStatus::Published));
        assert!(can_set_status(
            &editor,
            Some(4),
            Some(ArticleStatus::Published),
            ArticleStatus::Draft
        ));
        let mut inactive = user(Role::Administrator, 6);
        inactive.active = false;
        assert!(!can(&inactive, UseAdmin));
    }

    #[test]
    fn bylines_and_media_belong_to_their_writer() {
        let mut author = user(Role::Author, 3);
        author.author_id = Some(30);
        assert!(can_set_byline(&author, Some(30), None));
        assert!(can_set_byline(&author, None, None));
        assert!(!can_set_byline(&author, Some(40), None));
        assert!(can_set_byline(&author, Some(40), Some(40)), "kept as given");
        assert!(!can_set_byline(&author, Some(50), Some(40)));
        let editor = user(Role::Editor, 5);
        assert!(can_set_byline(&editor, Some(40), Some(30)));

        assert!(can_manage_media(&author, Some(3)));
        assert!(!can_manage_media(&author, Some(5)));
        assert!(!can_manage_media(&author, None), "the desk's images");
        assert!(can_manage_media(&editor, Some(3)));
        assert!(can_manage_media(&editor, None));
        assert!(!can_manage_media(&user(Role::Contributor, 7), Some(7)));
    }
}
