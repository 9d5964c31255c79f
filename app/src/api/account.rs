//! The signed-in person's own account: password, data, deletion.

use crate::domain::error::AppError;
use crate::domain::person::PersonalData;
use leptos::prelude::*;

/// Changes the caller's password (修改密码). Needs the current one; every
/// other session of theirs ends, this one stays. Audited.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    use crate::backend::{request, services::auth};
    request::signed_in(|state, viewer| async move {
        let token = request::session_token();
        auth::change_password(&state, &viewer, token.as_deref(), &current, new_password).await
    })
    .await
}

/// `GET /api/my_data`: everything kept about the caller as one JSON file
/// (个人信息下载): profile, roles, their cases with the timeline they see,
/// wishes, claims, notifications, credits, sign-ups. A plain link saves it
/// (`Content-Disposition: attachment`). Audited.
#[server(prefix = "/api", endpoint = "my_data", input = server_fn::codec::GetUrl)]
pub async fn my_data() -> Result<PersonalData, AppError> {
    use crate::backend::{request, services::auth};
    use axum::http::{header, HeaderValue};
    request::signed_in(|state, viewer| async move {
        let data = auth::my_data(&state, &viewer).await?;
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.insert_header(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"gridlink-my-data.json\""),
            );
            // Personal data: never kept by a browser or proxy cache.
            res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Ok(data)
    })
    .await
}

/// Deletes the caller's account (注销账号) after they type their password:
/// sessions and roles end, name and number are erased, reported cases stay
/// without them. The cookie is cleared. Audited.
#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    use crate::backend::{request, services::auth};
    request::signed_in(|state, viewer| async move {
        auth::delete_account(&state, &viewer, &password).await?;
        request::set_cookie(&auth::session_cookie(None, state.config.secure_cookies));
        Ok(())
    })
    .await
}
