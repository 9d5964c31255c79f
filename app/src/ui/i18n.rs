//! Interface text. Every label goes through [`T`]: Chinese first, English second.

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
    NavMap => "网格地图", "Grid map";
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
