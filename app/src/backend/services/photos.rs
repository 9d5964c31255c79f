//! The photo pipeline shared by cases and wishes: checked, re-encoded
//! without EXIF, thumbnailed, stored; nothing kept when a step fails.

use super::internal;
use crate::backend::blob::PutError;
use crate::backend::photo::{self, PhotoProblem};
use crate::backend::state::AppState;
use crate::domain::error::{AppError, Field, InputProblem};

/// How long a caller turned away by a full photo queue should wait.
pub const BUSY_RETRY_SECS: u64 = 5;

/// A processed photo in the blob store.
pub struct Stored {
    pub key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
}

/// The error a user reads for a refused photo.
pub fn refusal(p: PhotoProblem) -> AppError {
    match p {
        PhotoProblem::TooLarge => AppError::invalid(Field::Photo, InputProblem::TooLarge),
        PhotoProblem::NotImage => AppError::invalid(Field::Photo, InputProblem::NotImage),
        PhotoProblem::TooManyPixels => AppError::invalid(Field::Photo, InputProblem::TooManyPixels),
        PhotoProblem::Busy => AppError::Busy {
            retry_after_secs: BUSY_RETRY_SECS,
        },
    }
}

/// Checks and re-encodes `bytes` off the async workers. The header is
/// judged first, without waiting, so a bomb is refused in milliseconds even
/// when the decoders are busy; the decode then waits for its permit, which
/// travels into the blocking task: a caller who gives up (timeout, closed
/// connection) cannot free the slot while the decode still runs.
async fn process(bytes: Vec<u8>) -> Result<photo::Processed, AppError> {
    let (bytes, header) = tokio::task::spawn_blocking(move || {
        let header = photo::inspect(&bytes);
        (bytes, header)
    })
    .await
    .map_err(|e| internal(e))?;
    let header = header.map_err(refusal)?;
    let permit = photo::decode_permit(&header, bytes.len())
        .await
        .map_err(refusal)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        photo::process(&bytes)
    })
    .await
    .map_err(|e| internal(e))?
    .map_err(refusal)
}

/// Processes `bytes` and stores the photo and its thumbnail under `prefix`.
#[tracing::instrument(skip_all)]
pub async fn store(state: &AppState, prefix: &str, bytes: Vec<u8>) -> Result<Stored, AppError> {
    let processed = process(bytes).await?;
    let name: String = (0..16)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let key = format!("{prefix}/{name}.jpg");
    let thumb_key = format!("{prefix}/{name}_t.jpg");
    state
        .blobs
        .put(&key, &processed.full)
        .await
        .map_err(|e| kept_not(e))?;
    if let Err(e) = state.blobs.put(&thumb_key, &processed.thumb).await {
        state.blobs.delete(&key).await;
        return Err(kept_not(e));
    }
    Ok(Stored {
        key,
        thumb_key,
        width: processed.width as i32,
        height: processed.height as i32,
        bytes: processed.full.len() as i64,
    })
}

/// Why a photo was not kept, as the uploader reads it: a full disk is said
/// plainly (and logged loudly: someone must make room); anything else is ours.
#[track_caller]
fn kept_not(e: PutError) -> AppError {
    match e {
        PutError::Full => {
            tracing::error!(
                "the photo store is out of space: photos are refused until there is room"
            );
            AppError::StorageFull
        }
        PutError::Io(e) => internal(e),
    }
}

/// The bytes of the stored photo under `key`. A record whose file is gone
/// (lost, or in a store that never had it) is a 404 with a warning for the
/// operator, not an error of ours on every look.
pub async fn read(state: &AppState, key: &str) -> Result<Vec<u8>, AppError> {
    match state.blobs.get(key).await {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(key, "a photo's record names a file the store does not have");
            Err(AppError::NotFound)
        }
        Err(e) => Err(internal(e)),
    }
}

/// Removes a stored photo whose record could not be written.
pub async fn discard(state: &AppState, s: &Stored) {
    state.blobs.delete(&s.key).await;
    state.blobs.delete(&s.thumb_key).await;
}
