//! `server bench-cases`: the case budgets. A generated city (`--grids`),
//! `--cases` generated cases, then `--clients` concurrent callers against
//! the service layer (store + rules, no HTTP): each queue's first page, the
//! map layer of one community, and case submissions per second.

use app::backend::demo;
use app::backend::geo::boundary;
use app::backend::services::{auth::Viewer, cases, geography};
use app::backend::store::{self, cases::CaseRow};
use app::backend::{AppState, Config};
use app::domain::auth::{Grant, Role, Scope};
use app::domain::case::{CaseSource, CaseStatus, DispatchLevel, NewCase, Queue};
use app::domain::geography::Level;
use chrono::{Duration, Utc};
use geo::InteriorPoint;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

pub(crate) fn viewer(id: i64, role: Role, scope: Scope) -> Viewer {
    Viewer {
        id,
        name: format!("bench-{id}"),
        phone: String::new(),
        grants: vec![Grant::new(role, scope).expect("grant")],
        client: String::new(),
    }
}

fn report(name: &str, mut lat: Vec<StdDuration>, calls: usize, wall: StdDuration) {
    lat.sort();
    let pick = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    println!(
        "{name:<34} p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  {:>7.0} calls/s",
        pick(0.50).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        calls as f64 / wall.as_secs_f64()
    );
}

/// Runs `per_client` calls of `f` on each of `clients` tasks at once.
pub(crate) async fn load<F, Fut>(name: &str, clients: usize, per_client: usize, f: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let f = Arc::new(f);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let t = Instant::now();
                assert!(f(c * per_client + i).await, "call failed");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    report(name, all, clients * per_client, start.elapsed());
}

/// Where a bench keeps its SQLite file and photos (removed at its end).
pub(crate) fn bench_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("gridlink-bench-{}", std::process::id()))
}

/// An app state over the database at `url` (migrated first), its photos and
/// data key in the bench's own `dir` (never the app's `data/`).
pub(crate) async fn bench_state(url: &str, dir: &std::path::Path) -> Result<AppState, String> {
    // Made here, before the connection: a SQLite URL may point into it.
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let db = store::connect(url).await.map_err(|e| e.to_string())?;
    // Static files (bench-scale's) come from the bench's own folder.
    let options = leptos::config::LeptosOptions::builder()
        .output_name("gridlink")
        .site_root(dir.join("site").display().to_string())
        .build();
    let config = Config {
        photo_dir: Some(dir.join("photos")),
        data_key_file: Some(dir.join("gridlink.key")),
        ..Config::default()
    };
    AppState::new(db, options, config)
        .await
        .map_err(|e| e.to_string())
}

/// A database of its own on the PostgreSQL server at `admin` (a URL), made
/// fresh for one bench: its URL and its name (to drop it with).
pub(crate) async fn create_pg_database(
    admin: &str,
    prefix: &str,
) -> Result<(String, String), String> {
    use sea_orm::ConnectionTrait;
    let name = format!("{prefix}_{}", std::process::id());
    let conn = sea_orm::Database::connect(admin)
        .await
        .map_err(|e| e.to_string())?;
    conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .map_err(|e| e.to_string())?;
    Ok((pg_url(admin, &name), name))
}

/// The URL of database `name` on the server at `admin`.
pub(crate) fn pg_url(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}

/// Drops a database [`create_pg_database`] made (connections cut).
pub(crate) async fn drop_pg_database(admin: &str, name: &str) -> Result<(), String> {
    use sea_orm::ConnectionTrait;
    let conn = sea_orm::Database::connect(admin)
        .await
        .map_err(|e| e.to_string())?;
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// A resident's public report of `text` at `at` (no photo, no key).
pub(crate) fn resident_report(category_id: i64, at: (f64, f64), text: &str) -> NewCase {
    NewCase {
        category_id,
        description: text.into(),
        lat: at.0,
        lng: at.1,
        public: true,
        source: CaseSource::Resident,
        contact_phone: None,
        idempotency_key: None,
        grid: None,
    }
}

/// A grid, its community and street, and a point inside it.
pub(crate) type Place = (String, String, String, (f64, f64));

/// A bench's database (`GRIDLINK_BENCH_DB`, else a SQLite file in a temp
/// directory) with a generated city of `grids` grids imported.
pub(crate) async fn city(grids: usize) -> Result<(AppState, Vec<Place>, Vec<i64>), String> {
    let dir = bench_dir();
    let url = std::env::var("GRIDLINK_BENCH_DB")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    city_at(grids, &url).await
}

/// [`city`] in the database at `url`.
pub(crate) async fn city_at(
    grids: usize,
    url: &str,
) -> Result<(AppState, Vec<Place>, Vec<i64>), String> {
    let url = url.to_string();
    let state = bench_state(&url, &bench_dir()).await?;

    let t = Instant::now();
    let regions = demo::city(grids);
    geography::import_geojson(&state, None, &demo::to_feature_collection(&regions))
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "database {}: {} grids imported in {:.1?}",
        server::redact(&url),
        state.atlas().grid_count(),
        t.elapsed()
    );
    let (places, categories) = places_in(&state, &regions).await?;
    Ok((state, places, categories))
}

/// [`city_at`] over a database that already holds the city (a bench's
/// kept database): nothing imported.
pub(crate) async fn places_of(
    grids: usize,
    url: &str,
) -> Result<(AppState, Vec<Place>, Vec<i64>), String> {
    let state = bench_state(url, &bench_dir()).await?;
    let regions = demo::city(grids);
    if state.atlas().grid_count() != regions.iter().filter(|r| r.level == Level::Grid).count() {
        return Err(format!(
            "the database at {} does not hold the city of {grids} grids",
            server::redact(url)
        ));
    }
    let (places, categories) = places_in(&state, &regions).await?;
    Ok((state, places, categories))
}

/// The city's grids with their community, street and a point inside, and
/// the case categories reports can use.
async fn places_in(
    state: &AppState,
    regions: &[store::geography::NewRegion],
) -> Result<(Vec<Place>, Vec<i64>), String> {
    // Grids with their community, street and a point inside.
    let parent: std::collections::HashMap<&str, Option<&str>> = regions
        .iter()
        .map(|r| (r.code.as_str(), r.parent_code.as_deref()))
        .collect();
    let places: Vec<(String, String, String, (f64, f64))> = regions
        .iter()
        .filter(|r| r.level == Level::Grid)
        .filter_map(|r| {
            let community = r.parent_code.clone()?;
            let street = parent
                .get(community.as_str())
                .copied()
                .flatten()?
                .to_string();
            let p = boundary::parse_stored(&r.boundary)?.interior_point()?;
            Some((r.code.clone(), community, street, (p.y(), p.x())))
        })
        .collect();
    let categories: Vec<i64> = store::cases::categories(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|c| c.parent_id.is_some())
        .map(|c| c.id)
        .collect();
    Ok((places, categories))
}

const YEAR_SECONDS: i64 = 365 * 24 * 3600;

/// Writes `count` generated cases over the places (50,000 a batch), the
/// newest `now`, spread over a year. One case in a thousand more goes to
/// the first place, a busy grid (a market, a station), whose inbox the
/// benches read: it holds a full page at 100 k cases too (a grid of an
/// evenly filled city then holds ~7, and comparing a 7-row answer with a
/// 20-row one measured the answer, not the database's size).
pub(crate) async fn fill(
    state: &AppState,
    places: &[Place],
    categories: &[i64],
    count: usize,
    now: chrono::DateTime<Utc>,
) -> Result<(), String> {
    let t = Instant::now();
    let statuses = CaseStatus::ALL;
    let mut batch = Vec::with_capacity(50_000);
    for i in 0..count {
        let busy = i % 1000 == 999;
        let (grid, community, street, at) = &places[if busy { 0 } else { i % places.len() }];
        let status = statuses[(i * 7) % statuses.len()];
        // Times rise with the id and spread over the year before `now`, as a
        // running city's do: the newest cases are the last rows written, so
        // they sit together on disk. (Times that fell with the id and repeated
        // every 525,600 rows scattered the newest 1,000 over ~1,000 pages at
        // 10 M and made Open311's newest-first list look 3x slower.)
        let created = now - Duration::seconds(YEAR_SECONDS * (count - 1 - i) as i64 / count as i64);
        batch.push(CaseRow {
            id: 0,
            category_id: categories[i % categories.len()],
            description: "generated".into(),
            lat: at.0,
            lng: at.1,
            grid_code: Some(grid.clone()),
            community_code: Some(community.clone()),
            street_code: Some(street.clone()),
            company_id: Some((i % 50) as i64 + 1),
            source: "resident".into(),
            reporter_id: Some((i % 10_000) as i64 + 1_000_000),
            contact_phone: None,
            public: i % 3 != 0,
            status,
            level: status.is_open().then_some(DispatchLevel::Grid),
            department: (i % 20 == 0).then(|| "CG".to_string()),
            started_at: created,
            due_at: Some(created + Duration::days(1)),
            result: None,
            rating: None,
            merged_into: None,
            owner_id: None,
            alarm_stage: 0,
            // Open cases' next looks spread over the coming 30 days, as a
            // running city's are: each minute a few dozen fall due.
            alarm_at: status
                .is_open()
                .then(|| now + Duration::minutes((i % (30 * 24 * 60)) as i64 + 1)),
            assisting: Vec::new(),
            resolution: None,
            version: 0,
            created_at: created,
            updated_at: created,
        });
        if batch.len() == 50_000 || i + 1 == count {
            store::cases::insert_many(&state.db, &batch)
                .await
                .map_err(|e| e.to_string())?;
            batch.clear();
            if (i + 1) % 1_000_000 == 0 && i + 1 < count {
                println!("  {} of {count} cases written ({:.0?})", i + 1, t.elapsed());
            }
        }
    }
    println!("{count} cases generated in {:.1?}", t.elapsed());
    Ok(())
}

pub async fn run(grids: usize, count: usize, clients: usize) -> Result<(), String> {
    let (state, places, categories) = city(grids).await?;
    let now = Utc::now();
    fill(&state, &places, &categories, count, now).await?;
    let statuses = CaseStatus::ALL;

    let open = (0..count)
        .filter(|i| statuses[(i * 7) % statuses.len()].is_open())
        .count();
    sweeps(&state, now, open).await?;

    let (grid, community, street, at) = places[0].clone();
    let state = Arc::new(state);
    println!("{clients} concurrent callers, 40 calls each; first page (20 rows), newest first:");
    let queues: Vec<(&str, Viewer, Queue)> = vec![
        (
            "grid inbox",
            viewer(1, Role::GridWorker, Scope::Grid(grid.clone())),
            Queue::Grid(grid.clone()),
        ),
        (
            "community queue",
            viewer(2, Role::CommunityAdmin, Scope::Community(community.clone())),
            Queue::Community(community.clone()),
        ),
        (
            "street queue",
            viewer(3, Role::StreetAdmin, Scope::Street(street.clone())),
            Queue::Street(street.clone()),
        ),
        (
            "resident: my reports",
            viewer(1_000_000 + 1, Role::Resident, Scope::None),
            Queue::Mine,
        ),
        (
            "department inbox",
            viewer(5, Role::Department, Scope::Department("CG".into())),
            Queue::Department,
        ),
        (
            "property-company tasks",
            viewer(6, Role::PropertyCompany, Scope::Company(1)),
            Queue::Company,
        ),
    ];
    // The first queue read after generating a million rows meets a cold
    // page cache; it is shown apart, then every queue is measured warm.
    let mut runs: Vec<(String, Viewer, Queue)> = vec![(
        format!("{} (cold page cache)", queues[0].0),
        queues[0].1.clone(),
        queues[0].2.clone(),
    )];
    runs.extend(queues.into_iter().map(|(n, v, q)| (n.to_string(), v, q)));
    for (name, v, q) in runs {
        let (state, v) = (state.clone(), Arc::new(v));
        load(&name, clients, 40, move |_| {
            let (state, v, q) = (state.clone(), v.clone(), q.clone());
            async move {
                cases::queue(&state, &v, q, Default::default(), None)
                    .await
                    .is_ok()
            }
        })
        .await;
    }
    {
        let (state, v) = (
            state.clone(),
            Arc::new(viewer(
                2,
                Role::CommunityAdmin,
                Scope::Community(community.clone()),
            )),
        );
        load("map layer, one community", clients, 40, move |_| {
            let (state, v) = (state.clone(), v.clone());
            async move { cases::map_points(&state, Some(&v)).await.is_ok() }
        })
        .await;
    }
    // The same layer while residents report 50 cases a second in that
    // community: each report forgets the cached layer.
    {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (state, stop) = (state.clone(), stop.clone());
            let category = categories[0];
            tokio::spawn(async move {
                let mut n = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let v = viewer(7_000_000 + n as i64, Role::Resident, Scope::None);
                    let form = resident_report(category, at, "楼道灯不亮");
                    if cases::report(&state, &v, form).await.is_ok() {
                        n += 1;
                    }
                    tokio::time::sleep(StdDuration::from_millis(20)).await;
                }
                n
            })
        };
        let (state2, v) = (
            state.clone(),
            Arc::new(viewer(
                2,
                Role::CommunityAdmin,
                Scope::Community(community.clone()),
            )),
        );
        load(
            "map layer, 50 reports/s there",
            clients,
            60_000,
            move |_| {
                let (state, v) = (state2.clone(), v.clone());
                async move {
                    // A request boundary, so the reporting task gets its turns.
                    tokio::task::yield_now().await;
                    cases::map_points(&state, Some(&v)).await.is_ok()
                }
            },
        )
        .await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let n = writer.await.map_err(|e| e.to_string())?;
        println!("  cases reported meanwhile: {n}");
    }
    {
        let state2 = state.clone();
        load("board.json first page (public)", clients, 40, move |_| {
            let state = state2.clone();
            async move {
                cases::board(&state, Default::default(), None, 20)
                    .await
                    .is_ok()
            }
        })
        .await;
    }

    // Submissions: residents reporting at once, no photo, then with one photo.
    let category = categories[0];
    let submit = |photo: bool| {
        let state = state.clone();
        move |i: usize| {
            let state = state.clone();
            async move {
                let v = viewer(2_000_000 + i as i64, Role::Resident, Scope::None);
                let form = resident_report(category, at, "路灯不亮");
                match cases::report(&state, &v, form).await {
                    Ok(c) if photo => cases::add_photo(&state, &v, c.id, PHOTO.to_vec(), None)
                        .await
                        .is_ok(),
                    Ok(_) => true,
                    Err(_) => false,
                }
            }
        }
    };
    load("case submissions (no photo)", clients, 40, submit(false)).await;
    load("case submissions (one photo)", clients, 4, submit(true)).await;
    let _ = std::fs::remove_dir_all(bench_dir());
    Ok(())
}

/// A 64×48 PNG, as a phone's photo stand-in.
static PHOTO: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(64, 48)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
});

/// The deadline sweep over the generated city: five minutes' sweeps in a row
/// (what each minute brings due), then a backlog after an hour's downtime
/// (one sweep takes at most 10,000 cases; the rest wait a minute).
async fn sweeps(state: &AppState, now: chrono::DateTime<Utc>, open: usize) -> Result<(), String> {
    use app::backend::services::deadlines;
    println!("deadline sweep over {open} open cases:");
    let mut worst = StdDuration::ZERO;
    let mut seen = 0;
    for minute in 1..=5 {
        let t = Instant::now();
        let r = deadlines::sweep(state, now + Duration::minutes(minute))
            .await
            .map_err(|e| format!("{e:?}"))?;
        worst = worst.max(t.elapsed());
        seen += r.warned + r.flagged + r.escalated + r.rescheduled;
    }
    println!(
        "  one minute's sweep                 max {:>7.2} ms  ({seen} cases in 5 sweeps)",
        worst.as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let r = deadlines::sweep(state, now + Duration::minutes(65))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let n = r.warned + r.flagged + r.escalated + r.rescheduled;
    println!(
        "  after an hour's downtime           {:>7.2} ms  ({n} cases, {:.0} cases/s; {} escalated)",
        t.elapsed().as_secs_f64() * 1e3,
        n as f64 / t.elapsed().as_secs_f64(),
        r.escalated
    );
    Ok(())
}
