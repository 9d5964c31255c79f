//! `GET /api/v1/export-jobs/{id}/file`: a finished export of the caller's
//! (`services::exports`), streamed from its file a chunk at a time.

use crate::caller::SignedIn;
use crate::extract::ApiPath;
use app::backend::AppState;
use app::domain::error::AppError;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn export_file(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    SignedIn(viewer): SignedIn,
) -> Result<Response, AppError> {
    use tokio::io::AsyncReadExt;
    let job = app::backend::services::exports::ready(&state, &viewer, &id)?;
    let file = tokio::fs::File::open(&job.path)
        .await
        .map_err(|e| app::backend::services::internal(e))?;
    use futures::StreamExt;
    // Fused: the compression layer polls once more after the end.
    let chunks = futures::stream::unfold(file, |mut f| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    })
    .fuse();
    // RFC 5987: the Chinese file name for browsers, an ASCII one for the rest.
    let name = job.file_name();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    // No Content-Length: the compression layer may shrink the body on its way.
    Ok((
        [
            (header::CONTENT_TYPE, job.format.mime().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"export.{}\"; filename*=UTF-8''{encoded}",
                    job.format.extension()
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        axum::body::Body::from_stream(chunks),
    )
        .into_response())
}
