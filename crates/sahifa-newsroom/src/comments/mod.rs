//! Comment use cases: a reader's (or a signed-in staff member's) submission through the
//! spam pipeline, and every moderation write (approve, spam, trash, delete, edit, staff
//! reply, block, settings, per-article close, privacy export and erasure, the IP sweep).
//!
//! A submission is decided here in WordPress's order and stored in one transaction with
//! its CAPTCHA token and the content epoch. A moderation action runs its rows, its audit
//! entry and the epoch as one commit: a failure anywhere changes nothing.

pub mod captcha;
pub mod settings;
pub mod text;

use chrono::{DateTime, Utc};

use sahifa_store::comments::{self as repo, NewComment};
use sahifa_store::newsroom::{AuditRecord, insert_audit};
use sahifa_store::{AdminComment, Article, ArticleStatus, Db, Dep, Tx, User};

pub use sahifa_store::CommentStatus;
pub use settings::{CaptchaMode, CommentSettings, captcha_key};

use crate::permissions::{Capability, can};
use crate::{Actor, FieldError, Newsroom, NewsroomError, Result};

/// Longest author name accepted, in characters.
pub const MAX_NAME: usize = 100;
/// Longest email accepted, in characters.
pub const MAX_EMAIL: usize = 254;
/// Longest website accepted, in characters.
pub const MAX_URL: usize = 200;
/// How much of the user agent is kept (it is only matched against word lists).
const MAX_USER_AGENT: usize = 300;

/// The settings key of the disallowed list, which blocking appends to.
const DISALLOWED_KEY: &str = "comments.disallowed_words";

/// What the comment form sends, as typed (the use case cleans and checks it).
#[derive(Debug, Clone, Default)]
pub struct CommentSubmission {
    /// The article commented on.
    pub article_id: i64,
    /// The comment replied to; dropped unless it is approved on the same article.
    pub parent_id: Option<i64>,
    /// Display name (staff comment under their account name).
    pub author_name: String,
    /// Email (staff comment under their account email).
    pub email: String,
    /// Website, optional.
    pub url: String,
    /// The text.
    pub body: String,
    /// The honeypot field: empty from people.
    pub honeypot: String,
    /// The signed challenge token, empty on a first post without JavaScript.
    pub captcha_token: String,
    /// The reader's answer to the question, when one was asked.
    pub captcha_answer: Option<String>,
    /// The client address, as the web layer determined it.
    pub ip: String,
    /// The browser's user agent.
    pub user_agent: String,
}

/// A stored comment, for the answer page and the "remember me" cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    /// Its id.
    pub id: i64,
    /// Where the pipeline put it.
    pub status: CommentStatus,
    /// Why (`staff`, `first comment`, `disallowed: ...`); shown to moderators.
    pub reason: String,
    /// The name stored.
    pub author_name: String,
    /// The email stored (normalised).
    pub email: String,
    /// The website stored (empty for none).
    pub url: String,
}

/// What became of a well-formed submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmittedComment {
    /// Stored, approved or held or caught as spam.
    Stored(StoredComment),
    /// A bot filled the honeypot: nothing stored, and it is to be answered as if held, so
    /// it learns nothing.
    Discarded,
    /// The form must first be shown again with a challenge (a question, or only the signed
    /// time of the minimum time-to-submit); nothing stored.
    NeedsChallenge,
}

/// A moderator's edit of a comment.
#[derive(Debug, Clone, Default)]
pub struct CommentEdit {
    /// Display name.
    pub author_name: String,
    /// Email.
    pub email: String,
    /// Website (anything but an http(s) URL is dropped).
    pub url: String,
    /// The text.
    pub body: String,
}

/// A decision on a set of comments from the moderation queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    /// Publish.
    Approve,
    /// Back to the queue.
    Unapprove,
    /// Mark as spam.
    Spam,
    /// Move to the trash.
    Trash,
    /// Delete for good (with their replies).
    Delete,
}

impl Moderation {
    /// The form value (`approve`, `unapprove`, `spam`, `trash`, `delete`).
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Approve => "approve",
            Moderation::Unapprove => "unapprove",
            Moderation::Spam => "spam",
            Moderation::Trash => "trash",
            Moderation::Delete => "delete",
        }
    }

    /// Parses the form value.
    pub fn parse(s: &str) -> Option<Moderation> {
        [
            Moderation::Approve,
            Moderation::Unapprove,
            Moderation::Spam,
            Moderation::Trash,
            Moderation::Delete,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    /// The state the comments move to; `None` when they are deleted.
    fn status(self) -> Option<CommentStatus> {
        match self {
            Moderation::Approve => Some(CommentStatus::Approved),
            Moderation::Unapprove => Some(CommentStatus::Pending),
            Moderation::Spam => Some(CommentStatus::Spam),
            Moderation::Trash => Some(CommentStatus::Trash),
            Moderation::Delete => None,
        }
    }
}

/// What of a comment's author a block adds to the disallowed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockTarget {
    /// The email.
    Email,
    /// The client address.
    Ip,
}

/// Whether this reader must answer a question.
pub fn must_answer(settings: &CommentSettings, staff: bool) -> bool {
    match settings.captcha {
        CaptchaMode::Off => false,
        CaptchaMode::All => true,
        CaptchaMode::Anonymous => !staff,
    }
}

/// Whether the settings close an article published at `published_at`: comments switched
/// off site-wide, or past the N-day window after publication.
fn closed_by_settings(
    settings: &CommentSettings,
    published_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    !settings.enabled
        || (settings.close_after_days > 0
            && published_at.is_some_and(|published| {
                published + chrono::Duration::days(settings.close_after_days) < now
            }))
}

/// Whether comments on `article` are closed: switched off site-wide, past the N-day window
/// after publication, or closed by hand for this article.
pub async fn is_closed(db: &Db, settings: &CommentSettings, article: &Article) -> Result<bool> {
    if closed_by_settings(settings, article.summary.published_at, Utc::now()) {
        return Ok(true);
    }
    Ok(db.comments_closed(article.summary.id).await?)
}

/// The signed-in newsroom member among `actor`, if any: their comments are approved and
/// marked. The system has no name to sign with, so it comments as a reader would.
fn staff_of(actor: Option<&Actor>) -> Option<&User> {
    actor
        .and_then(Actor::user)
        .filter(|u| can(u, Capability::UseAdmin))
}

/// The moderation checks in WordPress's order: disallowed words → spam; staff → approved;
/// hold-all, moderation words, too many links, first-time author → held; else approved.
async fn classify(
    tx: &mut Tx,
    settings: &CommentSettings,
    c: &NewComment,
    staff: bool,
) -> Result<(CommentStatus, String)> {
    let fields = [
        c.body.as_str(),
        c.author_name.as_str(),
        c.email.as_str(),
        c.url.as_str(),
        c.ip.as_deref().unwrap_or(""),
        c.user_agent.as_str(),
    ];
    if let Some(word) = settings::list_match(&settings.disallowed_words, &fields) {
        return Ok((CommentStatus::Spam, format!("disallowed: {word}")));
    }
    if staff {
        return Ok((CommentStatus::Approved, "staff".into()));
    }
    if settings.hold_all {
        return Ok((CommentStatus::Pending, "hold all".into()));
    }
    if let Some(word) = settings::list_match(&settings.moderation_words, &fields) {
        return Ok((CommentStatus::Pending, format!("moderation word: {word}")));
    }
    let links = text::link_count(&c.body) as i64;
    if settings.max_links > 0 && links >= settings.max_links {
        return Ok((CommentStatus::Pending, format!("{links} links")));
    }
    if settings.first_time_hold && !repo::has_approved_from(tx, &c.email).await? {
        return Ok((CommentStatus::Pending, "first comment".into()));
    }
    Ok((CommentStatus::Approved, String::new()))
}

/// Checks the typed fields in one pass, so the reader sees every problem at once.
fn validate(
    settings: &CommentSettings,
    name: &str,
    email: &str,
    url: &str,
    body: &str,
) -> Result<()> {
    let mut errors = Vec::new();
    let mut refuse = |field, key| errors.push(FieldError { field, key });
    if name.is_empty() {
        refuse("author", "comment-error-name");
    } else if name.chars().count() > MAX_NAME {
        refuse("author", "comment-error-name-long");
    }
    if email.chars().count() > MAX_EMAIL || crate::users::normalise_email(email).is_none() {
        refuse("email", "comment-error-email");
    }
    if !url.is_empty() && (url.chars().count() > MAX_URL || text::safe_url(url).is_none()) {
        refuse("url", "comment-error-url");
    }
    let length = body.chars().count() as i64;
    if length == 0 {
        refuse("comment", "comment-error-body");
    } else if length > settings.max_length {
        refuse("comment", "comment-error-too-long");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(NewsroomError::Invalid(errors))
    }
}

/// Refuses an actor without `capability`.
fn require(actor: &Actor, capability: Capability) -> Result<()> {
    if actor.can(capability) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// A normalised email, or the email field's problem.
fn email_of(typed: &str) -> Result<String> {
    crate::users::normalise_email(typed)
        .ok_or_else(|| NewsroomError::invalid("email", "comment-error-email"))
}

/// A CAPTCHA reply judged, before anything is recorded.
enum Reply {
    /// Right answer (or a valid question-less token) for this scope.
    Accepted(captcha::Verified),
    /// Refused with this message key; the token when it is genuine, to be spent.
    Refused(&'static str, Option<captcha::Verified>),
}

fn judge(
    key: &[u8; 32],
    token: &str,
    scope: captcha::Scope<'_>,
    reply: Option<&str>,
    now: DateTime<Utc>,
) -> Reply {
    match captcha::verify(key, token, scope, reply, now) {
        Ok(v) => Reply::Accepted(v),
        Err(captcha::Refused { refusal, spent }) => Reply::Refused(
            match refusal {
                captcha::Refusal::Wrong => "comment-error-captcha-wrong",
                captcha::Refusal::Expired => "comment-error-captcha-expired",
                captcha::Refusal::Tampered => "comment-error-captcha-invalid",
            },
            spent,
        ),
    }
}

fn captcha_refusal(key: &'static str) -> NewsroomError {
    NewsroomError::invalid("captcha_answer", key)
}

/// Records a token as used in its own commit; false when it was used before.
async fn spend(db: &Db, token: &captcha::Verified) -> Result<bool> {
    let mut tx = db.begin().await?;
    let fresh = repo::use_token(&mut tx, &token.id, token.expires).await?;
    tx.commit().await?;
    Ok(fresh)
}

/// Appends an audit entry about comments.
async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    object_kind: &str,
    id: Option<i64>,
    detail: &str,
) -> Result<()> {
    insert_audit(
        tx,
        &AuditRecord {
            actor: actor.audit_name(),
            action,
            object_kind,
            object_id: id,
            detail,
        },
    )
    .await?;
    Ok(())
}

impl Newsroom {
    /// A fresh challenge for the comment form of article `article_id`: a question when
    /// this reader must answer one, else a token that only signs the time. The token is
    /// good for this article and this reader only (a staff member's question-less token
    /// is no pass for an anonymous client).
    pub async fn comment_challenge(
        &self,
        actor: Option<&Actor>,
        article_id: i64,
    ) -> Result<captcha::Challenge> {
        let settings = CommentSettings::load(self.db()).await?;
        let key = captcha_key(self.db()).await?;
        let staff = staff_of(actor);
        let ask = must_answer(&settings, staff.is_some());
        let scope = captcha::Scope::Comment {
            article_id,
            user_id: staff.map(|u| u.id),
        };
        Ok(captcha::issue(
            &key,
            scope,
            settings.ops,
            settings.captcha_ttl,
            Utc::now(),
            ask,
        ))
    }

    /// A question for the login form of `account` (the typed email, lower-cased), shown
    /// once the account had a few failed logins: the comment CAPTCHA, bound to that login.
    pub async fn login_challenge(&self, account: &str) -> Result<captcha::Challenge> {
        let settings = CommentSettings::load(self.db()).await?;
        let key = captcha_key(self.db()).await?;
        let scope = captcha::Scope::Login { account };
        Ok(captcha::issue(
            &key,
            scope,
            settings.ops,
            settings.captcha_ttl,
            Utc::now(),
            true,
        ))
    }

    /// Checks a login's CAPTCHA reply and spends the token, whatever the outcome. Refusals
    /// are `Invalid` on `captcha_answer` with the comment CAPTCHA's messages
    /// (`login-captcha-required` when none was sent).
    pub async fn check_login_captcha(&self, account: &str, token: &str, reply: &str) -> Result<()> {
        if token.trim().is_empty() {
            return Err(NewsroomError::invalid(
                "captcha_answer",
                "login-captcha-required",
            ));
        }
        let key = captcha_key(self.db()).await?;
        let scope = captcha::Scope::Login { account };
        let (refusal, genuine) = match judge(&key, token, scope, Some(reply), Utc::now()) {
            Reply::Accepted(v) => (None, Some(v)),
            Reply::Refused(refusal, genuine) => (Some(refusal), genuine),
        };
        // Spent whatever the answer: a wrong one does not leave the token for a retry.
        let fresh = match &genuine {
            Some(v) => spend(self.db(), v).await?,
            None => true,
        };
        match (fresh, refusal) {
            (false, _) => Err(captcha_refusal("comment-error-captcha-used")),
            (true, Some(refusal)) => Err(captcha_refusal(refusal)),
            (true, None) => Ok(()),
        }
    }

    /// Decides on a comment and stores it. `actor` is the signed-in account whose comment
    /// this is (newsroom members are approved and marked as staff), `None` for a reader.
    ///
    /// Refusals: closed comments → `Forbidden`; field problems, a wrong, expired, forged
    /// or replayed CAPTCHA answer (`captcha_answer`) and a post faster than the minimum
    /// time (`captcha_token`) → `Invalid`; flood and per-IP rate → `RateLimited`; the same
    /// text again → `Conflict`.
    pub async fn submit_comment(
        &self,
        actor: Option<&Actor>,
        submission: &CommentSubmission,
    ) -> Result<SubmittedComment> {
        let s = submission;
        let db = self.db();
        let article = db
            .article_by_id(s.article_id)
            .await?
            .filter(|a| a.summary.status == ArticleStatus::Published)
            .ok_or(NewsroomError::NotFound)?;
        // Read before the transaction: on SQLite it holds the write lock, which the key's
        // first-use insert would wait for.
        let settings = CommentSettings::load(db).await?;
        let key = captcha_key(db).await?;
        let staff = staff_of(actor);
        let now = Utc::now();

        let mut tx = db.begin().await?;
        if closed_by_settings(&settings, article.summary.published_at, now)
            || repo::is_closed(&mut tx, article.summary.id).await?
        {
            return Err(NewsroomError::Forbidden);
        }
        if !s.honeypot.trim().is_empty() {
            tracing::info!(ip = %s.ip, "comment honeypot filled; discarded");
            return Ok(SubmittedComment::Discarded);
        }
        let parent_id = match s.parent_id {
            Some(p) if repo::is_approved_on(&mut tx, p, article.summary.id).await? => Some(p),
            _ => None,
        };
        let (name, typed_email) = match staff {
            Some(user) => (user.name.clone(), user.email.clone()),
            None => (
                text::clean(&s.author_name).trim().to_string(),
                text::clean(&s.email).trim().to_string(),
            ),
        };
        let url = text::clean(&s.url).trim().to_string();
        let body = text::clean(&s.body).trim().to_string();
        validate(&settings, &name, &typed_email, &url, &body)?;
        let email = email_of(&typed_email)?;

        // The CAPTCHA / signed-time step. One token is one attempt: a wrong answer spends
        // it, and so does a comment refused below (flood, duplicate); only a storage fault
        // (the transaction rolled back) leaves it for the reader to submit again.
        let ask = must_answer(&settings, staff.is_some());
        let token = s.captcha_token.trim();
        let verified = if token.is_empty() {
            if ask || settings.min_seconds > 0 {
                return Ok(SubmittedComment::NeedsChallenge);
            }
            None
        } else {
            let reply = ask.then(|| s.captcha_answer.as_deref().unwrap_or(""));
            let scope = captcha::Scope::Comment {
                article_id: article.summary.id,
                user_id: staff.map(|u| u.id),
            };
            match judge(&key, token, scope, reply, now) {
                Reply::Accepted(verified) => {
                    if !repo::use_token(&mut tx, &verified.id, verified.expires).await? {
                        return Err(captcha_refusal("comment-error-captcha-used"));
                    }
                    Some(verified)
                }
                Reply::Refused(refusal, genuine) => {
                    // Spending needs SQLite's write lock, which this transaction holds.
                    tx.rollback().await?;
                    let fresh = match genuine {
                        Some(v) => spend(db, &v).await?,
                        None => true,
                    };
                    return Err(captcha_refusal(if fresh {
                        refusal
                    } else {
                        "comment-error-captcha-used"
                    }));
                }
            }
        };

        let mut comment = NewComment {
            article_id: article.summary.id,
            parent_id,
            author_name: name,
            email,
            url: text::safe_url(&url).unwrap_or_default(),
            body,
            status: CommentStatus::Pending,
            user_id: staff.map(|u| u.id),
            is_staff: staff.is_some(),
            ip: Some(s.ip.clone()),
            user_agent: s.user_agent.chars().take(MAX_USER_AGENT).collect(),
            reason: String::new(),
        };
        let refused = self
            .refusal(&mut tx, &settings, &comment, verified.as_ref(), now)
            .await?;
        if let Some(err) = refused {
            // The refusal's claims roll back; the token stays spent.
            tx.rollback().await?;
            if let Some(v) = &verified {
                spend(db, v).await?;
            }
            return Err(err);
        }
        let (status, reason) = classify(&mut tx, &settings, &comment, staff.is_some()).await?;
        comment.status = status;
        comment.reason = reason;
        let id = repo::insert(&mut tx, &comment).await?;
        // A held comment shows nowhere public until it is approved.
        if status == CommentStatus::Approved {
            tx.retire([Dep::Article(comment.article_id)]);
        }
        tx.commit().await?;
        tracing::info!(id, status = status.as_str(), "comment stored");
        Ok(SubmittedComment::Stored(StoredComment {
            id,
            status,
            reason: comment.reason,
            author_name: comment.author_name,
            email: comment.email,
            url: comment.url,
        }))
    }

    /// Why an otherwise well-formed comment is refused: posted faster than the minimum
    /// time, a flood or over the per-IP rate (staff are not limited), the same text again.
    async fn refusal(
        &self,
        tx: &mut Tx,
        settings: &CommentSettings,
        c: &NewComment,
        verified: Option<&captcha::Verified>,
        now: DateTime<Utc>,
    ) -> Result<Option<NewsroomError>> {
        if let Some(v) = verified
            && (now - v.issued).num_seconds() < settings.min_seconds
        {
            return Ok(Some(NewsroomError::invalid(
                "captcha_token",
                "comment-error-too-fast",
            )));
        }
        let ip = c.ip.as_deref().unwrap_or("");
        if !c.is_staff {
            // The flood rule as claims moved atomically inside this transaction: of several
            // parallel comments from one address or email, one moves each claim and the
            // others see it taken. A refusal later rolls the claims back with the rest.
            if settings.flood_seconds > 0 {
                let since = now - chrono::Duration::seconds(settings.flood_seconds);
                for key in [format!("ip:{ip}"), format!("email:{}", c.email)] {
                    if let Some(last) =
                        sahifa_store::throttle::claim_flood(tx, &key, now, since).await?
                    {
                        let wait = (settings.flood_seconds - (now - last).num_seconds()).max(1);
                        return Ok(Some(NewsroomError::RateLimited {
                            key: "comment-error-flood",
                            retry_after: u64::try_from(wait).ok(),
                        }));
                    }
                }
            }
            if settings.flood_seconds > 0
                && let Some(last) = repo::last_from(tx, ip, &c.email).await?
            {
                let wait = settings.flood_seconds - (now - last).num_seconds();
                if wait > 0 {
                    return Ok(Some(NewsroomError::RateLimited {
                        key: "comment-error-flood",
                        retry_after: u64::try_from(wait).ok(),
                    }));
                }
            }
            if settings.rate_per_hour > 0
                && repo::count_from_ip_since(tx, ip, now - chrono::Duration::hours(1)).await?
                    >= settings.rate_per_hour
            {
                return Ok(Some(NewsroomError::RateLimited {
                    key: "comment-error-rate",
                    retry_after: Some(3600),
                }));
            }
        }
        if repo::has_same_text(tx, c.article_id, &c.email, &c.author_name, &c.body).await? {
            return Ok(Some(NewsroomError::Conflict {
                field: Some("comment"),
                key: "comment-error-duplicate",
            }));
        }
        Ok(None)
    }

    /// Approves, unapproves, marks as spam, trashes or deletes comments; returns how many
    /// there were.
    pub async fn moderate_comments(
        &self,
        actor: &Actor,
        ids: &[i64],
        action: Moderation,
    ) -> Result<u64> {
        require(actor, Capability::ModerateComments)?;
        let mut tx = self.db().begin().await?;
        let articles = repo::articles_of(&mut tx, ids).await?;
        tx.retire(articles.into_iter().map(Dep::Article));
        let n = match action.status() {
            Some(status) => repo::set_status(&mut tx, ids, status).await?,
            None => repo::delete(&mut tx, ids).await?,
        };
        let detail = format!("{} {ids:?}", action.as_str());
        audit(
            &mut tx,
            actor,
            "moderated",
            "comment",
            ids.first().copied(),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// A moderator's edit of a comment's author fields and text.
    pub async fn edit_comment(&self, actor: &Actor, id: i64, edit: &CommentEdit) -> Result<()> {
        require(actor, Capability::ModerateComments)?;
        let name = text::clean(&edit.author_name).trim().to_string();
        let body = text::clean(&edit.body).trim().to_string();
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(FieldError {
                field: "author",
                key: "comment-error-name",
            });
        }
        let email = crate::users::normalise_email(&edit.email);
        if email.is_none() {
            errors.push(FieldError {
                field: "email",
                key: "comment-error-email",
            });
        }
        if body.is_empty() {
            errors.push(FieldError {
                field: "comment",
                key: "comment-error-body",
            });
        }
        let email = match email {
            Some(email) if errors.is_empty() => email,
            _ => return Err(NewsroomError::Invalid(errors)),
        };
        let url = text::safe_url(&edit.url).unwrap_or_default();
        let mut tx = self.db().begin().await?;
        if !repo::update(&mut tx, id, &name, &email, &url, &body).await? {
            return Err(NewsroomError::NotFound);
        }
        audit(&mut tx, actor, "updated", "comment", Some(id), &name).await?;
        let articles = repo::articles_of(&mut tx, &[id]).await?;
        tx.retire(articles.into_iter().map(Dep::Article));
        tx.commit().await?;
        Ok(())
    }

    /// A staff reply under comment `parent_id`, approved at once; returns its id. Replying
    /// to a held comment approves it too (a reply under an invisible comment would be an
    /// orphan). A reply is signed by a person, so the system cannot write one.
    pub async fn reply_to_comment(&self, actor: &Actor, parent_id: i64, body: &str) -> Result<i64> {
        require(actor, Capability::ModerateComments)?;
        let user = actor.user().ok_or(NewsroomError::Forbidden)?;
        let body = text::clean(body).trim().to_string();
        if body.is_empty() {
            return Err(NewsroomError::invalid("comment", "comment-error-body"));
        }
        let mut tx = self.db().begin().await?;
        let parent = repo::state_for_update(&mut tx, parent_id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if parent.status != CommentStatus::Approved {
            repo::set_status(&mut tx, &[parent_id], CommentStatus::Approved).await?;
        }
        let id = repo::insert(
            &mut tx,
            &NewComment {
                article_id: parent.article_id,
                parent_id: Some(parent_id),
                author_name: user.name.clone(),
                email: user.email.clone(),
                url: String::new(),
                body,
                status: CommentStatus::Approved,
                user_id: Some(user.id),
                is_staff: true,
                ip: None,
                user_agent: String::new(),
                reason: "staff".into(),
            },
        )
        .await?;
        let detail = format!("reply to {parent_id}");
        audit(&mut tx, actor, "replied", "comment", Some(id), &detail).await?;
        tx.retire([Dep::Article(parent.article_id)]);
        tx.commit().await?;
        Ok(id)
    }

    /// Adds the email or IP of comment `id` to the disallowed list, so that author's next
    /// comments go to spam, and marks this one spam. Returns the entry blocked.
    pub async fn block_commenter(
        &self,
        actor: &Actor,
        id: i64,
        target: BlockTarget,
    ) -> Result<String> {
        require(actor, Capability::ModerateComments)?;
        let mut tx = self.db().begin().await?;
        let c = repo::state_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let entry = match target {
            BlockTarget::Email => c.email,
            BlockTarget::Ip => {
                c.ip.ok_or_else(|| NewsroomError::invalid("what", "admin-comments-error-no-ip"))?
            }
        };
        let mut list = sahifa_store::settings::setting(&mut tx, DISALLOWED_KEY)
            .await?
            .unwrap_or_default();
        if !list.lines().any(|l| l.trim().eq_ignore_ascii_case(&entry)) {
            if !list.is_empty() && !list.ends_with('\n') {
                list.push('\n');
            }
            list.push_str(&entry);
            repo::store_settings(&mut tx, &[(DISALLOWED_KEY, list)]).await?;
        }
        repo::set_status(&mut tx, &[id], CommentStatus::Spam).await?;
        audit(&mut tx, actor, "blocked", "comment", Some(id), &entry).await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(entry)
    }

    /// Saves every comment setting (values already clamped by [`CommentSettings::apply`]).
    pub async fn save_comment_settings(
        &self,
        actor: &Actor,
        settings: &CommentSettings,
    ) -> Result<()> {
        require(actor, Capability::ModerateComments)?;
        let mut tx = self.db().begin().await?;
        repo::store_settings(&mut tx, &settings.pairs()).await?;
        audit(&mut tx, actor, "settings-changed", "comments", None, "").await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(())
    }

    /// Opens or closes the comments of article `article_id` by hand.
    pub async fn set_comments_open(
        &self,
        actor: &Actor,
        article_id: i64,
        open: bool,
    ) -> Result<()> {
        require(actor, Capability::ModerateComments)?;
        let mut tx = self.db().begin().await?;
        let article = sahifa_store::articles::state_for_update(&mut tx, article_id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        repo::set_closed(&mut tx, article_id, !open).await?;
        let action = if open {
            "comments-opened"
        } else {
            "comments-closed"
        };
        audit(
            &mut tx,
            actor,
            action,
            "article",
            Some(article_id),
            &article.title,
        )
        .await?;
        tx.retire([Dep::Article(article_id)]);
        tx.commit().await?;
        Ok(())
    }

    /// Every comment written with `email`, for a privacy request (administrators); the
    /// export itself is recorded in the audit trail.
    pub async fn export_comments(&self, actor: &Actor, email: &str) -> Result<Vec<AdminComment>> {
        require(actor, Capability::ManageUsers)?;
        let email = email_of(email)?;
        let rows = self.db().comments_by_email(&email).await?;
        let mut tx = self.db().begin().await?;
        audit(&mut tx, actor, "exported", "comment", None, &email).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Erases every comment written with `email` (administrators); returns how many.
    pub async fn erase_comments(&self, actor: &Actor, email: &str) -> Result<u64> {
        require(actor, Capability::ManageUsers)?;
        let email = email_of(email)?;
        let mut tx = self.db().begin().await?;
        let n = repo::erase_by_email(&mut tx, &email).await?;
        let detail = format!("{email} ({n})");
        audit(&mut tx, actor, "erased", "comment", None, &detail).await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(n)
    }

    /// The privacy sweep: erases commenter IPs past the retention period and forgets used
    /// CAPTCHA tokens once they expired; returns how many IPs were erased. Safe in every
    /// process. Nothing public changes, so the content epoch stays.
    pub async fn sweep_comments(&self, now: DateTime<Utc>) -> Result<u64> {
        let days = CommentSettings::load(self.db()).await?.ip_days;
        let mut tx = self.db().begin().await?;
        repo::forget_tokens_before(&mut tx, now).await?;
        // Login counters and flood claims older than a day limit nothing any more.
        sahifa_store::throttle::purge_before(&mut tx, now - chrono::Duration::days(1)).await?;
        let erased = repo::erase_ips_before(&mut tx, now - chrono::Duration::days(days)).await?;
        tx.commit().await?;
        Ok(erased)
    }
}
