//! Region codes (统一编码): every district, street, community and grid has one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A unique code: 2–40 characters of ASCII letters, digits, `-` or `_`,
/// starting with a letter or digit. Stored upper-case so that `jn-01` and
/// `JN-01` cannot both exist.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    Empty,
    TooLong,
    BadCharacter,
}

impl RegionCode {
    pub const MAX_LEN: usize = 40;

    pub fn parse(raw: &str) -> Result<Self, CodeProblem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(CodeProblem::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(CodeProblem::TooLong);
        }
        let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !first_ok || !rest_ok {
            return Err(CodeProblem::BadCharacter);
        }
        Ok(RegionCode(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegionCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value).map_err(|p| format!("{p:?}"))
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_trimmed_and_upper_cased() {
        assert_eq!(
            RegionCode::parse(" jn-sz_01 ").unwrap().as_str(),
            "JN-SZ_01"
        );
    }

    #[test]
    fn bad_codes_are_refused_with_their_reason() {
        assert_eq!(RegionCode::parse("  "), Err(CodeProblem::Empty));
        assert_eq!(RegionCode::parse("-A1"), Err(CodeProblem::BadCharacter));
        assert_eq!(RegionCode::parse("网格1"), Err(CodeProblem::BadCharacter));
        assert_eq!(RegionCode::parse("A B"), Err(CodeProblem::BadCharacter));
        assert_eq!(
            RegionCode::parse(&"A".repeat(41)),
            Err(CodeProblem::TooLong)
        );
        assert!(RegionCode::parse(&"A".repeat(40)).is_ok());
    }
}
