//! `server bench-topics`: the deliberation budgets. A generated city
//! (`--grids`), `--topics` generated topics across its communities, and one
//! topic being voted on with `--votes` votes cast (eight at a time, each the
//! real ballot transaction); then the tally as its page reads it, and the
//! topic list's first page at `--clients` concurrent callers (service layer,
//! no HTTP).

use crate::bench_cases::{city, load, viewer};
use app::domain::auth::{Role, Scope};

use app::backend::services::topics;
use app::backend::store::topics::{self as db, NewTopicRow, StepWrite};
use app::domain::geography::Level;
use app::domain::topic::{MeetingKind, Stage, VoteMode};
use chrono::{Duration, Utc};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub async fn run(grids: usize, count: usize, votes: usize, clients: usize) -> Result<(), String> {
    let (state, _, _) = city(grids).await?;
    let communities: Vec<String> = {
        let atlas = state.atlas();
        atlas
            .communities()
            .into_iter()
            .filter(|c| c.level == Level::Community)
            .map(|c| c.code)
            .collect()
    };
    let e = |e: sea_orm::DbErr| e.to_string();
    let now = Utc::now();
    let t = Instant::now();
    let stages = [
        Stage::Seconding,
        Stage::Agenda,
        Stage::Decided,
        Stage::Done,
        Stage::Proposed,
        Stage::Implementing,
    ];
    for i in 0..count {
        let community = &communities[i % communities.len()];
        db::insert(
            &state.db,
            &NewTopicRow {
                community_code: community,
                street_code: None,
                proposer_id: 1_000_000 + (i % 50_000) as i64,
                title: &format!("议题 {i}"),
                body: "generated",
                stage: stages[i % stages.len()].as_str(),
            },
            now - Duration::minutes(i as i64),
        )
        .await
        .map_err(e)?;
    }
    println!("{count} topics generated in {:.1?}", t.elapsed());

    // The topic being voted on, with its ballots.
    let id = db::insert(
        &state.db,
        &NewTopicRow {
            community_code: &communities[0],
            street_code: None,
            proposer_id: 1,
            title: "表决中的议题",
            body: "generated",
            stage: Stage::Agenda.as_str(),
        },
        now,
    )
    .await
    .map_err(e)?;
    let options = vec!["同意".to_string(), "不同意".to_string(), "弃权".to_string()];
    db::step(
        &state.db,
        id,
        Stage::Agenda.as_str(),
        Stage::Voting.as_str(),
        &StepWrite::Discuss {
            kind: MeetingKind::Council.as_str(),
            held_at: now,
            place: "议事厅",
            minutes: "generated",
            options: &options,
            mode: VoteMode::Resident.as_str(),
            opens_at: now - Duration::hours(1),
            closes_at: now + Duration::days(7),
        },
        now,
    )
    .await
    .map_err(e)?;
    let option_ids: Vec<i64> = db::options_of(&state.db, id)
        .await
        .map_err(e)?
        .into_iter()
        .map(|o| o.0)
        .collect();
    let t = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (state, next, option_ids) = (state.clone(), next.clone(), option_ids.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= votes {
                    break;
                }
                let option = option_ids[(i * 7) % option_ids.len()];
                db::vote(&state.db, id, option, &format!("u:{i}"), None, Utc::now())
                    .await
                    .expect("a ballot");
            }
        }));
    }
    for t in tasks {
        t.await.map_err(|e| e.to_string())?;
    }
    println!(
        "{votes} votes cast in {:.1?} ({:.0} votes/s, 8 at a time)",
        t.elapsed(),
        votes as f64 / t.elapsed().as_secs_f64()
    );

    // The tally: the topic's page as a guest reads it (options with their
    // counts, updates, threshold), one caller at a time.
    let mut lat = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let v = topics::detail(&state, None, id)
            .await
            .map_err(|e| format!("{e:?}"))?;
        lat.push(t.elapsed());
        assert_eq!(v.votes as usize, votes, "every vote counted once");
    }
    lat.sort();
    println!(
        "tally of a topic with {votes} votes   p50 {:>7.2} ms  p99 {:>7.2} ms",
        lat[lat.len() / 2].as_secs_f64() * 1e3,
        lat[lat.len() * 99 / 100].as_secs_f64() * 1e3
    );

    println!("{clients} concurrent callers, 40 calls each; first page (20 topics), newest first:");
    let community = communities[0].clone();
    // A guest and a signed-in resident read the cached public page (the
    // resident's own unpublished topics are one indexed query more); a
    // community admin reads their communities' whole list, uncached.
    let resident = viewer(2_000_000, Role::Resident, Scope::None);
    let admin = viewer(
        2_000_001,
        Role::CommunityAdmin,
        Scope::Community(community.clone()),
    );
    for (name, who, filter) in [
        ("guest, all communities", None, None),
        ("guest, one community", None, Some(community.clone())),
        ("resident, all communities", Some(resident.clone()), None),
        (
            "community admin, own community",
            Some(admin),
            Some(community.clone()),
        ),
    ] {
        let state = state.clone();
        load(name, clients, 40, move |_| {
            let (state, filter, who) = (state.clone(), filter.clone(), who.clone());
            async move {
                topics::list(&state, who.as_ref(), filter, None)
                    .await
                    .is_ok()
            }
        })
        .await;
    }
    // The public page while topics change stage 20 times a second (every
    // change forgets the cached pages): the figure for a busy city.
    {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (state, stop) = (state.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    state.forget_topic_pages();
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            })
        };
        let reader = state.clone();
        load("guest, all, 20 changes/s", clients, 400, move |_| {
            let state = reader.clone();
            async move {
                tokio::task::yield_now().await;
                topics::list(&state, None, None, None).await.is_ok()
            }
        })
        .await;
        stop.store(true, Ordering::Relaxed);
        let _ = writer.await;
    }
    let _ = std::fs::remove_dir_all(crate::bench_cases::bench_dir());
    Ok(())
}
