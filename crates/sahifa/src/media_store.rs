//! `--media-store` and its S3 options, shared by the commands that write or report media
//! (`serve`, which also seeds the demo, and `backup`/`restore`, which say what they copy).

use std::path::Path;

use anyhow::Context;
use clap::Args;
use sahifa_store::Db;
use sahifa_web::media_store::{MediaStore, MediaStoreSpec, S3Settings};

/// Where uploads and their variants are kept. Credentials for S3 come from the standard
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`) variables.
#[derive(Debug, Args, Clone)]
pub struct MediaStoreArgs {
    /// `local` (the folder DATA_DIR/media, the default), `s3://BUCKET/PREFIX` (an
    /// S3-compatible bucket, shared by several nodes) or `postgres` (the database's
    /// media_objects table; PostgreSQL only).
    #[arg(long, env = "SAHIFA_MEDIA_STORE", default_value = "local")]
    pub media_store: MediaStoreSpec,
    /// The S3 service's URL, e.g. `https://s3.eu-central-1.amazonaws.com` or a MinIO
    /// server; default: AWS (or `AWS_ENDPOINT`).
    #[arg(long, env = "SAHIFA_MEDIA_S3_ENDPOINT")]
    pub media_s3_endpoint: Option<String>,
    /// The bucket's region; default `AWS_REGION`, else `us-east-1`.
    #[arg(long, env = "SAHIFA_MEDIA_S3_REGION")]
    pub media_s3_region: Option<String>,
    /// Accept a plain `http://` endpoint (a trusted local network only: media and signed
    /// requests then travel unencrypted).
    #[arg(long, env = "SAHIFA_MEDIA_S3_ALLOW_HTTP")]
    pub media_s3_allow_http: bool,
}

impl MediaStoreArgs {
    /// The S3 options as the store takes them.
    pub fn s3_settings(&self) -> S3Settings {
        S3Settings {
            endpoint: self.media_s3_endpoint.clone(),
            region: self.media_s3_region.clone(),
            allow_http: self.media_s3_allow_http,
            credentials: None,
        }
    }
}

/// Opens the configured store and proves it answers: a bad configuration or an
/// unreachable bucket stops the command here, with the reason, rather than failing the
/// first upload.
pub async fn open(data_dir: &Path, args: &MediaStoreArgs, db: &Db) -> anyhow::Result<MediaStore> {
    let store = args
        .media_store
        .open(data_dir.join("media"), db, &args.s3_settings())
        .context("invalid --media-store (SAHIFA_MEDIA_STORE)")?;
    store
        .check()
        .await
        .with_context(|| format!("the media store ({}) does not answer", store.describe()))?;
    Ok(store)
}
