//! Schema migrations. Tables are derived from the entities, so SQLite and
//! PostgreSQL get the same shape in their own dialects.

use super::entities::*;
use sea_orm::{EntityTrait, IdenStatic, Schema};
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

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, entity: E) -> Result<(), DbErr> {
    let schema = Schema::new(manager.get_database_backend());
    manager
        .create_table(schema.create_table_from_entity(entity))
        .await?;
    for index in schema.create_index_from_entity(entity) {
        manager.create_index(index).await?;
    }
    Ok(())
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for GeographyAndAccounts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, region::Entity).await?;
        create(manager, property_company::Entity).await?;
        create(manager, compound::Entity).await?;
        create(manager, unit::Entity).await?;
        create(manager, department::Entity).await?;
        create(manager, user::Entity).await?;
        create(manager, role_grant::Entity).await?;
        create(manager, grid_staff::Entity).await?;
        create(manager, session::Entity).await?;
        create(manager, meta::Entity).await?;
        Ok(())
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
        create(manager, case_category::Entity).await?;
        create(manager, case_record::Entity).await?;
        create(manager, case_event::Entity).await?;
        create(manager, case_follower::Entity).await?;
        create(manager, calendar_day::Entity).await?;
        Ok(())
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
        create(manager, case_photo::Entity).await
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
        use case_record::Column as C;
        for (name, col) in [
            ("idx_cases_grid_id", C::GridCode),
            ("idx_cases_community_id", C::CommunityCode),
            ("idx_cases_street_id", C::StreetCode),
            ("idx_cases_reporter_id_id", C::ReporterId),
            ("idx_cases_department_id", C::Department),
            ("idx_cases_company_id_id", C::CompanyId),
            ("idx_cases_status_id", C::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(case_record::Entity)
                        .col(col)
                        .col(C::Id)
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
        // A fresh database got these columns from the entity in the first
        // migration; an older one gets them here.
        use unit::Column as U;
        for (col, def) in [
            (
                U::Kind,
                ColumnDef::new(U::Kind)
                    .string()
                    .not_null()
                    .default("")
                    .to_owned(),
            ),
            (
                U::Status,
                ColumnDef::new(U::Status)
                    .string()
                    .not_null()
                    .default("approved")
                    .to_owned(),
            ),
            (
                U::CommunityCode,
                ColumnDef::new(U::CommunityCode)
                    .string()
                    .not_null()
                    .default("")
                    .to_owned(),
            ),
            (
                U::ApplicantId,
                ColumnDef::new(U::ApplicantId)
                    .big_integer()
                    .null()
                    .to_owned(),
            ),
            (
                U::RejectReason,
                ColumnDef::new(U::RejectReason).string().null().to_owned(),
            ),
        ] {
            if !manager.has_column("units", col.as_str()).await? {
                manager
                    .alter_table(
                        Table::alter()
                            .table(unit::Entity)
                            .add_column(def)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        create(manager, party_member::Entity).await?;
        create(manager, wish::Entity).await?;
        create(manager, wish_event::Entity).await?;
        create(manager, wish_photo::Entity).await?;
        create(manager, service_credit::Entity).await?;
        create(manager, activity::Entity).await?;
        create(manager, activity_signup::Entity).await?;
        create(manager, need::Entity).await?;
        create(manager, resource::Entity).await?;
        create(manager, project::Entity).await?;
        create(manager, project_link::Entity).await?;
        create(manager, notification::Entity).await?;
        // The wall reads "newest first" within a status or a community.
        use wish::Column as W;
        for (name, col) in [
            ("idx_wishes_status_id", W::Status),
            ("idx_wishes_community_id", W::CommunityCode),
            ("idx_wishes_wisher_id", W::WisherId),
            ("idx_wishes_posted_by_id", W::PostedBy),
            ("idx_wishes_claimer_id", W::ClaimerId),
            ("idx_wishes_claimer_unit_id", W::ClaimerUnitId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(wish::Entity)
                        .col(col)
                        .col(W::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
