//! AWS Signature Version 4 for S3-compatible object stores (MinIO, Ceph,
//! Aliyun OSS and Tencent COS in their S3 modes, AWS itself): the
//! `Authorization` header of one request, with the payload's SHA-256 in
//! `x-amz-content-sha256`. Written out here (HMAC from ring, SHA-256 from
//! `backend::hex`) rather than pulling an SDK for four calls; the unit test
//! is AWS's own published example.

use chrono::{DateTime, Utc};
use ring::hmac;

/// Who signs, and for which region (`us-east-1` where the store has none).
#[derive(Clone)]
pub struct Credentials {
    pub access_key: String,
    pub secret_key: String,
    pub region: String,
}

impl std::fmt::Debug for Credentials {
    // The secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

use crate::backend::hex::hex;
pub use crate::backend::hex::sha256_hex;

/// `x-amz-date`'s form: `20130524T000000Z`.
pub fn amz_date(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A path's segments percent-encoded as S3 expects (unreserved characters
/// and `/` kept).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `Authorization` header for a request with no query string.
/// `headers` are every header signed, `host`, `x-amz-content-sha256` and
/// `x-amz-date` among them (names in any case, values as sent); `path` is
/// already encoded.
pub fn authorization(
    creds: &Credentials,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    payload_sha256: &str,
    at: DateTime<Utc>,
) -> String {
    let mut signed: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    signed.sort();
    let names = signed
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = signed.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let canonical = format!("{method}\n{path}\n\n{canonical_headers}\n{names}\n{payload_sha256}");
    let day = at.format("%Y%m%d").to_string();
    let scope = format!("{day}/{}/s3/aws4_request", creds.region);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        amz_date(at),
        sha256_hex(canonical.as_bytes())
    );
    let mut key = format!("AWS4{}", creds.secret_key).into_bytes();
    for part in [day.as_str(), creds.region.as_str(), "s3", "aws4_request"] {
        key = mac(&key, part.as_bytes());
    }
    let signature = hex(&mac(&key, to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope},SignedHeaders={names},Signature={signature}",
        creds.access_key
    )
}

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
        .as_ref()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// "Example: GET Object" of AWS's S3 SigV4 documentation
    /// (sig-v4-header-based-auth): the first ten bytes of test.txt.
    #[test]
    fn aws_published_example() {
        let creds = Credentials {
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            region: "us-east-1".into(),
        };
        let empty = sha256_hex(b"");
        assert_eq!(
            empty,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let at = Utc.with_ymd_and_hms(2013, 5, 24, 0, 0, 0).unwrap();
        let date = amz_date(at);
        let auth = authorization(
            &creds,
            "GET",
            "/test.txt",
            &[
                ("Host", "examplebucket.s3.amazonaws.com"),
                ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", &empty),
                ("x-amz-date", &date),
            ],
            &empty,
            at,
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
        assert!(!format!("{creds:?}").contains("EXAMPLEKEY"));
    }

    #[test]
    fn paths_are_encoded_but_slashes() {
        assert_eq!(encode_path("/b/cases/ab_1.jpg"), "/b/cases/ab_1.jpg");
        assert_eq!(encode_path("/b/a b+c"), "/b/a%20b%2Bc");
    }
}
