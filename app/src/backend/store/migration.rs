//! Schema migrations: explicit steps that never change once released.
//! The first releases' tables are the SQL they ran (`frozen_schema`);
//! later steps are written out column by column. Nothing here derives
//! from today's entities, so migration 0001 means the same thing forever;
//! a test checks that the migrated schema matches the entities.

use super::frozen_schema as frozen;
use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(GeographyAndAccounts),
            Box::new(Cases),
            Box::new(CasePhotos),
            Box::new(QueueIndexes),
            Box::new(Wishes),
            Box::new(Trust),
            Box::new(ReportKeys),
            Box::new(FiledBy),
            Box::new(CaseOwner),
            Box::new(DeadlineAlarms),
            Box::new(PhotoPhase),
            Box::new(Whistles),
            Box::new(Patrols),
            Box::new(CaseFigures),
            Box::new(Households),
            Box::new(BoundaryVersions),
            Box::new(Deliberation),
            Box::new(Alliance),
            Box::new(JointMeetings),
            Box::new(SharingShed),
            Box::new(ExchangePosts),
            Box::new(CaseEventTimes),
            Box::new(Open311Clients),
            Box::new(Open311Resends),
            Box::new(Open311ResendsOnce),
            Box::new(CaseIndexPrefixes),
        ]
    }
}

/// Each migration names itself: the name is the key recorded in
/// `seaql_migrations`, so it must never change once released.
struct GeographyAndAccounts;

impl MigrationName for GeographyAndAccounts {
    fn name(&self) -> &str {
        "m20261121_000001_geography_and_accounts"
    }
}

/// Runs frozen SQL, in the dialect of the database at hand.
async fn run(manager: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        DbBackend::Sqlite => sqlite,
        DbBackend::Postgres => postgres,
        other => return Err(DbErr::Custom(format!("unsupported database {other:?}"))),
    };
    let conn = manager.get_connection();
    for sql in statements {
        conn.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for GeographyAndAccounts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(
            manager,
            frozen::GEOGRAPHY_AND_ACCOUNTS_SQLITE,
            frozen::GEOGRAPHY_AND_ACCOUNTS_POSTGRES,
        )
        .await
    }
}

struct Cases;

impl MigrationName for Cases {
    fn name(&self) -> &str {
        "m20261122_000001_cases"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Cases {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, frozen::CASES_SQLITE, frozen::CASES_POSTGRES).await
    }
}

struct CasePhotos;

impl MigrationName for CasePhotos {
    fn name(&self) -> &str {
        "m20261122_000002_case_photos"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for CasePhotos {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(
            manager,
            frozen::CASE_PHOTOS_SQLITE,
            frozen::CASE_PHOTOS_POSTGRES,
        )
        .await
    }
}

/// Queues read "newest first within a place": (place, id) indexes answer
/// them without sorting, however many cases a street has.
struct QueueIndexes;

impl MigrationName for QueueIndexes {
    fn name(&self) -> &str {
        "m20261122_000003_case_queue_indexes"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for QueueIndexes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, col) in [
            ("idx_cases_grid_id", "grid_code"),
            ("idx_cases_community_id", "community_code"),
            ("idx_cases_street_id", "street_code"),
            ("idx_cases_reporter_id_id", "reporter_id"),
            ("idx_cases_department_id", "department"),
            ("idx_cases_company_id_id", "company_id"),
            ("idx_cases_status_id", "status"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Alias::new("cases"))
                        .col(Alias::new(col))
                        .col(Alias::new("id"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Dual reporting, micro-wishes, the service ledger, volunteering, the
/// three lists and in-app notifications.
struct Wishes;

impl MigrationName for Wishes {
    fn name(&self) -> &str {
        "m20261122_000004_wishes"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Wishes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A fresh database got these columns in the first migration (its
        // SQL was frozen after they existed); an older one gets them here.
        let a = Alias::new;
        add_column(
            manager,
            "units",
            ColumnDef::new(a("kind")).string().not_null().default(""),
        )
        .await?;
        add_column(
            manager,
            "units",
            ColumnDef::new(a("status"))
                .string()
                .not_null()
                .default("approved"),
        )
        .await?;
        add_column(
            manager,
            "units",
            ColumnDef::new(a("community_code"))
                .string()
                .not_null()
                .default(""),
        )
        .await?;
        add_column(
            manager,
            "units",
            ColumnDef::new(a("applicant_id")).big_integer().null(),
        )
        .await?;
        add_column(
            manager,
            "units",
            ColumnDef::new(a("reject_reason")).string().null(),
        )
        .await?;
        run(manager, frozen::WISHES_SQLITE, frozen::WISHES_POSTGRES).await?;
        // The wall reads "newest first" within a status or a community.
        for (name, col) in [
            ("idx_wishes_status_id", "status"),
            ("idx_wishes_community_id", "community_code"),
            ("idx_wishes_wisher_id", "wisher_id"),
            ("idx_wishes_posted_by_id", "posted_by"),
            ("idx_wishes_claimer_id", "claimer_id"),
            ("idx_wishes_claimer_unit_id", "claimer_unit_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Alias::new("wishes"))
                        .col(Alias::new(col))
                        .col(Alias::new("id"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Adds a column unless the table has it already.
async fn add_column(
    manager: &SchemaManager<'_>,
    table: &str,
    column: &mut ColumnDef,
) -> Result<(), DbErr> {
    let name = column.get_column_name();
    if !manager.has_column(table, &name).await? {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .add_column(column.to_owned())
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

/// The trust release: account state (disabled, consent), idle sessions,
/// retired departments, company codes and compound boundaries, and the
/// audit log. Written out column by column, never derived from entities,
/// so it means the same thing forever.
struct Trust;

impl MigrationName for Trust {
    fn name(&self) -> &str {
        "m20261201_000001_trust"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Trust {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        add_column(
            manager,
            "users",
            ColumnDef::new(a("disabled"))
                .boolean()
                .not_null()
                .default(false),
        )
        .await?;
        add_column(
            manager,
            "users",
            ColumnDef::new(a("consented_at"))
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        add_column(
            manager,
            "sessions",
            ColumnDef::new(a("last_seen_at"))
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        add_column(
            manager,
            "departments",
            ColumnDef::new(a("active"))
                .boolean()
                .not_null()
                .default(true),
        )
        .await?;
        add_column(
            manager,
            "property_companies",
            ColumnDef::new(a("code")).string().null(),
        )
        .await?;
        add_column(
            manager,
            "compounds",
            ColumnDef::new(a("boundary")).text().null(),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("audit_log"))
                    .col(
                        ColumnDef::new(a("id"))
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(a("at"))
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(a("actor_id")).big_integer().null())
                    .col(ColumnDef::new(a("actor_name")).string().not_null())
                    .col(ColumnDef::new(a("action")).string().not_null())
                    .col(ColumnDef::new(a("target_kind")).string().not_null())
                    .col(ColumnDef::new(a("target_id")).string().not_null())
                    .col(ColumnDef::new(a("detail")).text().not_null())
                    .col(ColumnDef::new(a("street_code")).string().null())
                    .col(ColumnDef::new(a("client")).string().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_audit_street_id", vec!["street_code", "id"]),
            ("idx_audit_actor_id", vec!["actor_id", "id"]),
            ("idx_audit_target", vec!["target_kind", "target_id"]),
            ("idx_sessions_expires", vec!["expires_at"]),
        ] {
            let table = if name.starts_with("idx_sessions") {
                "sessions"
            } else {
                "audit_log"
            };
            let mut idx = Index::create();
            idx.name(name).table(a(table));
            for c in cols {
                idx.col(a(c));
            }
            manager.create_index(idx.to_owned()).await?;
        }
        Ok(())
    }
}

/// Idempotent reports: the key a phone gives each draft, unique per
/// reporter, so a report resent after a lost answer makes no second case.
struct ReportKeys;

impl MigrationName for ReportKeys {
    fn name(&self) -> &str {
        "m20261201_000002_report_keys"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for ReportKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        add_column(
            manager,
            "cases",
            ColumnDef::new(a("client_key")).string().null(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_reporter_client_key")
                    .table(a("cases"))
                    .col(a("reporter_id"))
                    .col(a("client_key"))
                    .unique()
                    .to_owned(),
            )
            .await
    }
}

/// A report's key is unique per person who filed it: a hotline call entered by
/// staff has no reporter account, so the reporter's key could not stop a resend
/// from making a second case.
struct FiledBy;

impl MigrationName for FiledBy {
    fn name(&self) -> &str {
        "m20261201_000003_filed_by"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for FiledBy {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        add_column(
            manager,
            "cases",
            ColumnDef::new(a("filed_by")).big_integer().null(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_filed_by_client_key")
                    .table(a("cases"))
                    .col(a("filed_by"))
                    .col(a("client_key"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}

/// A case's named owner (issue 10): the grid staff member answerable for it.
/// Cases made before have none; the queues still show them to the grid.
struct CaseOwner;

impl MigrationName for CaseOwner {
    fn name(&self) -> &str {
        "m20261202_000001_case_owner"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for CaseOwner {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        add_column(
            manager,
            "cases",
            ColumnDef::new(a("owner_id")).big_integer().null(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_owner_status")
                    .table(a("cases"))
                    .col(a("owner_id"))
                    .col(a("status"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}

/// The deadline scheduler (issue 10): when it must next look at a case
/// (`alarm_at`, indexed, so a sweep reads only the cases due for a step) and
/// how far it has gone for the current deadline (`alarm_stage`: 0 nothing
/// sent, 1 warned, 2 flagged overdue); and named leases, so one server of
/// several sweeps at a time. Open cases already overdue become flagged
/// history; the others get an alarm at their start.
struct DeadlineAlarms;

impl MigrationName for DeadlineAlarms {
    fn name(&self) -> &str {
        "m20261203_000001_deadline_alarms"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for DeadlineAlarms {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        add_column(
            manager,
            "cases",
            ColumnDef::new(a("alarm_stage"))
                .small_integer()
                .not_null()
                .default(0),
        )
        .await?;
        add_column(
            manager,
            "cases",
            ColumnDef::new(a("alarm_at"))
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_alarm_at")
                    .table(a("cases"))
                    .col(a("alarm_at"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        // Cases already running. Those past their deadline count as flagged
        // history, never escalated by the upgrade (an upgrade must not move
        // every late case up a level and text its staff at once); the others
        // get a look from the first sweep, which puts each where it belongs.
        let now = chrono::Utc::now();
        let open = ["reported", "confirmed", "dispatched", "in_progress"];
        manager
            .exec_stmt(
                Query::update()
                    .table(a("cases"))
                    .value(a("alarm_stage"), 2)
                    .and_where(Expr::col(a("due_at")).lte(now))
                    .and_where(Expr::col(a("status")).is_in(open))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(a("cases"))
                    .value(a("alarm_at"), Expr::col(a("started_at")))
                    .and_where(Expr::col(a("due_at")).gt(now))
                    .and_where(Expr::col(a("status")).is_in(open))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("leases"))
                    .if_not_exists()
                    .col(ColumnDef::new(a("name")).string().not_null().primary_key())
                    .col(ColumnDef::new(a("holder")).string().not_null())
                    .col(
                        ColumnDef::new(a("until"))
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }
}

/// Staff photos taken when handling a case (issue 10, 立即解决): `before` or
/// `after`; none for the reporter's photos. Staff photos from before are
/// working photos (`before`).
struct PhotoPhase;

impl MigrationName for PhotoPhase {
    fn name(&self) -> &str {
        "m20261203_000002_photo_phase"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for PhotoPhase {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        add_column(
            manager,
            "case_photos",
            ColumnDef::new(a("phase")).string().null(),
        )
        .await?;
        // Staff photos of before: working photos, as staff uploads are now.
        manager
            .exec_stmt(
                Query::update()
                    .table(a("case_photos"))
                    .value(a("phase"), "before")
                    .and_where(Expr::col(a("public")).eq(false))
                    .and_where(Expr::col(a("phase")).is_null())
                    .to_owned(),
            )
            .await
    }
}

/// 吹哨报到 (issue 10): whistles and each department's part, the assisting
/// departments on the case, and the department a report photo belongs to.
/// Cases already with a department get the whistle the call would have made
/// (the lead alone, called when the case started there, due when it is due),
/// so every department case goes on through the four steps.
struct Whistles;

impl MigrationName for Whistles {
    fn name(&self) -> &str {
        "m20261204_000001_whistles"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Whistles {
    /// The backfill writes a whistle and its part per case: all or nothing,
    /// on SQLite too.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        add_column(
            manager,
            "cases",
            ColumnDef::new(a("assisting")).string().null(),
        )
        .await?;
        add_column(
            manager,
            "case_photos",
            ColumnDef::new(a("department")).string().null(),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("whistles"))
                    .if_not_exists()
                    .col(id_col())
                    .col(ColumnDef::new(a("case_id")).big_integer().not_null())
                    .col(ColumnDef::new(a("called_by")).big_integer().not_null())
                    .col(tz_col("called_at", false))
                    .col(ColumnDef::new(a("required_by")).date().not_null())
                    .col(ColumnDef::new(a("note")).text().not_null())
                    .col(ColumnDef::new(a("state")).string().not_null())
                    .col(ColumnDef::new(a("closed_by")).big_integer().null())
                    .col(tz_col("closed_at", true))
                    .col(ColumnDef::new(a("result")).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("whistle_parts"))
                    .if_not_exists()
                    .col(id_col())
                    .col(ColumnDef::new(a("whistle_id")).big_integer().not_null())
                    .col(ColumnDef::new(a("case_id")).big_integer().not_null())
                    .col(ColumnDef::new(a("department")).string().not_null())
                    .col(ColumnDef::new(a("lead")).boolean().not_null())
                    .col(ColumnDef::new(a("state")).string().not_null())
                    .col(ColumnDef::new(a("reason")).text().null())
                    .col(ColumnDef::new(a("report")).text().null())
                    .col(tz_col("answered_at", true))
                    .col(tz_col("reported_at", true))
                    .col(ColumnDef::new(a("rating")).integer().null())
                    .col(tz_col("called_at", false))
                    .col(tz_col("due_at", false))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                ("idx_whistles_case", "whistles", &["case_id"]),
                (
                    "idx_whistle_parts_whistle",
                    "whistle_parts",
                    &["whistle_id"],
                ),
                (
                    "idx_whistle_parts_department",
                    "whistle_parts",
                    &["department", "case_id"],
                ),
            ],
        )
        .await?;
        backfill_whistles(manager).await
    }
}

/// The whistle each case already with a department would have had.
async fn backfill_whistles(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let conn = manager.get_connection();
    let backend = manager.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, department, status, started_at, due_at, updated_at FROM cases \
             WHERE level = 'department' AND department IS NOT NULL \
             AND id NOT IN (SELECT case_id FROM whistles)",
        ))
        .await?;
    for r in rows {
        let case_id: i64 = r.try_get("", "id")?;
        let department: String = r.try_get("", "department")?;
        let status: String = r.try_get("", "status")?;
        let started: chrono::DateTime<chrono::Utc> = r.try_get("", "started_at")?;
        let due: Option<chrono::DateTime<chrono::Utc>> = r.try_get("", "due_at")?;
        let updated: chrono::DateTime<chrono::Utc> = r.try_get("", "updated_at")?;
        let due = due.unwrap_or(updated);
        // The lead had accepted a case being handled; one resolved or further
        // on was reported and closed out (by nobody we know: the rating stays empty).
        let (whistle_state, part_state) = match status.as_str() {
            "dispatched" => ("open", "called"),
            "in_progress" => ("open", "accepted"),
            _ => ("closed", "reported"),
        };
        let closed = whistle_state == "closed";
        // The date the deadline falls on, as a call names it (`whistles::call`).
        let day = crate::domain::deadline::china_date(due - chrono::Duration::seconds(1));
        let whistle_id: i64 = {
            let insert = Query::insert()
                .into_table(Alias::new("whistles"))
                .columns(
                    [
                        "case_id",
                        "called_by",
                        "called_at",
                        "required_by",
                        "note",
                        "state",
                    ]
                    .map(Alias::new),
                )
                .values_panic([
                    case_id.into(),
                    0i64.into(),
                    started.into(),
                    day.into(),
                    "".into(),
                    whistle_state.into(),
                ])
                .returning_col(Alias::new("id"))
                .to_owned();
            let (sql, values) = match backend {
                DbBackend::Postgres => insert.build(PostgresQueryBuilder),
                _ => insert.build(SqliteQueryBuilder),
            };
            let row = conn
                .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?
                .ok_or_else(|| DbErr::Custom("no id for a whistle".into()))?;
            row.try_get("", "id")?
        };
        let answered: Option<chrono::DateTime<chrono::Utc>> =
            (part_state != "called").then_some(updated);
        let reported: Option<chrono::DateTime<chrono::Utc>> = closed.then_some(updated);
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Alias::new("whistle_parts"))
                    .columns(
                        [
                            "whistle_id",
                            "case_id",
                            "department",
                            "lead",
                            "state",
                            "answered_at",
                            "reported_at",
                            "called_at",
                            "due_at",
                        ]
                        .map(Alias::new),
                    )
                    .values_panic([
                        whistle_id.into(),
                        case_id.into(),
                        department.into(),
                        true.into(),
                        part_state.into(),
                        answered.into(),
                        reported.into(),
                        started.into(),
                        due.into(),
                    ])
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

/// An `id` primary key that counts up.
fn id_col() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A moment with its zone, `NULL` allowed or not.
fn tz_col(name: &'static str, null: bool) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    c.timestamp_with_time_zone();
    if null {
        c.null();
    } else {
        c.not_null();
    }
    c
}

fn text_col(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .to_owned()
}

fn big_col(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .to_owned()
}

fn float_col(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .double()
        .not_null()
        .to_owned()
}

/// Indexes by name, table and columns (each made unless it exists).
async fn indexes(manager: &SchemaManager<'_>, list: &[(&str, &str, &[&str])]) -> Result<(), DbErr> {
    for (name, table, cols) in list {
        let mut index = Index::create();
        index.name(*name).table(Alias::new(*table)).if_not_exists();
        for c in *cols {
            index.col(Alias::new(*c));
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}

/// Patrols (巡查走访, issue 10): each patrol with its track, its visits and
/// their photos, and each grid's key-issues list with dated reviews.
struct Patrols;

impl MigrationName for Patrols {
    fn name(&self) -> &str {
        "m20261204_000002_patrols"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Patrols {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let tables = [
            Table::create()
                .table(a("patrols"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("user_id"))
                .col(text_col("grid_code"))
                .col(ColumnDef::new(a("community_code")).string().null())
                .col(ColumnDef::new(a("street_code")).string().null())
                .col(tz_col("started_at", false))
                .col(tz_col("ended_at", true))
                .col(float_col("length_m"))
                .col(big_col("points"))
                .col(ColumnDef::new(a("last_lat")).double().null())
                .col(ColumnDef::new(a("last_lng")).double().null())
                .col(tz_col("last_at", true))
                .to_owned(),
            Table::create()
                .table(a("patrol_points"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("patrol_id"))
                .col(float_col("lat"))
                .col(float_col("lng"))
                .col(tz_col("at", false))
                .col(ColumnDef::new(a("accuracy")).double().null())
                .to_owned(),
            Table::create()
                .table(a("patrol_visits"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("patrol_id"))
                .col(big_col("user_id"))
                .col(text_col("grid_code"))
                .col(text_col("kind"))
                .col(text_col("subject"))
                .col(ColumnDef::new(a("note")).text().not_null())
                .col(float_col("lat"))
                .col(float_col("lng"))
                .col(tz_col("at", false))
                .col(ColumnDef::new(a("case_id")).big_integer().null())
                .to_owned(),
            Table::create()
                .table(a("visit_photos"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("visit_id"))
                .col(big_col("uploader_id"))
                .col(text_col("key"))
                .col(text_col("thumb_key"))
                .col(ColumnDef::new(a("width")).integer().not_null())
                .col(ColumnDef::new(a("height")).integer().not_null())
                .col(big_col("bytes"))
                .col(tz_col("created_at", false))
                .to_owned(),
            Table::create()
                .table(a("key_issues"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("grid_code"))
                .col(big_col("category_id"))
                .col(text_col("title"))
                .col(text_col("risk"))
                .col(text_col("status"))
                .col(ColumnDef::new(a("owner_id")).big_integer().null())
                .col(big_col("created_by"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .to_owned(),
            Table::create()
                .table(a("key_issue_reviews"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("issue_id"))
                .col(text_col("kind"))
                .col(ColumnDef::new(a("text")).text().not_null())
                .col(big_col("author_id"))
                .col(text_col("author_name"))
                .col(tz_col("at", false))
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        indexes(
            manager,
            &[
                (
                    "idx_patrols_user_started",
                    "patrols",
                    &["user_id", "started_at"],
                ),
                (
                    "idx_patrols_grid_started",
                    "patrols",
                    &["grid_code", "started_at"],
                ),
                ("idx_patrol_visits_patrol", "patrol_visits", &["patrol_id"]),
                (
                    "idx_patrol_visits_grid",
                    "patrol_visits",
                    &["grid_code", "at"],
                ),
                ("idx_visit_photos_visit", "visit_photos", &["visit_id"]),
                ("idx_key_issues_grid", "key_issues", &["grid_code"]),
                (
                    "idx_key_issue_reviews_issue",
                    "key_issue_reviews",
                    &["issue_id"],
                ),
            ],
        )
        .await?;
        // A point sent again (its answer was lost) is stored once; one patrol
        // runs per person at a time (two taps, two phones).
        for sql in [
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_patrol_points_patrol_at ON patrol_points (patrol_id, at)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_patrols_one_running ON patrols (user_id) WHERE ended_at IS NULL",
        ] {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

/// The figures of assessment (issue 10): when each case got its result, how
/// many minutes after its report, and whether on time, so the figures add
/// them up in the database; indexes for an area's cases of a period. Cases
/// that have their result already get it from their timeline.
struct CaseFigures;

impl MigrationName for CaseFigures {
    fn name(&self) -> &str {
        "m20261204_000003_case_figures"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for CaseFigures {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm::{ConnectionTrait, Statement};
        add_column(manager, "cases", &mut tz_col("resolved_at", true)).await?;
        add_column(
            manager,
            "cases",
            ColumnDef::new(Alias::new("handled_minutes"))
                .big_integer()
                .null(),
        )
        .await?;
        add_column(
            manager,
            "cases",
            ColumnDef::new(Alias::new("on_time")).boolean().null(),
        )
        .await?;
        indexes(
            manager,
            &[
                (
                    "idx_cases_street_created",
                    "cases",
                    &["street_code", "created_at"],
                ),
                (
                    "idx_cases_community_created",
                    "cases",
                    &["community_code", "created_at"],
                ),
                (
                    "idx_cases_grid_created",
                    "cases",
                    &["grid_code", "created_at"],
                ),
                ("idx_cases_created", "cases", &["created_at"]),
            ],
        )
        .await?;
        // The latest result step of each case that has its result now.
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        let rows = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT c.id, c.created_at, c.due_at, MAX(e.created_at) AS at FROM cases c \
                 JOIN case_events e ON e.case_id = c.id \
                 WHERE c.status IN ('resolved', 'fed_back', 'evaluated', 'closed') \
                 AND e.action IN ('resolve', 'solve_now', 'whistle_close') \
                 GROUP BY c.id, c.created_at, c.due_at",
            ))
            .await?;
        for r in rows {
            let id: i64 = r.try_get("", "id")?;
            let created: chrono::DateTime<chrono::Utc> = r.try_get("", "created_at")?;
            let due: Option<chrono::DateTime<chrono::Utc>> = r.try_get("", "due_at")?;
            let at: chrono::DateTime<chrono::Utc> = r.try_get("", "at")?;
            let (minutes, on_time) = crate::domain::assessment::resolution(created, due, at);
            manager
                .exec_stmt(
                    Query::update()
                        .table(Alias::new("cases"))
                        .value(Alias::new("resolved_at"), at)
                        .value(Alias::new("handled_minutes"), minutes)
                        .value(Alias::new("on_time"), on_time)
                        .and_where(Expr::col(Alias::new("id")).eq(id))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Base information (人房信息, issue 12): buildings, households with their
/// members, household groups (联户组) with their tasks and the doors marked
/// done, residents' correction requests, and a patrol visit's household.
/// Each row carries its grid, community and street so a search stays
/// within the reader's area on one index.
struct Households;

impl MigrationName for Households {
    fn name(&self) -> &str {
        "m20261205_000001_households"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Households {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let null_text = |name: &'static str| ColumnDef::new(a(name)).string().null().to_owned();
        let null_big = |name: &'static str| ColumnDef::new(a(name)).big_integer().null().to_owned();
        let tables = [
            Table::create()
                .table(a("buildings"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("grid_code"))
                .col(null_text("community_code"))
                .col(null_text("street_code"))
                .col(text_col("name"))
                .col(tz_col("created_at", false))
                .to_owned(),
            Table::create()
                .table(a("households"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("grid_code"))
                .col(null_text("community_code"))
                .col(null_text("street_code"))
                .col(big_col("building_id"))
                .col(text_col("unit"))
                .col(text_col("room"))
                .col(text_col("door"))
                .col(text_col("head"))
                .col(big_col("members"))
                .col(text_col("housing"))
                .col(text_col("care_tags"))
                .col(null_big("resident_id"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .to_owned(),
            Table::create()
                .table(a("household_members"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("household_id"))
                .col(text_col("grid_code"))
                .col(null_text("community_code"))
                .col(null_text("street_code"))
                .col(text_col("name"))
                .col(text_col("relation"))
                .col(null_text("phone"))
                .col(null_text("id_number"))
                .col(big_col("sort"))
                .to_owned(),
            Table::create()
                .table(a("household_groups"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("grid_code"))
                .col(null_text("community_code"))
                .col(null_text("street_code"))
                .col(text_col("name"))
                .col(text_col("kind"))
                .col(text_col("leader_name"))
                .col(text_col("leader_phone"))
                .col(null_big("leader_id"))
                .col(tz_col("created_at", false))
                .to_owned(),
            Table::create()
                .table(a("group_households"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("group_id"))
                .col(big_col("household_id"))
                .to_owned(),
            Table::create()
                .table(a("group_tasks"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("group_id"))
                .col(text_col("title"))
                .col(ColumnDef::new(a("body")).text().not_null())
                .col(ColumnDef::new(a("due_on")).date().null())
                .col(big_col("created_by"))
                .col(tz_col("created_at", false))
                .to_owned(),
            Table::create()
                .table(a("group_task_marks"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("task_id"))
                .col(big_col("household_id"))
                .col(big_col("by_id"))
                .col(tz_col("at", false))
                .to_owned(),
            Table::create()
                .table(a("household_corrections"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("household_id"))
                .col(text_col("grid_code"))
                .col(null_text("community_code"))
                .col(null_text("street_code"))
                .col(big_col("user_id"))
                .col(ColumnDef::new(a("text")).text().not_null())
                .col(ColumnDef::new(a("done")).boolean().not_null())
                .col(tz_col("created_at", false))
                .col(null_big("handled_by"))
                .col(tz_col("handled_at", true))
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        add_column(manager, "patrol_visits", &mut null_big("household_id")).await?;
        indexes(
            manager,
            &[
                (
                    "idx_households_grid_door",
                    "households",
                    &["grid_code", "door"],
                ),
                (
                    "idx_households_community_door",
                    "households",
                    &["community_code", "door"],
                ),
                (
                    "idx_households_street_door",
                    "households",
                    &["street_code", "door"],
                ),
                (
                    "idx_household_members_household",
                    "household_members",
                    &["household_id"],
                ),
                (
                    "idx_household_members_grid_name",
                    "household_members",
                    &["grid_code", "name"],
                ),
                (
                    "idx_household_members_community_name",
                    "household_members",
                    &["community_code", "name"],
                ),
                (
                    "idx_household_members_street_name",
                    "household_members",
                    &["street_code", "name"],
                ),
                (
                    "idx_household_members_phone",
                    "household_members",
                    &["phone"],
                ),
                (
                    "idx_household_groups_grid",
                    "household_groups",
                    &["grid_code"],
                ),
                (
                    "idx_household_groups_leader",
                    "household_groups",
                    &["leader_id"],
                ),
                (
                    "idx_group_households_group",
                    "group_households",
                    &["group_id"],
                ),
                ("idx_group_tasks_group", "group_tasks", &["group_id"]),
                (
                    "idx_household_corrections_household",
                    "household_corrections",
                    &["household_id"],
                ),
                (
                    "idx_household_corrections_grid",
                    "household_corrections",
                    &["grid_code", "done"],
                ),
            ],
        )
        .await?;
        // One building name per grid, one household per door of a building,
        // one group per household, one mark per door and task, one
        // household per resident account (NULLs do not collide).
        for sql in [
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_buildings_grid_name ON buildings (grid_code, name)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_households_building_door ON households (building_id, unit, room)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_group_households_household ON group_households (household_id)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_group_task_marks_task_household ON group_task_marks (task_id, household_id)",
            // A resident account sees one household, never two.
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_households_one_resident ON households (resident_id)",
        ] {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

/// Boundary editing (issue 12): each change with who made it and when, and
/// each grid's outline before and after it, so any change can be undone.
struct BoundaryVersions;

impl MigrationName for BoundaryVersions {
    fn name(&self) -> &str {
        "m20261206_000001_boundary_versions"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for BoundaryVersions {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let null_big = |name: &'static str| ColumnDef::new(a(name)).big_integer().null().to_owned();
        let tables = [
            Table::create()
                .table(a("boundary_changes"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("kind"))
                .col(ColumnDef::new(a("street_code")).string().null())
                .col(big_col("actor_id"))
                .col(text_col("actor_name"))
                .col(tz_col("created_at", false))
                .col(null_big("undone_by"))
                .col(null_big("restores"))
                .to_owned(),
            Table::create()
                .table(a("boundary_versions"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("change_id"))
                .col(text_col("region_code"))
                .col(ColumnDef::new(a("before")).text().not_null())
                .col(ColumnDef::new(a("after")).text().not_null())
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        indexes(
            manager,
            &[
                (
                    "idx_boundary_changes_street",
                    "boundary_changes",
                    &["street_code", "id"],
                ),
                (
                    "idx_boundary_versions_change",
                    "boundary_versions",
                    &["change_id"],
                ),
                (
                    "idx_boundary_versions_region",
                    "boundary_versions",
                    &["region_code"],
                ),
            ],
        )
        .await
    }
}

/// Deliberation (四步议事, issue 11): topics with their meeting, minutes,
/// vote and implementation; seconds; options with their counts; who voted
/// (turnout, never what they chose: a ballot only adds to its option's
/// count); implementation updates; each community's seconding threshold.
struct Deliberation;

impl MigrationName for Deliberation {
    fn name(&self) -> &str {
        "m20261207_000001_deliberation"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Deliberation {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let null_text = |name: &'static str| ColumnDef::new(a(name)).text().null().to_owned();
        let null_str = |name: &'static str| ColumnDef::new(a(name)).string().null().to_owned();
        let null_big = |name: &'static str| ColumnDef::new(a(name)).big_integer().null().to_owned();
        let int = |name: &'static str| ColumnDef::new(a(name)).integer().not_null().to_owned();
        let tables = [
            Table::create()
                .table(a("topics"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("community_code"))
                .col(null_str("street_code"))
                .col(big_col("proposer_id"))
                .col(text_col("title"))
                .col(ColumnDef::new(a("body")).text().not_null())
                .col(text_col("stage"))
                .col(int("seconds"))
                .col(null_str("hidden_reason"))
                .col(tz_col("agenda_at", true))
                .col(null_str("meeting_kind"))
                .col(tz_col("meeting_at", true))
                .col(null_str("meeting_place"))
                .col(null_text("minutes"))
                .col(null_str("vote_mode"))
                .col(tz_col("opens_at", true))
                .col(tz_col("closes_at", true))
                .col(big_col("votes"))
                .col(null_text("decision"))
                .col(tz_col("decided_at", true))
                .col(int("progress"))
                .col(null_big("case_id"))
                .col(null_big("project_id"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .to_owned(),
            Table::create()
                .table(a("topic_seconds"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("topic_id"))
                .col(big_col("user_id"))
                .col(tz_col("at", false))
                .to_owned(),
            Table::create()
                .table(a("topic_options"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("topic_id"))
                .col(text_col("label"))
                .col(int("position"))
                .col(big_col("votes"))
                .to_owned(),
            Table::create()
                .table(a("topic_voters"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("topic_id"))
                .col(text_col("voter_key"))
                .col(ColumnDef::new(a("paper")).boolean().not_null())
                .col(null_big("entered_by"))
                .col(tz_col("at", false))
                .to_owned(),
            Table::create()
                .table(a("topic_updates"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("topic_id"))
                .col(int("progress"))
                .col(ColumnDef::new(a("note")).text().not_null())
                .col(big_col("author_id"))
                .col(tz_col("at", false))
                .to_owned(),
            Table::create()
                .table(a("topic_thresholds"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("community_code"))
                .col(int("threshold"))
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        indexes(
            manager,
            &[
                ("idx_topics_community", "topics", &["community_code", "id"]),
                (
                    "idx_topics_proposer",
                    "topics",
                    &["proposer_id", "created_at"],
                ),
                ("idx_topic_options_topic", "topic_options", &["topic_id"]),
                ("idx_topic_updates_topic", "topic_updates", &["topic_id"]),
            ],
        )
        .await?;
        // The one-vote and one-second rules are the database's: two taps,
        // two phones or two servers cannot both land.
        for sql in [
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_topic_seconds_one ON topic_seconds (topic_id, user_id)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_topic_voters_one ON topic_voters (topic_id, voter_key)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx_topic_thresholds_community ON topic_thresholds (community_code)",
        ] {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

/// The red-property alliance (issue 11): a company's record is kept by a
/// street and carries its party organisation and a contact (private to the
/// street and the company). Companies that manage compounds already are
/// given the street of their first compound; the rest wait for a system
/// admin.
struct Alliance;

impl MigrationName for Alliance {
    fn name(&self) -> &str {
        "m20261208_000001_alliance"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Alliance {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["street_code", "party_org", "contact_name", "contact_phone"] {
            add_column(
                manager,
                "property_companies",
                ColumnDef::new(Alias::new(name)).string().null(),
            )
            .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE property_companies SET street_code = (\
                 SELECT s.code FROM compounds c \
                 JOIN regions g ON g.id = c.grid_id \
                 JOIN regions m ON m.id = g.parent_id \
                 JOIN regions s ON s.id = m.parent_id \
                 WHERE c.company_id = property_companies.id ORDER BY c.id LIMIT 1) \
                 WHERE street_code IS NULL",
            )
            .await?;
        // The company figures read a company's own tasks on one index.
        indexes(
            manager,
            &[(
                "idx_cases_company_level",
                "cases",
                &["company_id", "level", "status"],
            )],
        )
        .await
    }
}

/// Joint meetings (物业联席会, issue 11): a community's meeting with its
/// compounds, invited companies (and whether each came), agenda items and
/// minutes; its resolutions, each with an owner, a due date, progress and
/// a status, flagged once when overdue; and the progress reports.
struct JointMeetings;

impl MigrationName for JointMeetings {
    fn name(&self) -> &str {
        "m20261209_000001_joint_meetings"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for JointMeetings {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let null_text = |name: &'static str| ColumnDef::new(a(name)).text().null().to_owned();
        let null_str = |name: &'static str| ColumnDef::new(a(name)).string().null().to_owned();
        let null_big = |name: &'static str| ColumnDef::new(a(name)).big_integer().null().to_owned();
        let int = |name: &'static str| ColumnDef::new(a(name)).integer().not_null().to_owned();
        let flag = |name: &'static str| ColumnDef::new(a(name)).boolean().not_null().to_owned();
        let tables = [
            Table::create()
                .table(a("joint_meetings"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("community_code"))
                .col(null_str("street_code"))
                .col(text_col("title"))
                .col(tz_col("starts_at", false))
                .col(text_col("place"))
                .col(null_str("committee"))
                .col(null_str("representatives"))
                .col(flag("committee_present"))
                .col(int("representatives_present"))
                .col(null_text("minutes"))
                .col(big_col("created_by"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .col(big_col("version"))
                .to_owned(),
            Table::create()
                .table(a("joint_meeting_companies"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("meeting_id"))
                .col(big_col("company_id"))
                .col(flag("present"))
                .to_owned(),
            Table::create()
                .table(a("joint_meeting_compounds"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("meeting_id"))
                .col(big_col("compound_id"))
                .to_owned(),
            Table::create()
                .table(a("joint_meeting_items"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("meeting_id"))
                .col(int("position"))
                .col(text_col("kind"))
                .col(null_big("ref_id"))
                .col(text_col("title"))
                .to_owned(),
            Table::create()
                .table(a("joint_resolutions"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("meeting_id"))
                .col(text_col("community_code"))
                .col(null_str("street_code"))
                .col(ColumnDef::new(a("body")).text().not_null())
                .col(text_col("owner_kind"))
                .col(text_col("owner_ref"))
                .col(ColumnDef::new(a("due_on")).date().not_null())
                .col(int("progress"))
                .col(text_col("status"))
                .col(null_big("case_id"))
                .col(flag("overdue_noticed"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .col(big_col("version"))
                .to_owned(),
            Table::create()
                .table(a("joint_resolution_updates"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("resolution_id"))
                .col(int("progress"))
                .col(text_col("status"))
                .col(ColumnDef::new(a("note")).text().not_null())
                .col(big_col("author_id"))
                .col(tz_col("at", false))
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        indexes(
            manager,
            &[
                (
                    "idx_joint_meetings_community",
                    "joint_meetings",
                    &["community_code", "starts_at"],
                ),
                (
                    "idx_joint_meeting_companies_company",
                    "joint_meeting_companies",
                    &["company_id"],
                ),
                (
                    "idx_joint_meeting_compounds_meeting",
                    "joint_meeting_compounds",
                    &["meeting_id"],
                ),
                (
                    "idx_joint_meeting_items_meeting",
                    "joint_meeting_items",
                    &["meeting_id"],
                ),
                (
                    "idx_joint_meeting_items_ref",
                    "joint_meeting_items",
                    &["kind", "ref_id"],
                ),
                (
                    "idx_joint_resolutions_meeting",
                    "joint_resolutions",
                    &["meeting_id"],
                ),
                (
                    "idx_joint_resolutions_owner",
                    "joint_resolutions",
                    &["owner_kind", "owner_ref"],
                ),
                (
                    "idx_joint_resolutions_due",
                    "joint_resolutions",
                    &["status", "due_on"],
                ),
                (
                    "idx_joint_resolutions_case",
                    "joint_resolutions",
                    &["case_id"],
                ),
                (
                    "idx_joint_resolution_updates_resolution",
                    "joint_resolution_updates",
                    &["resolution_id"],
                ),
            ],
        )
        .await?;
        // A company is invited once; the database decides.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS idx_joint_meeting_companies_one \
                 ON joint_meeting_companies (meeting_id, company_id)",
            )
            .await?;
        Ok(())
    }
}

/// The 共享小屋 (issue 11): each community's things to borrow with their
/// stock (`available` never below zero: a loan takes pieces only where
/// there are enough, in one conditional write) and the loans, reminded
/// once when overdue.
struct SharingShed;

impl MigrationName for SharingShed {
    fn name(&self) -> &str {
        "m20261210_000001_sharing_shed"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for SharingShed {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let null_str = |name: &'static str| ColumnDef::new(a(name)).string().null().to_owned();
        let null_big = |name: &'static str| ColumnDef::new(a(name)).big_integer().null().to_owned();
        let int = |name: &'static str| ColumnDef::new(a(name)).integer().not_null().to_owned();
        let tables = [
            Table::create()
                .table(a("shed_items"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("community_code"))
                .col(null_str("street_code"))
                .col(text_col("name"))
                .col(null_str("note"))
                .col(int("total"))
                .col(int("available"))
                .col(int("loan_days"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .check(Expr::cust("available >= 0 AND available <= total"))
                .to_owned(),
            Table::create()
                .table(a("shed_loans"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("item_id"))
                .col(text_col("community_code"))
                .col(null_str("street_code"))
                .col(big_col("borrower_id"))
                .col(int("quantity"))
                .col(ColumnDef::new(a("due_on")).date().not_null())
                .col(tz_col("borrowed_at", false))
                .col(tz_col("returned_at", true))
                .col(null_big("returned_by"))
                .col(ColumnDef::new(a("overdue_noticed")).boolean().not_null())
                .check(Expr::cust("quantity > 0"))
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        indexes(
            manager,
            &[
                (
                    "idx_shed_items_community",
                    "shed_items",
                    &["community_code"],
                ),
                (
                    "idx_shed_loans_borrower",
                    "shed_loans",
                    &["borrower_id", "returned_at"],
                ),
                (
                    "idx_shed_loans_community",
                    "shed_loans",
                    &["community_code", "returned_at"],
                ),
                (
                    "idx_shed_loans_due",
                    "shed_loans",
                    &["overdue_noticed", "due_on"],
                ),
            ],
        )
        .await
    }
}

/// 置换-分享 between people (issue 11): offers and asks, and the answers
/// to them. One answer per person per post (a unique index); an answer
/// moves step by step with conditional writes.
struct ExchangePosts;

impl MigrationName for ExchangePosts {
    fn name(&self) -> &str {
        "m20261211_000001_exchange_posts"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for ExchangePosts {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let null_str = |name: &'static str| ColumnDef::new(a(name)).string().null().to_owned();
        let null_big = |name: &'static str| ColumnDef::new(a(name)).big_integer().null().to_owned();
        let tables = [
            Table::create()
                .table(a("exchange_posts"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("kind"))
                .col(text_col("deal"))
                .col(text_col("thing"))
                .col(text_col("community_code"))
                .col(null_str("street_code"))
                .col(text_col("title"))
                .col(null_str("detail"))
                .col(big_col("author_id"))
                .col(null_big("unit_id"))
                .col(text_col("status"))
                .col(null_str("removed_reason"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .to_owned(),
            Table::create()
                .table(a("exchange_matches"))
                .if_not_exists()
                .col(id_col())
                .col(big_col("post_id"))
                .col(big_col("responder_id"))
                .col(text_col("message"))
                .col(text_col("step"))
                .col(tz_col("created_at", false))
                .col(tz_col("updated_at", false))
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_exchange_matches_post_responder")
                    .table(a("exchange_matches"))
                    .col(a("post_id"))
                    .col(a("responder_id"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                (
                    "idx_exchange_posts_community",
                    "exchange_posts",
                    &["community_code", "status"],
                ),
                (
                    "idx_exchange_posts_author",
                    "exchange_posts",
                    &["author_id", "status"],
                ),
                (
                    "idx_exchange_matches_responder",
                    "exchange_matches",
                    &["responder_id", "step"],
                ),
            ],
        )
        .await
    }
}

/// Open311's `servicerequestupdates` reads the public steps of a window of
/// time across every case: an index on when a step was taken keeps that
/// read from scanning the whole timeline table.
struct CaseEventTimes;

impl MigrationName for CaseEventTimes {
    fn name(&self) -> &str {
        "m20261212_000001_case_event_times"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for CaseEventTimes {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        indexes(
            manager,
            &[("idx_case_events_created_at", "case_events", &["created_at"])],
        )
        .await
    }
}

/// Open311 client applications and the cases they filed (issue 13): a key
/// is kept as its hash (unique); a case filed through a client keeps which
/// one and the `media_url` it sent, beside the case (one row per case).
struct Open311Clients;

impl MigrationName for Open311Clients {
    fn name(&self) -> &str {
        "m20261213_000001_open311_clients"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Open311Clients {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let tables = [
            Table::create()
                .table(a("open311_clients"))
                .if_not_exists()
                .col(id_col())
                .col(text_col("name"))
                .col(text_col("key_hash"))
                .col(text_col("key_tail"))
                .col(ColumnDef::new(a("created_by")).big_integer().null())
                .col(tz_col("created_at", false))
                .col(tz_col("revoked_at", true))
                .to_owned(),
            Table::create()
                .table(a("open311_cases"))
                .if_not_exists()
                .col(
                    ColumnDef::new(a("case_id"))
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(big_col("client_id"))
                .col(ColumnDef::new(a("media_url")).text().null())
                .to_owned(),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_open311_clients_key_hash")
                    .table(a("open311_clients"))
                    .col(a("key_hash"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[(
                "idx_open311_cases_client",
                "open311_cases",
                &["client_id", "case_id"],
            )],
        )
        .await
    }
}

/// An Open311 report's fingerprint (the fields its client sent, hashed), so
/// a report resent after a lost answer is found instead of filed twice.
/// Reports filed before have none.
struct Open311Resends;

impl MigrationName for Open311Resends {
    fn name(&self) -> &str {
        "m20261214_000001_open311_resends"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Open311Resends {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "open311_cases",
            ColumnDef::new(Alias::new("fingerprint")).string().null(),
        )
        .await?;
        indexes(
            manager,
            &[(
                "idx_open311_cases_fingerprint",
                "open311_cases",
                &["client_id", "fingerprint"],
            )],
        )
        .await
    }
}

/// One kept fingerprint per client: two copies of a report arriving at the
/// same moment cannot both be filed (the second insert meets the index and
/// answers with the first case). Fingerprints are kept only through the
/// resend window (a sweep forgets older ones), so the index is partial: it
/// holds the last day's Open311 reports, and the sweep reads it. Where two
/// rows already share one, the newest keeps it.
struct Open311ResendsOnce;

impl MigrationName for Open311ResendsOnce {
    fn name(&self) -> &str {
        "m20261215_000001_open311_resends_once"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Open311ResendsOnce {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The same SQL in both dialects.
        let conn = manager.get_connection();
        for sql in [
            "UPDATE open311_cases SET fingerprint = NULL \
             WHERE fingerprint IS NOT NULL AND case_id NOT IN (\
             SELECT MAX(case_id) FROM open311_cases WHERE fingerprint IS NOT NULL \
             GROUP BY client_id, fingerprint)",
            "DROP INDEX IF EXISTS idx_open311_cases_fingerprint",
            "CREATE UNIQUE INDEX idx_open311_cases_kept_fingerprint \
             ON open311_cases (client_id, fingerprint) WHERE fingerprint IS NOT NULL",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

/// The first migration gave `cases` one index per place, reporter, company,
/// department and status column; the queue indexes that came next lead with
/// the same columns (`grid_code, id` …), so they answer every lookup the
/// single-column ones did. Seven of the table's 24 indexes were kept up to
/// date on every write for nothing (no query used them in the 10 M bench:
/// `pg_stat_user_indexes`) and made the planner weigh them on every read.
struct CaseIndexPrefixes;

impl MigrationName for CaseIndexPrefixes {
    fn name(&self) -> &str {
        "m20261216_000001_case_index_prefixes"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for CaseIndexPrefixes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The same SQL in both dialects.
        let conn = manager.get_connection();
        for column in [
            "grid_code",
            "community_code",
            "street_code",
            "company_id",
            "reporter_id",
            "status",
            "department",
        ] {
            conn.execute_unprepared(&format!("DROP INDEX IF EXISTS \"idx-cases-{column}\""))
                .await?;
        }
        Ok(())
    }
}
