//! `sahifa user ...` and `sahifa token ...`: making the first administrator, resetting
//! passwords and minting API tokens from the shell, for operators and automation.

use std::io::Read;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use sahifa_store::{Db, Role};
use sahifa_web::auth::password;
use sahifa_web::auth::tokens::mint_api_token;

use crate::cli::{Global, open_database};

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
    let password = password.strip_suffix('\r').unwrap_or(password).to_string();
    if let Err(key) = password::check_new_password(&password) {
        match key {
            "password-too-short" => bail!(
                "the password must have at least {} characters",
                password::MIN_PASSWORD_CHARS
            ),
            _ => bail!("the password is too long"),
        }
    }
    Ok(password)
}

/// Creates an account; returns its id.
pub async fn add_user(
    db: &Db,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<i64> {
    let hash = password::hash_password(password.to_string())
        .await
        .map_err(anyhow::Error::msg)?;
    let id = db
        .create_user(email, name, role, &hash)
        .await
        .map_err(|e| match e {
            sahifa_store::StoreError::Conflict(_) => {
                anyhow::anyhow!("an account with the email {email} already exists")
            }
            sahifa_store::StoreError::Invalid(_) | sahifa_store::StoreError::MissingReference => {
                anyhow::anyhow!("{email:?} is not a valid email address")
            }
            other => other.into(),
        })?;
    // A byline of the same name lets the account's articles carry it from the start.
    let author = match db.author_by_name(name).await? {
        Some(a) => Some(a.id),
        None => db
            .create_author(&sahifa_store::AuthorInput {
                slug: None,
                name: name.to_string(),
                bio: String::new(),
            })
            .await
            .ok(),
    };
    db.update_user(id, name, role, author, true).await?;
    db.audit(None, "created", "user", Some(id), email).await?;
    Ok(id)
}

/// Runs `sahifa user ...`.
pub async fn run_user(global: &Global, command: UserCommand) -> anyhow::Result<()> {
    let db = open_database(global).await?;
    let result = async {
        match command {
            UserCommand::Add(args) => {
                let Some(role) = Role::parse(&args.role) else {
                    bail!(
                        "unknown role {:?}: use administrator, editor, author or contributor",
                        args.role
                    );
                };
                if args.name.trim().is_empty() {
                    bail!("--name must not be empty");
                }
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
                let hash = password::hash_password(password)
                    .await
                    .map_err(anyhow::Error::msg)?;
                db.set_password_hash(user.id, &hash).await?;
                db.audit(None, "password-changed", "user", Some(user.id), &user.email)
                    .await?;
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

/// Mints a token for `user_id`; returns the secret (shown once, stored hashed).
pub async fn create_token(db: &Db, user_id: i64, name: &str) -> anyhow::Result<String> {
    Ok(mint_api_token(db, user_id, name).await?)
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
                if args.name.trim().is_empty() {
                    bail!("--name must not be empty");
                }
                let secret = create_token(&db, user.id, &args.name).await?;
                db.audit(
                    Some((user.id, &user.name)),
                    "created",
                    "token",
                    None,
                    &args.name,
                )
                .await?;
                println!("{secret}");
            }
        }
        Ok(())
    }
    .await;
    db.close().await;
    result
}
