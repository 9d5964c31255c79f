//! Text messages to staff phones (issue 10): "the next person who must act"
//! hears of it even with the app closed. One interface, the gateway chosen by
//! configuration (`GRIDLINK_SMS`):
//!
//! - `log` (the default): nothing leaves the server; the server log says what
//!   would have been sent (phone masked) and the audit trail records it.
//!
//! A real gateway is one more [`SmsGateway`] here (an HTTP call to the
//! provider with its key from the environment) and one more arm in
//! [`SmsConfig::parse`] and [`gateway`]; README "Text messages" says the same.
//! Whatever the gateway, every message is also written to the audit trail.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// One message to one person.
#[derive(Clone, Debug, PartialEq)]
pub struct Sms {
    pub to_user: i64,
    pub phone: String,
    pub text: String,
}

pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Something that delivers text messages.
pub trait SmsGateway: Send + Sync {
    /// The name the audit trail records ("log", or the provider's).
    fn name(&self) -> &'static str;
    fn send<'a>(&'a self, sms: &'a Sms) -> Sending<'a>;
}

/// Which gateway the configuration names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SmsConfig {
    #[default]
    Log,
}

impl SmsConfig {
    pub fn parse(v: &str) -> Result<SmsConfig, String> {
        match v.trim() {
            "" | "log" => Ok(SmsConfig::Log),
            other => Err(format!("unknown SMS gateway {other:?} (known: log)")),
        }
    }
}

pub fn gateway(config: SmsConfig) -> Arc<dyn SmsGateway> {
    match config {
        SmsConfig::Log => Arc::new(LogOnly),
    }
}

/// The default: writes what would be sent to the server log.
pub struct LogOnly;

impl SmsGateway for LogOnly {
    fn name(&self) -> &'static str {
        "log"
    }

    fn send<'a>(&'a self, sms: &'a Sms) -> Sending<'a> {
        Box::pin(async move {
            tracing::info!(
                user = sms.to_user,
                phone = %masked(&sms.phone),
                text = %sms.text,
                "SMS (log only: no gateway configured)"
            );
            Ok(())
        })
    }
}

/// A phone number as logs may carry it: 138****0005.
pub fn masked(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!(
        "{}{}{}",
        head.iter().collect::<String>(),
        "*".repeat(chars.len() - 7),
        tail.iter().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_never_carry_a_whole_number() {
        assert_eq!(masked("13800000005"), "138****0005");
        assert_eq!(masked("123"), "***");
    }

    #[test]
    fn the_configuration_names_a_known_gateway() {
        assert_eq!(SmsConfig::parse(""), Ok(SmsConfig::Log));
        assert_eq!(SmsConfig::parse("log"), Ok(SmsConfig::Log));
        assert!(SmsConfig::parse("aliyun").is_err());
    }
}
