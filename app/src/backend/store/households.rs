//! Household records (人房信息): buildings, households and members, the
//! household groups (联户组) with their tasks and marks, and correction
//! requests. Every read is bounded by an [`Area`] the service derived from
//! `policy` (staff of the area), so a store call cannot reach past it.

use super::entities::{
    building, group_household, group_task, group_task_mark, household, household_correction,
    household_group, household_member,
};
use crate::backend::sealed;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// The records a reader may reach (policy: staff of the area).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Area {
    Grid(String),
    Community(String),
    Street(String),
    /// A district-wide admin.
    Everywhere,
}

impl Area {
    fn condition<C: ColumnTrait>(&self, grid: C, community: C, street: C) -> Condition {
        match self {
            Area::Grid(c) => Condition::all().add(grid.eq(c.clone())),
            Area::Community(c) => Condition::all().add(community.eq(c.clone())),
            Area::Street(c) => Condition::all().add(street.eq(c.clone())),
            Area::Everywhere => Condition::all(),
        }
    }
}

/// Where a record lies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Codes {
    pub grid: String,
    pub community: Option<String>,
    pub street: Option<String>,
}

/// A household as stored, with its building's name.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdRow {
    pub id: i64,
    pub codes: Codes,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub door: String,
    pub housing: String,
    pub care_tags: String,
    pub resident_id: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberRow {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    pub relation: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

/// A household to write: its place, door, status and members in order.
#[derive(Clone, Debug, PartialEq)]
pub struct NewHousehold {
    pub codes: Codes,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub housing: String,
    pub care_tags: String,
    pub resident_id: Option<i64>,
    /// name, relation, phone, ID number
    pub members: Vec<(String, String, Option<String>, Option<String>)>,
}

impl NewHousehold {
    pub fn door(&self) -> String {
        crate::domain::household::door(&self.building, &self.unit, &self.room)
    }

    /// The head's name: the member related as head, else the first.
    pub fn head(&self) -> String {
        let head = crate::domain::household::Relation::Head.as_str();
        self.members
            .iter()
            .find(|m| m.1 == head)
            .or(self.members.first())
            .map(|m| m.0.clone())
            .unwrap_or_default()
    }
}

/// Why a household could not be written.
#[derive(Debug)]
pub enum SaveError {
    /// Another household has this door already.
    DoorTaken,
    Db(DbErr),
}

impl From<DbErr> for SaveError {
    fn from(e: DbErr) -> Self {
        SaveError::Db(e)
    }
}

async fn building_id(
    db: &impl ConnectionTrait,
    codes: &Codes,
    name: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    use building::Column as C;
    // Written first, then read: the transaction takes SQLite's write lock
    // on its first statement (a read first would have to upgrade, and fail
    // when another writer committed meanwhile), and two first writes of one
    // building cannot both insert it.
    building::Entity::insert(building::ActiveModel {
        grid_code: Set(codes.grid.clone()),
        community_code: Set(codes.community.clone()),
        street_code: Set(codes.street.clone()),
        name: Set(name.to_string()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([C::GridCode, C::Name])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    building::Entity::find()
        .filter(C::GridCode.eq(codes.grid.clone()))
        .filter(C::Name.eq(name))
        .one(db)
        .await?
        .map(|b| b.id)
        .ok_or_else(|| DbErr::RecordNotFound(format!("building {name}")))
}

async fn household_at(
    db: &impl ConnectionTrait,
    building: i64,
    unit: &str,
    room: &str,
) -> Result<Option<household::Model>, DbErr> {
    use household::Column as C;
    household::Entity::find()
        .filter(C::BuildingId.eq(building))
        .filter(C::Unit.eq(unit))
        .filter(C::Room.eq(room))
        .one(db)
        .await
}

/// Writes one household (and its members, replacing those stored) inside
/// `db`'s transaction; `id` names the household an edit changes. A new
/// household at a door already stored is refused, unless `replace` (a
/// sheet: its rows are the record now; a blank account keeps the link).
async fn write(
    db: &impl ConnectionTrait,
    h: &NewHousehold,
    id: Option<i64>,
    replace: bool,
    now: DateTime<Utc>,
    buildings: &mut HashMap<(String, String), i64>,
) -> Result<i64, SaveError> {
    // A sheet names the same building for many doors: looked up once.
    let key = (h.codes.grid.clone(), h.building.clone());
    let b = match buildings.get(&key) {
        Some(b) => *b,
        None => {
            let b = building_id(db, &h.codes, &h.building, now).await?;
            buildings.insert(key, b);
            b
        }
    };
    let at_door = household_at(db, b, &h.unit, &h.room).await?;
    let mut resident_id = h.resident_id;
    let id = match (id, at_door) {
        (Some(id), Some(other)) if other.id != id => return Err(SaveError::DoorTaken),
        (None, Some(existing)) if replace => {
            resident_id = resident_id.or(existing.resident_id);
            Some(existing.id)
        }
        (None, Some(_)) => return Err(SaveError::DoorTaken),
        (id, _) => id,
    };
    let fields = |m: &mut household::ActiveModel| {
        m.grid_code = Set(h.codes.grid.clone());
        m.community_code = Set(h.codes.community.clone());
        m.street_code = Set(h.codes.street.clone());
        m.building_id = Set(b);
        m.unit = Set(h.unit.clone());
        m.room = Set(h.room.clone());
        m.door = Set(h.door());
        m.head = Set(h.head());
        m.members = Set(h.members.len() as i64);
        m.housing = Set(h.housing.clone());
        m.care_tags = Set(h.care_tags.clone());
        m.resident_id = Set(resident_id);
        m.updated_at = Set(now);
    };
    let id = match id {
        Some(id) => {
            let mut m = household::ActiveModel {
                id: Set(id),
                ..Default::default()
            };
            fields(&mut m);
            m.update(db).await?;
            // Its requests follow it (a household moved to another grid).
            household_correction::Entity::update_many()
                .col_expr(
                    household_correction::Column::GridCode,
                    sea_orm::sea_query::Expr::value(h.codes.grid.clone()),
                )
                .col_expr(
                    household_correction::Column::CommunityCode,
                    sea_orm::sea_query::Expr::value(h.codes.community.clone()),
                )
                .col_expr(
                    household_correction::Column::StreetCode,
                    sea_orm::sea_query::Expr::value(h.codes.street.clone()),
                )
                .filter(household_correction::Column::HouseholdId.eq(id))
                .exec(db)
                .await?;
            household_member::Entity::delete_many()
                .filter(household_member::Column::HouseholdId.eq(id))
                .exec(db)
                .await?;
            id
        }
        None => {
            let mut m = household::ActiveModel {
                created_at: Set(now),
                ..Default::default()
            };
            fields(&mut m);
            m.insert(db).await?.id
        }
    };
    let mut members: Vec<household_member::ActiveModel> = Vec::with_capacity(h.members.len());
    for (i, (name, relation, phone, id_number)) in h.members.iter().enumerate() {
        members.push(household_member::ActiveModel {
            household_id: Set(id),
            grid_code: Set(h.codes.grid.clone()),
            community_code: Set(h.codes.community.clone()),
            street_code: Set(h.codes.street.clone()),
            name: Set(name.clone()),
            relation: Set(relation.clone()),
            phone: Set(phone.clone()),
            // Sealed: a copy of the database does not carry ID numbers.
            id_number: Set(id_number
                .as_deref()
                .map(sealed::seal)
                .transpose()
                .map_err(DbErr::Custom)?),
            sort: Set(i as i64),
            ..Default::default()
        });
    }
    if !members.is_empty() {
        household_member::Entity::insert_many(members)
            .exec(db)
            .await?;
    }
    Ok(id)
}

/// Adds a household or changes household `id`, in one transaction.
pub async fn save<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    h: &NewHousehold,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, SaveError> {
    let txn = db.begin().await?;
    let id = write(&txn, h, id, false, now, &mut HashMap::new()).await?;
    txn.commit().await?;
    Ok(id)
}

/// Writes households inside the caller's transaction (the demo seed),
/// answering their ids in order.
pub async fn write_all(
    db: &impl ConnectionTrait,
    households: &[NewHousehold],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, SaveError> {
    let mut ids = Vec::with_capacity(households.len());
    let mut buildings = HashMap::new();
    for h in households {
        ids.push(write(db, h, None, false, now, &mut buildings).await?);
    }
    Ok(ids)
}

/// Writes every household of a sheet in one transaction: all or nothing.
/// A household at a door already stored has its record replaced.
/// `progress` hears the count of households written, now and then.
pub async fn import<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    households: &[NewHousehold],
    now: DateTime<Utc>,
    progress: impl Fn(u64),
) -> Result<(), SaveError> {
    let txn = db.begin().await?;
    let mut buildings = HashMap::new();
    for (i, h) in households.iter().enumerate() {
        write(&txn, h, None, true, now, &mut buildings).await?;
        if i % 200 == 199 {
            progress(i as u64 + 1);
        }
    }
    txn.commit().await?;
    progress(households.len() as u64);
    Ok(())
}

fn household_row(m: household::Model, building: String) -> HouseholdRow {
    HouseholdRow {
        id: m.id,
        codes: Codes {
            grid: m.grid_code,
            community: m.community_code,
            street: m.street_code,
        },
        building,
        unit: m.unit,
        room: m.room,
        door: m.door,
        housing: m.housing,
        care_tags: m.care_tags,
        resident_id: m.resident_id,
        updated_at: m.updated_at,
    }
}

fn member_row(m: household_member::Model) -> MemberRow {
    MemberRow {
        id: m.id,
        household_id: m.household_id,
        name: m.name,
        relation: m.relation,
        phone: m.phone,
        // A value that does not open (another key) reads as absent, and says so.
        id_number: m.id_number.and_then(|s| {
            sealed::open(&s)
                .map_err(|e| tracing::error!(member = m.id, "ID number: {e}"))
                .ok()
        }),
    }
}

/// Seals ID numbers stored before sealing began; answers how many.
pub async fn seal_clear_ids(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let clear = household_member::Entity::find()
        .filter(household_member::Column::IdNumber.is_not_null())
        .filter(household_member::Column::IdNumber.not_like(format!("{}%", sealed::PREFIX)))
        .all(db)
        .await?;
    for m in &clear {
        let Some(id) = &m.id_number else { continue };
        household_member::Entity::update_many()
            .col_expr(
                household_member::Column::IdNumber,
                sea_orm::sea_query::Expr::value(sealed::seal(id).map_err(DbErr::Custom)?),
            )
            .filter(household_member::Column::Id.eq(m.id))
            .exec(db)
            .await?;
    }
    Ok(clear.len())
}

/// A household and its members in order.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(HouseholdRow, Vec<MemberRow>)>, DbErr> {
    let Some(h) = household::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let b = building::Entity::find_by_id(h.building_id)
        .one(db)
        .await?
        .map(|b| b.name)
        .unwrap_or_default();
    let members = members_of(db, &[id]).await?;
    Ok(Some((household_row(h, b), members)))
}

/// The members of these households, each household's in order.
pub async fn members_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<MemberRow>, DbErr> {
    use household_member::Column as C;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(household_member::Entity::find()
        .filter(C::HouseholdId.is_in(ids.to_vec()))
        .order_by_asc(C::HouseholdId)
        .order_by_asc(C::Sort)
        .all(db)
        .await?
        .into_iter()
        .map(member_row)
        .collect())
}

/// The household a resident's account sees (one at most: a unique index).
pub async fn of_resident(db: &impl ConnectionTrait, user: i64) -> Result<Option<i64>, DbErr> {
    Ok(household::Entity::find()
        .filter(household::Column::ResidentId.eq(user))
        .one(db)
        .await?
        .map(|h| h.id))
}

/// The household and member of `community` whose record lists `phone`
/// (the first, should two list it): who a resident is on the records.
pub async fn member_of_phone(
    db: &impl ConnectionTrait,
    phone: &str,
    community: &str,
) -> Result<Option<(i64, i64)>, DbErr> {
    use household_member::Column as M;
    household_member::Entity::find()
        .filter(M::Phone.eq(phone))
        .filter(M::CommunityCode.eq(community))
        .order_by_asc(M::HouseholdId)
        .order_by_asc(M::Id)
        .select_only()
        .column(M::HouseholdId)
        .column(M::Id)
        .into_tuple()
        .one(db)
        .await
}

/// Up to `limit` households of a community, oldest first (the demo's voters).
pub async fn ids_in_community(
    db: &impl ConnectionTrait,
    community: &str,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    household::Entity::find()
        .filter(household::Column::CommunityCode.eq(community))
        .order_by_asc(household::Column::Id)
        .limit(limit)
        .select_only()
        .column(household::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Households in the area.
pub async fn count_in(db: &impl ConnectionTrait, area: &Area) -> Result<u64, DbErr> {
    use household::Column as C;
    household::Entity::find()
        .filter(area.condition(C::GridCode, C::CommunityCode, C::StreetCode))
        .count(db)
        .await
}

/// Text from `q` up: the upper end of a prefix range on an index (code
/// points sort after every character a prefix can be followed by).
fn prefix_end(q: &str) -> String {
    format!("{q}\u{10FFFF}")
}

/// A household a search found: its door, head and size as the row keeps
/// them, and the member whose name or phone matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub id: i64,
    pub grid: String,
    pub door: String,
    pub head: String,
    pub members: i64,
    pub housing: String,
    pub matched: Option<String>,
}

/// Households of the area whose door or a member's name starts with `q`,
/// or with a member whose phone is `q` (an empty `q`: the first doors in
/// order), at most `limit`: one statement, two index ranges (`(area, door)`
/// on households, `(area, name)` or `phone` on members joined to their
/// household), no member rows read.
pub async fn search(
    db: &impl ConnectionTrait,
    area: &Area,
    q: &str,
    limit: u64,
) -> Result<Vec<Found>, DbErr> {
    use sea_orm::{Statement, Value};
    let (col, code) = match area {
        Area::Grid(c) => (Some("grid_code"), c.clone()),
        Area::Community(c) => (Some("community_code"), c.clone()),
        Area::Street(c) => (Some("street_code"), c.clone()),
        Area::Everywhere => (None, String::new()),
    };
    let mut values: Vec<Value> = Vec::new();
    let within = |alias: &str, values: &mut Vec<Value>| match col {
        Some(col) => {
            values.push(code.clone().into());
            format!("{alias}.{col} = ?")
        }
        None => "1 = 1".to_string(),
    };
    let fields = "h.id, h.grid_code, h.door, h.head, h.members, h.housing";
    let mut text = String::new();
    if !q.is_empty() {
        let area_m = within("m", &mut values);
        // A phone is found by the whole number only: a prefix search would
        // let a reader complete a masked number digit by digit, unaudited.
        let person = if q.chars().all(|c| c.is_ascii_digit() || c == '-') {
            values.push(q.to_string().into());
            "m.phone = ?".to_string()
        } else {
            values.push(q.to_string().into());
            values.push(prefix_end(q).into());
            "m.name >= ? AND m.name < ?".to_string()
        };
        values.push((limit as i64).into());
        text.push_str(&format!(
            "SELECT * FROM (SELECT {fields}, m.name AS matched FROM household_members m \
             JOIN households h ON h.id = m.household_id \
             WHERE {area_m} AND {person} LIMIT ?) p UNION ALL "
        ));
    }
    let area_h = within("h", &mut values);
    let door = if q.is_empty() {
        String::new()
    } else {
        values.push(q.to_string().into());
        values.push(prefix_end(q).into());
        " AND h.door >= ? AND h.door < ?".to_string()
    };
    values.push((limit as i64).into());
    text.push_str(&format!(
        "SELECT * FROM (SELECT {fields}, CAST(NULL AS VARCHAR) AS matched FROM households h \
         WHERE {area_h}{door} ORDER BY h.door LIMIT ?) d"
    ));
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            super::assessment::sql(backend, &text),
            values,
        ))
        .await?;
    // Those found by a person first, then by door; each household once.
    let mut out: Vec<Found> = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("", "id")?;
        let matched: Option<String> = r.try_get("", "matched")?;
        if let Some(f) = out.iter_mut().find(|f| f.id == id) {
            if f.matched.is_none() {
                f.matched = matched.filter(|n| *n != f.head);
            }
            continue;
        }
        let head: String = r.try_get("", "head")?;
        out.push(Found {
            id,
            grid: r.try_get("", "grid_code")?,
            door: r.try_get("", "door")?,
            matched: matched.filter(|n| *n != head),
            head,
            members: r.try_get("", "members")?,
            housing: r.try_get("", "housing")?,
        });
    }
    out.truncate(limit as usize);
    Ok(out)
}

/// Every household of the area with its members, a page at a time in id
/// order (an export).
pub async fn page_in(
    db: &impl ConnectionTrait,
    area: &Area,
    after: i64,
    limit: u64,
) -> Result<Vec<(HouseholdRow, Vec<MemberRow>)>, DbErr> {
    use household::Column as H;
    let rows = household::Entity::find()
        .filter(area.condition(H::GridCode, H::CommunityCode, H::StreetCode))
        .filter(H::Id.gt(after))
        .order_by_asc(H::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
    let bids: Vec<i64> = rows.iter().map(|h| h.building_id).collect();
    let buildings: HashMap<i64, String> = building::Entity::find()
        .filter(building::Column::Id.is_in(bids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let mut members: HashMap<i64, Vec<MemberRow>> = HashMap::new();
    for m in members_of(db, &ids).await? {
        members.entry(m.household_id).or_default().push(m);
    }
    Ok(rows
        .into_iter()
        .map(|h| {
            let b = buildings.get(&h.building_id).cloned().unwrap_or_default();
            let id = h.id;
            (household_row(h, b), members.remove(&id).unwrap_or_default())
        })
        .collect())
}

// ---------------------------------------------------------------- groups

#[derive(Clone, Debug, PartialEq)]
pub struct GroupRow {
    pub id: i64,
    pub codes: Codes,
    pub name: String,
    pub kind: String,
    pub leader_name: String,
    pub leader_phone: String,
    pub leader_id: Option<i64>,
}

fn group_row(m: household_group::Model) -> GroupRow {
    GroupRow {
        id: m.id,
        codes: Codes {
            grid: m.grid_code,
            community: m.community_code,
            street: m.street_code,
        },
        name: m.name,
        kind: m.kind,
        leader_name: m.leader_name,
        leader_phone: m.leader_phone,
        leader_id: m.leader_id,
    }
}

/// The groups of the area.
pub async fn groups_in(db: &impl ConnectionTrait, area: &Area) -> Result<Vec<GroupRow>, DbErr> {
    use household_group::Column as C;
    Ok(household_group::Entity::find()
        .filter(area.condition(C::GridCode, C::CommunityCode, C::StreetCode))
        .order_by_asc(C::Id)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(group_row)
        .collect())
}

/// The groups someone leads (联保长).
pub async fn groups_led_by(db: &impl ConnectionTrait, user: i64) -> Result<Vec<GroupRow>, DbErr> {
    Ok(household_group::Entity::find()
        .filter(household_group::Column::LeaderId.eq(user))
        .all(db)
        .await?
        .into_iter()
        .map(group_row)
        .collect())
}

pub async fn group_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<GroupRow>, DbErr> {
    Ok(household_group::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(group_row))
}

/// The group a household is in, if any.
pub async fn group_of(
    db: &impl ConnectionTrait,
    household: i64,
) -> Result<Option<GroupRow>, DbErr> {
    let Some(link) = group_household::Entity::find()
        .filter(group_household::Column::HouseholdId.eq(household))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    group_by_id(db, link.group_id).await
}

/// The households of each group: (group, household) pairs.
pub async fn doors_of(db: &impl ConnectionTrait, groups: &[i64]) -> Result<Vec<(i64, i64)>, DbErr> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    Ok(group_household::Entity::find()
        .filter(group_household::Column::GroupId.is_in(groups.to_vec()))
        .order_by_asc(group_household::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.group_id, l.household_id))
        .collect())
}

/// Households as a group's doors show them: door and head.
pub async fn heads_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, (String, String)>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(household::Entity::find()
        .filter(household::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, (h.door, h.head)))
        .collect())
}

/// Why a group could not be formed.
#[derive(Debug)]
pub enum GroupError {
    /// A household is in another group already.
    Taken(i64),
    Db(DbErr),
}

impl From<DbErr> for GroupError {
    fn from(e: DbErr) -> Self {
        GroupError::Db(e)
    }
}

/// Forms a group of these households in one transaction.
pub async fn create_group<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    g: &GroupRow,
    households: &[i64],
    now: DateTime<Utc>,
) -> Result<i64, GroupError> {
    let txn = db.begin().await?;
    // The group first (a write takes SQLite's write lock at once; see
    // `building_id`), then the check, then its doors.
    let id = household_group::ActiveModel {
        grid_code: Set(g.codes.grid.clone()),
        community_code: Set(g.codes.community.clone()),
        street_code: Set(g.codes.street.clone()),
        name: Set(g.name.clone()),
        kind: Set(g.kind.clone()),
        leader_name: Set(g.leader_name.clone()),
        leader_phone: Set(g.leader_phone.clone()),
        leader_id: Set(g.leader_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .id;
    if let Some(l) = group_household::Entity::find()
        .filter(group_household::Column::HouseholdId.is_in(households.to_vec()))
        .one(&txn)
        .await?
    {
        return Err(GroupError::Taken(l.household_id));
    }
    group_household::Entity::insert_many(households.iter().map(|h| group_household::ActiveModel {
        group_id: Set(id),
        household_id: Set(*h),
        ..Default::default()
    }))
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(id)
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskRow {
    pub id: i64,
    pub group_id: i64,
    pub title: String,
    pub body: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_task(
    db: &impl ConnectionTrait,
    group: i64,
    title: &str,
    body: &str,
    due_on: Option<NaiveDate>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    Ok(group_task::ActiveModel {
        group_id: Set(group),
        title: Set(title.to_string()),
        body: Set(body.to_string()),
        due_on: Set(due_on),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn task_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<TaskRow>, DbErr> {
    Ok(group_task::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(task_row))
}

fn task_row(t: group_task::Model) -> TaskRow {
    TaskRow {
        id: t.id,
        group_id: t.group_id,
        title: t.title,
        body: t.body,
        due_on: t.due_on,
        created_at: t.created_at,
    }
}

/// The tasks of these groups, newest first.
pub async fn tasks_of(db: &impl ConnectionTrait, groups: &[i64]) -> Result<Vec<TaskRow>, DbErr> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    Ok(group_task::Entity::find()
        .filter(group_task::Column::GroupId.is_in(groups.to_vec()))
        .order_by_desc(group_task::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(task_row)
        .collect())
}

/// The doors marked done: (task, household) pairs.
pub async fn marks_of(db: &impl ConnectionTrait, tasks: &[i64]) -> Result<Vec<(i64, i64)>, DbErr> {
    if tasks.is_empty() {
        return Ok(Vec::new());
    }
    Ok(group_task_mark::Entity::find()
        .filter(group_task_mark::Column::TaskId.is_in(tasks.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.task_id, m.household_id))
        .collect())
}

/// Marks a door done or not done for a task (again: no change).
pub async fn mark(
    db: &impl ConnectionTrait,
    task: i64,
    household: i64,
    done: bool,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use group_task_mark::Column as C;
    if done {
        group_task_mark::Entity::insert(group_task_mark::ActiveModel {
            task_id: Set(task),
            household_id: Set(household),
            by_id: Set(by),
            at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([C::TaskId, C::HouseholdId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    } else {
        group_task_mark::Entity::delete_many()
            .filter(C::TaskId.eq(task))
            .filter(C::HouseholdId.eq(household))
            .exec(db)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- corrections

#[derive(Clone, Debug, PartialEq)]
pub struct CorrectionRow {
    pub id: i64,
    pub household_id: i64,
    pub codes: Codes,
    pub user_id: i64,
    pub text: String,
    pub done: bool,
    pub created_at: DateTime<Utc>,
}

fn correction_row(m: household_correction::Model) -> CorrectionRow {
    CorrectionRow {
        id: m.id,
        household_id: m.household_id,
        codes: Codes {
            grid: m.grid_code,
            community: m.community_code,
            street: m.street_code,
        },
        user_id: m.user_id,
        text: m.text,
        done: m.done,
        created_at: m.created_at,
    }
}

pub async fn insert_correction(
    db: &impl ConnectionTrait,
    household: i64,
    codes: &Codes,
    user: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    Ok(household_correction::ActiveModel {
        household_id: Set(household),
        grid_code: Set(codes.grid.clone()),
        community_code: Set(codes.community.clone()),
        street_code: Set(codes.street.clone()),
        user_id: Set(user),
        text: Set(text.to_string()),
        done: Set(false),
        created_at: Set(now),
        handled_by: Set(None),
        handled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Open correction requests of the area, oldest first.
pub async fn open_corrections(
    db: &impl ConnectionTrait,
    area: &Area,
) -> Result<Vec<CorrectionRow>, DbErr> {
    use household_correction::Column as C;
    Ok(household_correction::Entity::find()
        .filter(area.condition(C::GridCode, C::CommunityCode, C::StreetCode))
        .filter(C::Done.eq(false))
        .order_by_asc(C::Id)
        .limit(100)
        .all(db)
        .await?
        .into_iter()
        .map(correction_row)
        .collect())
}

/// A resident's own requests, newest first.
pub async fn corrections_by(
    db: &impl ConnectionTrait,
    user: i64,
) -> Result<Vec<CorrectionRow>, DbErr> {
    use household_correction::Column as C;
    Ok(household_correction::Entity::find()
        .filter(C::UserId.eq(user))
        .order_by_desc(C::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(correction_row)
        .collect())
}

pub async fn correction_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<CorrectionRow>, DbErr> {
    Ok(household_correction::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(correction_row))
}

/// Marks a request handled (again: no change).
pub async fn close_correction(
    db: &impl ConnectionTrait,
    id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    household_correction::ActiveModel {
        id: Set(id),
        done: Set(true),
        handled_by: Set(Some(by)),
        handled_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
