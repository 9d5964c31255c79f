//! 置换-分享 between people (issue 11): residents and units offer things
//! and skills to lend, give or swap, and ask for them. Someone answers a
//! post; its author agrees or declines; only once both sides have agreed
//! does each see the other's name and phone — never on the public list,
//! which names a unit but never a person. Handover (and for a loan the
//! return) is recorded. Plain Rust, for the server and the browser alike.

use super::error::{text_problem, Field, InputProblem, Problems};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TITLE: usize = 40;
pub const MAX_DETAIL: usize = 300;
pub const MAX_MESSAGE: usize = 200;
/// Open posts one person may have at once.
pub const MAX_OPEN_POSTS: u64 = 10;
/// Posts one person may make in a day (closing and posting again does not
/// get round the open limit for long).
pub const MAX_POSTS_A_DAY: u64 = 20;
/// Answers one person may have waiting or under way at once.
pub const MAX_LIVE_ANSWERS: u64 = 10;
/// Deals under way on one post at once: a thing goes to one person at a
/// time; a skill may be shared with a few. An author cannot collect the
/// phones of everyone who answers by agreeing to all of them.
pub const MAX_DEALS_ITEM: u64 = 1;
pub const MAX_DEALS_SKILL: u64 = 5;
/// Posts and answers a page lists.
pub const LISTED: u64 = 200;

/// 我有 (an offer) or 我需要 (an ask).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    Offer,
    Ask,
}

/// How the thing changes hands: 出借 (comes back), 赠送, 置换.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deal {
    Lend,
    Give,
    Swap,
}

/// 物品 or 技能.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Thing {
    Item,
    Skill,
}

/// A post is open to answers until its author closes it or the community
/// takes it down (with a reason its author sees).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostStatus {
    Open,
    Closed,
    Removed,
}

/// Where an answer stands. `Agreed` and, for a loan, `Handed` are the
/// steps under way: only then do the two sides see each other's contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStep {
    Asked,
    Agreed,
    Declined,
    Withdrawn,
    Handed,
    Returned,
}

/// What one side does to an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchAction {
    /// The author agrees: both sides may now see each other's contact.
    Agree,
    /// The author declines.
    Decline,
    /// Either side calls it off before the handover.
    Withdraw,
    /// Either side records that the thing (or the help) changed hands.
    HandOver,
    /// The lender records that a lent thing came back.
    Return,
}

macro_rules! names {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
        }
    };
}
names!(PostKind { Offer => "offer", Ask => "ask" });
names!(Deal { Lend => "lend", Give => "give", Swap => "swap" });
names!(Thing { Item => "item", Skill => "skill" });
names!(PostStatus { Open => "open", Closed => "closed", Removed => "removed" });
names!(MatchStep {
    Asked => "asked",
    Agreed => "agreed",
    Declined => "declined",
    Withdrawn => "withdrawn",
    Handed => "handed",
    Returned => "returned",
});

/// A digit as people write one: ASCII, full-width, or a Chinese numeral.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        '零' | '〇' => Some(0),
        '一' | '幺' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// Whether a run of digits (as written, separators dropped) holds a phone
/// number: a mobile (1, then 3–9, then nine more) or a landline with its
/// area code (0 and 9–11 more). Dates, prices and ranges do not.
fn holds_phone(run: &[u8]) -> bool {
    let mobile = run
        .windows(11)
        .any(|w| w[0] == 1 && (3..=9).contains(&w[1]));
    let landline = run.first() == Some(&0) && (10..=12).contains(&run.len());
    mobile || landline
}

/// Whether a text carries what looks like a phone number, however it is
/// spaced (spaces, dashes, dots, slashes, brackets, zero-width characters
/// between the digits) or written (full-width, Chinese numerals). Public
/// posts must not: the platform hands contacts over itself.
pub fn carries_phone(text: &str) -> bool {
    let mut run: Vec<u8> = Vec::new();
    for c in text.chars() {
        if let Some(d) = digit(c) {
            run.push(d);
        } else if !run.is_empty()
            && (c.is_whitespace()
                || matches!(
                    c,
                    '-' | '－'
                        | '—'
                        | '.'
                        | '．'
                        | '/'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '、'
                        | '_'
                        | '\u{200b}'
                        | '\u{200c}'
                        | '\u{200d}'
                        | '\u{2060}'
                        | '\u{feff}'
                ))
        {
            // A separator inside a number: the run goes on.
        } else {
            if holds_phone(&run) {
                return true;
            }
            run.clear();
        }
    }
    holds_phone(&run)
}

/// A new post as its author writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostForm {
    pub kind: PostKind,
    pub deal: Deal,
    pub thing: Thing,
    pub community_code: String,
    pub title: String,
    pub detail: String,
    /// Posted for the unit the author runs (its name is shown), not as a
    /// resident (nobody's name is shown).
    pub for_unit: bool,
}

impl PostForm {
    pub fn problems(&self) -> Problems {
        let mut p = Problems::new();
        if self.community_code.trim().is_empty() {
            p.push((Field::Community, InputProblem::Required));
        }
        for (field, text, max, required) in [
            (Field::Title, &self.title, MAX_TITLE, true),
            (Field::Description, &self.detail, MAX_DETAIL, false),
        ] {
            if let Some(x) = text_problem(text, max, required) {
                p.push((field, x));
            } else if carries_phone(text) {
                p.push((field, InputProblem::HasPhone));
            }
        }
        p
    }
}

/// What an answer says to the author (no contact: that comes on agreeing).
pub fn message_problem(message: &str) -> Option<InputProblem> {
    text_problem(message, MAX_MESSAGE, true)
        .or_else(|| carries_phone(message).then_some(InputProblem::HasPhone))
}

/// A post as anyone sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub id: i64,
    pub kind: PostKind,
    pub deal: Deal,
    pub thing: Thing,
    pub community_code: String,
    pub community: String,
    pub title: String,
    pub detail: String,
    /// The unit it is posted for; a resident's post names nobody.
    pub unit: Option<String>,
    pub status: PostStatus,
    /// Why the community took it down (its author and the community).
    pub removed_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The reader wrote it.
    pub mine: bool,
    /// Where the reader's own answer to it stands.
    pub answered: Option<MatchStep>,
}

/// An answer, as one of its two sides sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub id: i64,
    pub post_id: i64,
    pub post_title: String,
    pub kind: PostKind,
    pub deal: Deal,
    pub step: MatchStep,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The reader wrote the post (true) or the answer.
    pub author_side: bool,
    /// A lent thing: it comes back after the handover.
    pub comes_back: bool,
    /// What the reader may do now ([`decide`] over the reader's side).
    pub actions: Vec<MatchAction>,
    /// Both sides have agreed and the deal is under way: the reader may
    /// ask for the other side's contact.
    pub contact_ready: bool,
}

/// The other side's contact, shown once both have agreed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub unit: Option<String>,
}

/// The exchange board: one community's open posts (or every community's),
/// the reader's own posts, and the answers the reader is a side of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExchangeView {
    /// The community shown (code), none for all.
    pub community: Option<String>,
    /// Every community (code, name): to filter and to post in.
    pub communities: Vec<(String, String)>,
    pub posts: Vec<Post>,
    pub mine: Vec<Post>,
    pub matches: Vec<Match>,
    /// Communities whose posts the reader may take down (code).
    pub moderates: Vec<String>,
    /// The unit the reader runs and may post for (its name).
    pub unit: Option<String>,
}

/// The facts of one answer that every rule about it needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchFacts {
    pub author: i64,
    pub responder: i64,
    pub kind: PostKind,
    pub deal: Deal,
    pub thing: Thing,
    pub post_open: bool,
    pub step: MatchStep,
}

impl MatchFacts {
    /// Who gives the thing (or the help), and for a loan takes it back.
    pub fn lender(&self) -> i64 {
        match self.kind {
            PostKind::Offer => self.author,
            PostKind::Ask => self.responder,
        }
    }

    /// A lent thing comes back; a gift, a swap or a skill is done once
    /// handed over.
    pub fn comes_back(&self) -> bool {
        self.deal == Deal::Lend && self.thing == Thing::Item
    }

    /// Deals under way one post may have at once.
    pub fn max_deals(&self) -> u64 {
        match self.thing {
            Thing::Item => MAX_DEALS_ITEM,
            Thing::Skill => MAX_DEALS_SKILL,
        }
    }

    pub fn is_side(&self, user: i64) -> bool {
        user == self.author || user == self.responder
    }

    /// The deal is agreed and not yet done: the contacts are shown.
    pub fn under_way(&self) -> bool {
        matches!(self.step, MatchStep::Agreed)
            || (self.step == MatchStep::Handed && self.comes_back())
    }
}

/// Why a step was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of the two sides (or not the side that takes this step).
    NotYours,
    /// Not at this step now.
    WrongStep,
}

/// The one rule of an answer's steps: the step `action` leads to.
pub fn decide(user: i64, f: &MatchFacts, action: MatchAction) -> Result<MatchStep, Refusal> {
    use MatchAction as A;
    use MatchStep as S;
    if !f.is_side(user) {
        return Err(Refusal::NotYours);
    }
    let author = user == f.author;
    let (who_ok, next) = match (action, f.step) {
        (A::Agree, S::Asked) if f.post_open => (author, S::Agreed),
        (A::Decline, S::Asked) => (author, S::Declined),
        (A::Withdraw, S::Asked) => (!author, S::Withdrawn),
        (A::Withdraw, S::Agreed) => (true, S::Withdrawn),
        (A::HandOver, S::Agreed) => (
            true,
            if f.comes_back() {
                S::Handed
            } else {
                S::Returned
            },
        ),
        (A::Return, S::Handed) if f.comes_back() => (user == f.lender(), S::Returned),
        _ => {
            // The other side's step is not theirs, whatever the step.
            let theirs = match action {
                A::Agree | A::Decline => author,
                A::Return => user == f.lender(),
                A::Withdraw | A::HandOver => true,
            };
            return Err(if theirs {
                Refusal::WrongStep
            } else {
                Refusal::NotYours
            });
        }
    };
    if who_ok {
        Ok(next)
    } else {
        Err(Refusal::NotYours)
    }
}

/// What `user` may do to an answer now (for the page's buttons).
pub fn actions(user: i64, f: &MatchFacts) -> Vec<MatchAction> {
    [
        MatchAction::Agree,
        MatchAction::Decline,
        MatchAction::HandOver,
        MatchAction::Return,
        MatchAction::Withdraw,
    ]
    .into_iter()
    .filter(|a| decide(user, f, *a).is_ok())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: PostKind, deal: Deal, step: MatchStep) -> MatchFacts {
        MatchFacts {
            author: 1,
            responder: 2,
            kind,
            deal,
            thing: Thing::Item,
            post_open: true,
            step,
        }
    }

    #[test]
    fn phone_numbers_are_found_in_text() {
        assert!(carries_phone("电话13800000001"));
        assert!(carries_phone("打 138 0000 0001"));
        assert!(carries_phone("0531-86001001"));
        assert!(carries_phone("１３８０００００００１"));
        assert!(carries_phone("138.0000.0001"));
        assert!(carries_phone("(138)0000/0001"));
        assert!(carries_phone("138\u{200b}0000\u{3000}0001"));
        assert!(carries_phone("一三八零零零零零零零一"));
        assert!(!carries_phone("2米梯子，3楼-2单元，借期7天"));
        assert!(!carries_phone("2026年12月"));
        assert!(!carries_phone("借期 2026-12-01 至 2027-01-01"));
        assert!(!carries_phone("1000-2000元，编号 1234567"));
    }

    #[test]
    fn a_post_needs_a_community_and_a_title_and_no_phone() {
        let mut f = PostForm {
            kind: PostKind::Offer,
            deal: Deal::Lend,
            thing: Thing::Item,
            community_code: "370103-001-001".into(),
            title: "电钻".into(),
            detail: "周末可借".into(),
            for_unit: false,
        };
        assert!(f.problems().is_empty());
        f.community_code = " ".into();
        f.title = "x".repeat(MAX_TITLE + 1);
        f.detail = "请打13800000001".into();
        assert_eq!(
            f.problems(),
            vec![
                (Field::Community, InputProblem::Required),
                (Field::Title, InputProblem::TooLong),
                (Field::Description, InputProblem::HasPhone),
            ]
        );
        assert_eq!(message_problem(" "), Some(InputProblem::Required));
        assert_eq!(
            message_problem("微信 1380000 0001"),
            Some(InputProblem::HasPhone)
        );
        assert_eq!(message_problem("我周六有空"), None);
    }

    #[test]
    fn only_the_author_agrees_and_only_the_lender_takes_back() {
        use MatchAction as A;
        use MatchStep as S;
        let asked = facts(PostKind::Ask, Deal::Lend, S::Asked);
        assert_eq!(decide(1, &asked, A::Agree), Ok(S::Agreed));
        assert_eq!(decide(2, &asked, A::Agree), Err(Refusal::NotYours));
        assert_eq!(decide(3, &asked, A::Agree), Err(Refusal::NotYours));
        assert_eq!(decide(2, &asked, A::Withdraw), Ok(S::Withdrawn));
        assert_eq!(decide(1, &asked, A::Withdraw), Err(Refusal::NotYours));
        assert_eq!(decide(1, &asked, A::HandOver), Err(Refusal::WrongStep));
        let closed = MatchFacts {
            post_open: false,
            ..asked
        };
        assert_eq!(decide(1, &closed, A::Agree), Err(Refusal::WrongStep));
        assert_eq!(decide(1, &closed, A::Decline), Ok(S::Declined));
        let agreed = facts(PostKind::Ask, Deal::Lend, S::Agreed);
        assert!(agreed.under_way());
        assert_eq!(decide(1, &agreed, A::HandOver), Ok(S::Handed));
        assert_eq!(decide(1, &agreed, A::Withdraw), Ok(S::Withdrawn));
        let handed = facts(PostKind::Ask, Deal::Lend, S::Handed);
        assert!(handed.under_way());
        // On an ask, the one who answered lends: they take it back.
        assert_eq!(decide(1, &handed, A::Return), Err(Refusal::NotYours));
        assert_eq!(decide(2, &handed, A::Return), Ok(S::Returned));
        assert_eq!(actions(2, &handed), vec![A::Return]);
        assert!(actions(1, &handed).is_empty());
        let gift = facts(PostKind::Offer, Deal::Give, S::Agreed);
        assert_eq!(decide(2, &gift, A::HandOver), Ok(S::Returned));
        assert!(!facts(PostKind::Offer, Deal::Give, S::Returned).under_way());
        // A skill "lent" is done once given: nothing comes back.
        let skill = MatchFacts {
            thing: Thing::Skill,
            ..agreed
        };
        assert_eq!(decide(1, &skill, A::HandOver), Ok(S::Returned));
        assert_eq!(skill.max_deals(), MAX_DEALS_SKILL);
        assert_eq!(agreed.max_deals(), MAX_DEALS_ITEM);
        assert!(!facts(PostKind::Offer, Deal::Give, S::Asked).under_way());
    }
}
