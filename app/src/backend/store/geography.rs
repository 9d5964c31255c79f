//! Regions, compounds, companies, units and departments.

use super::entities::{compound, department, grid_staff, property_company, region, user};
use crate::domain::geography::{GridKind, Level, StaffPosition};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// A region as stored.
#[derive(Clone, Debug)]
pub struct RegionRow {
    pub id: i64,
    pub level: Level,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub kind: Option<GridKind>,
    pub category: String,
    pub households: i32,
    pub residents: i32,
    pub boundary: String,
}

/// A region to write. Its parent is named by code.
#[derive(Clone, Debug)]
pub struct NewRegion {
    pub level: Level,
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub kind: Option<GridKind>,
    pub category: String,
    pub households: i32,
    pub residents: i32,
    pub boundary: String,
}

/// A compound (小区) outline from a boundary file: `level: compound`, its
/// grid as `parent`, the managing company's code as `company`.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCompound {
    pub name: String,
    pub grid_code: String,
    pub company_code: String,
    pub boundary: String,
    /// A point inside the outline (where the map puts its label).
    pub lat: f64,
    pub lng: f64,
}

fn row(m: region::Model) -> RegionRow {
    RegionRow {
        id: m.id,
        level: Level::parse(&m.level).unwrap_or(Level::Grid),
        code: m.code,
        name: m.name,
        parent_id: m.parent_id,
        kind: m.kind.as_deref().and_then(GridKind::parse),
        category: m.category,
        households: m.households,
        residents: m.residents,
        boundary: m.boundary,
    }
}

pub async fn all_regions(db: &impl ConnectionTrait) -> Result<Vec<RegionRow>, DbErr> {
    Ok(region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Levels of existing codes, for checking an import before writing.
pub async fn region_levels(db: &impl ConnectionTrait) -> Result<HashMap<String, Level>, DbErr> {
    Ok(region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.code, Level::parse(&m.level)?)))
        .collect())
}

pub async fn count_regions(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    region::Entity::find().count(db).await
}

/// Writes regions in order (parents before children) in one transaction:
/// new codes are inserted, known codes updated. Either all land or none.
pub async fn upsert_regions<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    regions: &[NewRegion],
) -> Result<(), DbErr> {
    upsert_geography(db, regions, &[]).await
}

/// Writes regions and compound outlines in one transaction. A compound of
/// the same name in the same grid is replaced (its outline and company).
pub async fn upsert_geography<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    regions: &[NewRegion],
    compounds: &[NewCompound],
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let mut ids: HashMap<String, i64> = region::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| (m.code, m.id))
        .collect();
    for r in regions {
        let parent_id = match &r.parent_code {
            Some(p) => Some(
                *ids.get(p)
                    .ok_or_else(|| DbErr::Custom(format!("unknown parent {p}")))?,
            ),
            None => None,
        };
        let mut am = region::ActiveModel {
            level: Set(r.level.as_str().to_string()),
            code: Set(r.code.clone()),
            name: Set(r.name.clone()),
            parent_id: Set(parent_id),
            kind: Set(r.kind.map(|k| k.as_str().to_string())),
            category: Set(r.category.clone()),
            households: Set(r.households),
            residents: Set(r.residents),
            boundary: Set(r.boundary.clone()),
            ..Default::default()
        };
        if let Some(id) = ids.get(&r.code) {
            am.id = Set(*id);
            am.update(&txn).await?;
        } else {
            let id = am.insert(&txn).await?.id;
            ids.insert(r.code.clone(), id);
        }
    }
    if !compounds.is_empty() {
        let company_ids: HashMap<String, i64> = property_company::Entity::find()
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|c| Some((c.code?, c.id)))
            .collect();
        for c in compounds {
            let grid_id = *ids
                .get(&c.grid_code)
                .ok_or_else(|| DbErr::Custom(format!("unknown grid {}", c.grid_code)))?;
            let company = *company_ids
                .get(&c.company_code)
                .ok_or_else(|| DbErr::Custom(format!("unknown company {}", c.company_code)))?;
            let found = compound::Entity::find()
                .filter(compound::Column::GridId.eq(grid_id))
                .filter(compound::Column::Name.eq(c.name.as_str()))
                .one(&txn)
                .await?;
            let mut am = compound::ActiveModel {
                name: Set(c.name.clone()),
                grid_id: Set(grid_id),
                company_id: Set(Some(company)),
                lat: Set(c.lat),
                lng: Set(c.lng),
                boundary: Set(Some(c.boundary.clone())),
                ..Default::default()
            };
            match found {
                Some(f) => {
                    am.id = Set(f.id);
                    am.update(&txn).await?;
                }
                None => {
                    am.insert(&txn).await?;
                }
            }
        }
    }
    super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    txn.commit().await
}

/// The codes property companies are known by in boundary files.
pub async fn company_codes(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(property_company::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.code)
        .collect())
}

/// Gives a property company its code (demo data, admins).
pub async fn set_company_code(db: &impl ConnectionTrait, id: i64, code: &str) -> Result<(), DbErr> {
    property_company::Entity::update_many()
        .col_expr(
            property_company::Column::Code,
            sea_orm::sea_query::Expr::value(code),
        )
        .filter(property_company::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn region_id(db: &impl ConnectionTrait, code: &str) -> Result<Option<i64>, DbErr> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|m| m.id))
}

/// A compound (小区) with its managing company's name.
#[derive(Clone, Debug)]
pub struct CompoundRow {
    pub id: i64,
    pub name: String,
    pub grid_id: i64,
    pub company_id: Option<i64>,
    pub company: Option<String>,
    /// GeoJSON outline, when known.
    pub boundary: Option<String>,
}

pub async fn compounds(db: &impl ConnectionTrait) -> Result<Vec<CompoundRow>, DbErr> {
    let companies: HashMap<i64, String> = property_company::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(compound::Entity::find()
        .order_by_asc(compound::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CompoundRow {
            id: c.id,
            company: c.company_id.and_then(|id| companies.get(&id).cloned()),
            name: c.name,
            grid_id: c.grid_id,
            company_id: c.company_id,
            boundary: c.boundary,
        })
        .collect())
}

pub async fn insert_company(
    db: &impl ConnectionTrait,
    name: &str,
    alliance: bool,
) -> Result<i64, DbErr> {
    Ok(property_company::ActiveModel {
        name: Set(name.to_string()),
        alliance: Set(alliance),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn insert_compound(
    db: &impl ConnectionTrait,
    name: &str,
    grid_id: i64,
    company_id: Option<i64>,
    (lat, lng): (f64, f64),
    boundary: Option<String>,
) -> Result<i64, DbErr> {
    Ok(compound::ActiveModel {
        name: Set(name.to_string()),
        grid_id: Set(grid_id),
        company_id: Set(company_id),
        lat: Set(lat),
        lng: Set(lng),
        boundary: Set(boundary),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn insert_department(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
) -> Result<i64, DbErr> {
    Ok(department::ActiveModel {
        code: Set(code.to_string()),
        name: Set(name.to_string()),
        active: Set(true),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// A district department as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// Every department, retired ones too, by code.
pub async fn departments(db: &impl ConnectionTrait) -> Result<Vec<DepartmentRow>, DbErr> {
    Ok(department::Entity::find()
        .order_by_asc(department::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|d| DepartmentRow {
            id: d.id,
            code: d.code,
            name: d.name,
            active: d.active,
        })
        .collect())
}

/// Renames a department or retires it; false when there is no such id.
pub async fn update_department(
    db: &impl ConnectionTrait,
    id: i64,
    name: Option<&str>,
    active: Option<bool>,
) -> Result<bool, DbErr> {
    let Some(found) = department::Entity::find_by_id(id).one(db).await? else {
        return Ok(false);
    };
    let mut m: department::ActiveModel = found.into();
    if let Some(n) = name {
        m.name = Set(n.to_string());
    }
    if let Some(a) = active {
        m.active = Set(a);
    }
    m.update(db).await?;
    Ok(true)
}

/// One person on a grid roster, with private fields; callers decide what to show.
#[derive(Clone, Debug)]
pub struct StaffRow {
    pub grid_id: i64,
    pub user_id: i64,
    pub name: String,
    pub phone: String,
    pub position: StaffPosition,
    pub duties: String,
    pub show_phone: bool,
    /// False for a disabled account (it stays on the roster until edited).
    pub active: bool,
}

/// Every roster entry, ordered by grid and position, for building the atlas.
pub async fn all_staff(db: &impl ConnectionTrait) -> Result<Vec<StaffRow>, DbErr> {
    let people: HashMap<i64, (String, String, bool)> = user::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, (u.name, u.phone, !u.disabled)))
        .collect();
    let mut rows: Vec<StaffRow> = grid_staff::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let (name, phone, active) = people.get(&s.user_id)?.clone();
            Some(StaffRow {
                grid_id: s.grid_id,
                user_id: s.user_id,
                name,
                phone,
                position: StaffPosition::parse(&s.position)?,
                duties: s.duties,
                show_phone: s.show_phone,
                active,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.grid_id, r.position, r.user_id));
    Ok(rows)
}

pub async fn roster(db: &impl ConnectionTrait, grid_id: i64) -> Result<Vec<StaffRow>, DbErr> {
    // Each entry with its person in one query (a report reads the roster
    // of its grid to find the case's owner).
    let entries = grid_staff::Entity::find()
        .filter(grid_staff::Column::GridId.eq(grid_id))
        .select_also(user::Entity)
        .join(
            JoinType::InnerJoin,
            grid_staff::Entity::belongs_to(user::Entity)
                .from(grid_staff::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .all(db)
        .await?;
    let mut rows: Vec<StaffRow> = entries
        .into_iter()
        .filter_map(|(s, u)| {
            let u = u?;
            Some(StaffRow {
                grid_id: s.grid_id,
                user_id: s.user_id,
                name: u.name,
                phone: u.phone,
                position: StaffPosition::parse(&s.position)?,
                duties: s.duties,
                show_phone: s.show_phone,
                active: !u.disabled,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.position, r.user_id));
    Ok(rows)
}

/// The grids (store ids) a person is on the roster of.
pub async fn grids_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(grid_staff::Entity::find()
        .filter(grid_staff::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.grid_id)
        .collect())
}

/// Where one person stands on a grid's roster, if they do.
pub async fn position_of(
    db: &impl ConnectionTrait,
    grid_id: i64,
    user_id: i64,
) -> Result<Option<StaffPosition>, DbErr> {
    Ok(grid_staff::Entity::find()
        .filter(grid_staff::Column::GridId.eq(grid_id))
        .filter(grid_staff::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .and_then(|s| StaffPosition::parse(&s.position)))
}

pub async fn add_staff(
    db: &impl ConnectionTrait,
    grid_id: i64,
    user_id: i64,
    position: StaffPosition,
    duties: &str,
    show_phone: bool,
) -> Result<(), DbErr> {
    grid_staff::ActiveModel {
        grid_id: Set(grid_id),
        user_id: Set(user_id),
        position: Set(position.as_str().to_string()),
        duties: Set(duties.to_string()),
        show_phone: Set(show_phone),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::meta::bump(db, super::meta::GEOGRAPHY).await
}

/// Records a person's consent (or its withdrawal) to show their phone publicly.
pub async fn set_show_phone(
    db: &impl ConnectionTrait,
    user_id: i64,
    show: bool,
) -> Result<u64, DbErr> {
    let res = grid_staff::Entity::update_many()
        .col_expr(
            grid_staff::Column::ShowPhone,
            sea_orm::sea_query::Expr::value(show),
        )
        .filter(grid_staff::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if res.rows_affected > 0 {
        super::meta::bump(db, super::meta::GEOGRAPHY).await?;
    }
    Ok(res.rows_affected)
}
