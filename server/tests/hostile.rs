//! Hostile input through the real router: decompression bombs, oversized
//! and unauthorised uploads, bursts of photos, forged client addresses, and
//! the security headers every answer carries.

mod common;

use app::backend::photo;
use app::domain::auth::Role;
use common::{phone_of, report_case, upload_case_photo as upload, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The middle of the demo grid `370103-001-001-01`.
const HOME: (f64, f64) = (36.6372, 117.0135);

/// Photo tests share the process-wide decode permits and the CPU: run one
/// at a time so timings and "busy" answers are their own.
static PHOTO_TESTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn report(app: &TestApp, c: &Client, text: &str, public: bool) -> Value {
    let (s, case) = report_case(app, c, HOME, text, public).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    case
}

/// A PNG of 418 KB whose pixels are 12,000 × 12,000 black RGB: 432 MB once
/// decoded. Its zlib stream is written by hand: a dynamic-Huffman block in
/// which "repeat the last 258 bytes" costs two bits.
fn decompression_bomb(w: u32, h: u32) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// Header fields and extra bits: least significant bit first.
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push((self.acc & 0xFF) as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes: most significant bit first.
        fn code(&mut self, (code, len): (u64, u32)) {
            for i in (0..len).rev() {
                self.put((code >> i) & 1, 1);
            }
        }
    }
    let raw = (1 + 3 * u64::from(w)) * u64::from(h);
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // the last block
    b.put(2, 2); // dynamic Huffman codes
    b.put(29, 5); // 286 literal/length codes
    b.put(1, 5); // 2 distance codes
    b.put(14, 4); // 18 code-length codes follow
                  // Code lengths of the code-length alphabet, in its odd order: 18 → 1
                  // bit, 1 and 2 → 2 bits, the rest unused.
    for sym in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
        b.put(
            match sym {
                18 => 1,
                1 | 2 => 2,
                _ => 0,
            },
            3,
        );
    }
    let (cl1, cl2, cl18) = ((2, 2), (3, 2), (0, 1));
    b.code(cl2); // literal 0: 2 bits
    b.code(cl18);
    b.put(127, 7); // 138 unused …
    b.code(cl18);
    b.put(106, 7); // … and 117 more: literals 1–255
    b.code(cl2); // end of block: 2 bits
    b.code(cl18);
    b.put(17, 7); // lengths 257–284 unused
    b.code(cl1); // length 258: 1 bit
    b.code(cl1);
    b.code(cl1); // distances 1 and 2: 1 bit each
    let (lit0, eob, len258, dist1) = ((2, 2), (3, 2), (0, 1), (0, 1));
    b.code(lit0);
    let (matches, rest) = ((raw - 1) / 258, (raw - 1) % 258);
    for _ in 0..matches {
        b.code(len258);
        b.code(dist1);
    }
    for _ in 0..rest {
        b.code(lit0);
    }
    b.code(eob);
    if b.n > 0 {
        b.out.push((b.acc & 0xFF) as u8);
    }
    let mut zlib = vec![0x78, 0x01];
    zlib.extend_from_slice(&b.out);
    // Adler-32 of zeros: a stays 1, b counts the bytes.
    zlib.extend_from_slice(&((((raw % 65521) as u32) << 16) | 1).to_be_bytes());

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A camera-like JPEG: a gradient with grain at quality 95 (the grain sets
/// the size: ±16 gives ~6 MB at 4000 × 3000), with an EXIF block carrying a
/// GPS position right after the start marker, where cameras put it.
fn camera_jpeg(w: u32, h: u32, grain: u64) -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = (seed % (2 * grain + 1)) as i64 - grain as i64;
        let px = |base: u32| (i64::from(base) + n).clamp(0, 255) as u8;
        image::Rgb([px(y * 255 / h), px(255 - y * 255 / h), px(128 + x * 64 / w)])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 95)
        .encode_image(&img)
        .unwrap();
    let payload = b"Exif\0\0MM\0*GPSLatitude 36.6512 N GPSLongitude 117.0135 E";
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

/// The camera photo, made once for both backends (seconds of work).
async fn six_megabyte_photo() -> Vec<u8> {
    static PHOTO: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    if let Some(p) = PHOTO.get() {
        return p.clone();
    }
    let made = tokio::task::spawn_blocking(|| camera_jpeg(4000, 3000, 16))
        .await
        .unwrap();
    PHOTO.get_or_init(|| made).clone()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// A session cookie for a new resident, for requests written by hand.
async fn stranger_cookie(app: &TestApp) -> String {
    use app::backend::services::auth;
    use app::domain::auth::{Grant, Scope};
    let phone = format!("137{:08}", rand::random::<u32>() % 100_000_000);
    let id = app::backend::store::accounts::insert_user(
        &app.state.db,
        &phone,
        "路人",
        None,
        &[Grant::new(Role::Resident, Scope::None).unwrap()],
    )
    .await
    .unwrap()
    .expect("a fresh number");
    let token = auth::start_session(&app.state, id).await.unwrap();
    format!("{}={token}", auth::COOKIE)
}

/// Sends a request head and then `body` over a raw connection (errors in
/// sending the body are ignored: the server may have answered and closed),
/// and reads the answer: status and body, or `None` if none came in `wait`.
async fn raw_request(
    app: &TestApp,
    head: &str,
    body: &[&[u8]],
    wait: Duration,
) -> (Option<(u16, String)>, TcpStream) {
    let mut stream = TcpStream::connect(addr(app)).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    for part in body {
        if stream.write_all(part).await.is_err() {
            break;
        }
    }
    let answer = read_answer(&mut stream, wait).await;
    (answer, stream)
}

async fn read_answer(stream: &mut TcpStream, wait: Duration) -> Option<(u16, String)> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut buf = Vec::new();
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
            let len = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
                return Some((status, body));
            }
        }
        let mut chunk = [0u8; 16 * 1024];
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return None,
        }
    }
}

async fn a_decompression_bomb_is_refused_before_it_is_decoded(backend: Backend) {
    let _one = PHOTO_TESTS.lock().await;
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let case = report(&app, &resident, "井盖松动", true).await;
    let bomb = decompression_bomb(12_000, 12_000);
    assert!(bomb.len() < 500 * 1024, "{} bytes", bomb.len());

    let t = Instant::now();
    let (s, body) = upload(&app, &resident, &case, bomb).await;
    let took = t.elapsed();
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "invalid_input", "{body}");
    assert_eq!(body["field"], "photo");
    assert_eq!(body["problem"], "too_many_pixels");
    assert!(took < Duration::from_secs(2), "refused in {took:?}");
    let err: app::domain::error::ErrorBody = serde_json::from_value(body).unwrap();
    assert!(err.message(app::domain::lang::Lang::Zh).contains("8000"));
    assert_eq!(
        app::backend::store::photos::count_all(&app.state.db)
            .await
            .unwrap(),
        0
    );
}

async fn a_camera_photo_is_accepted_without_its_gps(backend: Backend) {
    let _one = PHOTO_TESTS.lock().await;
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let case = report(&app, &resident, "路面塌陷，手机拍的", true).await;
    let camera = six_megabyte_photo().await;
    assert!(
        (4 << 20..photo::MAX_PHOTO_BYTES).contains(&camera.len()),
        "a camera-sized photo: {} bytes",
        camera.len()
    );
    assert!(contains(&camera, b"GPSLatitude"));

    let (s, stored) = upload(&app, &resident, &case, camera).await;
    assert_eq!(s, StatusCode::OK, "{stored}");
    let res = resident
        .get(app.url(stored["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert!(!contains(&bytes, b"GPSLatitude"), "GPS must be gone");
    assert!(
        !contains(&bytes, b"Exif\0\0"),
        "the whole EXIF block must be gone"
    );
    let kept = image::load_from_memory(&bytes).unwrap();
    assert_eq!((kept.width(), kept.height()), (2560, 1920), "scaled down");
}

async fn a_stranger_cannot_make_us_read_a_body(backend: Backend) {
    let _one = PHOTO_TESTS.lock().await;
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let private = report(&app, &resident, "私下反映：楼道堆物", false).await;
    let path = format!("/api/v1/cases/{}/photos", private["id"]);
    let head = |cookie: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\n\r\n",
            addr(&app),
            9 * 1024 * 1024
        )
    };
    // 64 KB of a declared 9 MB: an answer proves the rest was never needed.
    let first = vec![0xFFu8; 64 * 1024];

    let stranger = stranger_cookie(&app).await;
    let t = Instant::now();
    let (answer, _conn) = raw_request(
        &app,
        &head(&stranger),
        &[first.as_slice()],
        Duration::from_secs(5),
    )
    .await;
    let took = t.elapsed();
    let (status, body) = answer.expect("an answer before the body is sent");
    assert_eq!(status, 404, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "not_found", "{body}");
    assert!(took < Duration::from_secs(2), "answered in {took:?}");

    // The reporter, by contrast, is being read: the server waits for more.
    let own = own_cookie(&app).await;
    let (answer, _conn) = raw_request(
        &app,
        &head(&own),
        &[first.as_slice()],
        Duration::from_secs(1),
    )
    .await;
    assert_eq!(
        answer, None,
        "the reporter's upload is awaited, not refused"
    );
}

/// A session cookie of the demo resident, made directly.
async fn own_cookie(app: &TestApp) -> String {
    use app::backend::services::auth;
    let user =
        app::backend::store::accounts::user_by_phone(&app.state.db, phone_of(Role::Resident))
            .await
            .unwrap()
            .expect("the demo resident");
    let token = auth::start_session(&app.state, user.id).await.unwrap();
    format!("{}={token}", auth::COOKIE)
}

on_both_backends!(
    a_decompression_bomb_is_refused_before_it_is_decoded,
    a_camera_photo_is_accepted_without_its_gps,
    a_stranger_cannot_make_us_read_a_body,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_refused_with_the_readable_error() {
    let _one = PHOTO_TESTS.lock().await;
    let app = TestApp::demo(Backend::Sqlite).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let case = report(&app, &resident, "大照片", true).await;

    // Declared: refused by the body-size layer, read through so the phone
    // sees why.
    let (s, body) = upload(&app, &resident, &case, vec![0xFF; 11 * 1024 * 1024]).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["field"], "photo");
    assert_eq!(body["problem"], "too_large");
    // What the phone shows, as the UI reads it.
    let err: app::domain::error::ErrorBody = serde_json::from_value(body).unwrap();
    assert_eq!(
        err.message(app::domain::lang::Lang::Zh),
        "照片太大了，每张不能超过 10 MB。"
    );

    // Undeclared (chunked): cut off while being read, same answer.
    let cookie = own_cookie(&app).await;
    let head = format!(
        "POST /api/v1/cases/{}/photos HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nTransfer-Encoding: chunked\r\n\r\n",
        case["id"],
        addr(&app),
    );
    let piece = 64 * 1024;
    let mut chunked = format!("{piece:x}\r\n").into_bytes();
    chunked.extend(vec![0xFFu8; piece]);
    chunked.extend_from_slice(b"\r\n");
    let mut parts: Vec<&[u8]> = vec![chunked.as_slice(); photo::MAX_PHOTO_BYTES / piece + 1];
    parts.push(b"0\r\n\r\n");
    let (answer, _conn) = raw_request(&app, &head, &parts, Duration::from_secs(30)).await;
    let (status, body) = answer.expect("an answer");
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["problem"], "too_large");
    assert_eq!(
        app::backend::store::photos::count_all(&app.state.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_uploads_never_decodes_more_than_the_limit() {
    let _one = PHOTO_TESTS.lock().await;
    let app = TestApp::demo(Backend::Sqlite).await;
    // 20 residents, one case and one photo each, all at once (one user
    // alone may hold only `photo::PER_USER` places in the queue).
    let crowd = app.crowd(20).await;
    let mut cases = Vec::new();
    for (i, (_, c)) in crowd.iter().enumerate() {
        cases.push(report(&app, c, &format!("第{i}处积水"), true).await);
    }
    let picture = tokio::task::spawn_blocking(|| camera_jpeg(1200, 900, 16))
        .await
        .unwrap();
    photo::reset_decodes_in_flight_peak();
    let uploads = (0..20).map(|i| upload(&app, &crowd[i].1, &cases[i], picture.clone()));
    let answers = futures::future::join_all(uploads).await;

    let mut stored = 0;
    for (s, body) in &answers {
        match *s {
            StatusCode::OK => stored += 1,
            // Beyond the queue: told to come back, in words the UI shows.
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(body["code"], "busy", "{body}");
                assert_eq!(body["retry_after_secs"], 5, "{body}")
            }
            other => panic!("{other}: {body}"),
        }
    }
    let peak = photo::decodes_in_flight_peak();
    assert!(
        (1..=photo::MAX_DECODES).contains(&peak),
        "{peak} decodes ran at once"
    );
    assert!(
        stored >= photo::MAX_DECODES + photo::MAX_WAITING - 2,
        "only {stored} of 20 stored"
    );
    assert_eq!(
        app::backend::store::photos::count_all(&app.state.db)
            .await
            .unwrap(),
        stored as u64
    );
}

/// The security headers of one answer, asserted; returns its CSP.
fn assert_security_headers(res: &reqwest::Response, hsts: bool) -> String {
    let h = res.headers();
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).map(str::to_string);
    let what = res.url().path().to_string();
    assert_eq!(
        get("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(get("x-frame-options").as_deref(), Some("DENY"), "{what}");
    assert_eq!(
        get("referrer-policy").as_deref(),
        Some("strict-origin-when-cross-origin"),
        "{what}"
    );
    assert_eq!(
        get("permissions-policy").as_deref(),
        Some("geolocation=(self), camera=(self), microphone=()"),
        "{what}"
    );
    assert_eq!(
        get("strict-transport-security").is_some(),
        hsts,
        "{what}: HSTS only behind HTTPS"
    );
    let csp = get("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    assert!(
        csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-"),
        "{what}: {csp}"
    );
    for part in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "connect-src 'self'",
    ] {
        assert!(csp.contains(part), "{what}: {part} missing from {csp}");
    }
    csp
}

fn nonce_of(csp: &str) -> String {
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let c = app.client();
    for path in [
        "/healthz",
        "/api/v1/board.json",
        "/api/v1/photos/999999",
        "/no-such-page",
    ] {
        let res = c.get(app.url(path)).send().await.unwrap();
        assert_security_headers(&res, false);
    }
    let res = c
        .post(app.url("/api/login"))
        .form(&[("phone", "13800000001"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert_security_headers(&res, false);

    // The page: every inline script carries the nonce the CSP allows.
    let res = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let nonce = nonce_of(&assert_security_headers(&res, false));
    assert!(nonce.len() >= 16, "{nonce}");
    let html = res.text().await.unwrap();
    let mut inline = 0;
    for tag in html.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or_default();
        if open.contains("src=") || open.contains("application/json") {
            continue;
        }
        inline += 1;
        assert!(
            open.contains(&format!("nonce=\"{nonce}\"")),
            "an inline script without the response's nonce: <script{open}>"
        );
    }
    assert!(inline >= 1, "the hydration script is inline");
    assert!(html.contains(&format!("type=\"module\" nonce=\"{nonce}\"")));

    // A fresh nonce for every answer.
    let again = c.get(app.url("/")).send().await.unwrap();
    assert_ne!(nonce_of(&assert_security_headers(&again, false)), nonce);

    // Behind HTTPS, browsers are told to stay on it.
    let secure = TestApp::with_config(
        Backend::Sqlite,
        app::backend::Config {
            secure_cookies: true,
            ..Default::default()
        },
    )
    .await;
    let res = c.get(secure.url("/healthz")).send().await.unwrap();
    assert_security_headers(&res, true);
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

/// Registers a new resident from `forwarded_for`; the status.
async fn register_from(app: &TestApp, forwarded_for: &str, n: u32) -> StatusCode {
    app.client()
        .post(app.url("/api/register"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("phone", format!("1390000{n:04}").as_str()),
            ("password", "longenough1"),
            ("name", "居民"),
            ("consent", "true"),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    // Registrations are limited to 10 an hour per address.
    let limit = 10;

    // Behind a trusted proxy (the test client on 127.0.0.1 plays it), two
    // clients have a limit each.
    let behind_proxy = TestApp::with_config(
        Backend::Sqlite,
        app::backend::Config {
            trusted_proxies: app::backend::request::TrustedProxies::parse("127.0.0.1").unwrap(),
            ..Default::default()
        },
    )
    .await;
    for n in 0..limit {
        assert_eq!(
            register_from(&behind_proxy, "203.0.113.1", n).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        register_from(&behind_proxy, "203.0.113.1", limit).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A client cannot pick its own key by writing the header itself: the
    // proxy's entry, right-most, is the one that counts.
    assert_eq!(
        register_from(&behind_proxy, "198.51.100.7, 203.0.113.1", limit + 1).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        register_from(&behind_proxy, "203.0.113.2", limit + 2).await,
        StatusCode::OK,
        "another client behind the same proxy"
    );

    // Without trusted proxies the header is anyone's to write, so ignored.
    let direct = TestApp::empty(Backend::Sqlite).await;
    for n in 0..limit {
        assert_eq!(
            register_from(&direct, &format!("203.0.113.{n}"), n).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        register_from(&direct, "203.0.113.99", limit).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a forged header does not buy a new limit"
    );
}

/// Every REST route refuses in one shape, a stable code and the message in
/// both languages; server functions keep sending the `AppError` their
/// client decodes.
async fn rest_routes_refuse_in_one_shape(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let stranger = app.client();
    for path in [
        "/api/v1/audit.csv",
        "/api/v1/stream",
        "/api/v1/units/1/ledger.csv",
    ] {
        let res = stranger.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body,
            json!({"code": "not_signed_in", "message": "请先登录。", "message_en": "Please sign in first."}),
            "{path}"
        );
    }
    let res = stranger
        .post(app.url("/api/v1/cases/1/photos"))
        .body(vec![0xFFu8; 16])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "not_signed_in");

    let (s, body) = app.get_json("/api/v1/photos/abc").await;
    assert_eq!(
        (s, &body["code"]),
        (StatusCode::NOT_FOUND, &json!("not_found"))
    );
    let (s, body) = app.get_json("/api/v1/wishes.json?kind=bogus").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        (&body["code"], &body["field"], &body["problem"]),
        (&json!("invalid_input"), &json!("query"), &json!("unknown"))
    );
    let (s, body) = app.get_json("/api/v1/audit.csv?since=yesterday").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");

    // A server function: the variant itself.
    let (s, body) = app.call(&stranger, "my_notices", &[]).await;
    assert_eq!(
        (s, body),
        (StatusCode::UNAUTHORIZED, json!({"code": "not_signed_in"}))
    );

    // A cross-site write, refused by the layer in each caller's encoding.
    let evil = |path: &str| {
        stranger
            .post(app.url(path))
            .header("origin", "https://evil.example")
            .body("x")
            .send()
    };
    let res = evil("/api/v1/cases/1/photos").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "forbidden");
    let res = evil("/api/login").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"code": "forbidden"})
    );
}

/// A database failure while reading the session answers "busy" (503, come
/// back in 5 s): it never passes for "signed out". A page still renders,
/// signed out.
async fn an_unreadable_session_is_busy_not_signed_out(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let res = resident
        .get(app.url("/api/v1/audit.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "read, and not allowed");

    app.state
        .db
        .execute_unprepared("ALTER TABLE sessions RENAME TO sessions_away")
        .await
        .unwrap();
    // The session kept from the request above (`backend::sessions`) would
    // answer for a few seconds more; the database is what is tried here.
    app.state.sessions.forget_all();
    for path in [
        "/api/v1/audit.csv",
        "/api/v1/stream",
        "/api/v1/photos/1",
        "/api/v1/wish-photos/1",
        "/api/v1/units/1/ledger.csv",
    ] {
        let res = resident.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(res.headers()["retry-after"], "5", "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "busy", "{path}: {body}");
        assert_eq!(body["retry_after_secs"], 5, "{path}: {body}");
    }
    // Without a cookie no session is read: open data still answers.
    let (s, _) = app.get_json("/api/v1/board.json").await;
    assert_eq!(s, StatusCode::OK);
    let res = resident.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the page renders signed out");
}

on_both_backends!(
    rest_routes_refuse_in_one_shape,
    an_unreadable_session_is_busy_not_signed_out,
);
