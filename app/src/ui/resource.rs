//! Resources whose first value comes with the server's HTML, decoded in
//! the browser by the same JSON reader as server functions' answers.
//!
//! Leptos's default codec reads hydration data with `serde_json::from_str`
//! while server functions read their answers with `from_slice`: every type
//! that arrives both ways (`AppError` and its variants above all) had its
//! whole decoder built twice into the WebAssembly. [`Json`] reads the text
//! as bytes, so one decoder serves both.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// JSON written as text, read as bytes (see the module's note).
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// `Resource::new` with [`Json`]: `fetcher` runs again whenever `source`'s
/// value changes.
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Json>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}
