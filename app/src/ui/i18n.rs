//! Interface text. Every label goes through [`T`]: Chinese first, English second.

use crate::domain::case::{CaseAction, CaseSource, CaseStatus, DispatchLevel};
use crate::domain::deadline::DueState;
use crate::domain::lang::Lang;
use leptos::prelude::*;

macro_rules! texts {
    ($name:ident { $($key:ident => $zh:literal, $en:literal;)* }) => {
        /// A piece of interface text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($key),* }

        impl $crate::ui::i18n::Words for $name {
            fn get(self, lang: $crate::domain::lang::Lang) -> &'static str {
                use $crate::domain::lang::Lang;
                match (self, lang) {
                    $(($name::$key, Lang::Zh) => $zh, ($name::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}
pub(crate) use texts;

impl T {
    pub fn get(self, lang: Lang) -> &'static str {
        <T as Words>::get(self, lang)
    }
}

/// Interface text of one place: [`T`] for what every page shows, and a
/// page's own (declared in its module with `texts!`), so a page's words
/// load with its code rather than in the first download.
pub trait Words: Copy + Send + Sync + 'static {
    fn get(self, lang: Lang) -> &'static str;
}

texts! { T {
    AppName => "网格通", "GridLink";
    Tagline => "党建引领网格化治理", "Party-led grid governance";
    NavMap => "地图", "Map";
    NavMain => "主导航", "Main navigation";
    NavLogin => "登录", "Sign in";
    NavMe => "我的", "Me";
    NavAdmin => "管理", "Admin";
    SwitchLang => "EN", "中文";
    SearchPlaceholder => "搜索网格编码或名称", "Search grid code or name";
    Search => "搜索", "Search";
    NoResults => "没有找到匹配的网格或社区。", "No matching grid or community.";
    ZoomToCommunity => "定位到社区", "Zoom to community";
    LocateMe => "定位我", "Locate me";
    Locating => "正在定位…", "Locating…";
    LocateFailed => "无法获取您的位置，请检查定位权限。", "Could not get your location. Check location permission.";
    OutsideGrids => "您所在的位置不在任何网格内。", "Your location is outside every grid.";
    YouAreIn => "您在：", "You are in: ";
    LoadingMap => "地图加载中…", "Loading map…";
    MapFailed => "网格图层加载失败，请刷新重试。", "The grid layer failed to load. Refresh to retry.";
    GridsShown => "个网格", " grids";
    KindBase => "基础网格", "Base grid";
    KindDedicated => "专属网格", "Dedicated grid";
    Code => "编码", "Code";
    Community => "社区", "Community";
    Street => "街道", "Street";
    Staff => "网格力量", "Grid staff";
    PublicPage => "查看网格公示页", "Open the grid's public page";
    Close => "关闭", "Close";
    Loading => "加载中…", "Loading…";
    MobileNumber => "手机号", "Mobile number";
    Password => "密码", "Password";
    YourName => "姓名", "Name";
    Working => "请稍候…", "Please wait…";
    Saved => "已保存。", "Saved.";
    NotSignedIn => "您还没有登录。", "You are not signed in.";
    NotFoundPage => "页面不存在。", "Page not found.";
    NavReport => "我要上报", "Report";
    TabReport => "上报", "Report";
    TabWishes => "心愿", "Wishes";
    NavCases => "事件", "Cases";
    CategoryTop => "问题大类", "Category";
    CategorySub => "具体问题", "Problem";
    ChooseOne => "请选择", "Choose";
    SubmitReport => "提交", "Submit";
    Submitting => "正在提交…", "Submitting…";
    AllStatuses => "全部状态", "All statuses";
    LoadMore => "加载更多", "Load more";
    NoCases => "暂无事件。", "No cases.";
    DueAt => "办理时限", "Due";
    Overdue => "已逾期", "Overdue";
    DueSoon => "即将到期", "Due soon";
    OnTime => "未到期", "On time";
    Timeline => "办理过程", "Timeline";
    Note => "说明", "Note";
    DepartmentCode => "职能部门", "Department";
    Source => "来源", "Source";
    OutboxSent => "离线保存的 {n} 条上报已送达", "{n} report(s) saved offline have been sent";
    OutboxPhotoRefused => "照片未能上传到事件", "A photo could not be added to case";
    NavDashboard => "数据看板", "Dashboard";
    NavPatrol => "巡查走访", "Patrol";
    NavHouseholds => "人房信息", "Households";
    NavMyHome => "我的家庭", "My household";
    Area => "范围", "Area";
    Category => "类别", "Category";
    OpenBoard => "查看公开栏", "Open the public board";
    Save => "保存", "Save";
    Photos => "照片（可选）", "Photos (optional)";
    PhotosHint => "最多 6 张，JPEG/PNG/WebP，每张不超过 10 MB；位置信息会被自动去除", "Up to 6, JPEG/PNG/WebP, 10 MB each; location data is removed";
    UploadingPhoto => "正在上传照片", "Uploading photo";
    ShowCases => "在地图上显示事件", "Show cases on the map";
    AllCategories => "全部类别", "All categories";
    Add => "添加", "Add";
    Retire => "停用", "Retire";
    Restore => "恢复", "Restore";
    NavService => "服务", "Service";
    NavTopics => "议事", "Topics";
    NavAlliance => "物业联盟", "Alliance";
    NavMeetings => "联席会", "Joint meetings";
    NavSharing => "共享小屋", "Sharing shed";
    NavNotices => "消息", "Inbox";
    WallTitle => "微心愿墙", "Wish wall";
    PostWish => "我要许愿", "Post a wish";
    WishTitle => "心愿标题", "Title";
    Hours => "服务时长（小时）", "Hours of service";
    ShowWishes => "在地图上显示心愿", "Show wishes on the map";
    NavVolunteer => "微志愿", "Volunteering";
    NavLists => "三张清单", "Three lists";
    AuditTitle => "审计日志", "Audit log";
    // Accounts: privacy notice, consent, own account, admin account actions.
    // The home of 我的: what waits for the user, and shortcuts.
    HomeWaiting => "待我处理", "Waiting for me";
    HomeShortcuts => "快捷入口", "Shortcuts";
    HomeCasesWaiting => "待办事件", "Cases to handle";
    HomeCasesOverdue => "逾期事件", "Overdue cases";
    HomeWishesToReview => "待审心愿", "Wishes to review";
    HomeRegistrations => "待审报到", "Registrations to review";
    HomeMyClaims => "认领中的心愿", "Wishes I am fulfilling";
    HomeMyReports => "办理中的诉求", "My open reports";
    PlaceMissing => "请在地图上点选位置，或使用我的位置。", "Tap the place on the map, or use your location.";
} }

/// The language signal, provided by the app root.
#[derive(Clone, Copy)]
pub struct Locale(pub RwSignal<Lang>);

pub fn use_lang() -> RwSignal<Lang> {
    use_context::<Locale>()
        .map(|l| l.0)
        .unwrap_or_else(|| RwSignal::new(Lang::Zh))
}

/// A reactive text: `{tr(T::Search)}` in a view.
pub fn tr<K: Words>(key: K) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || key.get(lang.get())
}

/// Labels for the case loop's words, in the user's language.
pub fn status_label(s: CaseStatus, lang: Lang) -> &'static str {
    s.label(lang)
}

pub fn action_label(a: &CaseAction, lang: Lang) -> &'static str {
    let (zh, en) = match a {
        CaseAction::Confirm => ("确认", "Confirm"),
        CaseAction::Reject => ("驳回", "Reject"),
        CaseAction::Merge => ("合并重复", "Merge duplicate"),
        CaseAction::Dispatch(DispatchLevel::Grid) => ("派单·网格立即解决", "Dispatch to grid"),
        CaseAction::Dispatch(DispatchLevel::Community) => {
            ("派单·社区协调", "Dispatch to community")
        }
        CaseAction::Dispatch(DispatchLevel::Street) => ("派单·街道协调", "Dispatch to street"),
        CaseAction::Dispatch(DispatchLevel::Department) => {
            ("吹哨·职能部门", "Whistle a department")
        }
        CaseAction::Dispatch(DispatchLevel::Company) => {
            ("派给物业", "Dispatch to property company")
        }
        CaseAction::Accept => ("接单", "Accept"),
        CaseAction::Progress => ("记录进展", "Add progress"),
        CaseAction::Resolve => ("办结处理", "Resolve"),
        CaseAction::Feedback => ("反馈居民", "Feed back"),
        CaseAction::Evaluate => ("评价", "Evaluate"),
        CaseAction::Close => ("结案", "Close"),
        CaseAction::Reopen => ("不满意，重新办理", "Reopen"),
        CaseAction::Escalate => ("上报上级", "Escalate"),
        CaseAction::SolveNow => ("受理并自行处置", "Take on and solve now"),
    };
    lang.pick(zh, en)
}

/// A timeline step as what happened ("网格员 已受理"), from the action's stored
/// name (`CaseAction::name`, or "report" for the report itself). An unknown
/// name (a later version's) shows as it is stored.
pub fn action_done_label(action: &str, lang: Lang) -> String {
    let (zh, en) = match action {
        "report" => ("提交了上报", "reported it"),
        "confirm" => ("已受理", "accepted the report"),
        "reject" => ("不予受理", "turned it down"),
        "merge" => ("并入重复事件", "merged it as a duplicate"),
        "dispatch" => ("已派单", "dispatched it"),
        "accept" => ("已接单", "took it on"),
        "progress" => ("更新了进展", "added progress"),
        "resolve" => ("已办结", "resolved it"),
        "feedback" => ("已反馈居民", "told the resident"),
        "evaluate" => ("作出评价", "rated it"),
        "close" => ("已结案", "closed it"),
        "reopen" => ("要求重新办理", "reopened it"),
        "escalate" => ("上报上级", "escalated it"),
        "assign" => ("改派了负责人", "gave it to another owner"),
        "urge" => ("催办", "urged it"),
        "overdue" => ("已超期", "went past its deadline"),
        "solve_now" => (
            "立即解决：受理并自行处置",
            "took it on and solved it at once",
        ),
        "auto_escalate" => ("逾期自动升级", "moved up a level automatically (overdue)"),
        "rehome" => (
            "网格边界调整，归入新网格",
            "moved to another grid (boundary change)",
        ),
        "whistle_accept" => ("签收了吹哨任务", "accepted the whistle"),
        "whistle_send_back" => ("退回了吹哨任务", "sent the whistle back"),
        "whistle_report" => ("报到了办理情况", "reported its part"),
        "whistle_close" => ("销号：核查结果并评价部门", "closed the whistle out"),
        "whistle_recall" => ("收回了吹哨任务", "took the whistle back"),
        other => return other.to_string(),
    };
    lang.pick(zh, en).to_string()
}

pub fn level_label(l: DispatchLevel, lang: Lang) -> &'static str {
    let (zh, en) = match l {
        DispatchLevel::Grid => ("网格", "Grid"),
        DispatchLevel::Community => ("社区", "Community"),
        DispatchLevel::Street => ("街道", "Street"),
        DispatchLevel::Department => ("职能部门", "Department"),
        DispatchLevel::Company => ("物业公司", "Property company"),
    };
    lang.pick(zh, en)
}

pub fn due_label(d: DueState) -> T {
    match d {
        DueState::Overdue => T::Overdue,
        DueState::DueSoon => T::DueSoon,
        DueState::OnTime => T::OnTime,
    }
}

pub fn source_label(s: CaseSource, lang: Lang) -> &'static str {
    s.label(lang)
}

/// Local (China) time for display: 11-22 09:30.
pub fn short_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&crate::domain::deadline::china())
        .format("%m-%d %H:%M")
        .to_string()
}
