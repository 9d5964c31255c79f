//! What a server function needs from the request it serves: the state, the
//! caller, their address and language; and what it sets on the response.
//!
//! Every server function is one call of [`signed_in`], [`guest`] or
//! [`open`]: the helper finds the state and the caller, runs the body, and
//! gives a failure its HTTP status.

use super::services::auth::{self, Viewer};
use super::state::AppState;
use crate::domain::error::AppError;
use crate::domain::lang::Lang;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::future::Future;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// The path of the page being rendered ("/" outside a request).
pub fn path() -> String {
    use_context::<Parts>()
        .map(|p| p.uri.path().to_string())
        .unwrap_or_else(|| "/".into())
}

/// Where this app is reached, and whether that was configured:
/// `GRIDLINK_PUBLIC_URL`; else, behind a trusted proxy, the host and scheme
/// it forwarded; else this request's `Host` (or HTTP/2 authority). Only a
/// plain host[:port] is taken from a request.
pub fn public_base(state: &AppState) -> (String, bool) {
    base_of(state, use_context::<Parts>().as_ref())
}

/// [`public_base`] for a request's parts outside a server function (the
/// REST handlers), or none.
pub fn base_of(state: &AppState, parts: Option<&Parts>) -> (String, bool) {
    if let Some(u) = state.config.public_url.as_deref().filter(|u| !u.is_empty()) {
        return (u.to_string(), true);
    }
    let plain = |h: &str| {
        !h.is_empty()
            && h.len() <= 255
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    };
    let header = |p: &Parts, name: &str| {
        p.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or_default().trim().to_string())
    };
    let proxied = parts.is_some_and(|p| {
        p.extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .is_some_and(|c| state.config.trusted_proxies.contains(c.0.ip()))
    });
    let forwarded = |name| parts.filter(|_| proxied).and_then(|p| header(p, name));
    let host = forwarded("x-forwarded-host")
        .or_else(|| parts.and_then(|p| header(p, "host")))
        .or_else(|| parts.and_then(|p| p.uri.authority().map(|a| a.to_string())))
        .filter(|h| plain(h))
        .unwrap_or_else(|| "localhost:3000".into());
    let scheme = match forwarded("x-forwarded-proto").as_deref() {
        Some("https") => "https",
        Some("http") => "http",
        _ if state.config.secure_cookies => "https",
        _ => "http",
    };
    (format!("{scheme}://{host}"), false)
}

fn cookie_header() -> String {
    use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

pub fn session_token() -> Option<String> {
    auth::token_from_cookies(&cookie_header()).map(str::to_string)
}

pub fn lang() -> Lang {
    Lang::from_cookie_header(&cookie_header())
}

/// The signed-in caller, if any.
async fn viewer(state: &AppState) -> Result<Option<Viewer>, AppError> {
    match session_token() {
        Some(t) => Ok(auth::viewer(state, &t).await?.map(|mut v| {
            v.client = client_addr();
            v
        })),
        None => Ok(None),
    }
}

/// The client's address, the key for rate limits (see [`client_addr_of`]).
pub fn client_addr() -> String {
    match (use_context::<Parts>(), use_context::<AppState>()) {
        (Some(parts), Some(state)) => client_addr_of(&parts, &state.config.trusted_proxies),
        (Some(parts), None) => client_addr_of(&parts, &TrustedProxies::default()),
        (None, _) => "unknown".into(),
    }
}

/// The client's address of a request, the key for rate limits: the peer,
/// or behind a trusted proxy the address it forwarded (see [`client_ip`]).
/// IPv6 clients are keyed by their /64, which one subscriber usually holds
/// whole.
pub fn client_addr_of(parts: &Parts, trusted: &TrustedProxies) -> String {
    match client_ip_of(parts, trusted) {
        Some(ip) => rate_key(ip),
        None => "unknown".into(),
    }
}

/// The client's IP address of a request; `None` when the connection's
/// address is unknown (a request built in a test without one).
pub fn client_ip_of(parts: &Parts, trusted: &TrustedProxies) -> Option<std::net::IpAddr> {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?
        .0
        .ip();
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    Some(client_ip(peer, forwarded, trusted))
}

/// The rate-limit key of an address: itself for IPv4, its /64 for IPv6.
pub fn rate_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        ip => ip.to_string(),
    }
}

/// Reverse proxies whose `X-Forwarded-For` is believed
/// (`GRIDLINK_TRUSTED_PROXIES`: addresses or CIDR blocks, comma-separated).
/// Empty by default: then the header is ignored, since anyone can send it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(std::net::IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `10.0.0.1, 10.1.0.0/16, fd00::/8`; refuses the whole list
    /// for one bad entry, so a typo cannot silently trust nobody.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, prefix) = match entry.split_once('/') {
                Some((a, p)) => (a.trim(), Some(p.trim())),
                None => (entry, None),
            };
            let ip: std::net::IpAddr = addr
                .parse()
                .map_err(|_| format!("\"{entry}\" is not an IP address or CIDR block"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match prefix {
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("\"{entry}\" has a bad prefix length"))?,
                None => max,
            };
            // A single IPv4-mapped IPv6 address means the IPv4 one.
            let ip = if prefix.is_none() {
                ip.to_canonical()
            } else {
                ip
            };
            let bits = if prefix.is_none() && ip.is_ipv4() {
                32
            } else {
                bits
            };
            nets.push((ip, bits));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        let ip = ip.to_canonical();
        self.0.iter().any(|(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                u32::from(*n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                u128::from(*n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }
}

/// One `X-Forwarded-For` entry: an address, sometimes with a port.
fn forwarded_ip(hop: &str) -> Option<std::net::IpAddr> {
    let hop = hop.trim();
    hop.parse::<std::net::IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// Who sent a request. The peer unless it is a trusted proxy; then the
/// right-most `X-Forwarded-For` address that is not itself a trusted proxy
/// (each proxy appends the address it heard from, so entries left of the
/// first untrusted one are whatever the client chose to write). An
/// unreadable entry stops the walk at the last address a trusted proxy
/// vouched for, which keeps such requests in their proxy's bucket.
pub fn client_ip<'a>(
    peer: std::net::IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &TrustedProxies,
) -> std::net::IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    // Several headers count as one list, in order.
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = forwarded_ip(hop) else { break };
        client = ip;
        if !trusted.contains(ip) {
            break;
        }
    }
    client
}

pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// Whether this call is a plain HTML form post (the page's WebAssembly had not
/// loaded): the browser then shows whatever comes back, so it needs a page.
fn plain_form() -> bool {
    use_context::<Parts>().is_some_and(|p| {
        p.headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Answers a plain form post (progressive sign-in and registration) with a page:
/// `to` after success; the form's own page `form` after a failure, with the
/// error in `?error=` for the page to word and `next` kept. Calls from the app
/// itself get their JSON as always.
pub fn answer_plain_form<T>(result: &Result<T, AppError>, to: &str, form: &str, next: &str) {
    if !plain_form() {
        return;
    }
    use leptos_router::location::Url;
    let location = match result {
        Ok(_) => to.to_string(),
        Err(e) => format!(
            "{form}?next={}&error={}",
            Url::escape(next),
            Url::escape(&serde_json::to_string(e).unwrap_or_default())
        ),
    };
    leptos_axum::redirect(&location);
}

/// Gives a failed call the HTTP status that matches its error.
pub fn set_status(e: &AppError) {
    if let (Some(res), Ok(code)) = (
        use_context::<ResponseOptions>(),
        StatusCode::from_u16(e.status()),
    ) {
        res.set_status(code);
    }
}

/// Runs a server function body; a failure also sets the HTTP status.
async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(e) = &result {
        set_status(e);
    }
    result
}

/// Runs a server function for a signed-in caller (`NotSignedIn` without
/// one): `request::signed_in(|state, viewer| async move { … }).await`.
pub async fn signed_in<T, Fut>(body: impl FnOnce(AppState, Viewer) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    respond(async {
        let state = state()?;
        let viewer = viewer(&state).await?.ok_or(AppError::NotSignedIn)?;
        body(state, viewer).await
    })
    .await
}

/// Runs a server function open to everyone that still treats a signed-in
/// caller as themselves (more to read, their own records).
pub async fn guest<T, Fut>(
    body: impl FnOnce(AppState, Option<Viewer>) -> Fut,
) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    respond(async {
        let state = state()?;
        let viewer = viewer(&state).await?;
        body(state, viewer).await
    })
    .await
}

/// Runs a server function that does not ask who is calling (public data,
/// sign-in itself).
pub async fn open<T, Fut>(body: impl FnOnce(AppState) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    respond(async { body(state()?).await }).await
}

/// The signed-in user of a page request, put in the request's extensions by
/// the server's middleware before rendering.
#[derive(Clone, Debug, Default)]
pub struct PageUser(pub Option<crate::domain::staff::CurrentUser>);

/// The user the page being rendered is for (see [`PageUser`]).
pub fn page_user() -> Option<crate::domain::staff::CurrentUser> {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<PageUser>().cloned())
        .and_then(|s| s.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn trusted_proxies_parse_addresses_and_blocks() {
        let t = proxies(" 10.0.0.1, 172.16.0.0/12 ,fd00::/8,, ::ffff:192.0.2.7");
        assert!(t.contains(ip("10.0.0.1")));
        assert!(!t.contains(ip("10.0.0.2")));
        assert!(t.contains(ip("172.31.255.255")));
        assert!(!t.contains(ip("172.32.0.1")));
        assert!(t.contains(ip("fd12:3456::1")));
        assert!(!t.contains(ip("2001:db8::1")));
        assert!(
            t.contains(ip("192.0.2.7")),
            "a mapped address means the IPv4 one"
        );
        assert!(t.contains(ip("::ffff:10.0.0.1")), "and a mapped peer too");
        assert!(proxies("0.0.0.0/0").contains(ip("203.0.113.9")));
        assert!(proxies("").is_empty());
        assert!(TrustedProxies::parse("10.0.0.1, nonsense").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("fd00::/129").is_err());
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let peer = ip("198.51.100.20");
        assert_eq!(
            client_ip(peer, ["1.2.3.4"], &TrustedProxies::default()),
            peer
        );
        assert_eq!(client_ip(peer, ["1.2.3.4"], &proxies("10.0.0.0/8")), peer);
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let t = proxies("10.0.0.1");
        let proxy = ip("10.0.0.1");
        assert_eq!(client_ip(proxy, ["203.0.113.5"], &t), ip("203.0.113.5"));
        // A client writing its own header cannot choose its key: the proxy
        // appends the address it really heard from, right-most.
        assert_eq!(
            client_ip(proxy, ["6.6.6.6, 203.0.113.5"], &t),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_ip(proxy, ["203.0.113.5:51234"], &t),
            ip("203.0.113.5"),
            "some proxies add the port"
        );
        assert_eq!(
            client_ip(proxy, ["[2001:db8::7]:443"], &t),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_ip(proxy, Vec::<&str>::new(), &t),
            proxy,
            "no header: the proxy itself"
        );
        assert_eq!(
            client_ip(proxy, ["garbage"], &t),
            proxy,
            "unreadable: kept in the proxy's bucket"
        );
    }

    #[test]
    fn a_chain_of_proxies_is_walked_from_the_right() {
        let t = proxies("10.0.0.0/8");
        let edge = ip("10.0.0.1");
        // client → 10.9.9.9 (CDN, trusted) → 10.0.0.1 (ours) → us
        assert_eq!(
            client_ip(edge, ["6.6.6.6, 203.0.113.5, 10.9.9.9"], &t),
            ip("203.0.113.5")
        );
        // The same list split over two headers.
        assert_eq!(
            client_ip(edge, ["6.6.6.6, 203.0.113.5", "10.9.9.9"], &t),
            ip("203.0.113.5")
        );
        // Only proxies: the left-most one is as far as anyone vouches.
        assert_eq!(client_ip(edge, ["10.1.1.1, 10.2.2.2"], &t), ip("10.1.1.1"));
        // Garbage behind a trusted hop stops at that hop.
        assert_eq!(
            client_ip(edge, ["203.0.113.5, x, 10.2.2.2"], &t),
            ip("10.2.2.2")
        );
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        assert_eq!(rate_key(ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
        assert_eq!(rate_key(ip("203.0.113.5")), "203.0.113.5");
        let t = proxies("10.0.0.1");
        assert_eq!(
            rate_key(client_ip(ip("10.0.0.1"), ["2001:db8:1:2::9"], &t)),
            "2001:db8:1:2::/64"
        );
    }

    #[test]
    fn the_address_is_read_from_the_request() {
        use axum::extract::ConnectInfo;
        use std::net::SocketAddr;
        let (mut parts, _) = axum::http::Request::builder()
            .header("x-forwarded-for", "203.0.113.5")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(client_addr_of(&parts, &proxies("10.0.0.1")), "unknown");
        parts
            .extensions
            .insert(ConnectInfo("10.0.0.1:4000".parse::<SocketAddr>().unwrap()));
        assert_eq!(client_addr_of(&parts, &proxies("10.0.0.1")), "203.0.113.5");
        assert_eq!(
            client_addr_of(&parts, &TrustedProxies::default()),
            "10.0.0.1"
        );
    }
}
