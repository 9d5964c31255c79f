//! Blobs in an S3-compatible object store (`GRIDLINK_S3_*`): what several
//! app servers share instead of a disk. One object per key, written by one
//! PUT, so a key never names half a photo; requests signed with SigV4
//! ([`super::sigv4`]). Path-style addresses (`endpoint/bucket/key`) suit
//! MinIO and Ceph; virtual-host ones (`bucket.endpoint/key`) suit the
//! public clouds that ask for them.

use super::sigv4::{self, Credentials};
use super::PutError;
use chrono::Utc;
use reqwest::{Method, StatusCode, Url};
use std::time::Duration;

/// Where the store is and who signs.
#[derive(Clone, Debug)]
pub struct S3Config {
    /// `http(s)://host[:port]`, no path.
    pub endpoint: Url,
    pub bucket: String,
    /// `bucket.host` instead of `host/bucket`.
    pub virtual_host: bool,
    pub creds: Credentials,
    /// A PEM file of the certificate authority a private store's HTTPS
    /// certificate comes from (besides the public ones).
    pub ca_file: Option<std::path::PathBuf>,
}

impl S3Config {
    /// Reads `GRIDLINK_S3_ENDPOINT`, `_BUCKET`, `_ACCESS_KEY`, `_SECRET_KEY`,
    /// `_REGION` (default `us-east-1`), `_VIRTUAL_HOST` (`1`) and `_CA_FILE`
    /// through `var` (the environment, at start-up): `None` without an
    /// endpoint. Each missing or malformed setting is named in the error.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<S3Config>, String> {
        let Some(endpoint) = var("GRIDLINK_S3_ENDPOINT") else {
            return Ok(None);
        };
        let url = Url::parse(endpoint.trim()).map_err(|e| format!("GRIDLINK_S3_ENDPOINT: {e}"))?;
        // Keys belong in their own settings: in the address they would
        // reach the start-up banner and every error.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(
                "GRIDLINK_S3_ENDPOINT: no user or key in the address (use GRIDLINK_S3_ACCESS_KEY \
                 and GRIDLINK_S3_SECRET_KEY)"
                    .into(),
            );
        }
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || !url.path().trim_end_matches('/').is_empty()
            || url.query().is_some()
        {
            return Err(format!(
                "GRIDLINK_S3_ENDPOINT={endpoint}: an http:// or https:// address with no path"
            ));
        }
        let need = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{k} is needed with GRIDLINK_S3_ENDPOINT"))
        };
        let bucket = need("GRIDLINK_S3_BUCKET")?;
        // S3's own naming rules, which also keep the name safe in a host
        // and a path.
        let named = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !bucket.starts_with(['-', '.'])
            && !bucket.ends_with(['-', '.']);
        if !named {
            return Err(format!(
                "GRIDLINK_S3_BUCKET={bucket}: 3 to 63 lowercase letters, digits, '-' or '.'"
            ));
        }
        Ok(Some(S3Config {
            endpoint: url,
            bucket,
            virtual_host: var("GRIDLINK_S3_VIRTUAL_HOST").is_some_and(|v| v == "1" || v == "true"),
            creds: Credentials {
                access_key: need("GRIDLINK_S3_ACCESS_KEY")?,
                secret_key: need("GRIDLINK_S3_SECRET_KEY")?,
                region: var("GRIDLINK_S3_REGION")
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "us-east-1".into()),
            },
            ca_file: var("GRIDLINK_S3_CA_FILE").map(|f| f.trim().into()),
        }))
    }
}

/// A bucket of an S3-compatible store.
#[derive(Debug)]
pub struct S3Store {
    cfg: S3Config,
    http: reqwest::Client,
}

/// A store's refusal: its status and its error code (`NoSuchKey`, ...).
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    code: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "object store answered {} {}", self.status, self.code)
    }
}

enum Failure {
    /// Never answered (refused, timed out, cut off).
    Transport(reqwest::Error),
    Refused(Refusal),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Transport(e) => write!(f, "object store not reached: {e}"),
            Failure::Refused(r) => r.fmt(f),
        }
    }
}

impl S3Store {
    pub fn new(cfg: S3Config) -> Result<S3Store, String> {
        let mut http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // A 10 MB photo over a slow link to the store, with room.
            .timeout(Duration::from_secs(60))
            // A store answers; it never sends us elsewhere (a redirect could
            // point a photo read at an internal address).
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = &cfg.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| format!("GRIDLINK_S3_CA_FILE={}: {e}", path.display()))?;
            // rustls parses certificates only when the client is built: an
            // empty bundle would be accepted here and fail every request.
            let found = reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default();
            if found.is_empty() {
                return Err(format!(
                    "GRIDLINK_S3_CA_FILE={}: no PEM certificate in it",
                    path.display()
                ));
            }
            for ca in found {
                http = http.add_root_certificate(ca);
            }
        }
        let http = http
            .build()
            .map_err(|e| format!("object store client: {e}"))?;
        Ok(S3Store { cfg, http })
    }

    /// The address of `key` (the bucket itself without one), and the host
    /// and encoded path the signature covers.
    fn address(&self, key: Option<&str>) -> (Url, String, String) {
        let e = &self.cfg.endpoint;
        let mut host = e.host_str().unwrap_or_default().to_string();
        if self.cfg.virtual_host {
            host = format!("{}.{host}", self.cfg.bucket);
        }
        if let Some(port) = e.port() {
            host = format!("{host}:{port}");
        }
        let path = match (self.cfg.virtual_host, key) {
            (true, Some(k)) => format!("/{k}"),
            (true, None) => "/".to_string(),
            (false, Some(k)) => format!("/{}/{k}", self.cfg.bucket),
            (false, None) => format!("/{}", self.cfg.bucket),
        };
        let path = sigv4::encode_path(&path);
        let url = Url::parse(&format!("{}://{host}{path}", e.scheme()))
            .expect("an address made of a parsed endpoint, a checked bucket and an encoded path");
        (url, host, path)
    }

    /// The address of a request and the headers that sign it (the host
    /// is the one reqwest sends, from the address).
    fn signed(
        &self,
        method: &Method,
        key: Option<&str>,
        body: &[u8],
        now: chrono::DateTime<Utc>,
    ) -> (Url, [(&'static str, String); 3]) {
        let (url, host, path) = self.address(key);
        let date = sigv4::amz_date(now);
        let payload = sigv4::sha256_hex(body);
        let auth = sigv4::authorization(
            &self.cfg.creds,
            method.as_str(),
            &path,
            &[
                ("host", &host),
                ("x-amz-content-sha256", &payload),
                ("x-amz-date", &date),
            ],
            &payload,
            now,
        );
        (
            url,
            [
                ("x-amz-content-sha256", payload),
                ("x-amz-date", date),
                ("authorization", auth),
            ],
        )
    }

    /// One signed request; a refusal carries the store's error code.
    async fn send(
        &self,
        method: Method,
        key: Option<&str>,
        body: Vec<u8>,
    ) -> Result<reqwest::Response, Failure> {
        let (url, headers) = self.signed(&method, key, &body, Utc::now());
        let mut request = self.http.request(method, url);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let res = request
            .body(body)
            .send()
            .await
            .map_err(Failure::Transport)?;
        if res.status().is_success() {
            return Ok(res);
        }
        let status = res.status();
        let text = read_at_most(res, ERROR_BODY_MAX).await.unwrap_or_default();
        Err(Failure::Refused(Refusal {
            status,
            code: error_code(&String::from_utf8_lossy(&text)).unwrap_or_default(),
        }))
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), PutError> {
        if !super::valid_key(key) {
            return Err(PutError::Io(std::io::Error::other("bad key")));
        }
        match self.send(Method::PUT, Some(key), bytes.to_vec()).await {
            Ok(_) => Ok(()),
            Err(Failure::Refused(r)) if full(&r) => Err(PutError::Full),
            Err(e) => Err(PutError::Io(std::io::Error::other(e.to_string()))),
        }
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        if !super::valid_key(key) {
            return Err(std::io::Error::other("bad key"));
        }
        match self.send(Method::GET, Some(key), Vec::new()).await {
            Ok(res) => read_at_most(res, OBJECT_MAX).await,
            // A missing bucket is an outage to report, not a missing photo.
            Err(Failure::Refused(r))
                if r.status == StatusCode::NOT_FOUND && r.code != "NoSuchBucket" =>
            {
                Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    r.to_string(),
                ))
            }
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }

    pub async fn delete(&self, key: &str) {
        if !super::valid_key(key) {
            return;
        }
        if let Err(e) = self.send(Method::DELETE, Some(key), Vec::new()).await {
            tracing::warn!(key, error = %e, "object not deleted");
        }
    }

    /// Whether the bucket is there and these credentials may use it (a HEAD
    /// of the bucket), said in words an operator can act on: run at start-up.
    pub async fn check(&self) -> Result<(), String> {
        match self.send(Method::HEAD, None, Vec::new()).await {
            Ok(_) => Ok(()),
            Err(Failure::Refused(r)) => Err(match r.status {
                StatusCode::NOT_FOUND => format!(
                    "object store bucket {} does not exist at {}",
                    self.cfg.bucket, self.cfg.endpoint
                ),
                StatusCode::FORBIDDEN => format!(
                    "object store bucket {} at {}: access denied, {} (check \
                     GRIDLINK_S3_ACCESS_KEY, GRIDLINK_S3_SECRET_KEY, GRIDLINK_S3_REGION \
                     and this server's clock)",
                    self.cfg.bucket,
                    self.cfg.endpoint,
                    if r.code.is_empty() {
                        "no reason given"
                    } else {
                        &r.code
                    }
                ),
                _ => format!("object store bucket {}: {r}", self.cfg.bucket),
            }),
            Err(e) => Err(format!("{e} ({})", self.cfg.endpoint)),
        }
    }

    /// Makes the bucket (a first set-up, and the tests' own store); an
    /// existing bucket of ours is fine.
    pub async fn create_bucket(&self) -> Result<(), String> {
        match self.send(Method::PUT, None, Vec::new()).await {
            Ok(_) => Ok(()),
            Err(Failure::Refused(r)) if r.code == "BucketAlreadyOwnedByYou" => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "object store {}, bucket {} ({} style)",
            self.cfg.endpoint.as_str().trim_end_matches('/'),
            self.cfg.bucket,
            if self.cfg.virtual_host {
                "virtual-host"
            } else {
                "path"
            }
        )
    }
}

/// The largest object read back (photos are re-encoded well below it).
const OBJECT_MAX: usize = 64 * 1024 * 1024;
/// The most of an error's body read (its code is near the start).
const ERROR_BODY_MAX: usize = 16 * 1024;

/// A response's body, refused past `max` bytes: a store (or something
/// posing as one) cannot make us hold more.
async fn read_at_most(mut res: reqwest::Response, max: usize) -> std::io::Result<Vec<u8>> {
    let too_large = || std::io::Error::other(format!("object store sent more than {max} bytes"));
    if res.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| std::io::Error::other(format!("object store: {e}")))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether a refusal means "no room": 507 (MinIO's `XMinioStorageFull`),
/// or a quota or storage code from stores that answer otherwise.
fn full(r: &Refusal) -> bool {
    r.status == StatusCode::INSUFFICIENT_STORAGE
        || ["StorageFull", "QuotaExceeded", "InsufficientStorage"]
            .iter()
            .any(|c| r.code.contains(c))
}

/// `<Code>…</Code>` of an S3 error body.
fn error_code(body: &str) -> Option<String> {
    let start = body.find("<Code>")? + "<Code>".len();
    let end = start + body[start..].find("</Code>")?;
    Some(body[start..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(list: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            list.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    const GOOD: [(&str, &str); 4] = [
        ("GRIDLINK_S3_ENDPOINT", "http://127.0.0.1:9000"),
        ("GRIDLINK_S3_BUCKET", "gridlink-photos"),
        ("GRIDLINK_S3_ACCESS_KEY", "AK"),
        ("GRIDLINK_S3_SECRET_KEY", "SK"),
    ];

    #[test]
    fn settings_are_read_and_checked() {
        assert!(S3Config::from_vars(vars(&[])).unwrap().is_none());
        let cfg = S3Config::from_vars(vars(&GOOD)).unwrap().unwrap();
        assert_eq!(cfg.creds.region, "us-east-1");
        let store = S3Store::new(cfg.clone()).unwrap();
        let (url, host, path) = store.address(Some("cases/ab/1.jpg"));
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9000/gridlink-photos/cases/ab/1.jpg"
        );
        assert_eq!(
            (host.as_str(), path.as_str()),
            ("127.0.0.1:9000", "/gridlink-photos/cases/ab/1.jpg")
        );
        let virt = S3Store::new(S3Config {
            virtual_host: true,
            endpoint: Url::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap(),
            ..cfg
        })
        .unwrap();
        let (url, host, path) = virt.address(Some("a.jpg"));
        assert_eq!(
            url.as_str(),
            "https://gridlink-photos.oss-cn-hangzhou.aliyuncs.com/a.jpg"
        );
        assert_eq!(
            (host.as_str(), path.as_str()),
            ("gridlink-photos.oss-cn-hangzhou.aliyuncs.com", "/a.jpg")
        );
        assert!(!format!("{virt:?}").contains("\"SK\""), "no secret in logs");

        let without = |k: &str| -> String {
            let list: Vec<_> = GOOD.iter().copied().filter(|(n, _)| *n != k).collect();
            S3Config::from_vars(vars(&list)).unwrap_err()
        };
        assert!(without("GRIDLINK_S3_BUCKET").contains("GRIDLINK_S3_BUCKET is needed"));
        assert!(without("GRIDLINK_S3_SECRET_KEY").contains("GRIDLINK_S3_SECRET_KEY"));
        let with = |k: &'static str, v: &'static str| -> Result<Option<S3Config>, String> {
            let mut list: Vec<_> = GOOD.iter().copied().filter(|(n, _)| *n != k).collect();
            list.push((k, v));
            S3Config::from_vars(vars(&list))
        };
        assert!(with("GRIDLINK_S3_ENDPOINT", "ftp://x").is_err());
        assert!(with("GRIDLINK_S3_ENDPOINT", "http://x/bucket").is_err());
        assert!(with("GRIDLINK_S3_BUCKET", "Photos").is_err());
        assert!(with("GRIDLINK_S3_BUCKET", "a/b").is_err());
        let keyed = with("GRIDLINK_S3_ENDPOINT", "http://AK:SK@127.0.0.1:9000").unwrap_err();
        assert!(!keyed.contains("SK@"), "{keyed}");
        assert!(
            with("GRIDLINK_S3_SECRET_KEY", "  ").is_err(),
            "blank is missing"
        );
        let trimmed = with("GRIDLINK_S3_SECRET_KEY", "SK\n").unwrap().unwrap();
        assert_eq!(trimmed.creds.secret_key, "SK");
        let missing_ca = with("GRIDLINK_S3_CA_FILE", "/no/such/ca.pem")
            .unwrap()
            .unwrap();
        assert!(S3Store::new(missing_ca)
            .unwrap_err()
            .contains("GRIDLINK_S3_CA_FILE"));
        let not_pem = std::env::temp_dir().join(format!("gl-ca-{}.pem", rand::random::<u64>()));
        std::fs::write(&not_pem, "not a certificate").unwrap();
        let mut cfg = S3Config::from_vars(vars(&GOOD)).unwrap().unwrap();
        cfg.ca_file = Some(not_pem.clone());
        assert!(S3Store::new(cfg)
            .unwrap_err()
            .contains("no PEM certificate"));
        let _ = std::fs::remove_file(not_pem);
        assert_eq!(
            with("GRIDLINK_S3_REGION", " ")
                .unwrap()
                .unwrap()
                .creds
                .region,
            "us-east-1"
        );
    }

    /// A PUT of a thumbnail to a store on a port, path style, as this
    /// module sends it, against the signature botocore 1.44.8 (the AWS SDK
    /// for Python; `S3SigV4Auth`) computed for the same request: the
    /// second, independent check beside AWS's own GET example in `sigv4`.
    #[test]
    fn a_put_is_signed_as_botocore_signs_it() {
        let store = S3Store::new(S3Config {
            creds: Credentials {
                access_key: "gridlink-test".into(),
                secret_key: "gridlink-test-secret".into(),
                region: "us-east-1".into(),
            },
            ..S3Config::from_vars(vars(&GOOD)).unwrap().unwrap()
        })
        .unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_opt(3, 54, 48)
            .unwrap()
            .and_utc();
        let (url, headers) =
            store.signed(&Method::PUT, Some("cases/ab/1_t.jpg"), b"photo bytes", at);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9000/gridlink-photos/cases/ab/1_t.jpg"
        );
        assert_eq!(
            headers[0].1,
            "2a6927613ddc903379f3e02145f22074ccf048c7753cfa1ed8ee26c746682997"
        );
        assert_eq!(headers[1].1, "20261204T035448Z");
        assert_eq!(
            headers[2].1,
            "AWS4-HMAC-SHA256 Credential=gridlink-test/20261204/us-east-1/s3/aws4_request,\
             SignedHeaders=host;x-amz-content-sha256;x-amz-date,\
             Signature=3ffca6ea4880fc2090cd9e97d2a91a7d5edee18347fed1dc5556291516aef4cd"
        );
    }

    #[test]
    fn error_codes_and_full_stores() {
        let body =
            "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>x</Message></Error>";
        assert_eq!(error_code(body).as_deref(), Some("NoSuchKey"));
        assert_eq!(error_code("not xml"), None);
        let refusal = |status: u16, code: &str| Refusal {
            status: StatusCode::from_u16(status).unwrap(),
            code: code.into(),
        };
        assert!(full(&refusal(507, "XMinioStorageFull")));
        assert!(full(&refusal(403, "QuotaExceeded")));
        assert!(!full(&refusal(403, "AccessDenied")));
    }
}
