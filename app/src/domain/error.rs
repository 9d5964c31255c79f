//! The errors users can meet, as data. Server functions send the variant;
//! each side words it in the user's language with [`AppError::message`].
//! REST routes answer an [`ErrorBody`] instead: a stable snake_case
//! [`AppError::code`] for programs and the message in both languages.

use super::boundary::Refusal;
use super::lang::Lang;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::fmt;

/// A unit-only enum that travels as its variant's name (`"Phone"`), as
/// serde's derive would send it, with one table of names. The derived
/// decoder is a string match of its own for every decoder the browser
/// carries (JSON from text, from bytes…), and every page carries these
/// enums inside `AppError`: one table keeps them small in the first download.
macro_rules! wire_enum {
    ($(#[$meta:meta])* pub enum $t:ident { $($(#[$vm:meta])* $v:ident,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub enum $t { $($(#[$vm])* $v,)* }

        impl $t {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),*];

            /// The variant's name, as it travels.
            pub fn name(self) -> &'static str {
                match self { $($t::$v => stringify!($v)),* }
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = String::deserialize(d)?;
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name() == name)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&name, &[]))
            }
        }
    };
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "Wire", from = "Wire")]
pub enum AppError {
    NotSignedIn,
    Forbidden,
    NotFound,
    WrongCredentials,
    TooManyAttempts {
        retry_after_secs: u64,
    },
    PhoneTaken,
    /// Someone else acted on the case first.
    AlreadyHandled {
        /// The person's name, for readers who may see who acts on the case.
        by: String,
        /// Otherwise their role, shown in the reader's language.
        #[serde(default)]
        role: Option<super::auth::Role>,
    },
    /// Someone else claimed the wish first.
    AlreadyClaimed {
        by: String,
    },
    /// No place is left (an activity's capacity is reached).
    Full,
    /// A reporter already urged this case (催办) within the last day.
    AlreadyUrged {
        retry_after_secs: u64,
    },
    /// A wish claim over one of the limits that stop contact harvesting.
    ClaimLimit {
        kind: ClaimLimitKind,
        limit: u64,
    },
    /// The action does not apply to the case as it stands now.
    WrongState,
    Invalid {
        field: Field,
        problem: InputProblem,
    },
    /// A boundary file refused (`backend::import`), worded on the server
    /// from its [`ImportError`].
    Import(Refusal),
    /// A boundary edit or undo refused (`domain::boundary`).
    Boundary(Refusal),
    /// Something broke on our side; the server log has the cause.
    Internal,
    /// The request never reached the function or its answer never came back.
    Transport(String),
    /// The server has too much of this work under way; try again shortly
    /// (photo decoding, a request that ran out of time).
    Busy {
        retry_after_secs: u64,
    },
    /// Registration without accepting the privacy notice.
    ConsentRequired,
    /// The photo store has no room: the photo was not kept.
    StorageFull,
    /// The password typed to confirm (password change, account deletion) is wrong.
    WrongPassword,
}

/// How an [`AppError`] travels from a server function to the app: one flat
/// object, `{"code": "too_many_attempts", "secs": 61}`, with only the fields
/// its kind uses. The browser decodes every answer's error with this one
/// struct; serde's derive on the enum itself made a decoder per variant with
/// fields, ~10 KB gzip of the first download (docs/performance.md, session 26).
#[derive(Default, Serialize, Deserialize)]
struct Wire {
    /// [`AppError::code`].
    code: String,
    /// Seconds to wait (`retry_after_secs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secs: Option<u64>,
    /// Who acted first (`by`), or what failed in transport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    // A role, kind, field or problem this build does not know (an answer from
    // a newer server) reads as none, as an unknown code reads as `Internal`:
    // the error is still shown, not taken for a failed transport.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    role: Option<super::auth::Role>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    kind: Option<ClaimLimitKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    field: Option<Field>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    problem: Option<InputProblem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refusal: Option<Refusal>,
}

/// The value, or none when it is not one this build knows.
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(T::deserialize(d).ok())
}

impl From<AppError> for Wire {
    fn from(e: AppError) -> Wire {
        let mut w = Wire {
            code: e.code().into(),
            secs: e.retry_after_secs(),
            ..Wire::default()
        };
        match e {
            AppError::AlreadyHandled { by, role } => {
                w.text = Some(by);
                w.role = role;
            }
            AppError::AlreadyClaimed { by } | AppError::Transport(by) => w.text = Some(by),
            AppError::ClaimLimit { kind, limit } => {
                w.kind = Some(kind);
                w.limit = Some(limit);
            }
            AppError::Invalid { field, problem } => {
                w.field = Some(field);
                w.problem = Some(problem);
            }
            AppError::Import(r) | AppError::Boundary(r) => w.refusal = Some(r),
            _ => {}
        }
        w
    }
}

impl From<Wire> for AppError {
    /// An unknown code (an answer from a newer server) reads as `Internal`.
    fn from(w: Wire) -> AppError {
        let secs = w.secs.unwrap_or_default();
        let text = w.text.unwrap_or_default();
        let refusal = w.refusal.unwrap_or_default();
        match w.code.as_str() {
            "not_signed_in" => AppError::NotSignedIn,
            "forbidden" => AppError::Forbidden,
            "not_found" => AppError::NotFound,
            "wrong_credentials" => AppError::WrongCredentials,
            "too_many_attempts" => AppError::TooManyAttempts {
                retry_after_secs: secs,
            },
            "phone_taken" => AppError::PhoneTaken,
            "already_handled" => AppError::AlreadyHandled {
                by: text,
                role: w.role,
            },
            "already_claimed" => AppError::AlreadyClaimed { by: text },
            "full" => AppError::Full,
            "already_urged" => AppError::AlreadyUrged {
                retry_after_secs: secs,
            },
            "claim_limit" => AppError::ClaimLimit {
                kind: w.kind.unwrap_or(ClaimLimitKind::OpenClaims),
                limit: w.limit.unwrap_or_default(),
            },
            "wrong_state" => AppError::WrongState,
            "invalid_input" => AppError::Invalid {
                field: w.field.unwrap_or(Field::Request),
                problem: w.problem.unwrap_or(InputProblem::Unknown),
            },
            "import_refused" => AppError::Import(refusal),
            "boundary_refused" => AppError::Boundary(refusal),
            "transport" => AppError::Transport(text),
            "busy" => AppError::Busy {
                retry_after_secs: secs,
            },
            "consent_required" => AppError::ConsentRequired,
            "storage_full" => AppError::StorageFull,
            "wrong_password" => AppError::WrongPassword,
            _ => AppError::Internal,
        }
    }
}

impl AppError {
    /// An error a phone kept (a refused draft's reason, `ui::outbox`), in the
    /// shape it travels in now or in the one builds before session 26 stored:
    /// serde's default for an enum, `"Forbidden"` or `{"Invalid": {"field":
    /// "Category", "problem": "Unknown"}}`. A draft refused before an update
    /// still says why. None when it reads as neither.
    pub fn from_stored(json: &str) -> Option<AppError> {
        if let Ok(e) = serde_json::from_str::<AppError>(json) {
            return Some(e);
        }
        // The only refusal with fields a draft could get (Busy and the like are
        // retried, not kept).
        #[derive(Deserialize)]
        enum Old {
            Invalid { field: Field, problem: InputProblem },
        }
        if let Ok(Old::Invalid { field, problem }) = serde_json::from_str::<Old>(json) {
            return Some(AppError::Invalid { field, problem });
        }
        // A unit variant by its name: `NotFound` is `not_found` now.
        let name = serde_json::from_str::<String>(json).ok()?;
        let mut code = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                code.push('_');
            }
            code.push(c.to_ascii_lowercase());
        }
        let e = AppError::from(Wire {
            code,
            ..Wire::default()
        });
        (e != AppError::Internal || name == "Internal").then_some(e)
    }
}

wire_enum! {
/// Which claim limit was reached.
pub enum ClaimLimitKind {
    /// Too many wishes claimed and not yet fulfilled.
    OpenClaims,
    /// Too many new claims in the last day.
    DailyClaims,
    /// This wish was given back by the same claimer less than a day ago.
    GivenBack,
}
}

wire_enum! {
/// Form fields named in validation messages.
pub enum Field {
    Phone,
    Password,
    Name,
    Role,
    Scope,
    Position,
    /// A roster entry's duties (职责).
    Duties,
    Coordinates,
    Query,
    File,
    Description,
    Category,
    Rating,
    Reason,
    Department,
    Photo,
    /// A photo of the result, before a case is solved at once.
    AfterPhoto,
    /// A request whose arguments did not decode (a client's mistake).
    Request,
    Title,
    Story,
    Value,
    WantedBy,
    Community,
    Unit,
    PartyOrg,
    Address,
    Capacity,
    Time,
    Hours,
    Progress,
    Note,
    Place,
    /// The case a duplicate is merged into.
    MergeTarget,
    /// A case's result (办理结果), asked for by name when it is resolved.
    Result,
    /// What was done for a wish (完成情况), asked for when it is fulfilled.
    Fulfilment,
    /// Whom a case is given to (负责人).
    Owner,
    /// The departments that assist a whistled case (协办部门).
    Assisting,
    /// The date a whistle must be answered by (要求完成时间).
    RequiredBy,
    /// A department's report of its part (报到情况).
    Report,
    /// A household's building (楼栋).
    Building,
    Room,
    Members,
    Relation,
    IdNumber,
    Housing,
    CareTags,
    AccountPhone,
    Leader,
    /// What a resident asks to correct in their household's record.
    Correction,
    /// A grid's key issues (重点问题).
    KeyIssue,
    /// A key issue's dated reviews (研判记录).
    Review,
    /// Deliberation (四步议事): a meeting's minutes, the options put to a
    /// vote, a vote, a second (附议), a topic.
    Minutes,
    Options,
    Vote,
    Second,
    Topic,
    /// The case or project of the three lists a decision is carried out by.
    LinkedCase,
    LinkedProject,
    /// A property company's contact person (联系人).
    ContactName,
    /// The street that keeps a record.
    Street,
    /// An Open311 client application's name.
    AppName,
    /// A compound (小区).
    Compound,
    /// Joint meetings (物业联席会): the companies invited, the owners'
    /// committee, the resident representatives, the agenda, a resolution
    /// and the date it is due.
    Company,
    Committee,
    Representatives,
    Agenda,
    Resolution,
    Due,
    /// The 共享小屋: a thing's name, its stock, how long a loan runs, and
    /// how many pieces one loan takes.
    Item,
    Stock,
    LoanDays,
    Quantity,
}
}

wire_enum! {
pub enum InputProblem {
    Required,
    NotMobile,
    PasswordLength,
    TooLong,
    Unknown,
    OutOfRange,
    TooLarge,
    /// Not a JPEG, PNG or WebP image.
    NotImage,
    /// More than the allowed number (of photos).
    TooMany,
    /// A date that has already passed.
    InPast,
    /// A name someone else registered already.
    Taken,
    /// An image wider, taller or with more pixels than we decode.
    TooManyPixels,
    /// A place outside the grid the form is bound to.
    OutsideGrid,
    /// Not a phone number (mobile or landline).
    NotPhone,
    /// Not a valid resident ID number (its check character does not match).
    NotIdNumber,
    /// A public text that carries a phone number.
    HasPhone,
}
}

/// Why an import was refused. `feature` is the 1-based position in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportError {
    pub feature: Option<usize>,
    pub code: Option<String>,
    pub problem: ImportProblem,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportProblem {
    InvalidJson(String),
    NotFeatureCollection,
    Empty,
    UnknownLevel(String),
    MissingCode,
    BadCode(String),
    DuplicateCode(String),
    MissingName,
    UnknownParent(String),
    WrongParentLevel {
        parent: String,
    },
    NoDistrictForStreet,
    UnknownKind(String),
    MissingGeometry,
    NotAPolygon,
    CoordinateOutOfRange {
        lng: f64,
        lat: f64,
    },
    UnclosedRing,
    TooFewPoints,
    SelfIntersection,
    HoleOutsideShell,
    /// A compound names a property company code nobody registered.
    UnknownCompany(String),
    /// A grid would share area with another grid (the file's or a stored one).
    Overlap {
        grid: String,
        other: String,
        area_m2: f64,
    },
}

impl ImportError {
    pub fn at(feature: usize, code: Option<&str>, problem: ImportProblem) -> Self {
        ImportError {
            feature: Some(feature),
            code: code.map(str::to_string),
            problem,
        }
    }

    pub fn file(problem: ImportProblem) -> Self {
        ImportError {
            feature: None,
            code: None,
            problem,
        }
    }
}

impl ClaimLimitKind {
    /// The limit's stable name on the REST API.
    pub fn code(self) -> &'static str {
        match self {
            ClaimLimitKind::OpenClaims => "open_claims",
            ClaimLimitKind::DailyClaims => "daily_claims",
            ClaimLimitKind::GivenBack => "given_back",
        }
    }
}

impl AppError {
    /// Whether the error may be shown from a link (`?error=` after a plain form
    /// post, ui/auth.rs): only errors that carry no text of their own, so a crafted
    /// link cannot put words of its choosing on our sign-in page.
    pub fn fit_for_link(&self) -> bool {
        !matches!(
            self,
            AppError::AlreadyHandled { .. }
                | AppError::AlreadyClaimed { .. }
                | AppError::Transport(_)
                | AppError::Import(_)
                | AppError::Boundary(_)
        )
    }
}

/// What is wrong with a typed text, if anything: required and empty, or longer
/// than `max` characters (both after trimming, as it is stored). The forms show
/// it as the person types; the services refuse with it.
pub fn text_problem(s: &str, max: usize, required: bool) -> Option<InputProblem> {
    let t = s.trim();
    if required && t.is_empty() {
        Some(InputProblem::Required)
    } else if t.chars().count() > max {
        Some(InputProblem::TooLong)
    } else {
        None
    }
}

/// The problems of a whole form, field by field in the order the form shows them.
pub type Problems = Vec<(Field, InputProblem)>;

impl InputProblem {
    /// The problem's stable name on the REST API.
    pub fn code(self) -> &'static str {
        match self {
            InputProblem::Required => "required",
            InputProblem::NotMobile => "not_mobile",
            InputProblem::PasswordLength => "password_length",
            InputProblem::TooLong => "too_long",
            InputProblem::Unknown => "unknown",
            InputProblem::OutOfRange => "out_of_range",
            InputProblem::TooLarge => "too_large",
            InputProblem::NotImage => "not_image",
            InputProblem::TooMany => "too_many",
            InputProblem::InPast => "in_past",
            InputProblem::Taken => "taken",
            InputProblem::TooManyPixels => "too_many_pixels",
            InputProblem::OutsideGrid => "outside_grid",
            InputProblem::NotPhone => "not_phone",
            InputProblem::NotIdNumber => "not_id_number",
            InputProblem::HasPhone => "has_phone",
        }
    }
}

impl Field {
    /// The field's stable name on the REST API.
    pub fn code(self) -> &'static str {
        match self {
            Field::Phone => "phone",
            Field::Password => "password",
            Field::Name => "name",
            Field::Role => "role",
            Field::Scope => "scope",
            Field::Position => "position",
            Field::Duties => "duties",
            Field::Coordinates => "coordinates",
            Field::Query => "query",
            Field::File => "file",
            Field::Description => "description",
            Field::Category => "category",
            Field::Rating => "rating",
            Field::Reason => "reason",
            Field::Department => "department",
            Field::Photo => "photo",
            Field::AfterPhoto => "after_photo",
            Field::Request => "request",
            Field::Title => "title",
            Field::Story => "story",
            Field::Value => "value",
            Field::WantedBy => "wanted_by",
            Field::Community => "community",
            Field::Unit => "unit",
            Field::PartyOrg => "party_org",
            Field::Address => "address",
            Field::Capacity => "capacity",
            Field::Time => "time",
            Field::Hours => "hours",
            Field::Progress => "progress",
            Field::Note => "note",
            Field::Place => "place",
            Field::MergeTarget => "merge_target",
            Field::Result => "result",
            Field::Fulfilment => "fulfilment",
            Field::Owner => "owner",
            Field::Assisting => "assisting",
            Field::RequiredBy => "required_by",
            Field::Report => "report",
            Field::Building => "building",
            Field::Room => "room",
            Field::Members => "members",
            Field::Relation => "relation",
            Field::IdNumber => "id_number",
            Field::Housing => "housing",
            Field::CareTags => "care_tags",
            Field::AccountPhone => "account_phone",
            Field::Leader => "leader",
            Field::Correction => "correction",
            Field::KeyIssue => "key_issue",
            Field::Review => "review",
            Field::Minutes => "minutes",
            Field::Options => "options",
            Field::Vote => "vote",
            Field::Second => "second",
            Field::Topic => "topic",
            Field::LinkedCase => "linked_case",
            Field::LinkedProject => "linked_project",
            Field::ContactName => "contact_name",
            Field::Street => "street",
            Field::AppName => "app_name",
            Field::Compound => "compound",
            Field::Company => "company",
            Field::Committee => "committee",
            Field::Representatives => "representatives",
            Field::Agenda => "agenda",
            Field::Resolution => "resolution",
            Field::Due => "due",
            Field::Item => "item",
            Field::Stock => "stock",
            Field::LoanDays => "loan_days",
            Field::Quantity => "quantity",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Field::Phone => ("手机号", "Mobile number"),
            Field::Password => ("密码", "Password"),
            Field::Name => ("姓名", "Name"),
            Field::Role => ("角色", "Role"),
            Field::Scope => ("范围", "Scope"),
            Field::Position => ("岗位", "Position"),
            Field::Duties => ("职责", "Duties"),
            Field::Coordinates => ("坐标", "Coordinates"),
            Field::Query => ("搜索词", "Search text"),
            Field::File => ("文件", "File"),
            Field::Description => ("问题描述", "Description"),
            Field::Category => ("问题类别", "Category"),
            Field::Rating => ("评分", "Rating"),
            Field::Reason => ("原因", "Reason"),
            Field::Department => ("职能部门", "Department"),
            Field::Photo => ("照片", "Photo"),
            Field::AfterPhoto => ("处置后照片", "Photo after handling"),
            Field::Request => ("请求", "Request"),
            Field::Title => ("标题", "Title"),
            Field::Story => ("心愿描述", "Story"),
            Field::Value => ("预估价值", "Value"),
            Field::WantedBy => ("期望完成日期", "Wanted-by date"),
            Field::Community => ("社区", "Community"),
            Field::Unit => ("单位", "Unit"),
            Field::PartyOrg => ("党组织名称", "Party organisation"),
            Field::Address => ("地址", "Address"),
            Field::Capacity => ("名额", "Places"),
            Field::Time => ("时间", "Time"),
            Field::Hours => ("服务时长", "Hours"),
            Field::Progress => ("进度", "Progress"),
            Field::Note => ("说明", "Note"),
            Field::Place => ("地点", "Place"),
            Field::MergeTarget => ("合并到的事件", "Case to merge into"),
            Field::Result => ("办理结果", "Result"),
            Field::Fulfilment => ("完成情况", "What was done"),
            Field::Owner => ("负责人", "Owner"),
            Field::Assisting => ("协办部门", "Assisting departments"),
            Field::RequiredBy => ("要求完成日期", "Required-by date"),
            Field::Report => ("报到情况", "Report"),
            Field::Building => ("楼栋", "Building"),
            Field::Room => ("房号", "Room"),
            Field::Members => ("家庭成员", "Members"),
            Field::Relation => ("与户主关系", "Relationship"),
            Field::IdNumber => ("身份证号", "ID number"),
            Field::Housing => ("住房状况", "Housing"),
            Field::CareTags => ("关爱标签", "Care tags"),
            Field::AccountPhone => ("本户居民账号手机号", "Resident account's mobile"),
            Field::Leader => ("联保长", "Group leader"),
            Field::Correction => ("更正内容", "Correction"),
            Field::KeyIssue => ("重点问题", "Key issues"),
            Field::Review => ("研判记录", "Reviews"),
            Field::Minutes => ("会议纪要", "Minutes"),
            Field::Options => ("表决选项", "Options"),
            Field::Vote => ("投票", "Vote"),
            Field::Second => ("附议", "Seconding"),
            Field::Topic => ("议题", "Topics"),
            Field::LinkedCase => ("关联事件", "Linked case"),
            Field::LinkedProject => ("关联项目", "Linked project"),
            Field::ContactName => ("联系人", "Contact"),
            Field::Street => ("街道", "Street"),
            Field::AppName => ("应用名称", "Application name"),
            Field::Compound => ("小区", "Compound"),
            Field::Company => ("物业公司", "Companies"),
            Field::Committee => ("业委会", "Owners' committee"),
            Field::Representatives => ("居民代表", "Resident representatives"),
            Field::Agenda => ("议程", "Agenda"),
            Field::Resolution => ("决议内容", "Resolution"),
            Field::Due => ("完成时限", "Due date"),
            Field::Item => ("物品名称", "Item"),
            Field::Stock => ("库存数量", "Stock"),
            Field::LoanDays => ("借用天数", "Loan days"),
            Field::Quantity => ("借用数量", "Quantity"),
        };
        lang.pick(zh, en)
    }
}

impl AppError {
    pub fn invalid(field: Field, problem: InputProblem) -> Self {
        AppError::Invalid { field, problem }
    }

    /// The error's stable name on the REST API, in snake_case. Written out
    /// here, never derived from the variant's Rust name: renaming a variant
    /// must not change what clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotSignedIn => "not_signed_in",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::WrongCredentials => "wrong_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::PhoneTaken => "phone_taken",
            AppError::AlreadyHandled { .. } => "already_handled",
            AppError::AlreadyClaimed { .. } => "already_claimed",
            AppError::Full => "full",
            AppError::AlreadyUrged { .. } => "already_urged",
            AppError::ClaimLimit { .. } => "claim_limit",
            AppError::WrongState => "wrong_state",
            AppError::Invalid { .. } => "invalid_input",
            AppError::Import(_) => "import_refused",
            AppError::Boundary(_) => "boundary_refused",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
            AppError::Busy { .. } => "busy",
            AppError::ConsentRequired => "consent_required",
            AppError::StorageFull => "storage_full",
            AppError::WrongPassword => "wrong_password",
        }
    }

    /// How many seconds to wait before trying again, for the errors that
    /// say so (the `Retry-After` header of a REST answer).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs }
            | AppError::Busy { retry_after_secs }
            | AppError::AlreadyUrged { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The HTTP status that goes with this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::WrongCredentials => 401,
            AppError::TooManyAttempts { .. }
            | AppError::ClaimLimit { .. }
            | AppError::AlreadyUrged { .. } => 429,
            AppError::PhoneTaken
            | AppError::AlreadyHandled { .. }
            | AppError::AlreadyClaimed { .. }
            | AppError::Full
            | AppError::WrongState => 409,
            AppError::Invalid { .. } | AppError::Import(_) => 400,
            AppError::Boundary(r) => {
                if r.conflict {
                    409
                } else {
                    400
                }
            }
            AppError::Internal | AppError::Transport(_) => 500,
            AppError::Busy { .. } => 503,
            AppError::StorageFull => 507,
            AppError::ConsentRequired => 400,
            AppError::WrongPassword => 403,
        }
    }

    /// A sentence for the user, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AppError::NotSignedIn => lang.pick("请先登录。", "Please sign in first.").into(),
            AppError::Forbidden => lang
                .pick("您没有权限进行此操作。", "You are not allowed to do this.")
                .into(),
            AppError::NotFound => lang.pick("没有找到。", "Not found.").into(),
            AppError::WrongCredentials => lang
                .pick(
                    "手机号或密码错误，请重新输入。",
                    "Wrong mobile number or password.",
                )
                .into(),
            AppError::TooManyAttempts { retry_after_secs } if *retry_after_secs < 60 => {
                if zh {
                    format!("尝试次数过多，请 {retry_after_secs} 秒后再试。")
                } else {
                    format!("Too many attempts. Try again in {retry_after_secs} s.")
                }
            }
            AppError::TooManyAttempts { retry_after_secs } => {
                let mins = retry_after_secs.div_ceil(60).max(1);
                if zh {
                    format!("尝试次数过多，请 {mins} 分钟后再试。")
                } else {
                    format!("Too many attempts. Try again in {mins} min.")
                }
            }
            AppError::PhoneTaken => lang
                .pick(
                    "该手机号已注册，请直接登录。",
                    "This mobile number is already registered; please sign in.",
                )
                .into(),
            AppError::AlreadyHandled { by, role } => {
                let by = if by.is_empty() {
                    role.map(|r| r.label(lang)).unwrap_or_default()
                } else {
                    by.as_str()
                };
                match (by.is_empty(), zh) {
                    (true, true) => "已经有人处理过了，请刷新后查看最新状态。".into(),
                    (true, false) => {
                        "Someone else already acted on this. Refresh to see where it stands.".into()
                    }
                    (false, true) => format!("已由{by}处理，请刷新后查看最新状态。"),
                    (false, false) => {
                        format!("Already handled by {by}. Refresh to see where it stands.")
                    }
                }
            }
            AppError::AlreadyClaimed { by } => {
                if zh {
                    format!("手慢了，这个心愿已被{by}认领。")
                } else {
                    format!("Too late: {by} has already claimed this wish.")
                }
            }
            AppError::Full => lang
                .pick("名额已满，下次早点报名吧。", "No places are left.")
                .into(),
            AppError::AlreadyUrged { retry_after_secs } => {
                let hours = retry_after_secs.div_ceil(3600).max(1);
                if zh {
                    format!("已催办过，每天可催办一次，请 {hours} 小时后再试。")
                } else {
                    format!("Already urged: once a day. Try again in {hours} h.")
                }
            }
            AppError::ClaimLimit { kind, limit } => match (kind, zh) {
                (ClaimLimitKind::OpenClaims, true) => {
                    format!("您已认领 {limit} 个尚未完成的心愿，请先完成后再认领新的。")
                }
                (ClaimLimitKind::OpenClaims, false) => format!(
                    "You already hold {limit} unfinished claims; fulfil one before claiming more."
                ),
                (ClaimLimitKind::DailyClaims, true) => {
                    format!("每天最多认领 {limit} 个心愿，请明天再来。")
                }
                (ClaimLimitKind::DailyClaims, false) => {
                    format!("At most {limit} new claims a day; please come back tomorrow.")
                }
                (ClaimLimitKind::GivenBack, true) => {
                    "您刚退回了这个心愿，24 小时内不能再次认领。".into()
                }
                (ClaimLimitKind::GivenBack, false) => {
                    "You gave this wish back less than a day ago; it can't be claimed again yet."
                        .into()
                }
            },
            AppError::WrongState => lang
                .pick(
                    "当前状态下不能进行此操作，请刷新后查看最新状态。",
                    "This action does not apply as things stand now. Refresh to see the latest.",
                )
                .into(),
            AppError::Invalid { field, problem } => {
                let f = field.label(lang);
                match (problem, zh) {
                    (InputProblem::Taken, true) if *field == Field::Vote => {
                        "您（或您家）已经投过票了。".into()
                    }
                    (InputProblem::Taken, false) if *field == Field::Vote => {
                        "You (or your household) have already voted.".into()
                    }
                    (InputProblem::Unknown, true) if *field == Field::Vote => {
                        "只有登记在本社区住户信息中的居民可以投票（按账号手机号核对），请联系社区。".into()
                    }
                    (InputProblem::Unknown, false) if *field == Field::Vote => {
                        "Only residents on this community's household records may vote (checked by the account's phone); ask the community.".into()
                    }
                    (InputProblem::OutOfRange, true) if *field == Field::Vote => {
                        "现在不在投票时间内。".into()
                    }
                    (InputProblem::OutOfRange, false) if *field == Field::Vote => {
                        "Voting is not open now.".into()
                    }
                    (InputProblem::InPast, true) if *field == Field::Vote => {
                        "投票尚未结束，截止后才能公布结果。".into()
                    }
                    (InputProblem::InPast, false) if *field == Field::Vote => {
                        "Voting is still open; publish the result after it closes.".into()
                    }
                    (InputProblem::OutOfRange, true) if *field == Field::Second => {
                        "只有登记在本社区住户信息中的居民可以附议（按账号手机号核对），请联系社区。".into()
                    }
                    (InputProblem::OutOfRange, false) if *field == Field::Second => {
                        "Only residents on this community's household records may second (checked by the account's phone).".into()
                    }
                    (InputProblem::Taken, true) if *field == Field::Second => {
                        "您已经附议过了。".into()
                    }
                    (InputProblem::Taken, false) if *field == Field::Second => {
                        "You have already seconded this topic.".into()
                    }
                    (InputProblem::Unknown, true) if *field == Field::Second => {
                        "不能附议自己提出的议题。".into()
                    }
                    (InputProblem::Unknown, false) if *field == Field::Second => {
                        "You cannot second your own topic.".into()
                    }
                    (InputProblem::Required, true) if *field == Field::AfterPhoto => {
                        "请先拍一张处置后的照片。".into()
                    }
                    (InputProblem::Required, false) if *field == Field::AfterPhoto => {
                        "Take a photo of the result first.".into()
                    }
                    (InputProblem::Required, true) => format!("请填写{f}。"),
                    (InputProblem::Required, false) => format!("{f} is required."),
                    (InputProblem::NotMobile, true) => "请输入11位手机号码。".into(),
                    (InputProblem::NotMobile, false) => {
                        "Enter an 11-digit mainland mobile number.".into()
                    }
                    (InputProblem::PasswordLength, true) => "密码长度应为8到64个字符。".into(),
                    (InputProblem::PasswordLength, false) => {
                        "The password must be 8 to 64 characters long.".into()
                    }
                    (InputProblem::TooLong, true) => format!("{f}太长了。"),
                    (InputProblem::TooLong, false) => format!("{f} is too long."),
                    (InputProblem::Unknown, true) => format!("{f}无效。"),
                    (InputProblem::Unknown, false) => format!("{f} is not valid."),
                    (InputProblem::OutOfRange, true) => format!("{f}超出范围。"),
                    (InputProblem::OutOfRange, false) => format!("{f} is out of range."),
                    (InputProblem::TooLarge, true) if *field == Field::Photo => {
                        "照片太大了，每张不能超过 10 MB。".into()
                    }
                    (InputProblem::TooLarge, false) if *field == Field::Photo => {
                        "The photo is too large; at most 10 MB each.".into()
                    }
                    (InputProblem::TooLarge, true) => format!("{f}太大了。"),
                    (InputProblem::TooLarge, false) => format!("{f} is too large."),
                    (InputProblem::NotImage, true) => {
                        "只支持 JPEG、PNG 或 WebP 格式的照片。".into()
                    }
                    (InputProblem::NotImage, false) => {
                        "Only JPEG, PNG or WebP photos are accepted.".into()
                    }
                    (InputProblem::TooMany, true) if *field == Field::Relation => {
                        "一户只能有一位户主。".into()
                    }
                    (InputProblem::TooMany, false) if *field == Field::Relation => {
                        "A household has only one head.".into()
                    }
                    (InputProblem::TooMany, true) if *field == Field::Members => {
                        "人数超出上限（一户最多 30 人，联户组最多 12 户）。".into()
                    }
                    (InputProblem::TooMany, false) if *field == Field::Members => {
                        "Too many (at most 30 members a household, 12 households a group).".into()
                    }
                    (InputProblem::TooMany, true) if *field == Field::File => {
                        "表格行数超出上限（每次最多 10 万行、30 列）。".into()
                    }
                    (InputProblem::TooMany, false) if *field == Field::File => {
                        "The sheet is too large (at most 100,000 rows and 30 columns at a time).".into()
                    }
                    (InputProblem::TooMany, true) if *field == Field::Correction => {
                        "已有待处理的申请，请等处理后再提交。".into()
                    }
                    (InputProblem::TooMany, false) if *field == Field::Correction => {
                        "You have requests waiting; send more once they are handled.".into()
                    }
                    (InputProblem::TooMany, true) if *field == Field::Photo => {
                        "照片最多 6 张。".into()
                    }
                    (InputProblem::TooMany, false) if *field == Field::Photo => {
                        "At most 6 photos.".into()
                    }
                    (InputProblem::TooMany, true) if *field == Field::Time => {
                        "今天的巡查次数已达上限。".into()
                    }
                    (InputProblem::TooMany, false) if *field == Field::Time => {
                        "Today's patrols have reached the limit.".into()
                    }
                    (InputProblem::TooMany, true) => format!("{f}数量已达上限。"),
                    (InputProblem::TooMany, false) => format!("{f}: the limit is reached."),
                    (InputProblem::InPast, true) => format!("{f}不能早于今天。"),
                    (InputProblem::InPast, false) => format!("{f} cannot be in the past."),
                    (InputProblem::Taken, true) => format!("该{f}已登记过。"),
                    (InputProblem::Taken, false) => format!("This {f} is already registered."),
                    (InputProblem::TooManyPixels, true) => {
                        "照片尺寸太大了，每边不能超过 8000 像素，总共不超过 4000 万像素。".into()
                    }
                    (InputProblem::TooManyPixels, false) => {
                        "The photo's dimensions are too large: at most 8000 pixels a side and 40 megapixels in all.".into()
                    }
                    (InputProblem::OutsideGrid, true) => {
                        "所选位置不在本网格内。请在网格范围内选点；其他地方的问题请从首页上报。".into()
                    }
                    (InputProblem::NotPhone, true) => {
                        "请输入手机号或固定电话（7到12位数字，可带区号和“-”）。".into()
                    }
                    (InputProblem::NotPhone, false) => {
                        "Enter a mobile or landline number (7 to 12 digits, an area code and '-' allowed).".into()
                    }
                    (InputProblem::NotIdNumber, true) => {
                        "身份证号应为18位，最后一位校验码须正确（可为 X）。".into()
                    }
                    (InputProblem::NotIdNumber, false) => {
                        "An ID number has 18 characters and a matching check character (a digit or X).".into()
                    }
                    (InputProblem::HasPhone, true) => format!("{f}里不能写电话号码。"),
                    (InputProblem::HasPhone, false) => format!("{f} cannot carry a phone number."),
                    (InputProblem::OutsideGrid, false) => {
                        "The place is outside this grid. Pick a point inside it; report other places from the home page.".into()
                    }
                }
            }
            // The feature and its problem are worded by `detail`, on the
            // pages that import (their words stay out of every page's code).
            AppError::Import(_) => lang
                .pick(
                    "边界文件有误，导入已取消，未写入任何数据。",
                    "The boundary file has a problem. Nothing was imported.",
                )
                .into(),
            AppError::Boundary(r) => r.message(lang).into(),
            AppError::Internal => lang
                .pick(
                    "服务器出错了，请稍后再试。",
                    "Something went wrong on our side. Please try again later.",
                )
                .into(),
            AppError::Transport(_) => lang
                .pick(
                    "网络连接失败，请检查网络后重试。",
                    "The connection failed. Check the network and try again.",
                )
                .into(),
            AppError::Busy { retry_after_secs } => {
                if zh {
                    format!("服务器正忙，请 {retry_after_secs} 秒后再试。")
                } else {
                    format!("The server is busy. Try again in {retry_after_secs} s.")
                }
            }
            AppError::ConsentRequired => lang
                .pick(
                    "请阅读并勾选同意隐私说明后再注册。",
                    "Please read and accept the privacy notice to register.",
                )
                .into(),
            AppError::WrongPassword => lang
                .pick("密码不正确。", "That password is not correct.")
                .into(),
            AppError::StorageFull => lang
                .pick(
                    "服务器存储空间已满，照片没有保存，请稍后再传。",
                    "The server is out of storage space; the photo was not kept. Try again later.",
                )
                .into(),
        }
    }
}

impl AppError {
    /// What went wrong, with an import's feature and problem spelled out
    /// (the import page and the command line); otherwise `message`.
    pub fn detail(&self, lang: Lang) -> String {
        match self {
            AppError::Import(r) => r.message(lang).into(),
            other => other.message(lang),
        }
    }
}

impl ImportError {
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let what = self.problem.message(lang);
        match (self.feature, &self.code, zh) {
            (Some(n), Some(c), true) => {
                format!("第 {n} 个要素（编码 {c}）：{what}导入已取消，未写入任何数据。")
            }
            (Some(n), None, true) => format!("第 {n} 个要素：{what}导入已取消，未写入任何数据。"),
            (None, _, true) => format!("{what}导入已取消，未写入任何数据。"),
            (Some(n), Some(c), false) => {
                format!("Feature {n} (code {c}): {what} Nothing was imported.")
            }
            (Some(n), None, false) => format!("Feature {n}: {what} Nothing was imported."),
            (None, _, false) => format!("{what} Nothing was imported."),
        }
    }
}

impl ImportProblem {
    /// The problem's stable name on the wire.
    pub fn code(&self) -> &'static str {
        use ImportProblem::*;
        match self {
            InvalidJson(_) => "invalid_json",
            NotFeatureCollection => "not_feature_collection",
            Empty => "empty",
            UnknownLevel(_) => "unknown_level",
            MissingCode => "missing_code",
            BadCode(_) => "bad_code",
            DuplicateCode(_) => "duplicate_code",
            MissingName => "missing_name",
            UnknownParent(_) => "unknown_parent",
            WrongParentLevel { .. } => "wrong_parent_level",
            NoDistrictForStreet => "no_district_for_street",
            UnknownKind(_) => "unknown_kind",
            MissingGeometry => "missing_geometry",
            NotAPolygon => "not_a_polygon",
            CoordinateOutOfRange { .. } => "coordinate_out_of_range",
            UnclosedRing => "unclosed_ring",
            TooFewPoints => "too_few_points",
            SelfIntersection => "self_intersection",
            HoleOutsideShell => "hole_outside_shell",
            UnknownCompany(_) => "unknown_company",
            Overlap { .. } => "overlap",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        use ImportProblem::*;
        if lang == Lang::Zh {
            match self {
                InvalidJson(e) => format!("文件不是有效的 JSON（{e}）。"),
                NotFeatureCollection => "文件必须是一个 GeoJSON FeatureCollection。".into(),
                Empty => "文件中没有要素。".into(),
                UnknownLevel(l) => {
                    format!("未知的层级“{l}”，应为 district、street、community 或 grid。")
                }
                MissingCode => "缺少编码（code）。".into(),
                BadCode(c) => format!("编码“{c}”无效，只能包含字母、数字、- 和 _。"),
                DuplicateCode(c) => format!("编码 {c} 重复。"),
                MissingName => "缺少名称（name）。".into(),
                UnknownParent(p) => format!("找不到上级编码 {p}。"),
                WrongParentLevel { parent } => format!("上级 {parent} 的层级不对。"),
                NoDistrictForStreet => "街道没有指定上级，且区不唯一。".into(),
                UnknownKind(k) => format!("网格类型“{k}”无效，应为 base 或 dedicated。"),
                MissingGeometry => "缺少边界（geometry）。".into(),
                NotAPolygon => "边界必须是 Polygon 或 MultiPolygon。".into(),
                CoordinateOutOfRange { lng, lat } => {
                    format!("坐标 ({lng}, {lat}) 超出经纬度范围。")
                }
                UnclosedRing => "边界环没有闭合（首尾坐标不同）。".into(),
                TooFewPoints => "边界环的点数太少。".into(),
                SelfIntersection => "边界自相交。".into(),
                HoleOutsideShell => "内环（洞）不在外环之内或与外环相交。".into(),
                UnknownCompany(c) => format!("未知的物业公司编码“{c}”，请先登记该物业公司。"),
                Overlap {
                    grid,
                    other,
                    area_m2,
                } => format!(
                    "网格 {grid} 与网格 {other} 重叠约 {area_m2:.1} 平方米，网格之间不能重叠。"
                ),
            }
        } else {
            match self {
                InvalidJson(e) => format!("The file is not valid JSON ({e})."),
                NotFeatureCollection => "The file must be one GeoJSON FeatureCollection.".into(),
                Empty => "The file has no features.".into(),
                UnknownLevel(l) => {
                    format!("Unknown level \"{l}\"; use district, street, community or grid.")
                }
                MissingCode => "The code is missing.".into(),
                BadCode(c) => {
                    format!("The code \"{c}\" is not valid; use letters, digits, - and _.")
                }
                DuplicateCode(c) => format!("The code {c} appears twice."),
                MissingName => "The name is missing.".into(),
                UnknownParent(p) => format!("The parent code {p} is unknown."),
                WrongParentLevel { parent } => {
                    format!("The parent {parent} is at the wrong level.")
                }
                NoDistrictForStreet => {
                    "The street names no parent and there is not exactly one district.".into()
                }
                UnknownKind(k) => format!("Unknown grid kind \"{k}\"; use base or dedicated."),
                MissingGeometry => "The boundary (geometry) is missing.".into(),
                NotAPolygon => "The boundary must be a Polygon or MultiPolygon.".into(),
                CoordinateOutOfRange { lng, lat } => {
                    format!("The coordinate ({lng}, {lat}) is out of range.")
                }
                UnclosedRing => "A ring is not closed (first and last positions differ).".into(),
                TooFewPoints => "A ring has too few points.".into(),
                SelfIntersection => "The boundary intersects itself.".into(),
                HoleOutsideShell => "A hole lies outside its outer ring or crosses it.".into(),
                UnknownCompany(c) => {
                    format!("Unknown property company code \"{c}\"; register the company first.")
                }
                Overlap {
                    grid,
                    other,
                    area_m2,
                } => format!(
                    "Grid {grid} overlaps grid {other} by about {area_m2:.1} m²; grids must not overlap."
                ),
            }
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for AppError {}

/// The JSON body of every refused REST request (`/api/v1/...`) and of the
/// server's own refusals there (body too large, busy, cross-site write):
/// `{"code": "not_found", "message": "没有找到。", "message_en": "Not found."}`,
/// plus the error's data where a program can use it. Server functions keep
/// sending the [`AppError`] itself, which the app's own client decodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// [`AppError::code`].
    pub code: String,
    /// The message in Chinese.
    pub message: String,
    /// The message in English.
    pub message_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// The form field at fault ([`Field::code`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong with it ([`InputProblem::code`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The claim limit reached ([`ClaimLimitKind::code`]) and its size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

impl ErrorBody {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message,
            Lang::En => &self.message_en,
        }
    }
}

impl From<&AppError> for ErrorBody {
    fn from(e: &AppError) -> ErrorBody {
        let (field, problem) = match e {
            AppError::Invalid { field, problem } => {
                (Some(field.code().into()), Some(problem.code().into()))
            }
            _ => (None, None),
        };
        let (limit_kind, limit) = match e {
            AppError::ClaimLimit { kind, limit } => (Some(kind.code().into()), Some(*limit)),
            _ => (None, None),
        };
        ErrorBody {
            code: e.code().into(),
            message: e.message(Lang::Zh),
            message_en: e.message(Lang::En),
            retry_after_secs: e.retry_after_secs(),
            field,
            problem,
            limit_kind,
            limit,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let e = AppError::from_framework(value);
        // The function body never ran, so nothing else gives the answer its
        // status: without this a bad argument would go out as a 500.
        #[cfg(feature = "ssr")]
        crate::backend::request::set_status(&e);
        e
    }
}

impl AppError {
    fn from_framework(value: ServerFnErrorErr) -> AppError {
        match value {
            // A body cut off by the server's size limit (`security::body_limit`).
            ServerFnErrorErr::Deserialization(m) | ServerFnErrorErr::Args(m)
                if cfg!(feature = "ssr") && m.contains("length limit exceeded") =>
            {
                AppError::invalid(Field::Request, InputProblem::TooLarge)
            }
            // The request's arguments did not decode (a wrong type or value, one
            // missing): the caller's mistake, answered 400, not a server error.
            // (The JSON codec reports bad arguments as `Deserialization` on the
            // server; in the browser that variant is a bad answer, a transport
            // failure.)
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::invalid(Field::Request, InputProblem::Unknown)
            }
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => {
                AppError::invalid(Field::Request, InputProblem::Unknown)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

impl From<ImportError> for AppError {
    /// Worded here, on the server: the browser shows the sentence and
    /// carries neither the words nor a decoder for every import problem.
    fn from(e: ImportError) -> Self {
        AppError::Import(Refusal {
            problem: e.problem.code().into(),
            zh: e.message(Lang::Zh),
            en: e.message(Lang::En),
            conflict: false,
        })
    }
}

/// Maps validator's field errors to the first problem, in form order.
#[cfg(feature = "ssr")]
pub fn from_validation(errors: &validator::ValidationErrors, order: &[(&str, Field)]) -> AppError {
    let fields = errors.field_errors();
    for (name, field) in order {
        if let Some(list) = fields.get(*name) {
            let problem = match list.first().map(|e| e.code.as_ref()) {
                Some("mobile") => InputProblem::NotMobile,
                Some("password_length") => InputProblem::PasswordLength,
                Some("name_length") => {
                    if list
                        .first()
                        .and_then(|e| e.params.get("value"))
                        .and_then(|v| v.as_str())
                        .is_some_and(|v| v.is_empty())
                    {
                        InputProblem::Required
                    } else {
                        InputProblem::TooLong
                    }
                }
                _ => InputProblem::Unknown,
            };
            return AppError::invalid(*field, problem);
        }
    }
    AppError::invalid(Field::Name, InputProblem::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "ssr")]
    use crate::domain::person::Registration;
    #[cfg(feature = "ssr")]
    use validator::Validate;

    #[cfg(feature = "ssr")]
    #[test]
    fn validation_errors_become_readable_sentences() {
        let order = [
            ("phone", Field::Phone),
            ("password", Field::Password),
            ("name", Field::Name),
        ];
        let e = Registration::new("12", "longenough", "李四")
            .validate()
            .unwrap_err();
        let err = from_validation(&e, &order);
        assert_eq!(
            err,
            AppError::invalid(Field::Phone, InputProblem::NotMobile)
        );
        assert_eq!(err.message(Lang::Zh), "请输入11位手机号码。");
        let e = Registration::new("13800000001", "longenough", "")
            .validate()
            .unwrap_err();
        assert_eq!(
            from_validation(&e, &order).message(Lang::Zh),
            "请填写姓名。"
        );
    }

    #[test]
    fn import_errors_name_the_feature_in_both_languages() {
        let e = ImportError::at(3, Some("G-01"), ImportProblem::SelfIntersection);
        assert_eq!(
            e.message(Lang::Zh),
            "第 3 个要素（编码 G-01）：边界自相交。导入已取消，未写入任何数据。"
        );
        assert!(e
            .message(Lang::En)
            .starts_with("Feature 3 (code G-01): The boundary intersects itself."));
        // The import page words the feature (`detail`); every other page
        // carries only the general line.
        let err = AppError::from(e.clone());
        assert_eq!(err.detail(Lang::Zh), e.message(Lang::Zh));
        assert!(err.message(Lang::Zh).contains("未写入任何数据"));
    }

    /// One of each variant. The match below has no catch-all: a new variant
    /// does not compile until it is named there, next to this list.
    fn one_of_each() -> Vec<AppError> {
        let all = vec![
            AppError::NotSignedIn,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::WrongCredentials,
            AppError::TooManyAttempts {
                retry_after_secs: 1,
            },
            AppError::PhoneTaken,
            AppError::AlreadyHandled {
                by: String::new(),
                role: None,
            },
            AppError::AlreadyClaimed { by: String::new() },
            AppError::Full,
            AppError::ClaimLimit {
                kind: ClaimLimitKind::OpenClaims,
                limit: 3,
            },
            AppError::WrongState,
            AppError::invalid(Field::Name, InputProblem::Required),
            AppError::from(ImportError::file(ImportProblem::Empty)),
            AppError::Boundary(crate::domain::boundary::BoundaryProblem::NoChange.into()),
            AppError::Internal,
            AppError::Transport(String::new()),
            AppError::Busy {
                retry_after_secs: 5,
            },
            AppError::AlreadyUrged {
                retry_after_secs: 3600,
            },
            AppError::ConsentRequired,
            AppError::WrongPassword,
            AppError::StorageFull,
        ];
        for e in &all {
            match e {
                AppError::NotSignedIn
                | AppError::Forbidden
                | AppError::NotFound
                | AppError::WrongCredentials
                | AppError::TooManyAttempts { .. }
                | AppError::PhoneTaken
                | AppError::AlreadyHandled { .. }
                | AppError::AlreadyClaimed { .. }
                | AppError::Full
                | AppError::ClaimLimit { .. }
                | AppError::WrongState
                | AppError::Invalid { .. }
                | AppError::Import(_)
                | AppError::Boundary(_)
                | AppError::Internal
                | AppError::Transport(_)
                | AppError::Busy { .. }
                | AppError::AlreadyUrged { .. }
                | AppError::ConsentRequired
                | AppError::WrongPassword
                | AppError::StorageFull => {}
            }
        }
        all
    }

    fn snake_case(code: &str) -> bool {
        !code.is_empty()
            && !code.starts_with('_')
            && !code.ends_with('_')
            && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    }

    #[test]
    fn every_error_has_its_own_snake_case_code() {
        let all = one_of_each();
        let codes: std::collections::HashSet<&str> = all.iter().map(AppError::code).collect();
        assert_eq!(codes.len(), all.len(), "codes must differ: {codes:?}");
        for code in codes {
            assert!(snake_case(code), "{code}");
        }
    }

    #[test]
    fn fields_and_problems_have_their_own_snake_case_codes() {
        use std::collections::HashSet;
        let fields = Field::ALL;
        let codes: HashSet<&str> = fields.iter().map(|f| f.code()).collect();
        assert_eq!(codes.len(), fields.len());
        assert!(codes.iter().all(|c| snake_case(c)), "{codes:?}");
        let problems = InputProblem::ALL;
        let codes: HashSet<&str> = problems.iter().map(|p| p.code()).collect();
        assert_eq!(codes.len(), problems.len());
        assert!(codes.iter().all(|c| snake_case(c)), "{codes:?}");
        let kinds = [
            ClaimLimitKind::OpenClaims,
            ClaimLimitKind::DailyClaims,
            ClaimLimitKind::GivenBack,
        ];
        let codes: HashSet<&str> = kinds.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), kinds.len());
        assert!(codes.iter().all(|c| snake_case(c)), "{codes:?}");
    }

    #[test]
    fn fields_and_problems_travel_by_their_variant_names() {
        for f in Field::ALL {
            let text = serde_json::to_string(f).unwrap();
            assert_eq!(text, format!("\"{f:?}\""));
            assert_eq!(serde_json::from_str::<Field>(&text).unwrap(), *f);
            assert_eq!(
                serde_json::from_slice::<Field>(text.as_bytes()).unwrap(),
                *f
            );
        }
        for p in InputProblem::ALL {
            let text = serde_json::to_string(p).unwrap();
            assert_eq!(serde_json::from_str::<InputProblem>(&text).unwrap(), *p);
        }
        assert_eq!(
            serde_json::to_value(AppError::invalid(
                Field::AfterPhoto,
                InputProblem::NotIdNumber
            ))
            .unwrap(),
            serde_json::json!({"code": "invalid_input", "field": "AfterPhoto", "problem": "NotIdNumber"})
        );
        assert!(serde_json::from_str::<Field>("\"Nonsense\"").is_err());
    }

    #[test]
    fn the_rest_body_words_the_error_in_both_languages() {
        let e = AppError::invalid(Field::Photo, InputProblem::TooLarge);
        let body = ErrorBody::from(&e);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({
                "code": "invalid_input",
                "message": "照片太大了，每张不能超过 10 MB。",
                "message_en": "The photo is too large; at most 10 MB each.",
                "field": "photo",
                "problem": "too_large",
            })
        );
        assert_eq!(body.message(Lang::Zh), "照片太大了，每张不能超过 10 MB。");
        let busy = ErrorBody::from(&AppError::Busy {
            retry_after_secs: 5,
        });
        assert_eq!(
            serde_json::to_value(&busy).unwrap(),
            serde_json::json!({
                "code": "busy",
                "message": "服务器正忙，请 5 秒后再试。",
                "message_en": "The server is busy. Try again in 5 s.",
                "retry_after_secs": 5,
            })
        );
        let limit = ErrorBody::from(&AppError::ClaimLimit {
            kind: ClaimLimitKind::DailyClaims,
            limit: 5,
        });
        assert_eq!(limit.limit_kind.as_deref(), Some("daily_claims"));
        assert_eq!(limit.limit, Some(5));
        let back: ErrorBody =
            serde_json::from_str(&serde_json::to_string(&limit).unwrap()).unwrap();
        assert_eq!(back, limit);
    }

    #[test]
    fn every_error_comes_back_whole_from_its_json() {
        let mut all = one_of_each();
        all.push(AppError::AlreadyHandled {
            by: "王五".into(),
            role: Some(crate::domain::auth::Role::GridWorker),
        });
        all.push(AppError::Transport("reset".into()));
        for e in all {
            let text = serde_json::to_string(&e).unwrap();
            assert_eq!(
                serde_json::from_str::<AppError>(&text).unwrap(),
                e,
                "{text}"
            );
        }
        // Only the fields its kind uses travel.
        assert_eq!(
            serde_json::to_value(AppError::Forbidden).unwrap(),
            serde_json::json!({"code": "forbidden"})
        );
        // An answer from a newer server with a code this build does not know.
        assert_eq!(
            serde_json::from_str::<AppError>(r#"{"code": "something_new"}"#).unwrap(),
            AppError::Internal
        );
        // ... or a field or problem it does not know: still the error it is.
        assert_eq!(
            serde_json::from_str::<AppError>(
                r#"{"code": "invalid_input", "field": "Shoe", "problem": "Sideways"}"#
            )
            .unwrap(),
            AppError::Invalid {
                field: Field::Request,
                problem: InputProblem::Unknown
            }
        );
        assert_eq!(
            serde_json::from_str::<AppError>(
                r#"{"code": "already_handled", "text": "", "role": "Mayor"}"#
            )
            .unwrap(),
            AppError::AlreadyHandled {
                by: String::new(),
                role: None
            }
        );
    }

    #[test]
    fn a_refusal_a_phone_kept_from_an_earlier_build_still_reads() {
        // Kept now.
        let now = AppError::invalid(Field::Category, InputProblem::Unknown);
        assert_eq!(
            AppError::from_stored(&serde_json::to_string(&now).unwrap()),
            Some(now.clone())
        );
        // Kept before session 26 (serde's enum shape).
        assert_eq!(
            AppError::from_stored(r#"{"Invalid":{"field":"Category","problem":"Unknown"}}"#),
            Some(now)
        );
        assert_eq!(
            AppError::from_stored(r#""Forbidden""#),
            Some(AppError::Forbidden)
        );
        assert_eq!(
            AppError::from_stored(r#""NotFound""#),
            Some(AppError::NotFound)
        );
        assert_eq!(
            AppError::from_stored(r#""Internal""#),
            Some(AppError::Internal)
        );
        // Neither shape.
        assert_eq!(AppError::from_stored(r#""SomethingElse""#), None);
        assert_eq!(AppError::from_stored(""), None);
        assert_eq!(AppError::from_stored(r#"{"Weird":1}"#), None);
    }

    #[test]
    fn errors_travel_as_json() {
        let e = AppError::TooManyAttempts {
            retry_after_secs: 61,
        };
        let back: AppError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
        assert_eq!(e.message(Lang::Zh), "尝试次数过多，请 2 分钟后再试。");
    }
}
