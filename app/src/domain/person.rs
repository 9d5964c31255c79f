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
    /// The person ticked "I have read and accept the privacy notice"
    /// (个人信息保护法 asks for consent before we keep anything). Older
    /// clients that never send it are refused, not assumed to agree.
    #[serde(default)]
    pub consent: bool,
}

impl Registration {
    /// The fields as typed; consent is not given until [`with_consent`].
    ///
    /// [`with_consent`]: Registration::with_consent
    pub fn new(phone: &str, password: &str, name: &str) -> Self {
        Registration {
            phone: phone.trim().to_string(),
            password: password.to_string(),
            name: name.trim().to_string(),
            consent: false,
        }
    }

    pub fn with_consent(mut self, consent: bool) -> Self {
        self.consent = consent;
        self
    }
}

/// The password rule for every new password (registration, staff accounts,
/// `create-admin`, a change): the same length limits as [`Registration`].
pub fn password_length_ok(password: &str) -> bool {
    (8..=64).contains(&password.chars().count())
}

/// The name deleted accounts keep, so their cases still read sensibly.
pub const DELETED_NAME: &str = "已注销用户";

/// Everything GridLink keeps about one person, as they download it
/// (个人信息查阅、复制). Staff names in case timelines are left out: they
/// are other people's data; the timeline names roles, as the reporter sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonalData {
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub profile: Profile,
    pub grants: Vec<super::auth::Grant>,
    /// Cases they reported, with the timeline they may see.
    pub cases: Vec<OwnCase>,
    /// Cases they follow ("me too").
    pub followed_cases: Vec<i64>,
    /// Wishes they made, or that were posted for them.
    pub wishes: Vec<OwnWish>,
    /// Wishes they claimed.
    pub claims: Vec<OwnClaim>,
    pub notices: Vec<OwnNotice>,
    pub credits: Vec<OwnCredit>,
    pub activities: Vec<OwnSignup>,
    /// Their report (报到) as an in-service party member, if any.
    pub party_member: Option<OwnMembership>,
    /// 置换-分享: their posts, and their answers to others' posts (who
    /// answered theirs is the other person's data, not theirs).
    #[serde(default)]
    pub exchange_posts: Vec<OwnExchangePost>,
    #[serde(default)]
    pub exchange_answers: Vec<OwnExchangeAnswer>,
    /// Their loans from the communities' 共享小屋.
    #[serde(default)]
    pub loans: Vec<OwnLoan>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnExchangePost {
    pub id: i64,
    pub kind: super::exchange::PostKind,
    pub deal: super::exchange::Deal,
    pub thing: super::exchange::Thing,
    pub community_code: String,
    pub title: String,
    pub detail: String,
    pub status: super::exchange::PostStatus,
    pub removed_reason: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnExchangeAnswer {
    pub id: i64,
    pub post_id: i64,
    pub message: String,
    pub step: super::exchange::MatchStep,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnLoan {
    pub id: i64,
    pub item_id: i64,
    pub community_code: String,
    pub quantity: u32,
    pub borrowed_at: chrono::DateTime<chrono::Utc>,
    pub due_on: chrono::NaiveDate,
    pub returned_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub consented_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnCase {
    pub id: i64,
    pub category: String,
    pub description: String,
    pub lat: f64,
    pub lng: f64,
    pub grid_code: Option<String>,
    pub status: String,
    pub public: bool,
    pub result: Option<String>,
    pub rating: Option<i32>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub timeline: Vec<OwnCaseStep>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnCaseStep {
    pub at: chrono::DateTime<chrono::Utc>,
    /// The role that took the step (`resident`, `grid_worker`…), not a name.
    pub role: String,
    pub action: String,
    pub to_status: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnWish {
    pub id: i64,
    pub title: String,
    pub story: String,
    pub kind: String,
    pub status: String,
    pub community_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub claimed_by: Option<String>,
    pub thanks: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnClaim {
    pub wish_id: i64,
    pub title: String,
    pub status: String,
    pub claimed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub fulfil_note: Option<String>,
    pub hours: Option<f32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnNotice {
    pub kind: String,
    pub ref_id: i64,
    pub event: String,
    pub title: String,
    pub read: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnCredit {
    pub source: String,
    pub source_id: i64,
    pub title: String,
    pub points: i32,
    pub hours: f32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnSignup {
    pub activity_id: i64,
    pub title: String,
    pub status: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnMembership {
    pub unit_id: i64,
    pub community_code: String,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
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
    fn password_rule_counts_characters() {
        assert!(password_length_ok("longenough"));
        assert!(password_length_ok(&"密".repeat(64)));
        assert!(!password_length_ok("short"));
        assert!(!password_length_ok(&"x".repeat(65)));
    }

    #[test]
    fn consent_is_off_unless_sent() {
        let r: Registration = serde_json::from_str(
            r#"{"phone":"13800000009","password":"longenough","name":"张三"}"#,
        )
        .unwrap();
        assert!(!r.consent);
        assert!(
            Registration::new("13800000009", "longenough", "张三")
                .with_consent(true)
                .consent
        );
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13800000001"), "138****0001");
        assert_eq!(mask_phone("x"), "****");
    }
}
