//! Interface text. Every label goes through [`T`]: Chinese first, English second.

use crate::domain::case::{CaseAction, CaseSource, CaseStatus, DispatchLevel};
use crate::domain::deadline::DueState;
use crate::domain::lang::Lang;
use leptos::prelude::*;

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A piece of interface text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::Zh) => $zh, (T::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

texts! {
    AppName => "网格通", "GridLink";
    Tagline => "党建引领网格化治理", "Party-led grid governance";
    NavMap => "地图", "Map";
    NavMain => "主导航", "Main navigation";
    NavLogin => "登录", "Sign in";
    NavRegister => "注册", "Register";
    NavMe => "我的", "Me";
    NavAdmin => "管理", "Admin";
    SwitchLang => "EN", "中文";
    SearchPlaceholder => "搜索网格编码或名称", "Search grid code or name";
    Search => "搜索", "Search";
    NoResults => "没有找到匹配的网格或社区。", "No matching grid or community.";
    AllCommunities => "全部社区", "All communities";
    ZoomToCommunity => "定位到社区", "Zoom to community";
    LocateMe => "定位我", "Locate me";
    Locating => "正在定位…", "Locating…";
    LocateFailed => "无法获取您的位置，请检查定位权限。", "Could not get your location. Check location permission.";
    OutsideGrids => "您所在的位置不在任何网格内。", "Your location is outside every grid.";
    YouAreIn => "您在：", "You are in: ";
    LoadingMap => "地图加载中…", "Loading map…";
    MapFailed => "网格图层加载失败，请刷新重试。", "The grid layer failed to load. Refresh to retry.";
    GridsShown => "个网格", " grids";
    Legend => "图例", "Legend";
    KindBase => "基础网格", "Base grid";
    KindDedicated => "专属网格", "Dedicated grid";
    Code => "编码", "Code";
    Community => "社区", "Community";
    Street => "街道", "Street";
    Staff => "网格力量", "Grid staff";
    NoStaff => "暂无人员信息", "No staff listed yet";
    PublicPage => "查看网格公示页", "Open the grid's public page";
    Close => "关闭", "Close";
    Households => "户数", "Households";
    Residents => "人口", "Residents";
    Compounds => "小区", "Compounds";
    PropertyCompany => "物业", "Property company";
    Duties => "职责", "Duties";
    Phone => "电话", "Phone";
    PhoneHidden => "未公开", "Not public";
    PosLeader => "网格长", "Grid leader";
    PosFullTime => "专职网格员", "Full-time worker";
    PosPartTime => "兼职网格员", "Part-time worker";
    PosInstructor => "网格指导员", "Instructor";
    GridNotFound => "没有这个网格。", "No such grid.";
    BackToMap => "返回地图", "Back to the map";
    Loading => "加载中…", "Loading…";
    LoginTitle => "登录网格通", "Sign in to GridLink";
    RegisterTitle => "居民注册", "Resident registration";
    MobileNumber => "手机号", "Mobile number";
    Password => "密码", "Password";
    YourName => "姓名", "Name";
    PasswordHint => "8到64个字符", "8 to 64 characters";
    LoginButton => "登录", "Sign in";
    RegisterButton => "注册", "Register";
    Working => "请稍候…", "Please wait…";
    NoAccount => "还没有账号？居民注册", "No account? Register as a resident";
    HaveAccount => "已有账号？去登录", "Have an account? Sign in";
    DemoHint => "演示账号见 README，密码 demo1234", "Demo accounts are in the README; password demo1234";
    SignedInAs => "当前用户", "Signed in as";
    MyRoles => "我的角色", "My roles";
    Logout => "退出登录", "Sign out";
    PhoneConsent => "在网格公示页公开我的电话", "Show my phone on grid public pages";
    Saved => "已保存。", "Saved.";
    NotSignedIn => "您还没有登录。", "You are not signed in.";
    ImportTitle => "导入网格边界（GeoJSON）", "Import boundaries (GeoJSON)";
    ImportHelp => "一个 FeatureCollection；每个要素带 level、code、name、parent，网格另带 kind。全部通过检查才会写入。", "One FeatureCollection; each feature has level, code, name, parent, and grids also kind. Nothing is written unless every feature passes.";
    ChooseFile => "选择文件", "Choose file";
    ImportButton => "导入", "Import";
    Imported => "导入成功：", "Imported: ";
    CreateAccountTitle => "创建工作人员账号", "Create a staff account";
    Role => "角色", "Role";
    ScopeCode => "范围（网格/社区/街道编码，或单位/物业编号）", "Scope (grid/community/street code, or unit/company id)";
    AddToRoster => "同时加入网格力量名单", "Also put on the grid roster";
    CreateButton => "创建", "Create";
    Created => "账号已创建。", "Account created.";
    AccountsTitle => "查看工作人员", "Staff accounts";
    ListButton => "查询", "List";
    RosterTitle => "网格力量（内部）", "Grid roster (internal)";
    AdminOnly => "此页面需要管理员或社区、街道工作人员登录。", "This page needs an admin or community/street staff sign-in.";
    NotFoundPage => "页面不存在。", "Page not found.";
    NavReport => "我要上报", "Report";
    TabReport => "上报", "Report";
    TabWishes => "心愿", "Wishes";
    NavCases => "事件", "Cases";
    ReportTitle => "上报问题", "Report a problem";
    CategoryTop => "问题大类", "Category";
    CategorySub => "具体问题", "Problem";
    ChooseOne => "请选择", "Choose";
    DescribeIt => "问题描述", "Description";
    DescribeHint => "说清楚是什么问题、在哪里、持续多久了", "What, where, since when";
    PlaceHint => "点击地图选择位置，或使用我的位置", "Tap the map to set the place, or use your location";
    UseMyLocation => "使用我的位置", "Use my location";
    PlaceChosen => "已选位置：", "Place: ";
    AllowPublic => "允许在公开栏匿名展示", "Show on the public board (anonymised)";
    SimilarNearby => "附近已有相同的问题，您可以关注它而不必重复上报：", "The same problem was already reported nearby; you can follow it instead:";
    MeToo => "我也遇到了", "Me too";
    Following => "已关注", "Following";
    SubmitReport => "提交", "Submit";
    PlaceMissing => "请在地图上点选位置，或使用我的位置。", "Tap the place on the map, or use your location.";
    Submitting => "正在提交…", "Submitting…";
    QueueMine => "我的诉求", "My reports";
    QueueFollowing => "我关注的", "Following";
    QueueGrid => "网格待办", "Grid inbox";
    QueueCommunity => "社区", "Community";
    QueueStreet => "街道", "Street";
    QueueDepartment => "部门待办", "Department inbox";
    QueueCompany => "物业任务", "Property tasks";
    AllStatuses => "全部状态", "All statuses";
    LoadMore => "加载更多", "Load more";
    NoCases => "暂无事件。", "No cases.";
    DueAt => "办理时限", "Due";
    Overdue => "已逾期", "Overdue";
    DueSoon => "即将到期", "Due soon";
    OnTime => "未到期", "On time";
    Timeline => "办理过程", "Timeline";
    Result => "办理结果", "Result";
    Rating => "评价", "Rating";
    Note => "说明", "Note";
    NoteHint => "办理说明、驳回原因或评价内容", "Note, reason or comment";
    Stars => "星级", "Stars";
    DepartmentCode => "职能部门", "Department";
    MergeInto => "重复事件编号", "Duplicate of case #";
    Source => "来源", "Source";
    CaseNo => "事件编号", "Case no.";
    Submitted => "上报成功", "Report sent";
    SavedOffline => "现在没有网络：已保存在手机上，有信号后自动发送。", "No connection: kept on this phone, sent by itself when the signal returns.";
    OutboxTitle => "待发送", "Waiting to send";
    OutboxQueued => "等待网络", "waiting for a connection";
    OutboxPhotos => "照片待发送", "photos still to send";
    OutboxRefused => "未能受理", "not accepted";
    OutboxEdit => "修改后重发", "Edit and resend";
    OutboxDiscard => "删除", "Discard";
    OutboxSent => "离线保存的 {n} 条上报已送达", "{n} report(s) saved offline have been sent";
    OutboxPhotoRefused => "照片未能上传到事件", "A photo could not be added to case";
    SubmittedNo => "工单号", "Case number";
    SubmittedWho => "受理", "Handled by";
    SubmittedHint => "处理进展会发到“消息”；也可以随时在这里查看。", "Progress reaches you under Inbox; you can also check here at any time.";
    Level => "办理层级", "Level";
    ViewTodo => "待办", "To do";
    NavDashboard => "数据看板", "Dashboard";
    DashboardTitle => "数据看板", "Dashboard";
    From => "从", "From";
    To => "到", "To";
    Apply => "查询", "Apply";
    CasesReported => "上报事件", "Cases reported";
    CasesFound => "主动发现", "Found on patrol";
    CasesHandled => "已办结", "With a result";
    OpenNow => "当前在办", "Open now";
    OverdueNow => "超期", "overdue";
    Trend => "事件趋势", "Trend";
    Reported => "上报", "Reported";
    Handled => "办结", "Handled";
    HeatMap => "事件热力图", "Heat map";
    ByCategory => "按类别", "By category";
    BySource => "按来源", "By source";
    ByLevel => "按办理层级", "By level";
    NotDispatched => "未派单", "Not dispatched";
    Ranking => "考核排名", "Ranking";
    WorkerRanking => "网格员考核排名", "Grid workers";
    Top30 => "前30%", "Top 30%";
    Name => "名称", "Name";
    DepartmentFigures => "职能部门报到情况", "Departments";
    NoWhistles => "本期没有吹哨事件", "No whistles in this period";
    Called => "吹哨次数", "Called";
    AnswerRate => "响应率", "Answered";
    SendBackRate => "退回率", "Sent back";
    OnTimeReport => "按期报到率", "Reported on time";
    AnswerHours => "平均响应（小时）", "Answer (hours)";
    StreetRating => "街道评价", "Street's rating";
    Exports => "导出", "Exports";
    ExportsHint => "按上方的范围、时间和类别导出（CSV可直接用Excel打开）；超过1万行的导出在后台生成，完成后可下载。每次导出都会记入审计日志。", "Exports follow the filters above; above 10,000 rows they are made in the background with progress shown. Every export is audited.";
    ExportCases => "事件", "Cases";
    ExportRows => "已导出", "Rows written";
    Download => "下载", "Download";
    ExportFailed => "导出失败，请重试", "The export failed; try again";
    ExportFigures => "考核指标", "Figures";
    ExportPatrols => "巡查记录", "Patrols";
    NavPatrol => "巡查走访", "Patrol";
    PatrolTitle => "巡查走访", "Patrols and visits";
    PatrolToday => "今日有效巡查", "Patrols today";
    RuleDone => "已达标", "Done";
    RuleNotDone => "未达标", "Not yet";
    PatrolsToday => "今日巡查记录", "Today's patrols";
    PatrolStaffOnly => "巡查走访仅限网格工作人员使用。", "Patrols are for grid staff.";
    VisitsShort => "次走访", "visits";
    PatrolTooShort => "（不足10分钟，不计入）", "(under 10 minutes: not counted)";
    PatrolStartHint => "每名网格员每天至少巡查走访两次。开始后手机按设定间隔记录位置，请保持页面打开。", "Each grid worker patrols at least twice a day. Once started, the phone records its position at the set interval: keep this page open.";
    StartPatrol => "开始巡查", "Start patrol";
    PatrolRunning => "巡查中", "Patrolling";
    StartedAt => "开始于", "Started";
    TrackPoints => "已记录位置", "Points recorded";
    Walked => "巡查里程", "Distance";
    NoGps => "暂时无法获取位置，已记录的位置会在恢复后补传。", "No position for now; recorded points are sent once the signal is back.";
    EndPatrol => "结束巡查", "End patrol";
    PatrolEvery => "每 {n} 秒记录一次位置（节省电量）", "A point every {n} seconds (spares the battery)";
    LogVisit => "记录走访", "Log visit";
    VisitKindLabel => "走访类型", "Kind";
    VisitSubject => "走访对象", "Household or place";
    VisitSubjectHint => "如：3号楼2单元501、惠民超市", "e.g. Bldg 3 Unit 2 No. 501, a corner shop";
    FindingFiled => "已转为事件", "Filed as case";
    ChooseCategory => "请选择问题类别", "Choose a category";
    FindingToCase => "一键转为事件", "File as a case";
    DayRuleTitle => "每日巡查情况（每天至少2次）", "Daily patrols (at least 2 a day)";
    Area => "范围", "Area";
    Worker => "网格员", "Worker";
    Grid => "网格", "Grid";
    PatrolsShort => "有效巡查", "Patrols";
    KeyIssues => "重点问题清单", "Key issues";
    KeyIssuesPerGrid => "重点问题清单按网格管理，请在上方选择一个网格。", "Key issues are kept per grid: choose a grid above.";
    NoKeyIssues => "暂无重点问题", "No key issues";
    Title => "标题", "Title";
    Category => "类别", "Category";
    RiskLevel => "风险等级", "Risk";
    AddKeyIssue => "加入清单", "Add to the list";
    AddReview => "添加分析/总结", "Add a review";
    StatusUnchanged => "状态不变", "Status unchanged";
    SolveNow => "立即解决", "Solve now";
    Whistle => "吹哨报到", "Whistle (吹哨报到)";
    WhistleHint => "街道吹哨，部门报到：牵头部门签收后办理，协办部门配合，各部门报到办理情况，街道核查后销号并评价。", "The street whistles, departments report: the lead accepts and handles it, assisting departments help, each reports its part, and the street checks, closes out and rates them.";
    AssistingDepartments => "协办部门（可多选）", "Assisting departments (any)";
    RequiredBy => "要求完成日期", "Required by";
    RequiredByHint => "不填则按职能部门时限计算", "Empty: the department time limit";
    WhistleLead => "牵头", "Lead";
    WhistleAssist => "协办", "Assisting";
    WhistleNote => "吹哨说明", "Whistle note";
    SendBackReason => "退回原因", "Reason to send back";
    ReportText => "报到情况", "Report";
    ReportPhotos => "办理照片（可多张）", "Photos (any)";
    CloseOutResult => "核查结果", "Checked result";
    RateDepartment => "评价", "Rating";
    ChooseRating => "请评分", "Choose";
    SentBackBecause => "退回原因：", "Sent back: ";
    SolveNowHint => "网格能当场解决的，一步完成：填写办理结果，附处置前后照片（处置前可不拍，居民上报的照片即为处置前）。", "What the grid can settle on the spot, in one step: the result, with photos before (optional: the report's own show the problem) and after.";
    PhotoBefore => "处置前照片", "Photo before";
    PhotoAfter => "处置后照片", "Photo after";
    PhaseBefore => "处置前", "Before";
    PhaseAfter => "处置后", "After";
    ViewDueSoon => "即将超期", "Due soon";
    ViewOverdue => "已超期", "Overdue";
    ViewAll => "全部", "All";
    BoardTitle => "公开栏", "Public board";
    BoardHint => "居民同意公开的诉求及办理进度（已匿名，不含姓名、电话和详细地址）。", "Reports residents allowed to be public, and how they went (anonymised: no names, phones or exact addresses).";
    OpenBoard => "查看公开栏", "Open the public board";
    DeadlinesTitle => "办理时限（工作日）", "Time limits (working days)";
    LimitGrid => "网格", "Grid";
    LimitCommunity => "社区/街道", "Community/street";
    LimitDepartment => "职能部门", "Department";
    Save => "保存", "Save";
    CalendarTitle => "节假日与调休", "Holidays and make-up working days";
    Holiday => "节假日", "Holiday";
    DayNameHint => "名称，如 国庆节", "Name, e.g. National Day";
    MakeUpDay => "调休上班", "Make-up working day";
    NormalDay => "恢复正常", "Ordinary day";
    Photos => "照片（可选）", "Photos (optional)";
    PhotosHint => "最多 6 张，JPEG/PNG/WebP，每张不超过 10 MB；位置信息会被自动去除", "Up to 6, JPEG/PNG/WebP, 10 MB each; location data is removed";
    UploadingPhoto => "正在上传照片", "Uploading photo";
    ShowCases => "在地图上显示事件", "Show cases on the map";
    CallerPhone => "来电人手机号（不公开）", "Caller's mobile number (private)";
    CategoriesTitle => "问题类别", "Case categories";
    AllCategories => "全部类别", "All categories";
    GridCodeFilter => "网格编码（可选）", "Grid code (optional)";
    NewTopCategory => "（新的大类）", "(new top category)";
    Add => "添加", "Add";
    Retire => "停用", "Retire";
    Restore => "恢复", "Restore";
    NavWishes => "微心愿", "Wishes";
    NavService => "服务", "Service";
    NavNotices => "消息", "Inbox";
    WallTitle => "微心愿墙", "Wish wall";
    WallHint => "居民的小心愿，党员和双报到单位认领、帮助实现。公开内容不含姓名、电话和住址。", "Residents' small wishes, claimed and fulfilled by party members and units. No names, phones or addresses are shown.";
    PostWish => "我要许愿", "Post a wish";
    AllKinds => "全部类型", "All kinds";
    WantedBy => "期望完成", "Wanted by";
    Value => "预估价值（元）", "Rough value (yuan)";
    WishTitle => "心愿标题", "Title";
    WishTitleHint => "一句话说清楚，如：想要一副老花镜", "One line, e.g. reading glasses";
    WishStory => "心愿描述", "Story";
    WishStoryHint => "为什么需要、具体要什么（不要写姓名电话，社区审核后公开）", "Why and what exactly (no names or phones; shown after review)";
    WishKind => "心愿类型", "Kind";
    WishAddress => "联系地址（不公开，仅认领人可见）", "Address (private: only the claimer sees it)";
    WishFor => "代他人许愿（网格员代老人、残障居民填写）", "Posting for someone (grid staff, for elderly or disabled residents)";
    WishForName => "心愿人姓名", "Wisher's name";
    WishForPhone => "心愿人电话（可不填）", "Wisher's phone (optional)";
    NoWishes => "暂无心愿。", "No wishes.";
    ClaimedBy => "认领人", "Claimed by";
    Contact => "心愿人联系方式", "Wisher's contact";
    Hours => "服务时长（小时）", "Hours of service";
    FulfilNote => "说明", "Note";
    FulfilNoteHint => "驳回原因、完成情况或感谢的话", "Reason, what was done, or a thank-you";
    FulfilPhotos => "完成照片", "Photos of it done";
    AddPhoto => "添加照片", "Add photo";
    ClaimOverdue => "认领超期", "Claim overdue";
    Thanks => "感谢留言", "Thanks";
    RejectReason => "未通过原因", "Why refused";
    ShowWishes => "在地图上显示心愿", "Show wishes on the map";
    MyWishes => "我的心愿", "My wishes";
    MyClaims => "我认领的", "My claims";
    ReviewWishes => "社区心愿审核", "Community wishes";
    OverdueClaims => "超期未完成的认领", "Claims past their date";
    Membership => "双报到", "Dual reporting";
    MemberHint => "在职党员向居住地社区报到，审核通过后可认领心愿、参加志愿服务并获得积分。", "In-service party members report to the community they live in; once approved they can claim wishes, volunteer and earn points.";
    ChooseUnit => "所在单位", "Your unit";
    ChooseCommunity => "居住社区", "Community you live in";
    ReportIn => "提交报到", "Report";
    Status => "状态", "Status";
    MyRecord => "我的服务记录", "My service record";
    Points => "积分", "Points";
    HoursTotal => "服务时长", "Hours";
    NoRecord => "还没有服务记录。", "No service yet.";
    Units => "双报到单位", "Dual-reporting units";
    RegisterUnit => "单位报到", "Register a unit";
    UnitName => "单位名称", "Unit name";
    UnitKind => "单位类型", "Kind";
    PartyOrg => "党组织名称", "Party organisation";
    ContactName => "联系人", "Contact";
    ContactPhone => "联系电话", "Contact phone";
    Members => "报到党员", "Members";
    Approve => "通过", "Approve";
    Refuse => "不通过", "Refuse";
    Ledger => "服务台账", "Service ledger";
    ExportCsv => "导出 CSV", "Export CSV";
    ExportXlsx => "导出 Excel", "Export Excel";
    Leaderboard => "积分榜", "Leaderboard";
    NavVolunteer => "微志愿", "Volunteering";
    VolunteerTitle => "微志愿活动", "Volunteer activities";
    PublishActivity => "发布活动", "Publish an activity";
    ActivityTitle => "活动名称", "Title";
    ActivityPlace => "活动地点", "Place";
    ActivityDesc => "活动内容", "What to do";
    StartsAt => "开始时间", "Starts";
    EndsAt => "结束时间", "Ends";
    Capacity => "名额", "Places";
    SignUp => "报名", "Sign up";
    CancelSignUp => "取消报名", "Cancel";
    SignedUp => "已报名", "Signed up";
    Attended => "已签到", "Attended";
    CheckIn => "签到", "Check in";
    Attendees => "报名名单", "Sign-ups";
    NoActivities => "暂无活动。", "No activities.";
    PlacesLeft => "剩余名额", "Places left";
    NavLists => "三张清单", "Three lists";
    Needs => "需求清单", "Needs";
    Resources => "资源清单", "Resources";
    Projects => "项目清单", "Projects";
    AddNeed => "添加需求", "Add a need";
    AddResource => "发布资源", "Offer a resource";
    AddProject => "创建项目", "Start a project";
    ServiceCategory => "类别", "Category";
    Availability => "可提供时间", "When available";
    Detail => "说明", "Details";
    Suggest => "匹配资源", "Matching resources";
    NoSuggestions => "暂无同类资源。", "No resource of this kind yet.";
    Progress => "进度", "Progress";
    LinkNeeds => "关联需求", "Needs";
    LinkResources => "关联资源", "Resources";
    AuditTitle => "审计日志", "Audit log";
    AuditIntro => "员工和管理员的每次操作、每次查看个人信息都记录在此，任何人都不能修改。", "Every staff and admin action and every look at personal data is written here; nobody can change it.";
    AuditAllActions => "全部操作", "All actions";
    AuditSince => "起始日期", "From";
    AuditUntil => "截止日期", "Until";
    AuditTarget => "对象编号", "Target id";
    AuditFilter => "筛选", "Filter";
    AuditExport => "导出 CSV", "Export CSV";
    AuditEmpty => "没有符合条件的记录。", "No matching lines.";
    AuditMore => "加载更多", "Load more";
    AuditOnly => "审计日志仅限系统管理员和街道管理员查看。", "The audit log is for system and street admins.";
    AuditClient => "客户端", "Client";
    DepartmentsTitle => "职能部门", "Departments";
    DepartmentCodeLabel => "部门代码", "Department code";
    DepartmentName => "部门名称", "Department name";
    ChooseDepartment => "请选择职能部门", "Choose a department";
    CallReporter => "联系反映人", "Call the reporter";
    ReporterContact => "反映人联系方式", "Reporter's contact";
    CaseOwner => "负责人", "Owner";
    NoOwner => "未指定", "Nobody named";
    Reassign => "改派", "Reassign";
    Urge => "催办", "Urge";
    UrgeHint => "已超过办理时限，可以催办（每天一次），负责人及其上级会收到提醒。", "Past its deadline: you may urge it (once a day); its owner and their supervisor are told.";
    Urged => "已催办，负责人会尽快处理。", "Urged: its owner has been told.";
    ReassignTo => "改派给", "Give it to";
    NoticesTitle => "消息", "Notifications";
    NoNotices => "暂无消息。", "No notifications.";
    // Accounts: privacy notice, consent, own account, admin account actions.
    PrivacyTitle => "隐私说明", "Privacy notice";
    PrivacyShort => "我们只为网格服务收集您的手机号、姓名，以及您主动提交的诉求、照片和心愿。您的电话不会公开；工作人员查看您的联系方式会被记录。您可以随时在“我的”页面下载或删除您的数据。", "We collect your mobile number and name, and the cases, photos and wishes you submit, only to serve you through the grid. Your phone is never made public; staff who look at your contact details are logged. You can download or delete your data on the Me page at any time.";
    PrivacyReadLink => "阅读完整的隐私说明", "Read the full privacy notice";
    PrivacyConsent => "我已阅读并同意隐私说明", "I have read and accept the privacy notice";
    PrivacyWhat => "我们收集什么：注册时的手机号和姓名；您上报的诉求（问题描述、位置、照片）、心愿、活动报名和服务记录。", "What we collect: your mobile number and name when you register; the cases you report (description, place, photos), your wishes, sign-ups and service records.";
    PrivacyWhy => "用途：把您的诉求交给负责的网格、社区、街道或职能部门办理并答复您。不用于其他目的，不出售，不做广告。", "Why: to pass your cases to the grid, community, street or department responsible and answer you. Nothing else: never sold, never used for advertising.";
    PrivacyWho => "谁能看到：您本人看到全部；负责办理的工作人员看到办理所需的信息（包括电话，以便回访）；公示板只显示您勾选公开的诉求，不含姓名和电话，位置模糊到约100米。", "Who sees it: you see all of it; the staff handling your case see what they need (including your phone, to call back); the public board shows only cases you marked public, without names or phones, places blurred to about 100 m.";
    PrivacyKeep => "保存与记录：登录闲置7天或满30天自动失效；工作人员每次查看联系方式、每次导出都记入审计日志。", "Keeping and logging: a sign-in ends after 7 idle days or 30 days in all; every look at contact details and every export by staff is in the audit log.";
    PrivacyRights => "您的权利：在“我的”页面可以下载您的全部数据、修改密码、注销账号。注销后姓名和手机号即被删除，已上报的诉求保留以便办结，但不再与您关联。", "Your rights: on the Me page you can download all your data, change your password and delete your account. Deleting erases your name and number at once; cases you reported stay so they can be finished, no longer linked to you.";
    PrivacyLaw => "依据《中华人民共和国个人信息保护法》。如有疑问，请联系您所在的社区。", "Under the Personal Information Protection Law of the PRC. Questions: ask your community.";
    AcctChangePassword => "修改密码", "Change password";
    AcctCurrentPassword => "当前密码", "Current password";
    AcctNewPassword => "新密码（8到64个字符）", "New password (8 to 64 characters)";
    AcctPasswordChanged => "密码已修改，其他设备上的登录已退出。", "Password changed; you are signed out on other devices.";
    AcctMyDataTitle => "我的数据", "My data";
    AcctMyDataHelp => "下载我们保存的关于您的全部信息（JSON 文件）。", "Download everything we keep about you (a JSON file).";
    AcctDownloadData => "下载我的数据", "Download my data";
    AcctDeleteTitle => "注销账号", "Delete account";
    AcctDeleteHelp => "注销后不能恢复：姓名、手机号、角色和登录全部删除；已上报的诉求保留，但不再显示您的身份。请输入密码确认。", "This cannot be undone: your name, number, roles and sign-ins are deleted; cases you reported stay, without your identity. Enter your password to confirm.";
    AcctDeleteButton => "确认注销", "Delete my account";
    AcctRevokeRole => "撤销此角色", "Revoke this role";
    AcctDisable => "停用账号", "Disable account";
    AcctEnable => "启用账号", "Enable account";
    AcctDisabledMark => "（已停用）", " (disabled)";
    AcctDone => "已完成。", "Done.";
    // The home of 我的: what waits for the user, and shortcuts.
    HomeWaiting => "待我处理", "Waiting for me";
    HomeShortcuts => "快捷入口", "Shortcuts";
    HomeCasesWaiting => "待办事件", "Cases to handle";
    HomeCasesOverdue => "逾期事件", "Overdue cases";
    HomeWishesToReview => "待审心愿", "Wishes to review";
    HomeRegistrations => "待审报到", "Registrations to review";
    HomeMyClaims => "认领中的心愿", "Wishes I am fulfilling";
    HomeMyReports => "办理中的诉求", "My open reports";
}

/// The language signal, provided by the app root.
#[derive(Clone, Copy)]
pub struct Locale(pub RwSignal<Lang>);

pub fn use_lang() -> RwSignal<Lang> {
    use_context::<Locale>()
        .map(|l| l.0)
        .unwrap_or_else(|| RwSignal::new(Lang::Zh))
}

/// A reactive text: `{tr(T::Search)}` in a view.
pub fn tr(key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
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
    let (zh, en) = match s {
        CaseSource::Resident => ("居民上报", "Resident"),
        CaseSource::Patrol => ("主动发现", "Patrol"),
        CaseSource::Hotline => ("12345热线", "12345 hotline"),
    };
    lang.pick(zh, en)
}

/// Local (China) time for display: 11-22 09:30.
pub fn short_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&crate::domain::deadline::china())
        .format("%m-%d %H:%M")
        .to_string()
}
