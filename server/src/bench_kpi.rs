//! `server bench-kpi`: the dashboard budget. A generated city (`--grids`),
//! `--cases` cases over a year and `--points` patrol points (50 a patrol, over
//! the last 60 days), then the dashboard of one street (the last 30 days, and
//! the last 366: the longest period asked for) and of one of its communities,
//! `--samples` times each: p50 and p99.

use crate::bench_cases::{bench_dir, city, fill, viewer};
use app::backend::services::assessment;
use app::backend::store::patrols::{insert_bulk, PatrolRow};
use app::domain::assessment::DashboardAsk;
use app::domain::auth::{Role, Scope};
use app::domain::patrol::TrackPoint;
use chrono::{Duration, Utc};
use std::time::Instant;

const PER_PATROL: usize = 50;

pub async fn run(grids: usize, cases: usize, points: usize, samples: usize) -> Result<(), String> {
    let (state, places, categories) = city(grids).await?;
    let now = Utc::now();
    fill(&state, &places, &categories, cases, now).await?;

    let t = Instant::now();
    let patrols = points / PER_PATROL;
    let mut rows = Vec::with_capacity(10_000);
    let mut pts = Vec::with_capacity(10_000 * PER_PATROL);
    for i in 0..patrols {
        let (grid, community, street, at) = &places[i % places.len()];
        let started = now - Duration::minutes(((i * 37) % (60 * 24 * 60)) as i64 + 60);
        let id = i as i64 + 1;
        rows.push(PatrolRow {
            id,
            user_id: (i % (places.len() * 2)) as i64 + 2_000_000,
            grid_code: grid.clone(),
            community_code: Some(community.clone()),
            street_code: Some(street.clone()),
            started_at: started,
            ended_at: Some(started + Duration::minutes(40)),
            length_m: 800.0,
            points: PER_PATROL as i64,
            last: None,
        });
        for k in 0..PER_PATROL {
            pts.push((
                id,
                TrackPoint {
                    lat: at.0 + 0.00002 * k as f64,
                    lng: at.1,
                    at: started + Duration::seconds(48 * k as i64),
                    accuracy: Some(10.0),
                },
            ));
        }
        if rows.len() == 10_000 || i + 1 == patrols {
            insert_bulk(&state.db, &rows, &pts)
                .await
                .map_err(|e| e.to_string())?;
            rows.clear();
            pts.clear();
        }
    }
    println!(
        "{patrols} patrols with {} points generated in {:.1?}",
        patrols * PER_PATROL,
        t.elapsed()
    );

    let (_, community, street, _) = places[0].clone();
    let today = app::domain::deadline::china_date(now);
    for (name, who, area, days) in [
        (
            "street dashboard",
            viewer(1, Role::StreetAdmin, Scope::Street(street.clone())),
            street.clone(),
            30,
        ),
        (
            "street dashboard",
            viewer(1, Role::StreetAdmin, Scope::Street(street.clone())),
            street.clone(),
            366,
        ),
        (
            "community dashboard",
            viewer(2, Role::CommunityAdmin, Scope::Community(community.clone())),
            community.clone(),
            30,
        ),
    ] {
        let mut lat = Vec::with_capacity(samples);
        let mut cases_seen = 0;
        for _ in 0..samples {
            let t = Instant::now();
            let d = assessment::dashboard(
                &state,
                &who,
                DashboardAsk {
                    area: Some(area.clone()),
                    from: Some(today - Duration::days(days - 1)),
                    to: Some(today),
                    category_id: None,
                },
            )
            .await
            .map_err(|e| format!("{e:?}"))?;
            lat.push(t.elapsed());
            cases_seen = d.totals.cases;
        }
        lat.sort();
        let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
        println!(
            "{name} ({area}, last {days} days, {cases_seen} cases): p50 {:.1?}  p99 {:.1?}  ({samples} samples)",
            at(0.5),
            at(0.99)
        );
    }
    let _ = std::fs::remove_dir_all(bench_dir());
    Ok(())
}
