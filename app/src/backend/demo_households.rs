//! Demo base information (issue 12 item 6): three buildings in each of the
//! first two grids of the demo community, a dozen synthetic households in
//! each (made-up names, phones and ID numbers with valid check
//! characters), the demo resident's own household, and two 联户组 — one led
//! by the demo resident, with a fraud-prevention task half done.

use super::demo::{noise, person_name};
use super::demo_cases::DemoGrid;
use super::store::households::{self as db, Codes, GroupRow, NewHousehold, SaveError};
use crate::domain::error::AppError;
use crate::domain::household::{CareTag, Housing, Relation};
use chrono::{Duration, Utc};

/// The demo community whose grids get records.
const COMMUNITY: &str = "370103-001-001";

/// A synthetic resident ID number: the district's code, a birth date, a
/// sequence and its check character.
pub fn synthetic_id(seed: u64) -> String {
    let year = 1940 + (noise(seed, 1, 5) * 70.0) as u32;
    let month = 1 + (noise(seed, 2, 5) * 12.0) as u32 % 12;
    let day = 1 + (noise(seed, 3, 5) * 28.0) as u32 % 28;
    let first = format!("370103{year:04}{month:02}{day:02}{:03}", seed % 1000);
    let check = crate::domain::household::id_check_char(&first).unwrap_or('0');
    format!("{first}{check}")
}

/// A synthetic household at a door: 1–4 members, a housing status, now
/// and then a care tag.
pub fn synthetic(codes: &Codes, building: &str, unit: &str, room: &str, seed: u64) -> NewHousehold {
    let n = 1 + (noise(seed, 4, 5) * 4.0) as usize % 4;
    let housing = match (noise(seed, 5, 5) * 10.0) as u32 {
        0 => Housing::Vacant,
        1..=2 => Housing::Rented,
        _ => Housing::OwnerOccupied,
    };
    let relations = [
        Relation::Head,
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
    ];
    let members = if housing == Housing::Vacant {
        Vec::new()
    } else {
        (0..n)
            .map(|i| {
                let s = seed * 7 + i as u64;
                let relation = if housing == Housing::Rented && i == 0 {
                    Relation::Tenant
                } else {
                    relations[i]
                };
                (
                    person_name(s as usize),
                    relation.as_str().to_string(),
                    (i < 2).then(|| format!("136{:08}", s % 100_000_000)),
                    (noise(s, 6, 5) < 0.8).then(|| synthetic_id(s)),
                )
            })
            .collect()
    };
    let tags: Vec<CareTag> = match (noise(seed, 7, 5) * 20.0) as u32 {
        0 if n == 1 => vec![CareTag::ElderlyAlone],
        1 => vec![CareTag::Subsistence],
        2 => vec![CareTag::Disabled],
        3 => vec![CareTag::KeyAttention],
        _ => Vec::new(),
    };
    NewHousehold {
        codes: codes.clone(),
        building: building.to_string(),
        unit: unit.to_string(),
        room: room.to_string(),
        housing: housing.as_str().to_string(),
        care_tags: CareTag::join(&tags),
        resident_id: None,
        members,
    }
}

/// Seeds the records inside the demo's transaction.
pub async fn seed(
    db: &super::store::Txn,
    grids: &[DemoGrid],
    resident: (i64, &str),
    (party_member, worker_phone): (&str, &str),
    worker: i64,
) -> Result<(), AppError> {
    let err = |e: SaveError| match e {
        SaveError::Db(e) => AppError::from(e),
        SaveError::DoorTaken => AppError::Internal,
    };
    let now = Utc::now();
    let mut seed = 1u64;
    let mut first_grid_ids: Vec<Vec<i64>> = Vec::new();
    for g in grids.iter().filter(|g| g.community == COMMUNITY).take(2) {
        let codes = Codes {
            grid: g.code.clone(),
            community: Some(g.community.clone()),
            street: Some(g.street.clone()),
        };
        let mut households = Vec::new();
        for b in 1..=3 {
            for unit in 1..=2 {
                for floor in 1..=3 {
                    for room in 1..=2 {
                        seed += 1;
                        households.push(synthetic(
                            &codes,
                            &format!("{b}号楼"),
                            &format!("{unit}单元"),
                            &format!("{floor}0{room}"),
                            seed,
                        ));
                    }
                }
            }
        }
        if first_grid_ids.is_empty() {
            // The demo resident's own home: 1号楼1单元101.
            let home = &mut households[0];
            home.housing = Housing::OwnerOccupied.as_str().to_string();
            home.resident_id = Some(resident.0);
            home.members = vec![
                (
                    "居民 郑丽".to_string(),
                    Relation::Head.as_str().to_string(),
                    Some(resident.1.to_string()),
                    Some(synthetic_id(9_001)),
                ),
                (
                    person_name(9_002),
                    Relation::Spouse.as_str().to_string(),
                    None,
                    Some(synthetic_id(9_002)),
                ),
            ];
            // The demo party member lives next door, 1号楼1单元102: on the
            // records, so he seconds and votes on the community's topics.
            let next_door = &mut households[1];
            next_door.housing = Housing::OwnerOccupied.as_str().to_string();
            next_door.members = vec![(
                "党员 吴磊".to_string(),
                Relation::Head.as_str().to_string(),
                Some(party_member.to_string()),
                Some(synthetic_id(9_003)),
            )];
            // And the demo grid worker lives in 1号楼1单元201.
            let worker_home = &mut households[2];
            worker_home.housing = Housing::OwnerOccupied.as_str().to_string();
            worker_home.members = vec![(
                "网格员 张伟".to_string(),
                Relation::Head.as_str().to_string(),
                Some(worker_phone.to_string()),
                Some(synthetic_id(9_004)),
            )];
        }
        let ids = db::write_all(db, &households, now).await.map_err(err)?;
        first_grid_ids.push(ids);
    }
    let Some(ids) = first_grid_ids.first() else {
        return Ok(());
    };
    let grid = &grids
        .iter()
        .find(|g| g.community == COMMUNITY)
        .ok_or(AppError::Internal)?;
    let codes = Codes {
        grid: grid.code.clone(),
        community: Some(grid.community.clone()),
        street: Some(grid.street.clone()),
    };
    // Building 1 (12 doors) under the demo resident; building 2's first
    // unit and a half under a neighbour without an account.
    let groups = [
        (
            "1号楼联户组",
            "居民 郑丽",
            resident.1.to_string(),
            Some(resident.0),
            &ids[0..12],
        ),
        (
            "2号楼联户组",
            "孙大伟",
            "13600009999".to_string(),
            None,
            &ids[12..21],
        ),
    ];
    let mut first = None;
    for (name, leader, phone, leader_id, members) in groups {
        let row = GroupRow {
            id: 0,
            codes: codes.clone(),
            name: name.to_string(),
            kind: "households".to_string(),
            leader_name: leader.to_string(),
            leader_phone: phone,
            leader_id,
        };
        let id = match db::create_group(db, &row, members, now).await {
            Ok(id) => id,
            Err(db::GroupError::Db(e)) => return Err(e.into()),
            Err(db::GroupError::Taken(_)) => return Err(AppError::Internal),
        };
        first.get_or_insert(id);
    }
    if let Some(group) = first {
        let task = db::insert_task(
            db,
            group,
            "防诈骗入户宣传",
            "逐户发放防诈骗宣传单，提醒老人不轻信陌生来电，留存反诈中心电话。",
            Some((now + Duration::days(7)).date_naive()),
            worker,
            now,
        )
        .await?;
        for h in ids.iter().take(5) {
            db::mark(db, task, *h, true, worker, now).await?;
        }
    }
    Ok(())
}
