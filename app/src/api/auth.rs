use crate::domain::error::AppError;
use crate::domain::staff::CurrentUser;
use leptos::prelude::*;

/// A resident registers (居民注册) and is signed in. `consent` is the
/// privacy-notice checkbox: without `consent=true` nothing is stored.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    phone: String,
    password: String,
    name: String,
    // An unticked checkbox sends nothing at all.
    #[server(default)] consent: bool,
    // The page that asked for an account (`?next=`), kept through the form.
    #[server(default)] next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::backend::{request, services::auth};
    use crate::domain::person::Registration;
    let to = crate::domain::auth::safe_next(next.as_deref());
    let result = request::open(|state| async move {
        let (viewer, token) = auth::register(
            &state,
            Registration::new(&phone, &password, &name).with_consent(consent),
            &request::client_addr(),
        )
        .await?;
        request::set_cookie(&auth::session_cookie(
            Some(&token),
            state.config.secure_cookies,
        ));
        Ok(viewer.public(&state.atlas()))
    })
    .await;
    request::answer_plain_form(&result, &to, "/register", &to);
    result
}

/// Signs in with mobile number and password.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    phone: String,
    password: String,
    // The page that asked for a sign-in (`?next=`), kept through the form.
    #[server(default)] next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::backend::{request, services::auth};
    let to = crate::domain::auth::safe_next(next.as_deref());
    let result = request::open(|state| async move {
        let (viewer, token) =
            auth::login(&state, &phone, &password, &request::client_addr()).await?;
        request::set_cookie(&auth::session_cookie(
            Some(&token),
            state.config.secure_cookies,
        ));
        Ok(viewer.public(&state.atlas()))
    })
    .await;
    request::answer_plain_form(&result, &to, "/login", &to);
    result
}

/// Ends the session on the server and clears the cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::backend::{request, services::auth};
    request::open(|state| async move {
        if let Some(token) = request::session_token() {
            auth::logout(&state, &token).await?;
        }
        request::set_cookie(&auth::session_cookie(None, state.config.secure_cookies));
        Ok(())
    })
    .await
}

/// The signed-in user, or none.
#[server(prefix = "/api", endpoint = "session_user")]
pub async fn session_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::backend::request;
    request::guest(|state, viewer| async move { Ok(viewer.map(|v| v.public(&state.atlas()))) })
        .await
}
