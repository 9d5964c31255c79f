//! The three lists: needs, resources and projects with their links.

use super::entities::{need, project, project_link, resource};
use crate::domain::lists::{ProjectStatus, ServiceCategory};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionSession, TransactionTrait,
};

#[derive(Clone, Debug, PartialEq)]
pub struct NeedRow {
    pub id: i64,
    pub community_code: String,
    pub category: ServiceCategory,
    pub title: String,
    pub detail: String,
    pub wish_id: Option<i64>,
    pub open: bool,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResourceRow {
    pub id: i64,
    pub unit_id: i64,
    pub community_code: String,
    pub category: ServiceCategory,
    pub title: String,
    pub detail: String,
    pub availability: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectRow {
    pub id: i64,
    pub community_code: String,
    pub title: String,
    pub detail: String,
    pub status: ProjectStatus,
    pub progress: i32,
    pub needs: Vec<i64>,
    pub resources: Vec<i64>,
    pub units: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn category(s: &str) -> ServiceCategory {
    ServiceCategory::parse(s).unwrap_or(ServiceCategory::Care)
}

pub async fn insert_need(db: &impl ConnectionTrait, n: &NeedRow) -> Result<i64, DbErr> {
    Ok(need::ActiveModel {
        community_code: Set(n.community_code.clone()),
        category: Set(n.category.as_str().to_string()),
        title: Set(n.title.clone()),
        detail: Set(n.detail.clone()),
        wish_id: Set(n.wish_id),
        open: Set(n.open),
        created_by: Set(n.created_by),
        created_at: Set(n.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn insert_resource(db: &impl ConnectionTrait, r: &ResourceRow) -> Result<i64, DbErr> {
    Ok(resource::ActiveModel {
        unit_id: Set(r.unit_id),
        community_code: Set(r.community_code.clone()),
        category: Set(r.category.as_str().to_string()),
        title: Set(r.title.clone()),
        detail: Set(r.detail.clone()),
        availability: Set(r.availability.clone()),
        created_at: Set(r.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// One link of a project (a need, a resource or a unit).
async fn link(
    db: &impl ConnectionTrait,
    project_id: i64,
    kind: &str,
    ref_id: i64,
) -> Result<(), DbErr> {
    project_link::ActiveModel {
        project_id: Set(project_id),
        kind: Set(kind.to_string()),
        ref_id: Set(ref_id),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Every link `p` names, under `project_id`.
async fn insert_links(
    db: &impl ConnectionTrait,
    project_id: i64,
    p: &ProjectRow,
) -> Result<(), DbErr> {
    let links = p
        .needs
        .iter()
        .map(|i| ("need", *i))
        .chain(p.resources.iter().map(|i| ("resource", *i)))
        .chain(p.units.iter().map(|i| ("unit", *i)));
    for (kind, ref_id) in links {
        link(db, project_id, kind, ref_id).await?;
    }
    Ok(())
}

/// Stores a project with its links in one transaction.
pub async fn insert_project<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    p: &ProjectRow,
) -> Result<i64, DbErr> {
    let txn = db.begin().await?;
    let id = project::ActiveModel {
        community_code: Set(p.community_code.clone()),
        title: Set(p.title.clone()),
        detail: Set(p.detail.clone()),
        status: Set(p.status.as_str().to_string()),
        progress: Set(p.progress),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .id;
    insert_links(&txn, id, p).await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn set_progress(
    db: &impl ConnectionTrait,
    id: i64,
    status: ProjectStatus,
    progress: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = project::Entity::update_many()
        .col_expr(project::Column::Status, Expr::value(status.as_str()))
        .col_expr(project::Column::Progress, Expr::value(progress))
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Replaces a project's links (needs, resources, the resources' units) in
/// one transaction; false when there is no such project or it changed since
/// `p` was read.
pub async fn set_links<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    p: &ProjectRow,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // The write comes first: on SQLite a transaction that reads and then
    // writes fails at once if another connection wrote in between.
    let txn = db.begin().await?;
    // Only over the project as it was read: an edit meanwhile (a resource
    // taken up, another editor) is not silently undone.
    let touched = project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(p.id))
        .filter(project::Column::UpdatedAt.eq(p.updated_at))
        .exec(&txn)
        .await?
        .rows_affected;
    if touched != 1 {
        return Ok(false);
    }
    project_link::Entity::delete_many()
        .filter(project_link::Column::ProjectId.eq(p.id))
        .exec(&txn)
        .await?;
    insert_links(&txn, p.id, p).await?;
    txn.commit().await?;
    Ok(true)
}

/// What taking a resource up for a need did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakenUp {
    /// Linked into this project (made for it when `new`).
    Linked { project: i64, new: bool },
    /// It was in the need's project already.
    Already { project: i64 },
    /// The need is closed (or gone).
    NeedClosed,
}

/// Takes a resource up for an open need in one transaction: into the
/// need's oldest project that is not done, or into a new project named
/// after the need. The first statement writes the need's row, so two
/// take-ups of one need take turns (a row lock on PostgreSQL, the write
/// lock on SQLite) and never make two projects.
pub async fn take_up<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    need_id: i64,
    resource: &ResourceRow,
    now: DateTime<Utc>,
) -> Result<TakenUp, DbErr> {
    let txn = db.begin().await?;
    let held = need::Entity::update_many()
        .col_expr(need::Column::Open, Expr::value(true))
        .filter(need::Column::Id.eq(need_id))
        .filter(need::Column::Open.eq(true))
        .exec(&txn)
        .await?
        .rows_affected;
    if held != 1 {
        return Ok(TakenUp::NeedClosed);
    }
    let Some(need) = need::Entity::find_by_id(need_id).one(&txn).await? else {
        return Ok(TakenUp::NeedClosed);
    };
    let linked: Vec<i64> = project_link::Entity::find()
        .filter(project_link::Column::Kind.eq("need"))
        .filter(project_link::Column::RefId.eq(need_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| l.project_id)
        .collect();
    let open_project = project::Entity::find()
        .filter(project::Column::Id.is_in(linked))
        .filter(project::Column::Status.ne(ProjectStatus::Done.as_str()))
        .filter(project::Column::CommunityCode.eq(need.community_code.clone()))
        .order_by_asc(project::Column::Id)
        .one(&txn)
        .await?;
    let (project_id, new) = match open_project {
        Some(p) => {
            let there = project_link::Entity::find()
                .filter(project_link::Column::ProjectId.eq(p.id))
                .filter(project_link::Column::Kind.eq("resource"))
                .filter(project_link::Column::RefId.eq(resource.id))
                .one(&txn)
                .await?;
            if there.is_some() {
                return Ok(TakenUp::Already { project: p.id });
            }
            (p.id, false)
        }
        None => {
            let id = project::ActiveModel {
                community_code: Set(need.community_code.clone()),
                title: Set(need.title.clone()),
                detail: Set(need.detail.clone()),
                status: Set(ProjectStatus::Planning.as_str().to_string()),
                progress: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id;
            link(&txn, id, "need", need_id).await?;
            (id, true)
        }
    };
    link(&txn, project_id, "resource", resource.id).await?;
    let unit_there = project_link::Entity::find()
        .filter(project_link::Column::ProjectId.eq(project_id))
        .filter(project_link::Column::Kind.eq("unit"))
        .filter(project_link::Column::RefId.eq(resource.unit_id))
        .one(&txn)
        .await?;
    if unit_there.is_none() {
        link(&txn, project_id, "unit", resource.unit_id).await?;
    }
    project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(project_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(TakenUp::Linked {
        project: project_id,
        new,
    })
}

/// Closes a need (it is met); false when it was closed already.
pub async fn close_need(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(need::Entity::update_many()
        .col_expr(need::Column::Open, Expr::value(false))
        .filter(need::Column::Id.eq(id))
        .filter(need::Column::Open.eq(true))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Closes the open needs born of a wish (the wish is done or gone).
pub async fn close_needs_of_wish(db: &impl ConnectionTrait, wish: i64) -> Result<u64, DbErr> {
    Ok(need::Entity::update_many()
        .col_expr(need::Column::Open, Expr::value(false))
        .filter(need::Column::WishId.eq(wish))
        .filter(need::Column::Open.eq(true))
        .exec(db)
        .await?
        .rows_affected)
}

pub async fn project_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ProjectRow>, DbErr> {
    Ok(projects(db, None, Some(id)).await?.into_iter().next())
}

/// Needs of some communities (all when `None`), newest first.
pub async fn needs(
    db: &impl ConnectionTrait,
    communities: Option<&[String]>,
) -> Result<Vec<NeedRow>, DbErr> {
    let mut q = need::Entity::find();
    if let Some(c) = communities {
        q = q.filter(need::Column::CommunityCode.is_in(c.to_vec()));
    }
    Ok(q.order_by_desc(need::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| NeedRow {
            id: m.id,
            community_code: m.community_code,
            category: category(&m.category),
            title: m.title,
            detail: m.detail,
            wish_id: m.wish_id,
            open: m.open,
            created_by: m.created_by,
            created_at: m.created_at,
        })
        .collect())
}

pub async fn need_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<NeedRow>, DbErr> {
    Ok(need::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| NeedRow {
            id: m.id,
            community_code: m.community_code,
            category: category(&m.category),
            title: m.title,
            detail: m.detail,
            wish_id: m.wish_id,
            open: m.open,
            created_by: m.created_by,
            created_at: m.created_at,
        }))
}

/// Resources of some units, or all.
pub async fn resources(
    db: &impl ConnectionTrait,
    unit: Option<i64>,
) -> Result<Vec<ResourceRow>, DbErr> {
    let mut q = resource::Entity::find();
    if let Some(u) = unit {
        q = q.filter(resource::Column::UnitId.eq(u));
    }
    Ok(q.order_by_desc(resource::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| ResourceRow {
            id: m.id,
            unit_id: m.unit_id,
            community_code: m.community_code,
            category: category(&m.category),
            title: m.title,
            detail: m.detail,
            availability: m.availability,
            created_at: m.created_at,
        })
        .collect())
}

/// Projects of some communities (or one by id), newest first, with links.
pub async fn projects(
    db: &impl ConnectionTrait,
    communities: Option<&[String]>,
    id: Option<i64>,
) -> Result<Vec<ProjectRow>, DbErr> {
    let mut q = project::Entity::find();
    if let Some(c) = communities {
        q = q.filter(project::Column::CommunityCode.is_in(c.to_vec()));
    }
    if let Some(i) = id {
        q = q.filter(project::Column::Id.eq(i));
    }
    let rows = q.order_by_desc(project::Column::Id).all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let links = if ids.is_empty() {
        Vec::new()
    } else {
        project_link::Entity::find()
            .filter(project_link::Column::ProjectId.is_in(ids))
            .all(db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|m| {
            let of = |kind: &str| -> Vec<i64> {
                links
                    .iter()
                    .filter(|l| l.project_id == m.id && l.kind == kind)
                    .map(|l| l.ref_id)
                    .collect()
            };
            ProjectRow {
                id: m.id,
                needs: of("need"),
                resources: of("resource"),
                units: of("unit"),
                community_code: m.community_code,
                title: m.title,
                detail: m.detail,
                status: ProjectStatus::parse(&m.status).unwrap_or(ProjectStatus::Planning),
                progress: m.progress,
                created_at: m.created_at,
                updated_at: m.updated_at,
            }
        })
        .collect())
}
