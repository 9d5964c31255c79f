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
pub mod export;
pub mod geography;
pub mod home;
pub mod household;
pub mod lang;
pub mod lists;
pub mod notice;
pub mod patrol;
pub mod person;
pub mod policy;
pub mod staff;
pub mod topic;
pub mod unit;
pub mod whistle;
pub mod wish;

/// Rows in one page of a keyset-paged list (the board, the wall, the queues):
/// the server cuts pages at it, the browser offers "more" when a page is full.
pub const PAGE: u64 = 20;
