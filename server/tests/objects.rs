//! Issue 13: photos in an S3-compatible object store (`GRIDLINK_S3_*`), the
//! one `make test` starts (moto's server, `scripts/s3.sh`), through the real
//! router on SQLite and PostgreSQL: a resident's photo is kept in the
//! bucket, not on the server's disk, and a second app server sharing the
//! database and the bucket (not the disk) serves it; a missing bucket or an
//! unreachable store is said at start-up.

mod common;

use app::backend::blob::s3::{S3Config, S3Store};
use app::backend::Config;
use app::domain::auth::Role;
use common::{phone_of, png, report_case, upload_case_photo, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

const HOME: (f64, f64) = (36.6372, 117.0135);

/// The test store's settings for `bucket` at `endpoint` (the one `make
/// test` started unless given).
fn settings(bucket: &str, endpoint: Option<&str>) -> S3Config {
    let url = endpoint.map(str::to_string).unwrap_or_else(|| {
        std::env::var("GRIDLINK_TEST_S3").expect(
            "GRIDLINK_TEST_S3 is not set: run `make test` (it starts the S3 test store) \
             or `scripts/s3.sh start` and export the URL it prints",
        )
    });
    S3Config::from_vars(|k| match k {
        "GRIDLINK_S3_ENDPOINT" => Some(url.clone()),
        "GRIDLINK_S3_BUCKET" => Some(bucket.to_string()),
        "GRIDLINK_S3_ACCESS_KEY" => Some("gridlink-test".into()),
        "GRIDLINK_S3_SECRET_KEY" => Some("gridlink-test-secret".into()),
        _ => None,
    })
    .unwrap()
    .unwrap()
}

fn scratch(what: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("gridlink-{what}-{:016x}", rand::random::<u64>()))
}

async fn photos_live_in_the_object_store(backend: Backend) {
    let bucket = format!("gl-test-{:016x}", rand::random::<u64>());
    let s3 = settings(&bucket, None);
    S3Store::new(s3.clone())
        .unwrap()
        .create_bucket()
        .await
        .unwrap();
    let disk = scratch("unused-photos");
    let config = |dir: &std::path::Path| Config {
        s3: Some(s3.clone()),
        photo_dir: Some(dir.to_path_buf()),
        ..Config::default()
    };
    let app = TestApp::with_config(backend, config(&disk)).await;
    assert!(app::backend::demo::seed_if_empty(&app.state.db, 0)
        .await
        .unwrap());
    app.state.refresh_atlas().await.unwrap();
    assert!(
        app.state.blobs.describe().await.contains(&bucket),
        "the banner names the bucket"
    );

    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, case) = report_case(&app, &resident, HOME, "楼道灯坏了，照片在对象存储", true).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    let (s, photo) = upload_case_photo(&app, &resident, &case, png(640, 480)).await;
    assert_eq!(s, StatusCode::OK, "{photo}");
    let fetch = |app: &TestApp, field: &str| {
        let url = app.url(photo[field].as_str().unwrap());
        async move {
            let res = reqwest::get(url).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.bytes().await.unwrap().to_vec()
        }
    };
    let full = fetch(&app, "url").await;
    assert!(full.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(fetch(&app, "thumb_url").await.starts_with(&[0xFF, 0xD8]));
    assert!(!disk.exists(), "nothing written to the server's own disk");

    // Another server: the same database and bucket, its own disk, on which
    // a photo kept before the switch to the bucket is still read.
    let other_disk = scratch("other-photos");
    std::fs::create_dir_all(other_disk.join("cases/old")).unwrap();
    std::fs::write(other_disk.join("cases/old/p.jpg"), b"kept before").unwrap();
    let other = TestApp::at_with(app.database_url.clone(), config(&other_disk)).await;
    assert_eq!(
        fetch(&other, "url").await,
        full,
        "served by the other server"
    );
    assert_eq!(
        other.state.blobs.get("cases/old/p.jpg").await.unwrap(),
        b"kept before"
    );
    assert!(other
        .state
        .blobs
        .describe()
        .await
        .contains("kept before it"));
    assert!(app.state.blobs.get("cases/old/p.jpg").await.is_err());

    // A photo whose object is gone: a 404 for the reader, not our error.
    let db = &app.state.db;
    let key = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT key FROM case_photos WHERE case_id = {}", case["id"]),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "key")
        .unwrap();
    app.state.blobs.delete(&key).await;
    let res = reqwest::get(app.url(photo["url"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The calls themselves: a missing key is NotFound; a deleted one too.
    let blobs = &app.state.blobs;
    blobs.put("tests/a/b.jpg", b"bytes").await.unwrap();
    assert_eq!(
        other.state.blobs.get("tests/a/b.jpg").await.unwrap(),
        b"bytes"
    );
    blobs.delete("tests/a/b.jpg").await;
    let gone = blobs.get("tests/a/b.jpg").await.unwrap_err();
    assert_eq!(gone.kind(), std::io::ErrorKind::NotFound, "{gone}");
    assert_eq!(
        blobs
            .sweep_unfinished(std::time::Duration::ZERO)
            .await
            .unwrap(),
        0
    );
}

on_both_backends!(photos_live_in_the_object_store);

/// A store that cannot be used is said at start-up, in words an operator
/// can act on.
#[tokio::test]
async fn an_unusable_store_is_said_at_start_up() {
    let missing = S3Store::new(settings("gl-test-no-such-bucket", None)).unwrap();
    let said = missing.check().await.unwrap_err();
    assert!(said.contains("does not exist"), "{said}");
    assert!(said.contains("gl-test-no-such-bucket"), "{said}");

    // Nothing listens on port 9 (discard) here: not reached.
    let nowhere = S3Store::new(settings("gl-test-x", Some("http://127.0.0.1:9"))).unwrap();
    let said = nowhere.check().await.unwrap_err();
    assert!(said.contains("not reached"), "{said}");
    assert!(said.contains("127.0.0.1:9"), "{said}");
}
