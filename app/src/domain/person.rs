//! Personal input: mobile numbers, passwords, display names.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use validator::{Validate, ValidationError};

/// A mainland China mobile number: 11 digits starting 13–19.
pub fn is_mobile_number(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

// validator stays out of the browser bundle (it pulls in regex and idna); the
// browser only needs the plain rules above.
#[cfg(feature = "ssr")]
fn validate_mobile(s: &str) -> Result<(), ValidationError> {
    if is_mobile_number(s) {
        Ok(())
    } else {
        Err(ValidationError::new("mobile"))
    }
}

/// What a resident types to register (居民注册).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(Validate))]
pub struct Registration {
    #[cfg_attr(feature = "ssr", validate(custom(function = "validate_mobile")))]
    pub phone: String,
    #[cfg_attr(
        feature = "ssr",
        validate(length(min = 8, max = 64, code = "password_length"))
    )]
    pub password: String,
    #[cfg_attr(
        feature = "ssr",
        validate(length(min = 1, max = 30, code = "name_length"))
    )]
    pub name: String,
}

impl Registration {
    pub fn new(phone: &str, password: &str, name: &str) -> Self {
        Registration {
            phone: phone.trim().to_string(),
            password: password.to_string(),
            name: name.trim().to_string(),
        }
    }
}

/// Masks a phone number for places that must not show it whole: 138****0001.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "****".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "ssr")]
    use validator::Validate;

    #[test]
    fn mobile_numbers() {
        assert!(is_mobile_number("13800000001"));
        assert!(is_mobile_number("19912345678"));
        assert!(!is_mobile_number("12800000001"));
        assert!(!is_mobile_number("1380000000"));
        assert!(!is_mobile_number("1380000000a"));
        assert!(!is_mobile_number("+8613800000001"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn registration_is_validated_field_by_field() {
        assert!(Registration::new("13800000009", "longenough", "张三")
            .validate()
            .is_ok());
        let e = Registration::new("123", "short", "")
            .validate()
            .unwrap_err();
        let fields: Vec<_> = e.field_errors().keys().map(|k| k.to_string()).collect();
        for f in ["phone", "password", "name"] {
            assert!(
                fields.contains(&f.to_string()),
                "{f} not flagged: {fields:?}"
            );
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn name_length_counts_characters_not_bytes() {
        // 30 Chinese characters are 90 bytes but a valid name.
        let name = "网".repeat(30);
        assert!(Registration::new("13800000009", "longenough", &name)
            .validate()
            .is_ok());
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13800000001"), "138****0001");
        assert_eq!(mask_phone("x"), "****");
    }
}
