//! The photo pipeline shared by cases and wishes: checked, re-encoded
//! without EXIF, thumbnailed, stored; nothing kept when a step fails.

use super::internal;
use crate::backend::photo::{self, PhotoProblem};
use crate::backend::state::AppState;
use crate::domain::error::{AppError, Field, InputProblem};

/// A processed photo in the blob store.
pub struct Stored {
    pub key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
}

/// Processes `bytes` and stores the photo and its thumbnail under `prefix`.
pub async fn store(state: &AppState, prefix: &str, bytes: Vec<u8>) -> Result<Stored, AppError> {
    let processed = tokio::task::spawn_blocking(move || photo::process(&bytes))
        .await
        .map_err(internal)?
        .map_err(|p| match p {
            PhotoProblem::TooLarge => AppError::invalid(Field::Photo, InputProblem::TooLarge),
            PhotoProblem::NotImage => AppError::invalid(Field::Photo, InputProblem::NotImage),
        })?;
    let name: String = (0..16)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let key = format!("{prefix}/{name}.jpg");
    let thumb_key = format!("{prefix}/{name}_t.jpg");
    state
        .blobs
        .put(&key, &processed.full)
        .await
        .map_err(internal)?;
    if let Err(e) = state.blobs.put(&thumb_key, &processed.thumb).await {
        state.blobs.delete(&key).await;
        return Err(internal(e));
    }
    Ok(Stored {
        key,
        thumb_key,
        width: processed.width as i32,
        height: processed.height as i32,
        bytes: processed.full.len() as i64,
    })
}

/// Removes a stored photo whose record could not be written.
pub async fn discard(state: &AppState, s: &Stored) {
    state.blobs.delete(&s.key).await;
    state.blobs.delete(&s.thumb_key).await;
}
