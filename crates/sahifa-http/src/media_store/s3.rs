//! Media in a bucket of an S3-compatible service (AWS S3, MinIO, Ceph, moto in tests),
//! through the `object_store` crate.
//!
//! Credentials come the standard way (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`, instance metadata...), never from a flag, so they stay out of
//! process listings. Plain `http://` endpoints are refused unless the operator says so
//! (`--media-s3-allow-http`): media bytes and signed requests would cross the network in
//! clear.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::{Path as ObjectPath, PathPart};
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectMeta, ObjectStore, ObjectStoreExt,
    PutOptions, PutPayload, RetryConfig,
};

use super::{MediaKey, MediaStoreError, ObjectInfo, Result, StoredObject};

const BACKEND: &str = "s3";

/// How to reach the service, besides the bucket and prefix of `--media-store`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Settings {
    /// The service's URL (`https://s3.example.net`, `http://127.0.0.1:9000`); default: AWS,
    /// or `AWS_ENDPOINT` when set.
    pub endpoint: Option<String>,
    /// The region; default `AWS_REGION`/`AWS_DEFAULT_REGION`, else `us-east-1`.
    pub region: Option<String>,
    /// Whether an `http://` endpoint is acceptable.
    pub allow_http: bool,
    /// An access key id and secret given in code (tests); the command line never sets
    /// this, it reads the `AWS_*` variables.
    pub credentials: Option<(String, String)>,
}

/// One bucket, optionally under a prefix.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: Arc<AmazonS3>,
    bucket: String,
    prefix: Vec<String>,
    endpoint: String,
}

fn failed(err: object_store::Error) -> MediaStoreError {
    MediaStoreError::new(BACKEND, err)
}

impl S3Store {
    /// A client for `bucket` (under `prefix`, whose segments were already checked).
    /// Nothing is contacted yet: [`super::MediaStore::check`] does that.
    pub fn open(bucket: &str, prefix: &[String], settings: &S3Settings) -> Result<S3Store> {
        let endpoint = settings
            .endpoint
            .clone()
            .filter(|e| !e.trim().is_empty())
            .or_else(|| std::env::var("AWS_ENDPOINT").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .map(|e| e.trim().trim_end_matches('/').to_string());
        if let Some(endpoint) = &endpoint {
            check_endpoint(endpoint, settings.allow_http)?;
        }
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            // Path-style requests (`endpoint/bucket/key`) work on every S3-compatible
            // server; virtual-hosted names need DNS set up per bucket.
            .with_virtual_hosted_style_request(false)
            .with_allow_http(settings.allow_http)
            .with_client_options(
                ClientOptions::new()
                    .with_timeout(Duration::from_secs(30))
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_allow_http(settings.allow_http),
            )
            // A few quick retries: an upload should fail in seconds with a clear message,
            // not hang for the library's default three minutes.
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
            });
        if let Some(endpoint) = &endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(region) = settings.region.as_ref().filter(|r| !r.trim().is_empty()) {
            builder = builder.with_region(region.trim());
        }
        if let Some((id, secret)) = &settings.credentials {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret);
        }
        let client = builder.build().map_err(failed)?;
        Ok(S3Store {
            client: Arc::new(client),
            bucket: bucket.to_string(),
            prefix: prefix.to_vec(),
            endpoint: endpoint.unwrap_or_else(|| "AWS".to_string()),
        })
    }

    /// `the S3 bucket NAME (prefix P) at ENDPOINT`.
    pub fn describe(&self) -> String {
        let prefix = if self.prefix.is_empty() {
            String::new()
        } else {
            format!(" (prefix {})", self.prefix.join("/"))
        };
        format!("the S3 bucket {}{prefix} at {}", self.bucket, self.endpoint)
    }

    /// The object's path: the prefix, then the key, segment by segment and as written,
    /// so the bucket holds `uploads/صورة.jpg`, not a percent-escaped spelling of it.
    /// (Keys and prefixes were checked to have no empty, `.`, `..` or control parts.)
    fn location(&self, key: &MediaKey) -> Result<ObjectPath> {
        let parts: Result<Vec<PathPart<'_>>, _> = self
            .prefix
            .iter()
            .map(String::as_str)
            .chain(key.segments())
            .map(PathPart::parse)
            .collect();
        parts
            .map(|parts| parts.into_iter().collect())
            .map_err(|err| MediaStoreError::new(BACKEND, format!("the key {key}: {err}")))
    }

    pub(super) async fn put(&self, key: &MediaKey, bytes: Bytes) -> Result<()> {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, key.content_type().into());
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.client
            .put_opts(&self.location(key)?, PutPayload::from(bytes), options)
            .await
            .map_err(failed)?;
        Ok(())
    }

    pub(super) async fn get(&self, key: &MediaKey) -> Result<Option<StoredObject>> {
        let result = match self.client.get(&self.location(key)?).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(err) => return Err(failed(err)),
        };
        let info = info(&result.meta);
        let content_type = result.attributes.get(&Attribute::ContentType).map_or_else(
            || key.content_type().to_string(),
            |v| AsRef::<str>::as_ref(v).to_string(),
        );
        let bytes = match result.bytes().await {
            Ok(bytes) => bytes,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(err) => return Err(failed(err)),
        };
        Ok(Some(StoredObject {
            bytes,
            content_type,
            info,
        }))
    }

    pub(super) async fn head(&self, key: &MediaKey) -> Result<Option<ObjectInfo>> {
        match self.client.head(&self.location(key)?).await {
            Ok(meta) => Ok(Some(info(&meta))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(failed(err)),
        }
    }

    pub(super) async fn delete(&self, key: &MediaKey) -> Result<()> {
        match self.client.delete(&self.location(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(failed(err)),
        }
    }

    /// Lists the prefix's first level: fails on an unreachable service, a missing
    /// bucket or refused credentials (a HEAD of a missing key would not tell a missing
    /// bucket from a missing object).
    pub(super) async fn check(&self) -> Result<()> {
        let parts: Result<Vec<PathPart<'_>>, _> =
            self.prefix.iter().map(|s| PathPart::parse(s)).collect();
        let parts = parts.map_err(|err| {
            MediaStoreError::new(BACKEND, format!("the prefix of {}: {err}", self.describe()))
        })?;
        let prefix: Option<ObjectPath> = (!parts.is_empty()).then(|| parts.into_iter().collect());
        self.client
            .list_with_delimiter(prefix.as_ref())
            .await
            .map(|_| ())
            .map_err(|err| {
                MediaStoreError::new(BACKEND, format!("cannot list {}: {err}", self.describe()))
            })
    }
}

/// Size, a quoted validator (S3 sends its ETag quoted; some servers do not), and time.
fn info(meta: &ObjectMeta) -> ObjectInfo {
    let etag = match meta.e_tag.as_deref() {
        Some(tag) if tag.starts_with('"') || tag.starts_with("W/\"") => tag.to_string(),
        Some(tag) if !tag.is_empty() => format!("\"{tag}\""),
        // No ETag from the server: size and time still change when the object does.
        _ => format!(
            "\"{:x}-{:x}\"",
            meta.size,
            meta.last_modified.timestamp_millis()
        ),
    };
    ObjectInfo {
        size: meta.size,
        etag,
        last_modified: Some(meta.last_modified),
    }
}

/// An endpoint must be an `https://` URL with a host, or `http://` when allowed.
fn check_endpoint(endpoint: &str, allow_http: bool) -> Result<()> {
    let (scheme, rest) = endpoint.split_once("://").ok_or_else(|| {
        MediaStoreError::new(
            BACKEND,
            format!("the endpoint {endpoint:?} is not a URL: expected https://HOST[:PORT]"),
        )
    })?;
    if rest.split('/').next().is_none_or(str::is_empty) {
        return Err(MediaStoreError::new(
            BACKEND,
            format!("the endpoint {endpoint:?} has no host"),
        ));
    }
    match scheme {
        "https" => Ok(()),
        "http" if allow_http => Ok(()),
        "http" => Err(MediaStoreError::new(
            BACKEND,
            format!(
                "the endpoint {endpoint:?} is plain http: media and signed requests would cross \
                 the network unencrypted; use https, or pass --media-s3-allow-http \
                 (SAHIFA_MEDIA_S3_ALLOW_HTTP=true) for a trusted local network"
            ),
        )),
        other => Err(MediaStoreError::new(
            BACKEND,
            format!("the endpoint {endpoint:?} has the scheme {other:?}: expected https"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check_endpoint;

    #[test]
    fn plain_http_needs_saying_so() {
        assert!(check_endpoint("https://s3.example.net", false).is_ok());
        assert!(check_endpoint("http://127.0.0.1:9000", true).is_ok());
        let refused = check_endpoint("http://127.0.0.1:9000", false).expect_err("http refused");
        assert!(
            refused.message.contains("--media-s3-allow-http"),
            "{refused}"
        );
        assert!(check_endpoint("ftp://x", true).is_err());
        assert!(check_endpoint("s3.example.net", false).is_err());
        assert!(check_endpoint("https://", false).is_err());
    }
}
