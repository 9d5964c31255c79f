//! `server bench-wishes`: the wish budgets. A generated city (`--grids`),
//! `--wishes` generated wishes, then `--clients` concurrent callers against
//! the service layer (store + rules, no HTTP): the wall's first page
//! (unfiltered and filtered), claims racing on hot wishes, and claims of
//! many different wishes.

use crate::bench_cases::{load, viewer};
use app::backend::demo;
use app::backend::services::{geography, wishes};
use app::backend::store::{self, wishes::WishRow};
use app::domain::auth::{Role, Scope};
use app::domain::geography::Level;
use app::domain::wish::{WishAction, WishFilter, WishKind, WishList, WishStatus, WishStep};
use chrono::{Duration, Utc};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn row(i: usize, community: &str, status: WishStatus) -> WishRow {
    let now = Utc::now();
    WishRow {
        id: 0,
        title: format!("心愿 {i}"),
        story: "generated".into(),
        kind: WishKind::ALL[i % 3],
        value_yuan: (i % 300) as i32,
        wanted_by: (now + Duration::days(30)).date_naive(),
        status,
        community_code: community.to_string(),
        street_code: None,
        grid_code: None,
        lat: 36.65,
        lng: 117.0,
        wisher_id: Some((i % 20_000) as i64 + 1_000_000),
        posted_by: (i % 20_000) as i64 + 1_000_000,
        contact_name: "居民".into(),
        contact_phone: "13600000000".into(),
        address: "private".into(),
        claimer_id: None,
        claimer_unit_id: None,
        claimed_by: None,
        claimed_at: None,
        fulfil_note: None,
        hours: None,
        thanks: None,
        reject_reason: None,
        version: 0,
        created_at: now - Duration::minutes(i as i64),
        updated_at: now,
    }
}

pub async fn run(grids: usize, count: usize, clients: usize) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("gridlink-bench-w-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let url = std::env::var("GRIDLINK_BENCH_DB")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    let state = crate::bench_cases::bench_state(&url, &dir).await?;
    let regions = demo::city(grids);
    geography::import_geojson(&state, None, &demo::to_feature_collection(&regions))
        .await
        .map_err(|e| e.to_string())?;
    let communities: Vec<String> = regions
        .iter()
        .filter(|r| r.level == Level::Community)
        .map(|r| r.code.clone())
        .collect();
    println!(
        "database {}: {} grids, {} communities",
        server::redact(&url),
        state.atlas().grid_count(),
        communities.len()
    );

    // Most wishes are on the wall; a few wait for review or were refused.
    let t = Instant::now();
    let mix = [
        WishStatus::Published,
        WishStatus::Claimed,
        WishStatus::Closed,
        WishStatus::Published,
        WishStatus::Fulfilled,
        WishStatus::Pending,
        WishStatus::Closed,
        WishStatus::Rejected,
    ];
    let mut batch = Vec::with_capacity(20_000);
    for i in 0..count {
        batch.push(row(
            i,
            &communities[i % communities.len()],
            mix[i % mix.len()],
        ));
        if batch.len() == 20_000 || i + 1 == count {
            store::wishes::insert_many(&state.db, &batch)
                .await
                .map_err(|e| e.to_string())?;
            batch.clear();
        }
    }
    println!("{count} wishes generated in {:.1?}", t.elapsed());

    let state = Arc::new(state);
    println!("{clients} concurrent callers, 40 calls each; first page (20 cards), newest first:");
    let community = communities[0].clone();
    for (name, filter) in [
        ("wall, no filter", WishFilter::default()),
        (
            "wall, one community",
            WishFilter {
                community: Some(community.clone()),
                ..Default::default()
            },
        ),
        (
            "wall, open service wishes",
            WishFilter {
                kind: Some(WishKind::Service),
                status: Some(WishStatus::Published),
                ..Default::default()
            },
        ),
    ] {
        let state = state.clone();
        load(name, clients, 40, move |_| {
            let (state, filter) = (state.clone(), filter.clone());
            async move {
                wishes::list(&state, None, WishList::Wall, filter, None, 20)
                    .await
                    .is_ok()
            }
        })
        .await;
    }

    // The same reads while wishes change 50 times a second: every change
    // empties the cached first pages, so this is the figure to trust.
    {
        let mut churn = Vec::new();
        for i in 0..500 {
            churn.push(
                store::wishes::insert(
                    &state.db,
                    &row(count + 10_000 + i, &community, WishStatus::Published),
                    None,
                )
                .await
                .map_err(|e| e.to_string())?,
            );
        }
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (state, stop) = (state.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                for (k, id) in churn.into_iter().enumerate() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let v = viewer(5_000_000 + k as i64, Role::PartyMember, Scope::Unit(1));
                    let step = WishStep {
                        wish_id: id,
                        version: 0,
                        action: WishAction::Claim,
                        note: String::new(),
                        hours: None,
                    };
                    if wishes::step(&state, &v, step).await.is_ok() {
                        n += 1;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                n
            })
        };
        let reader = state.clone();
        // Enough calls to last a few seconds, so the writer gets going.
        load(
            "wall, no filter, 50 changes/s",
            clients,
            20_000,
            move |_| {
                let state = reader.clone();
                async move {
                    // A request boundary: cache hits never wait, and without it
                    // the readers would starve the writer.
                    tokio::task::yield_now().await;
                    wishes::list(
                        &state,
                        None,
                        WishList::Wall,
                        WishFilter::default(),
                        None,
                        20,
                    )
                    .await
                    .is_ok()
                }
            },
        )
        .await;
        stop.store(true, Ordering::Relaxed);
        let changed = writer.await.map_err(|e| e.to_string())?;
        println!("  wishes claimed meanwhile: {changed}");
    }

    // Hot wishes: every caller claims the same wish at once; one wins.
    let rounds = 100;
    let mut hot = Vec::new();
    for i in 0..rounds {
        let mut r = row(count + i, &community, WishStatus::Published);
        r.title = format!("hot {i}");
        hot.push(
            store::wishes::insert(&state.db, &r, None)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    let hot = Arc::new(hot);
    let winners = Arc::new(AtomicUsize::new(0));
    {
        let (state, hot, winners) = (state.clone(), hot.clone(), winners.clone());
        println!(
            "claims racing: {rounds} hot wishes, each claimed by all {clients} callers at once"
        );
        load("claim attempts on hot wishes", clients, rounds, move |k| {
            let (state, hot, winners) = (state.clone(), hot.clone(), winners.clone());
            async move {
                let (caller, round) = (k / rounds, k % rounds);
                let v = viewer(3_000_000 + caller as i64, Role::PartyMember, Scope::Unit(1));
                let step = WishStep {
                    wish_id: hot[round],
                    version: 0,
                    action: WishAction::Claim,
                    note: String::new(),
                    hours: None,
                };
                match wishes::step(&state, &v, step).await {
                    Ok(_) => {
                        winners.fetch_add(1, Ordering::Relaxed);
                        true
                    }
                    Err(app::domain::error::AppError::AlreadyClaimed { .. }) => true,
                    Err(_) => false,
                }
            }
        })
        .await;
    }
    println!(
        "  winners: {} of {rounds} wishes (exactly one each)",
        winners.load(Ordering::Relaxed)
    );

    // Many wishes: each caller claims its own wishes.
    let mut open = Vec::new();
    for i in 0..clients * 10 {
        open.push(
            store::wishes::insert(
                &state.db,
                &row(count + rounds + i, &community, WishStatus::Published),
                None,
            )
            .await
            .map_err(|e| e.to_string())?,
        );
    }
    let open = Arc::new(open);
    {
        let (state, open) = (state.clone(), open.clone());
        load("claims of different wishes", clients, 10, move |k| {
            let (state, open) = (state.clone(), open.clone());
            async move {
                let v = viewer(4_000_000 + k as i64, Role::PartyMember, Scope::Unit(1));
                let step = WishStep {
                    wish_id: open[k],
                    version: 0,
                    action: WishAction::Claim,
                    note: String::new(),
                    hours: None,
                };
                wishes::step(&state, &v, step).await.is_ok()
            }
        })
        .await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
