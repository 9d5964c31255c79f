//! Does the migrated database match the entities? Migrations are frozen
//! steps and the entities are today's code; this compares the two (every
//! table, every column, and whether it may be NULL), so a migration that
//! forgot a column fails a test instead of a request.

use super::entities::*;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, IdenStatic, Iterable, Statement,
};
use std::collections::BTreeMap;

/// Columns of a table as the database has them: name → nullable.
async fn table_columns(
    db: &impl ConnectionTrait,
    table: &str,
) -> Result<BTreeMap<String, bool>, DbErr> {
    let backend = db.get_database_backend();
    let stmt = match backend {
        DbBackend::Sqlite => Statement::from_sql_and_values(
            backend,
            "SELECT name, \"notnull\" = 0 AS nullable FROM pragma_table_info(?)",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT column_name AS name, is_nullable = 'YES' AS nullable \
             FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
            [table.into()],
        ),
    };
    let mut out = BTreeMap::new();
    for row in db.query_all_raw(stmt).await? {
        let name: String = row.try_get("", "name")?;
        let nullable: bool = row.try_get("", "nullable")?;
        out.insert(name, nullable);
    }
    Ok(out)
}

async fn check<E: EntityTrait>(
    db: &impl ConnectionTrait,
    e: E,
    out: &mut Vec<String>,
) -> Result<(), DbErr>
where
    E::Column: Iterable,
{
    let table = e.table_name().to_string();
    let have = table_columns(db, &table).await?;
    if have.is_empty() {
        out.push(format!("{table}: no such table"));
        return Ok(());
    }
    let mut wanted = Vec::new();
    for col in E::Column::iter() {
        let name = col.as_str().to_string();
        // A primary key is NOT NULL whatever the entity says of its type.
        let nullable = col.def().is_null();
        match have.get(&name) {
            None => out.push(format!("{table}.{name}: missing")),
            // (A NOT NULL `id` is right either way.)
            Some(n) if *n != nullable && (name != "id" || *n) => out.push(format!(
                "{table}.{name}: nullable in the database = {n}, in the entity = {nullable}"
            )),
            Some(_) => {}
        }
        wanted.push(name);
    }
    for name in have.keys() {
        if !wanted.contains(name) {
            out.push(format!(
                "{table}.{name}: in the database, not in the entity"
            ));
        }
    }
    Ok(())
}

/// Every difference between the database's schema and the entities; empty
/// when they match.
pub async fn drift(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let mut out = Vec::new();
    check(db, region::Entity, &mut out).await?;
    check(db, property_company::Entity, &mut out).await?;
    check(db, compound::Entity, &mut out).await?;
    check(db, unit::Entity, &mut out).await?;
    check(db, department::Entity, &mut out).await?;
    check(db, user::Entity, &mut out).await?;
    check(db, role_grant::Entity, &mut out).await?;
    check(db, grid_staff::Entity, &mut out).await?;
    check(db, session::Entity, &mut out).await?;
    check(db, meta::Entity, &mut out).await?;
    check(db, case_category::Entity, &mut out).await?;
    check(db, case_record::Entity, &mut out).await?;
    check(db, case_event::Entity, &mut out).await?;
    check(db, case_follower::Entity, &mut out).await?;
    check(db, calendar_day::Entity, &mut out).await?;
    check(db, case_photo::Entity, &mut out).await?;
    check(db, party_member::Entity, &mut out).await?;
    check(db, wish::Entity, &mut out).await?;
    check(db, wish_event::Entity, &mut out).await?;
    check(db, wish_photo::Entity, &mut out).await?;
    check(db, service_credit::Entity, &mut out).await?;
    check(db, activity::Entity, &mut out).await?;
    check(db, activity_signup::Entity, &mut out).await?;
    check(db, need::Entity, &mut out).await?;
    check(db, resource::Entity, &mut out).await?;
    check(db, project::Entity, &mut out).await?;
    check(db, project_link::Entity, &mut out).await?;
    check(db, notification::Entity, &mut out).await?;
    check(db, audit_entry::Entity, &mut out).await?;
    check(db, lease::Entity, &mut out).await?;
    check(db, whistle::Entity, &mut out).await?;
    check(db, whistle_part::Entity, &mut out).await?;
    check(db, patrol::Entity, &mut out).await?;
    check(db, patrol_point::Entity, &mut out).await?;
    check(db, patrol_visit::Entity, &mut out).await?;
    check(db, visit_photo::Entity, &mut out).await?;
    check(db, key_issue::Entity, &mut out).await?;
    check(db, key_issue_review::Entity, &mut out).await?;
    check(db, boundary_change::Entity, &mut out).await?;
    check(db, boundary_version::Entity, &mut out).await?;
    check(db, topic::Entity, &mut out).await?;
    check(db, topic_second::Entity, &mut out).await?;
    check(db, topic_option::Entity, &mut out).await?;
    check(db, topic_voter::Entity, &mut out).await?;
    check(db, topic_update::Entity, &mut out).await?;
    check(db, topic_threshold::Entity, &mut out).await?;
    check(db, joint_meeting::Entity, &mut out).await?;
    check(db, joint_meeting_company::Entity, &mut out).await?;
    check(db, joint_meeting_compound::Entity, &mut out).await?;
    check(db, joint_meeting_item::Entity, &mut out).await?;
    check(db, joint_resolution::Entity, &mut out).await?;
    check(db, joint_resolution_update::Entity, &mut out).await?;
    check(db, shed_item::Entity, &mut out).await?;
    check(db, shed_loan::Entity, &mut out).await?;
    check(db, exchange_post::Entity, &mut out).await?;
    check(db, exchange_match::Entity, &mut out).await?;
    check(db, open311_client::Entity, &mut out).await?;
    check(db, open311_case::Entity, &mut out).await?;
    Ok(out)
}
