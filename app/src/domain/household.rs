//! Base information (人房信息): buildings with their units and rooms,
//! households with their members, housing status and care tags, and the
//! household groups (联户组) with the tasks pushed to every door. Plain rules
//! for server and browser: what a form may hold, how a sensitive field is
//! masked, how a sheet row reads. Who may see what is `policy`.

use super::error::{text_problem, Field, InputProblem, Problems};
use super::lang::Lang;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Members a household may list.
pub const MAX_MEMBERS: usize = 30;
/// Search answers at most this many households at a time.
pub const SEARCH_LIMIT: usize = 50;
/// The longest search text.
pub const MAX_QUERY: usize = 40;
/// Rows one import may hold (a street's sheet is split by community above this).
pub const MAX_IMPORT_ROWS: usize = 100_000;
/// Row problems an import reports before it stops listing them.
pub const MAX_ROW_PROBLEMS: usize = 200;

/// How a home is lived in (住房状况).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Housing {
    OwnerOccupied,
    Rented,
    Vacant,
}

impl Housing {
    pub const ALL: [Housing; 3] = [Housing::OwnerOccupied, Housing::Rented, Housing::Vacant];

    pub fn as_str(self) -> &'static str {
        match self {
            Housing::OwnerOccupied => "owner_occupied",
            Housing::Rented => "rented",
            Housing::Vacant => "vacant",
        }
    }

    pub fn parse(s: &str) -> Option<Housing> {
        Housing::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// Reads a sheet cell: the Chinese label or the stored name.
    pub fn read(s: &str) -> Option<Housing> {
        let s = s.trim();
        Housing::ALL
            .into_iter()
            .find(|h| h.label(Lang::Zh) == s || h.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Housing::OwnerOccupied => ("自住", "Owner-occupied"),
            Housing::Rented => ("出租", "Rented"),
            Housing::Vacant => ("空置", "Vacant"),
        };
        lang.pick(zh, en)
    }
}

/// Why a household needs care (关爱标签). Sensitive: masked until revealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareTag {
    ElderlyAlone,
    Disabled,
    Subsistence,
    LeftBehindChild,
    KeyAttention,
}

impl CareTag {
    pub const ALL: [CareTag; 5] = [
        CareTag::ElderlyAlone,
        CareTag::Disabled,
        CareTag::Subsistence,
        CareTag::LeftBehindChild,
        CareTag::KeyAttention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CareTag::ElderlyAlone => "elderly_alone",
            CareTag::Disabled => "disabled",
            CareTag::Subsistence => "subsistence",
            CareTag::LeftBehindChild => "left_behind_child",
            CareTag::KeyAttention => "key_attention",
        }
    }

    pub fn parse(s: &str) -> Option<CareTag> {
        CareTag::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Reads one tag of a sheet cell: the Chinese label (低保 and 五保 both
    /// name the assistance tag) or the stored name.
    pub fn read(s: &str) -> Option<CareTag> {
        let s = s.trim();
        if s == "低保" || s == "五保" {
            return Some(CareTag::Subsistence);
        }
        CareTag::ALL
            .into_iter()
            .find(|t| t.label(Lang::Zh) == s || t.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            CareTag::ElderlyAlone => ("独居老人", "Elderly living alone"),
            CareTag::Disabled => ("残疾人", "Disabled"),
            CareTag::Subsistence => ("低保/五保", "Subsistence aid"),
            CareTag::LeftBehindChild => ("留守儿童", "Left-behind child"),
            CareTag::KeyAttention => ("重点关注", "Key attention"),
        };
        lang.pick(zh, en)
    }

    /// Stored as a comma list of names, in a fixed order.
    pub fn join(tags: &[CareTag]) -> String {
        let mut t = tags.to_vec();
        t.sort();
        t.dedup();
        t.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn split(s: &str) -> Vec<CareTag> {
        s.split(',').filter_map(CareTag::parse).collect()
    }
}

/// A member's relationship to the head of the household (与户主关系).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Grandchild,
    Sibling,
    Tenant,
    Other,
}

impl Relation {
    pub const ALL: [Relation; 8] = [
        Relation::Head,
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
        Relation::Grandchild,
        Relation::Sibling,
        Relation::Tenant,
        Relation::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Head => "head",
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Grandchild => "grandchild",
            Relation::Sibling => "sibling",
            Relation::Tenant => "tenant",
            Relation::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn read(s: &str) -> Option<Relation> {
        let s = s.trim();
        Relation::ALL
            .into_iter()
            .find(|r| r.label(Lang::Zh) == s || r.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Relation::Head => ("户主", "Head"),
            Relation::Spouse => ("配偶", "Spouse"),
            Relation::Child => ("子女", "Child"),
            Relation::Parent => ("父母", "Parent"),
            Relation::Grandchild => ("孙辈", "Grandchild"),
            Relation::Sibling => ("兄弟姐妹", "Sibling"),
            Relation::Tenant => ("租户", "Tenant"),
            Relation::Other => ("其他", "Other"),
        };
        lang.pick(zh, en)
    }
}

/// What a 联户组 joins: 7–12 households, or 4–8 shops (沿街商户).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Households,
    Shops,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Households => "households",
            GroupKind::Shops => "shops",
        }
    }

    pub fn parse(s: &str) -> Option<GroupKind> {
        [GroupKind::Households, GroupKind::Shops]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The sizes the seeds give (毕家岗: 7–12 households or 4–8 shops).
    pub fn sizes(self) -> std::ops::RangeInclusive<usize> {
        match self {
            GroupKind::Households => 7..=12,
            GroupKind::Shops => 4..=8,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            GroupKind::Households => ("住户联户组", "Household group"),
            GroupKind::Shops => ("商户联户组", "Shop group"),
        };
        lang.pick(zh, en)
    }
}

// ------------------------------------------------------------- masking

/// A mobile number as shown before a reveal: `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// An ID number as shown before a reveal: the first three and last four
/// characters (`110***********123X`), nothing of the birth date.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// The check character (GB 11643) of an ID number's first 17 digits, or
/// `None` when they are not 17 digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let digits: Vec<u32> = first17
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    Some(CHECK[(sum % 11) as usize])
}

/// Whether `id` is a resident ID number (GB 11643): 17 digits and a check
/// character (a digit or X) that matches them.
pub fn valid_id_number(id: &str) -> bool {
    let Some((i, last)) = id.char_indices().last() else {
        return false;
    };
    id_check_char(&id[..i]) == Some(last.to_ascii_uppercase())
}

/// A phone kept in the records: a mobile (11 digits from 1) or a landline
/// (7–12 digits with an optional area code and a dash).
pub fn valid_record_phone(phone: &str) -> bool {
    let digits: String = phone.chars().filter(|c| *c != '-').collect();
    phone.chars().all(|c| c.is_ascii_digit() || c == '-')
        && (7..=12).contains(&digits.len())
        && !phone.starts_with('-')
        && !phone.ends_with('-')
}

/// The door of a home as residents say it: 3号楼2单元501.
pub fn door(building: &str, unit: &str, room: &str) -> String {
    let mut s = building.trim().to_string();
    if !unit.trim().is_empty() {
        s.push_str(unit.trim());
    }
    if !room.trim().is_empty() {
        s.push_str(room.trim());
    }
    s
}

// ------------------------------------------------------------- forms

/// One member as a form or a sheet row gives it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberInput {
    /// The stored member an edit keeps (its masked fields stay as stored).
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    pub relation: Option<Relation>,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub id_number: String,
}

/// A household as the form sends it. `id` is set when it is edited; the
/// sensitive fields of an edit come back masked unless the editor revealed
/// them, and a masked value keeps what is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdInput {
    pub id: Option<i64>,
    pub grid: String,
    pub building: String,
    #[serde(default)]
    pub unit: String,
    pub room: String,
    pub housing: Housing,
    /// `None` keeps the stored tags (an edit by someone who did not reveal them).
    #[serde(default)]
    pub care_tags: Option<Vec<CareTag>>,
    pub members: Vec<MemberInput>,
    /// The mobile number of the resident account that may see this
    /// household (本户居民账号); empty for none.
    #[serde(default)]
    pub account_phone: String,
    /// When the record the form was filled from was last changed: an edit
    /// of a record changed since is refused (it would undo the other edit).
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Whether a field as sent is still the mask shown (and so means "keep").
pub fn is_masked(s: &str) -> bool {
    s.contains('*')
}

/// What is wrong with a member, field by field.
pub fn member_problems(m: &MemberInput) -> Problems {
    let mut p = Problems::new();
    if let Some(x) = text_problem(&m.name, 30, true) {
        p.push((Field::Name, x));
    }
    if m.relation.is_none() {
        p.push((Field::Relation, InputProblem::Required));
    }
    let phone = m.phone.trim();
    if !phone.is_empty() && !is_masked(phone) && !valid_record_phone(phone) {
        p.push((Field::Phone, InputProblem::NotPhone));
    }
    let id = m.id_number.trim();
    if !id.is_empty() && !is_masked(id) && !valid_id_number(id) {
        p.push((Field::IdNumber, InputProblem::NotIdNumber));
    }
    p
}

/// What is wrong with a household form, field by field.
pub fn household_problems(h: &HouseholdInput) -> Problems {
    let mut p = Problems::new();
    if h.grid.trim().is_empty() {
        p.push((Field::Place, InputProblem::Required));
    }
    if let Some(x) = text_problem(&h.building, 30, true) {
        p.push((Field::Building, x));
    }
    if let Some(x) = text_problem(&h.unit, 10, false) {
        p.push((Field::Unit, x));
    }
    if let Some(x) = text_problem(&h.room, 10, true) {
        p.push((Field::Room, x));
    }
    if h.members.is_empty() && h.housing != Housing::Vacant {
        p.push((Field::Members, InputProblem::Required));
    }
    if h.members.len() > MAX_MEMBERS {
        p.push((Field::Members, InputProblem::TooMany));
    }
    if h.members
        .iter()
        .filter(|m| m.relation == Some(Relation::Head))
        .count()
        > 1
    {
        p.push((Field::Relation, InputProblem::TooMany));
    }
    for m in &h.members {
        for x in member_problems(m) {
            if !p.contains(&x) {
                p.push(x);
            }
        }
    }
    let phone = h.account_phone.trim();
    if !phone.is_empty() && !is_masked(phone) && !super::person::is_mobile_number(phone) {
        p.push((Field::AccountPhone, InputProblem::NotMobile));
    }
    p
}

// ------------------------------------------------------------- views

/// A member as a reader sees them: phone and ID masked unless revealed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: i64,
    pub name: String,
    pub relation: Relation,
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

/// A household as a reader sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdView {
    pub id: i64,
    pub grid_code: String,
    pub grid_name: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub housing: Housing,
    /// `None` while masked (not even how many: being on a care list is
    /// itself sensitive).
    pub care_tags: Option<Vec<CareTag>>,
    pub members: Vec<MemberView>,
    /// The sensitive fields are shown in full (a reveal, audited).
    pub revealed: bool,
    /// A resident account sees this household (its phone masked).
    pub account: Option<String>,
    pub group: Option<(i64, String)>,
    pub updated_at: DateTime<Utc>,
    /// The caller may change it.
    pub editable: bool,
}

impl HouseholdView {
    pub fn door(&self) -> String {
        door(&self.building, &self.unit, &self.room)
    }

    /// The same household with its sensitive fields masked.
    pub fn masked(mut self) -> HouseholdView {
        self.care_tags = None;
        for m in &mut self.members {
            m.phone = m.phone.as_deref().map(mask_phone);
            m.id_number = m.id_number.as_deref().map(mask_id_number);
        }
        self.revealed = false;
        self
    }
}

/// One household of a search or a list: no sensitive field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdHit {
    pub id: i64,
    pub grid_code: String,
    pub door: String,
    pub head: String,
    pub members: u32,
    pub housing: Housing,
    /// The member whose name or phone matched, when not the head.
    pub matched: Option<String>,
}

/// One door of a 联户组 as its 联保长 sees it: names and door, nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupDoor {
    pub household_id: i64,
    pub door: String,
    pub head: String,
}

/// A task pushed to a group (e.g. 防诈骗入户宣传), with each door done or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupTaskView {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    /// The households marked done.
    pub done: Vec<i64>,
}

/// A 联户组 with its doors and tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: i64,
    pub grid_code: String,
    pub name: String,
    pub kind: GroupKind,
    pub leader_name: String,
    /// Masked for everyone but staff of the grid.
    pub leader_phone: String,
    pub doors: Vec<GroupDoor>,
    pub tasks: Vec<GroupTaskView>,
    /// The caller may push tasks and change the group (staff), not only tick.
    pub manage: bool,
}

impl GroupView {
    /// A hint when the group is outside the sizes the seeds give.
    pub fn size_fits(&self) -> bool {
        self.kind.sizes().contains(&self.doors.len())
    }
}

/// A new 联户组.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewGroup {
    pub grid: String,
    pub name: String,
    pub kind: GroupKind,
    pub leader_name: String,
    pub leader_phone: String,
    pub households: Vec<i64>,
}

pub fn group_problems(g: &NewGroup) -> Problems {
    let mut p = Problems::new();
    if let Some(x) = text_problem(&g.name, 30, true) {
        p.push((Field::Name, x));
    }
    if let Some(x) = text_problem(&g.leader_name, 30, true) {
        p.push((Field::Leader, x));
    }
    if !super::person::is_mobile_number(g.leader_phone.trim()) {
        p.push((Field::Phone, InputProblem::NotMobile));
    }
    if g.households.is_empty() {
        p.push((Field::Members, InputProblem::Required));
    } else if g.households.len() > *g.kind.sizes().end() {
        p.push((Field::Members, InputProblem::TooMany));
    }
    p
}

/// A task pushed to a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewGroupTask {
    pub group_id: i64,
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub due_on: Option<NaiveDate>,
}

pub fn task_problems(t: &NewGroupTask, today: NaiveDate) -> Problems {
    let mut p = Problems::new();
    if let Some(x) = text_problem(&t.title, 60, true) {
        p.push((Field::Title, x));
    }
    if let Some(x) = text_problem(&t.body, 500, false) {
        p.push((Field::Note, x));
    }
    if t.due_on.is_some_and(|d| d < today) {
        p.push((Field::Time, InputProblem::InPast));
    }
    p
}

/// A resident's request to correct their household's record (申请更正).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrectionView {
    pub id: i64,
    pub household_id: i64,
    pub door: String,
    pub text: String,
    pub by: String,
    pub created_at: DateTime<Utc>,
    pub done: bool,
}

/// The longest correction request.
pub const MAX_CORRECTION: usize = 500;

/// What a resident sees of their own household.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyHousehold {
    pub household: Option<HouseholdView>,
    pub corrections: Vec<CorrectionView>,
    /// The groups the caller leads as 联保长.
    pub groups: Vec<GroupView>,
}

/// The households page of an area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdsPage {
    /// The areas the caller may open (code, name), theirs first.
    pub areas: Vec<(String, String)>,
    pub area: String,
    /// The grids of the area a household may be added to (code, name).
    pub grids: Vec<(String, String)>,
    pub hits: Vec<HouseholdHit>,
    /// Households in the area in all; with the groups and the correction
    /// requests, only on the page's first load (a search answers its hits
    /// alone: counting a street's records on every keystroke costs more
    /// than the search).
    pub total: Option<u64>,
    pub groups: Vec<GroupView>,
    pub corrections: Vec<CorrectionView>,
    /// The caller may add and change records here (instructors read only).
    pub editable: bool,
}

// ------------------------------------------------------------- sheets

/// The columns of the import sheet, in order (the template's first row).
pub const SHEET_COLUMNS: [&str; 11] = [
    "网格编码",
    "楼栋",
    "单元",
    "房号",
    "住房状况",
    "关爱标签",
    "姓名",
    "与户主关系",
    "联系电话",
    "身份证号",
    "本户居民账号手机号",
];

/// One person row of an import sheet: rows with the same grid, building,
/// unit and room are one household, in sheet order.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetRow {
    /// The row's number in the sheet (1 = the header).
    pub row: usize,
    pub grid: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub housing: Option<Housing>,
    pub care_tags: Vec<CareTag>,
    pub member: MemberInput,
    pub account_phone: String,
}

/// A problem with one row of a sheet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: usize,
    pub field: Field,
    pub problem: InputProblem,
}

/// Reads the cells of one row (already text) into a person row, or the
/// row's problems. Housing may be blank on any row but a household's first.
pub fn read_row(row: usize, cells: &[String]) -> Result<SheetRow, Vec<RowProblem>> {
    let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
    let mut problems = Vec::new();
    let mut bad = |field: Field, problem: InputProblem| {
        problems.push(RowProblem {
            row,
            field,
            problem,
        })
    };
    let housing = match cell(4) {
        "" => None,
        s => {
            let h = Housing::read(s);
            if h.is_none() {
                bad(Field::Housing, InputProblem::Unknown);
            }
            h
        }
    };
    let mut care_tags = Vec::new();
    for t in cell(5)
        .split(['、', ',', '，', ';', '；', ' '])
        .filter(|t| !t.trim().is_empty())
    {
        match CareTag::read(t) {
            Some(tag) => care_tags.push(tag),
            None => bad(Field::CareTags, InputProblem::Unknown),
        }
    }
    let relation = match cell(7) {
        "" => None,
        s => {
            let r = Relation::read(s);
            if r.is_none() {
                bad(Field::Relation, InputProblem::Unknown);
            }
            r
        }
    };
    let member = MemberInput {
        id: None,
        name: cell(6).to_string(),
        relation,
        phone: cell(8).to_string(),
        id_number: cell(9).to_uppercase(),
    };
    let input = HouseholdInput {
        id: None,
        grid: cell(0).to_string(),
        building: cell(1).to_string(),
        unit: cell(2).to_string(),
        room: cell(3).to_string(),
        housing: housing.unwrap_or(Housing::OwnerOccupied),
        care_tags: Some(care_tags.clone()),
        members: vec![member.clone()],
        account_phone: cell(10).to_string(),
        updated_at: None,
    };
    for (field, problem) in household_problems(&input) {
        // One problem a field: an unknown relation is not also a missing one.
        if !problems.iter().any(|p| p.field == field) {
            problems.push(RowProblem {
                row,
                field,
                problem,
            });
        }
    }
    // A masked value in a sheet is a mistake, not "keep".
    let mut bad = |field: Field, problem: InputProblem| {
        problems.push(RowProblem {
            row,
            field,
            problem,
        })
    };
    if is_masked(&member.phone) {
        bad(Field::Phone, InputProblem::NotPhone);
    }
    if is_masked(&member.id_number) {
        bad(Field::IdNumber, InputProblem::NotIdNumber);
    }
    if is_masked(&input.account_phone) {
        bad(Field::AccountPhone, InputProblem::NotMobile);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(SheetRow {
        row,
        grid: input.grid,
        building: input.building,
        unit: input.unit,
        room: input.room,
        housing,
        care_tags,
        member,
        account_phone: input.account_phone,
    })
}

/// The import of a sheet as its page follows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub id: String,
    pub stage: ImportStage,
    /// Rows while checking, households while writing.
    pub total: u64,
    pub done: u64,
    /// Every bad row (up to `MAX_ROW_PROBLEMS`); nothing was written.
    pub problems: Vec<RowProblem>,
    /// More bad rows than listed.
    pub more_problems: bool,
    pub households: u64,
    pub members: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStage {
    Reading,
    Checking,
    Writing,
    Done,
    Refused,
    Failed,
}

impl ImportStage {
    pub fn finished(self) -> bool {
        matches!(
            self,
            ImportStage::Done | ImportStage::Refused | ImportStage::Failed
        )
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            ImportStage::Reading => ("正在读取表格", "Reading the sheet"),
            ImportStage::Checking => ("正在逐行校验", "Checking each row"),
            ImportStage::Writing => ("正在写入", "Writing"),
            ImportStage::Done => ("导入完成", "Imported"),
            ImportStage::Refused => ("导入被拒绝，未写入任何数据", "Refused; nothing was written"),
            ImportStage::Failed => ("导入失败，未写入任何数据", "Failed; nothing was written"),
        };
        lang.pick(zh, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_checked_by_their_last_character() {
        assert!(valid_id_number("11010519491231002X"));
        assert!(valid_id_number("11010519491231002x"));
        assert!(!valid_id_number("110105194912310021"));
        assert!(!valid_id_number("1101051949123100"));
        assert!(!valid_id_number("11010519491231002Y"));
    }

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask_phone("13800005678"), "138****5678");
        assert_eq!(mask_id_number("11010519491231002X"), "110***********002X");
        assert!(is_masked(&mask_id_number("11010519491231002X")));
        assert_eq!(mask_phone("123"), "***");
    }

    #[test]
    fn a_masked_view_hides_tags_phones_and_ids() {
        let v = HouseholdView {
            id: 1,
            grid_code: "G".into(),
            grid_name: "G".into(),
            building: "3号楼".into(),
            unit: "2单元".into(),
            room: "501".into(),
            housing: Housing::Rented,
            care_tags: Some(vec![CareTag::ElderlyAlone]),
            members: vec![MemberView {
                id: 1,
                name: "张三".into(),
                relation: Relation::Head,
                phone: Some("13800005678".into()),
                id_number: Some("11010519491231002X".into()),
            }],
            revealed: true,
            account: None,
            group: None,
            updated_at: Utc::now(),
            editable: true,
        }
        .masked();
        assert_eq!(v.care_tags, None);
        assert_eq!(v.members[0].phone.as_deref(), Some("138****5678"));
        assert_eq!(
            v.members[0].id_number.as_deref(),
            Some("110***********002X")
        );
        assert_eq!(v.door(), "3号楼2单元501");
    }

    fn cells(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_sheet_row_reads_labels_and_names_its_problems() {
        let ok = read_row(
            2,
            &cells(&[
                "G1",
                "3号楼",
                "2单元",
                "501",
                "出租",
                "独居老人、低保",
                "张三",
                "户主",
                "13800005678",
                "11010519491231002x",
                "",
            ]),
        )
        .unwrap();
        assert_eq!(ok.housing, Some(Housing::Rented));
        assert_eq!(
            ok.care_tags,
            vec![CareTag::ElderlyAlone, CareTag::Subsistence]
        );
        assert_eq!(ok.member.id_number, "11010519491231002X");
        let bad = read_row(
            7,
            &cells(&[
                "G1", "", "", "501", "借住", "", "张三", "表亲", "12", "123", "",
            ]),
        )
        .unwrap_err();
        let fields: Vec<Field> = bad.iter().map(|p| p.field).collect();
        assert!(bad.iter().all(|p| p.row == 7));
        for f in [
            Field::Housing,
            Field::Relation,
            Field::Building,
            Field::Phone,
            Field::IdNumber,
        ] {
            assert!(fields.contains(&f), "{f:?} in {fields:?}");
        }
    }

    #[test]
    fn a_household_needs_members_unless_vacant_and_one_head() {
        let mut h = HouseholdInput {
            id: None,
            grid: "G".into(),
            building: "1号楼".into(),
            unit: String::new(),
            room: "101".into(),
            housing: Housing::OwnerOccupied,
            care_tags: None,
            members: vec![],
            account_phone: String::new(),
            updated_at: None,
        };
        assert!(household_problems(&h).contains(&(Field::Members, InputProblem::Required)));
        h.housing = Housing::Vacant;
        assert!(household_problems(&h).is_empty());
        let head = MemberInput {
            name: "李四".into(),
            relation: Some(Relation::Head),
            ..Default::default()
        };
        h.members = vec![head.clone(), head];
        assert!(household_problems(&h).contains(&(Field::Relation, InputProblem::TooMany)));
    }
}
