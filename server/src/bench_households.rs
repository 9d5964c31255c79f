//! `server bench-households`: the budgets of 人房信息 (issue 12). A generated
//! city (`--grids`), `--people` person records in one street (about three a
//! household), then `--clients` concurrent street admins searching the
//! street's records by name, phone and door through the service layer (the
//! page a search answers, with its counts), and the import of an XLSX sheet
//! of `--rows` rows through the real job (read, check every row, write all).

use crate::bench_cases::{city, load, viewer};
use app::backend::demo_households::{synthetic, synthetic_id};
use app::backend::services::{household_import, households};
use app::backend::store::households::{self as store, Codes};
use app::domain::auth::{Role, Scope};
use app::domain::household::{ImportStage, SHEET_COLUMNS};
use chrono::Utc;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn run(grids: usize, people: usize, rows: usize, clients: usize) -> Result<(), String> {
    let (state, places, _) = city(grids).await?;
    let street = places.first().ok_or("no grids")?.2.clone();
    let in_street: Vec<_> = places.iter().filter(|p| p.2 == street).cloned().collect();
    println!("street {street}: {} grids", in_street.len());

    // The records: buildings of 2 units × 6 floors × 4 rooms per grid,
    // households filled until `people` persons are written.
    let t = Instant::now();
    let now = Utc::now();
    let mut written = 0usize;
    let mut households = 0usize;
    let mut names: Vec<String> = Vec::new();
    let mut phones: Vec<String> = Vec::new();
    let mut seed = 0u64;
    let mut batch = Vec::new();
    'fill: for building in 1.. {
        for (grid, community, street, _) in &in_street {
            let codes = Codes {
                grid: grid.clone(),
                community: Some(community.clone()),
                street: Some(street.clone()),
            };
            for unit in 1..=2 {
                for floor in 1..=6 {
                    for room in 1..=4 {
                        seed += 1;
                        let h = synthetic(
                            &codes,
                            &format!("{building}号楼"),
                            &format!("{unit}单元"),
                            &format!("{floor}0{room}"),
                            seed,
                        );
                        written += h.members.len();
                        households += 1;
                        if seed.is_multiple_of(97) {
                            if let Some(m) = h.members.first() {
                                names.push(m.0.chars().take(2).collect());
                                if let Some(p) = &m.2 {
                                    phones.push(p.chars().take(7).collect());
                                }
                            }
                        }
                        batch.push(h);
                        if batch.len() == 5_000 {
                            store::import(&state.db, &batch, now, |_| {})
                                .await
                                .map_err(|e| format!("{e:?}"))?;
                            batch.clear();
                        }
                        if written >= people {
                            break 'fill;
                        }
                    }
                }
            }
        }
    }
    store::import(&state.db, &batch, now, |_| {})
        .await
        .map_err(|e| format!("{e:?}"))?;
    println!(
        "{written} person records in {households} households written in {:.1?}",
        t.elapsed()
    );

    // Searches by the street's admin: name prefixes, phone prefixes, doors.
    let admin = Arc::new(viewer(1, Role::StreetAdmin, Scope::Street(street.clone())));
    let mut queries: Vec<String> = Vec::new();
    for i in 0..names.len().max(phones.len()) {
        if let Some(n) = names.get(i) {
            queries.push(n.clone());
        }
        if let Some(p) = phones.get(i) {
            queries.push(p.clone());
        }
        queries.push(format!("{}号楼", 1 + i % 20));
    }
    let queries = Arc::new(queries);
    {
        let (state, admin, queries) = (state.clone(), admin.clone(), queries.clone());
        // One warm-up pass so the first calls do not measure the cache filling.
        for q in queries.iter().take(20) {
            households::page(&state, &admin, Some(street.clone()), q.clone())
                .await
                .map_err(|e| format!("{e:?}"))?;
        }
    }
    {
        let (st, admin, queries, street) = (
            state.clone(),
            admin.clone(),
            queries.clone(),
            street.clone(),
        );
        load(
            &format!("search, {clients} clients"),
            clients,
            50,
            move |i| {
                let (st, admin, q, street) = (
                    st.clone(),
                    admin.clone(),
                    queries[i % queries.len()].clone(),
                    street.clone(),
                );
                async move { households::page(&st, &admin, Some(street), q).await.is_ok() }
            },
        )
        .await;
    }

    // The import: a sheet of `rows` persons, three to a door, in new
    // buildings of the street's grids.
    let t = Instant::now();
    let bytes = {
        use rust_xlsxwriter::Workbook;
        let mut book = Workbook::new();
        let ws = book
            .add_worksheet_with_constant_memory()
            .map_err(|e| e.to_string())?;
        for (c, h) in SHEET_COLUMNS.iter().enumerate() {
            ws.write_string(0, c as u16, *h)
                .map_err(|e| e.to_string())?;
        }
        let relations = ["户主", "配偶", "子女"];
        for r in 0..rows {
            // Door d: grid d mod n, then 48 rooms to a building.
            let door = r / 3;
            let (grid, ..) = &in_street[door % in_street.len()];
            let nth = door / in_street.len();
            let building = format!("导入{}号楼", nth / 48 + 1);
            let room = format!("{}", 100 + nth % 48);
            let id = synthetic_id(1_000_000 + r as u64);
            let phone = format!("135{:08}", r);
            let cells: [&str; 11] = [
                grid,
                &building,
                "1单元",
                &room,
                if r % 3 == 0 { "自住" } else { "" },
                "",
                "导入居民",
                relations[r % 3],
                &phone,
                &id,
                "",
            ];
            for (c, v) in cells.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32 + 1, c as u16, *v)
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        book.save_to_buffer().map_err(|e| e.to_string())?
    };
    println!(
        "sheet of {rows} rows: {} KB, made in {:.1?}",
        bytes.len() / 1024,
        t.elapsed()
    );
    let t = Instant::now();
    let job = household_import::start(&state, &admin, &street, bytes)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let status = loop {
        let s = household_import::status(&state, &admin, &job.id).map_err(|e| format!("{e:?}"))?;
        if s.stage.finished() {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    if status.stage != ImportStage::Done {
        return Err(format!(
            "import ended {:?}: {:?}",
            status.stage, status.problems
        ));
    }
    println!(
        "import of {rows} rows ({} households, {} people) in {:.1?}",
        status.households,
        status.members,
        t.elapsed()
    );
    let _ = std::fs::remove_dir_all(crate::bench_cases::bench_dir());
    Ok(())
}
