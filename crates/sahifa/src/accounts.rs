//! `sahifa user ...` and `sahifa token ...`: making the first administrator, resetting
//! passwords and minting API tokens from the shell, for operators and automation. Each
//! runs the same use case as the admin pages, as the system actor; this module only
//! parses flags and words the refusals for the operator.

use std::io::Read;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use sahifa_newsroom::users::{self, Byline, NewAccount};
use sahifa_newsroom::{Actor, Newsroom, NewsroomError};
use sahifa_store::{Db, Role};

use crate::global::{Global, open_database};

/// `sahifa user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (the password is read from standard input).
    Add(UserAdd),
    /// Set a new password for an account (read from standard input); ends its sessions.
    Passwd(UserPasswd),
    /// List accounts.
    List,
}

/// Options of `sahifa user add`.
#[derive(Debug, Args)]
pub struct UserAdd {
    /// Login email.
    #[arg(long)]
    pub email: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// administrator, editor, author or contributor.
    #[arg(long)]
    pub role: String,
    /// Read the password from standard input (the only way: never on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

/// Options of `sahifa user passwd`.
#[derive(Debug, Args)]
pub struct UserPasswd {
    /// Login email.
    #[arg(long)]
    pub email: String,
    /// Read the new password from standard input.
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

/// `sahifa token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an account and print it once.
    Create(TokenCreate),
}

/// Options of `sahifa token create`.
#[derive(Debug, Args)]
pub struct TokenCreate {
    /// The account's email.
    #[arg(long)]
    pub user: String,
    /// What the token is for.
    #[arg(long)]
    pub name: String,
}

fn read_password() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    // Only the line ending is removed: spaces inside or around a passphrase are part of it.
    let password = input.strip_suffix('\n').unwrap_or(&input);
    Ok(password.strip_suffix('\r').unwrap_or(password).to_string())
}

/// The operator's one-line message for a use case's refusal (`email` names the account).
/// Of several problems the one named is the one the shell reported first before the use
/// cases existed: the role, then the name, then the password, then the email.
fn refusal(err: NewsroomError, email: &str) -> anyhow::Error {
    let NewsroomError::Invalid(fields) = err else {
        return err.into();
    };
    let order = ["role", "name", "password", "email"];
    let first = fields.iter().min_by_key(|f| {
        order
            .iter()
            .position(|o| *o == f.field)
            .unwrap_or(order.len())
    });
    match first.map(|f| f.key) {
        Some("admin-error-role-invalid") => {
            anyhow!("unknown role: use administrator, editor, author or contributor")
        }
        Some("admin-error-name-required") => anyhow!("--name must not be empty"),
        Some("admin-error-name-too-long") => anyhow!(
            "--name must not be longer than {} characters",
            users::MAX_NAME_CHARS
        ),
        Some("password-too-short") => anyhow!(
            "the password must have at least {} characters",
            users::MIN_PASSWORD_CHARS
        ),
        Some("password-too-long") => anyhow!("the password is too long"),
        Some("admin-error-email-taken") => {
            anyhow!("an account with the email {email} already exists")
        }
        Some("admin-error-email-invalid") => anyhow!("{email:?} is not a valid email address"),
        Some(other) => anyhow!("refused: {other}"),
        None => anyhow!("refused"),
    }
}

/// Creates an account as the operator, with a byline of the same name (so the account's
/// articles carry it from the start); returns its id.
pub async fn add_user(
    db: &Db,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<i64> {
    let account = NewAccount {
        email: email.to_string(),
        name: name.to_string(),
        role: role.as_str().to_string(),
        password: password.to_string(),
        byline: Byline::New,
    };
    let user = Newsroom::new(db.clone())
        .create_user(&Actor::System, &account)
        .await
        .map_err(|e| refusal(e, email))?;
    Ok(user.id)
}

/// Runs `sahifa user ...`.
pub async fn run_user(global: &Global, command: UserCommand) -> anyhow::Result<()> {
    let db = open_database(global).await?;
    let result = async {
        match command {
            UserCommand::Add(args) => {
                // Refused before reading standard input, so an operator typing the
                // password is not asked for it in vain.
                let Some(role) = Role::parse(&args.role) else {
                    bail!(
                        "unknown role {:?}: use administrator, editor, author or contributor",
                        args.role
                    );
                };
                let password = read_password()?;
                let id = add_user(&db, &args.email, &args.name, role, &password).await?;
                println!(
                    "created {} ({}) with id {id}",
                    args.email.trim().to_lowercase(),
                    role.as_str()
                );
            }
            UserCommand::Passwd(args) => {
                let Some((user, _)) = db.user_for_login(&args.email).await? else {
                    bail!("no account with the email {}", args.email);
                };
                let password = read_password()?;
                Newsroom::new(db.clone())
                    .set_password(&Actor::System, user.id, &password)
                    .await
                    .map_err(|e| refusal(e, &user.email))?;
                println!(
                    "password changed for {}; its sessions were ended",
                    user.email
                );
            }
            UserCommand::List => {
                for user in db.users().await? {
                    println!(
                        "{}\t{}\t{}\t{}",
                        user.email,
                        user.role.as_str(),
                        if user.active { "active" } else { "disabled" },
                        user.name
                    );
                }
            }
        }
        Ok(())
    }
    .await;
    db.close().await;
    result
}

/// Mints a token for `user_id` as the operator; returns the secret (shown once, stored
/// hashed).
pub async fn create_token(db: &Db, user_id: i64, name: &str) -> anyhow::Result<String> {
    let token = Newsroom::new(db.clone())
        .create_token(&Actor::System, user_id, name)
        .await
        .map_err(|e| refusal(e, ""))?;
    Ok(token.secret)
}

/// Runs `sahifa token ...`.
pub async fn run_token(global: &Global, command: TokenCommand) -> anyhow::Result<()> {
    let db = open_database(global).await?;
    let result = async {
        match command {
            TokenCommand::Create(args) => {
                let Some((user, _)) = db.user_for_login(&args.user).await? else {
                    bail!("no account with the email {}", args.user);
                };
                let secret = create_token(&db, user.id, &args.name).await?;
                println!("{secret}");
            }
        }
        Ok(())
    }
    .await;
    db.close().await;
    result
}
