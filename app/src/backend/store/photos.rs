//! Case photo records (the bytes live in the blob store).

use super::entities::case_photo;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

#[derive(Clone, Debug, PartialEq)]
pub struct PhotoRow {
    pub id: i64,
    pub case_id: i64,
    pub uploader_id: i64,
    pub key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub public: bool,
    pub created_at: DateTime<Utc>,
    /// `before` / `after` (`domain::case::PhotoPhase`) for staff photos.
    pub phase: Option<String>,
    /// The department whose whistle report the photo belongs to.
    pub department: Option<String>,
}

fn row(m: case_photo::Model) -> PhotoRow {
    PhotoRow {
        id: m.id,
        case_id: m.case_id,
        uploader_id: m.uploader_id,
        key: m.key,
        thumb_key: m.thumb_key,
        width: m.width,
        height: m.height,
        bytes: m.bytes,
        public: m.public,
        created_at: m.created_at,
        phase: m.phase,
        department: m.department,
    }
}

pub async fn insert(db: &impl ConnectionTrait, p: &PhotoRow) -> Result<i64, DbErr> {
    Ok(case_photo::ActiveModel {
        case_id: Set(p.case_id),
        uploader_id: Set(p.uploader_id),
        key: Set(p.key.clone()),
        thumb_key: Set(p.thumb_key.clone()),
        width: Set(p.width),
        height: Set(p.height),
        bytes: Set(p.bytes),
        public: Set(p.public),
        created_at: Set(p.created_at),
        phase: Set(p.phase.clone()),
        department: Set(p.department.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn of_case(db: &impl ConnectionTrait, case_id: i64) -> Result<Vec<PhotoRow>, DbErr> {
    Ok(case_photo::Entity::find()
        .filter(case_photo::Column::CaseId.eq(case_id))
        .order_by_asc(case_photo::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Photos of many cases in one query (a board page), oldest first.
pub async fn of_cases(db: &impl ConnectionTrait, case_ids: &[i64]) -> Result<Vec<PhotoRow>, DbErr> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(case_photo::Entity::find()
        .filter(case_photo::Column::CaseId.is_in(case_ids.to_vec()))
        .order_by_asc(case_photo::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Whose places a photo takes: the reporter's, staff's handling photos,
/// or one department's report photos (each has its own places).
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoGroup {
    Reporter,
    Handling,
    /// One department's report photos since the whistle was called.
    Department(String, DateTime<Utc>),
}

/// How many photos of a group a case holds.
pub async fn count_of_case(
    db: &impl ConnectionTrait,
    case_id: i64,
    group: &PhotoGroup,
) -> Result<u64, DbErr> {
    use case_photo::Column as C;
    let q = case_photo::Entity::find().filter(C::CaseId.eq(case_id));
    let q = match group {
        PhotoGroup::Reporter => q.filter(C::Phase.is_null()),
        PhotoGroup::Handling => q
            .filter(C::Phase.is_not_null())
            .filter(C::Department.is_null()),
        PhotoGroup::Department(d, since) => q
            .filter(C::Department.eq(d.clone()))
            .filter(C::CreatedAt.gte(*since)),
    };
    q.count(db).await
}

/// Shows a case's after photos taken since `since` (this round) to its
/// reporter and, for a public case, on the board, except those of the
/// departments in `skip` (whistled departments that did not report).
pub async fn show_after(
    db: &impl ConnectionTrait,
    case_id: i64,
    since: DateTime<Utc>,
    skip: &[String],
) -> Result<(), DbErr> {
    use case_photo::Column as C;
    let mut update = case_photo::Entity::update_many()
        .col_expr(C::Public, Expr::value(true))
        .filter(C::CaseId.eq(case_id))
        .filter(C::Phase.eq("after"))
        .filter(C::CreatedAt.gte(since));
    if !skip.is_empty() {
        update = update.filter(
            sea_orm::Condition::any()
                .add(C::Department.is_null())
                .add(C::Department.is_not_in(skip.to_vec())),
        );
    }
    update.exec(db).await?;
    Ok(())
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<PhotoRow>, DbErr> {
    Ok(case_photo::Entity::find_by_id(id).one(db).await?.map(row))
}

pub async fn count_all(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    case_photo::Entity::find().count(db).await
}
