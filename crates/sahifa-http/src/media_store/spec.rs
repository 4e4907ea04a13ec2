//! `--media-store` / `SAHIFA_MEDIA_STORE`: which store to use, checked before anything
//! is opened so a typo is a start-up error naming the bad part.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use sahifa_store::Db;

use super::{MediaStore, PgStore, Result, S3Settings, S3Store};

/// The store an operator asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaStoreSpec {
    /// `local`: `<data-dir>/media/` (the default).
    Local,
    /// `s3://BUCKET[/PREFIX]`.
    S3 {
        /// The bucket.
        bucket: String,
        /// Folders under which media are kept, e.g. `["sahifa", "media"]`.
        prefix: Vec<String>,
    },
    /// `postgres`: the database's `media_objects` table.
    Postgres,
}

/// Why a `--media-store` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(String);

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

impl FromStr for MediaStoreSpec {
    type Err = SpecError;

    fn from_str(value: &str) -> Result<MediaStoreSpec, SpecError> {
        let value = value.trim();
        match value {
            "" | "local" => return Ok(MediaStoreSpec::Local),
            "postgres" | "postgresql" => return Ok(MediaStoreSpec::Postgres),
            _ => {}
        }
        let Some(rest) = value.strip_prefix("s3://") else {
            return Err(SpecError(format!(
                "unknown media store {value:?}: expected local, postgres or s3://BUCKET/PREFIX"
            )));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        check_bucket(bucket)?;
        let prefix = prefix.trim_end_matches('/');
        let segments: Vec<String> = if prefix.is_empty() {
            Vec::new()
        } else {
            prefix.split('/').map(str::to_string).collect()
        };
        for segment in &segments {
            let bad = segment.is_empty()
                || segment == "."
                || segment == ".."
                || segment.chars().any(|c| c == '\\' || c.is_control());
            if bad {
                return Err(SpecError(format!(
                    "the prefix {prefix:?} of {value:?} has an empty, '.' or '..' part"
                )));
            }
        }
        Ok(MediaStoreSpec::S3 {
            bucket: bucket.to_string(),
            prefix: segments,
        })
    }
}

/// S3 bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens, starting
/// and ending with a letter or digit.
fn check_bucket(bucket: &str) -> Result<(), SpecError> {
    let allowed = bucket
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    let ends = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if (3..=63).contains(&bucket.len())
        && allowed
        && ends(bucket.chars().next())
        && ends(bucket.chars().last())
    {
        Ok(())
    } else {
        Err(SpecError(format!(
            "the bucket name {bucket:?} is not valid: 3 to 63 lower-case letters, digits, dots \
             and hyphens, starting and ending with a letter or digit"
        )))
    }
}

impl MediaStoreSpec {
    /// Builds the store: `media_dir` for the local one, `db` for PostgreSQL (refused on
    /// SQLite), `s3` for a bucket. Contacts nothing; call [`MediaStore::check`] next.
    pub fn open(&self, media_dir: PathBuf, db: &Db, s3: &S3Settings) -> Result<MediaStore> {
        Ok(match self {
            MediaStoreSpec::Local => MediaStore::local(media_dir),
            MediaStoreSpec::S3 { bucket, prefix } => {
                MediaStore::S3(S3Store::open(bucket, prefix, s3)?)
            }
            MediaStoreSpec::Postgres => MediaStore::Postgres(PgStore::new(db.clone())?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::MediaStoreSpec;

    #[test]
    fn specs_parse_and_name_the_bad_part() {
        let parse = |s: &str| s.parse::<MediaStoreSpec>();
        assert_eq!(parse("local"), Ok(MediaStoreSpec::Local));
        assert_eq!(parse(""), Ok(MediaStoreSpec::Local));
        assert_eq!(parse("postgres"), Ok(MediaStoreSpec::Postgres));
        assert_eq!(
            parse("s3://news-media/sahifa/prod/"),
            Ok(MediaStoreSpec::S3 {
                bucket: "news-media".into(),
                prefix: vec!["sahifa".into(), "prod".into()]
            })
        );
        assert_eq!(
            parse("s3://news-media"),
            Ok(MediaStoreSpec::S3 {
                bucket: "news-media".into(),
                prefix: vec![]
            })
        );
        let error = |s: &str| parse(s).expect_err(s).to_string();
        assert!(error("s3://News_Media/x").contains("\"News_Media\""));
        assert!(error("s3://ab").contains("\"ab\""));
        assert!(error("s3://bucket/a//b").contains("prefix"));
        assert!(error("s3://bucket/../b").contains("prefix"));
        assert!(error("gcs://bucket").contains("\"gcs://bucket\""));
        assert!(error("sqlite").contains("local, postgres or s3://"));
    }
}
