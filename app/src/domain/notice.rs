//! In-app notifications (消息): what happened to something the user cares
//! about, worded in the reader's language.

use super::lang::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Case,
    Wish,
    Unit,
    Member,
    Activity,
    Topic,
    /// A joint meeting (物业联席会) or one of its resolutions.
    Meeting,
    /// A loan out of a 共享小屋.
    Sharing,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Case => "case",
            NoticeKind::Wish => "wish",
            NoticeKind::Unit => "unit",
            NoticeKind::Member => "member",
            NoticeKind::Activity => "activity",
            NoticeKind::Topic => "topic",
            NoticeKind::Meeting => "meeting",
            NoticeKind::Sharing => "sharing",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        [
            NoticeKind::Case,
            NoticeKind::Wish,
            NoticeKind::Unit,
            NoticeKind::Member,
            NoticeKind::Activity,
            NoticeKind::Topic,
            NoticeKind::Meeting,
            NoticeKind::Sharing,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What a notice says, before it is stored (a text message says the same).
pub fn sentence(kind: NoticeKind, ref_id: i64, event: &str, title: &str, lang: Lang) -> String {
    NoticeView {
        id: 0,
        kind,
        ref_id,
        event: event.into(),
        title: title.into(),
        read: false,
        at: DateTime::<Utc>::default(),
    }
    .text(lang)
}

/// A notification as its reader sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub id: i64,
    pub kind: NoticeKind,
    pub ref_id: i64,
    /// The step that happened (a case or wish action, or `submitted`,
    /// `approved`, `rejected` for registrations).
    pub event: String,
    pub title: String,
    pub read: bool,
    pub at: DateTime<Utc>,
}

impl NoticeView {
    /// Where the notice leads.
    pub fn link(&self) -> String {
        match self.kind {
            NoticeKind::Case => format!("/case/{}", self.ref_id),
            NoticeKind::Wish => format!("/wish/{}", self.ref_id),
            NoticeKind::Unit | NoticeKind::Member => "/service".to_string(),
            NoticeKind::Activity => "/volunteer".to_string(),
            NoticeKind::Topic => format!("/topics/{}", self.ref_id),
            NoticeKind::Meeting => format!("/meetings/{}", self.ref_id),
            // A deal waits on the page's answers; a loan on the shed.
            NoticeKind::Sharing if self.event.starts_with("swap") => "/sharing#deals".to_string(),
            NoticeKind::Sharing => "/sharing".to_string(),
        }
    }

    /// One sentence saying what happened.
    pub fn text(&self, lang: Lang) -> String {
        let t = &self.title;
        let zh = lang == Lang::Zh;
        let (z, e): (String, String) = match (self.kind, self.event.as_str()) {
            (NoticeKind::Wish, "post") => (
                format!("新的微心愿「{t}」待审核"),
                format!("New wish \"{t}\" waits for review"),
            ),
            (NoticeKind::Wish, "approve") => (
                format!("您的微心愿「{t}」已审核通过，已上墙"),
                format!("Your wish \"{t}\" was approved and is on the wall"),
            ),
            (NoticeKind::Wish, "reject") => (
                format!("您的微心愿「{t}」未通过审核"),
                format!("Your wish \"{t}\" was not approved"),
            ),
            (NoticeKind::Wish, "claim" | "claim_for_unit") => (
                format!("您的微心愿「{t}」已被认领"),
                format!("Your wish \"{t}\" was claimed"),
            ),
            (NoticeKind::Wish, "give_back") => (
                format!("微心愿「{t}」被放弃认领，已回到心愿墙"),
                format!("Wish \"{t}\" was given back to the wall"),
            ),
            (NoticeKind::Wish, "release") => (
                format!("社区收回了您认领的微心愿「{t}」"),
                format!("The community took back your claim on \"{t}\""),
            ),
            (NoticeKind::Wish, "fulfil") => (
                format!("微心愿「{t}」已完成，请确认"),
                format!("Wish \"{t}\" is fulfilled; please confirm"),
            ),
            (NoticeKind::Wish, "confirm") => (
                format!("微心愿「{t}」已确认圆梦，积分已到账"),
                format!("Wish \"{t}\" was confirmed; your points are credited"),
            ),
            (NoticeKind::Wish, "withdraw") => (
                format!("微心愿「{t}」已撤回"),
                format!("Wish \"{t}\" was withdrawn"),
            ),
            (NoticeKind::Wish, "overdue") => (
                format!("认领的微心愿「{t}」已超过期望日期"),
                format!("Claimed wish \"{t}\" is past its wanted-by date"),
            ),
            (NoticeKind::Case, "urged") => (
                format!("居民催办：事件「{t}」已超期，请尽快处置"),
                format!("A resident urged overdue case \"{t}\""),
            ),
            (NoticeKind::Case, "due_soon") => (
                format!("事件「{t}」即将超期，请尽快处置"),
                format!("Case \"{t}\" is due soon"),
            ),
            (NoticeKind::Case, "overdue") => (
                format!("事件「{t}」已超期，请立即处置"),
                format!("Case \"{t}\" is overdue"),
            ),
            (NoticeKind::Case, "escalated") => (
                format!("事件「{t}」逾期未办，已自动升级，请处置"),
                format!("Case \"{t}\" was overdue and has moved up a level"),
            ),
            (NoticeKind::Case, "assigned") => (
                format!("事件「{t}」已交由您负责，请及时处置"),
                format!("Case \"{t}\" is now yours to handle"),
            ),
            (NoticeKind::Case, "reassigned_away") => (
                format!("事件「{t}」已改由他人负责"),
                format!("Case \"{t}\" was given to someone else"),
            ),
            (NoticeKind::Case, "whistled") => (
                format!("街道吹哨：事件「{t}」请贵部门签收报到"),
                format!("The street whistled case \"{t}\" to your department"),
            ),
            (NoticeKind::Case, "whistle_accept") => (
                format!("部门已签收吹哨事件「{t}」"),
                format!("A department accepted whistled case \"{t}\""),
            ),
            (NoticeKind::Case, "whistle_send_back") => (
                format!("部门退回了吹哨事件「{t}」，请查看原因"),
                format!("A department sent whistled case \"{t}\" back"),
            ),
            (NoticeKind::Case, "whistle_report") => (
                format!("部门已报到吹哨事件「{t}」的办理情况"),
                format!("A department reported on whistled case \"{t}\""),
            ),
            (NoticeKind::Case, "whistle_recall") => (
                format!("街道收回了吹哨事件「{t}」"),
                format!("The street took back whistled case \"{t}\""),
            ),
            (NoticeKind::Case, "whistle_close") => (
                format!("吹哨事件「{t}」已销号，请查看评价"),
                format!("Whistled case \"{t}\" was closed out"),
            ),
            (NoticeKind::Case, status) => {
                let s = super::case::CaseStatus::parse(status);
                let label = |l| s.map(|s| s.label(l)).unwrap_or(status);
                (
                    format!("您的诉求「{t}」有新进展：{}", label(Lang::Zh)),
                    format!("Your report \"{t}\" moved on: {}", label(Lang::En)),
                )
            }
            (NoticeKind::Unit, "resource_accepted") => (
                format!("社区采纳了贵单位的资源「{t}」，已纳入服务项目"),
                format!("A community took up your resource \"{t}\" into a project"),
            ),
            (NoticeKind::Unit | NoticeKind::Member, "submitted") => (
                format!("「{t}」提交了双报到申请，待审核"),
                format!("\"{t}\" applied for dual reporting; please review"),
            ),
            (NoticeKind::Unit | NoticeKind::Member, "approved") => (
                format!("「{t}」的报到申请已通过"),
                format!("The registration of \"{t}\" was approved"),
            ),
            (NoticeKind::Unit | NoticeKind::Member, _) => (
                format!("「{t}」的报到申请未通过"),
                format!("The registration of \"{t}\" was not approved"),
            ),
            (NoticeKind::Activity, "attended") => (
                format!("您已在活动「{t}」签到，服务时长已记录"),
                format!("You checked in at \"{t}\"; your hours are credited"),
            ),
            (NoticeKind::Sharing, "loan_overdue") => (
                format!("您从共享小屋借用的「{t}」已到期，请尽快归还"),
                format!("\"{t}\" you borrowed from the sharing shed is due back"),
            ),
            (NoticeKind::Sharing, "swap_asked") => (
                format!("有人回应了您发布的「{t}」，请决定是否同意"),
                format!("Someone answered your post \"{t}\"; agree or decline"),
            ),
            (NoticeKind::Sharing, "swap_agreed") => (
                format!("「{t}」的发布者同意了，双方可查看联系方式"),
                format!("\"{t}\": the author agreed; you may see each other's contact"),
            ),
            (NoticeKind::Sharing, "swap_declined") => (
                format!("「{t}」的发布者婉拒了您的回应"),
                format!("\"{t}\": the author declined your answer"),
            ),
            (NoticeKind::Sharing, "swap_withdrawn") => (
                format!("「{t}」的约定已被对方取消"),
                format!("\"{t}\": the other side called it off"),
            ),
            (NoticeKind::Sharing, "swap_removed") => (
                format!("您发布的「{t}」已被社区撤下，原因见置换分享页"),
                format!("The community took \"{t}\" down; the reason is on the sharing page"),
            ),
            (NoticeKind::Sharing, _) => (
                format!("共享小屋的「{t}」借出逾期未还"),
                format!("\"{t}\" from the sharing shed is overdue"),
            ),
            (NoticeKind::Meeting, "invited") => (
                format!("贵单位受邀参加物业联席会「{t}」"),
                format!("You are invited to joint meeting \"{t}\""),
            ),
            (NoticeKind::Meeting, "resolution") => (
                format!("联席会决议「{t}」由贵单位负责落实，请按期完成"),
                format!("Joint-meeting resolution \"{t}\" is yours to carry out"),
            ),
            (NoticeKind::Meeting, "resolution_done") => (
                format!("联席会决议「{t}」已报告完成，请核实"),
                format!("Joint-meeting resolution \"{t}\" was reported done"),
            ),
            (NoticeKind::Meeting, "resolution_overdue") => (
                format!("联席会决议「{t}」已超期未完成，请尽快落实"),
                format!("Joint-meeting resolution \"{t}\" is past its due date"),
            ),
            (NoticeKind::Topic, "proposed") => (
                format!("居民提出了议题「{t}」，待审核"),
                format!("A resident proposed topic \"{t}\"; please review"),
            ),
            (NoticeKind::Topic, "agenda") => (
                format!("议题「{t}」附议已达到人数，已列入议程"),
                format!("Topic \"{t}\" has enough seconds and is on the agenda"),
            ),
            (NoticeKind::Topic, "approve") => (
                format!("您的议题「{t}」已通过审核，正在征集附议"),
                format!("Your topic \"{t}\" was approved and collects seconds"),
            ),
            (NoticeKind::Topic, "hide") => (
                format!("您的议题「{t}」未予公开，请查看原因"),
                format!("Your topic \"{t}\" was hidden; see why"),
            ),
            (NoticeKind::Topic, "publish") => (
                format!("议题「{t}」的表决结果已公布"),
                format!("The result of topic \"{t}\" is published"),
            ),
            (_, other) => (format!("「{t}」：{other}"), format!("\"{t}\": {other}")),
        };
        if zh {
            z
        } else {
            e
        }
    }
}
