//! Domain rules in plain Rust: no IO, compiled for the server and the browser.

/// The stored name, the parse and the Chinese/English label of a plain enum,
/// from one table: `names!(Type { Variant => "stored", "中文", "English"; … })`.
macro_rules! names {
    ($t:ty { $($v:ident => $s:literal, $zh:literal, $en:literal;)* }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
            pub const fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<$t> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
            pub fn label(self, lang: $crate::domain::lang::Lang) -> &'static str {
                match self { $(<$t>::$v => lang.pick($zh, $en)),* }
            }
        }
    };
}

/// Serde for plain enums through their `as_str`/`parse` table — the stored
/// name, which is also the snake_case name serde's derive would send. The
/// derived decoder is a string match of its own for every JSON reader the
/// browser carries, and these enums ride in answers every page decodes
/// (the session's roles, cases' states): one table keeps the first
/// download smaller. `wire_names_are_snake_case` checks the tables.
macro_rules! serde_as_str {
    ($($t:ty),* $(,)?) => { $(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <String as serde::Deserialize>::deserialize(d)?;
                <$t>::parse(&name).ok_or_else(|| serde::de::Error::unknown_variant(&name, &[]))
            }
        }
    )* };
}

pub mod activity;
pub mod alarm;
pub mod alliance;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod boundary;
pub mod case;
pub mod code;
pub mod deadline;
pub mod error;
pub mod exchange;
pub mod export;
pub mod geography;
pub mod home;
pub mod household;
pub mod lang;
pub mod lists;
pub mod meeting;
pub mod notice;
pub mod open311;
pub mod patrol;
pub mod person;
pub mod policy;
pub mod sharing;
pub mod staff;
pub mod topic;
pub mod unit;
pub mod whistle;
pub mod wish;

/// Rows in one page of a keyset-paged list (the board, the wall, the queues):
/// the server cuts pages at it, the browser offers "more" when a page is full.
pub const PAGE: u64 = 20;

serde_as_str!(
    auth::Role,
    geography::Level,
    case::CaseStatus,
    case::DispatchLevel,
    case::CaseSource,
);

#[cfg(test)]
mod wire_tests {
    use super::{
        auth::Role, case::CaseSource, case::CaseStatus, case::DispatchLevel, geography::Level,
    };

    /// What serde's `rename_all = "snake_case"` made of a variant's name.
    fn snake(debug: String) -> String {
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    fn round_trip<T>(all: &[T])
    where
        T: Copy + std::fmt::Debug + PartialEq + serde::Serialize + serde::de::DeserializeOwned,
    {
        for v in all {
            let text = serde_json::to_string(v).unwrap();
            assert_eq!(
                text,
                format!("\"{}\"", snake(format!("{v:?}"))),
                "the wire name is unchanged"
            );
            assert_eq!(serde_json::from_str::<T>(&text).unwrap(), *v);
            assert_eq!(serde_json::from_slice::<T>(text.as_bytes()).unwrap(), *v);
        }
        assert!(serde_json::from_str::<T>("\"no_such_thing\"").is_err());
    }

    #[test]
    fn wire_names_are_snake_case() {
        round_trip(&Role::ALL);
        round_trip(&Level::ALL);
        round_trip(&CaseStatus::ALL);
        round_trip(&DispatchLevel::ALL);
        round_trip(&[
            CaseSource::Resident,
            CaseSource::Patrol,
            CaseSource::Hotline,
            CaseSource::Open311,
        ]);
    }
}
