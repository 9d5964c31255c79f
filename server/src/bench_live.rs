//! `server bench-live`: how long a live update takes from one server of a
//! cluster to another (issue 13: p99 ≤ 1 s). Two app states on one fresh
//! PostgreSQL database (created under `GRIDLINK_BENCH_DB`, dropped at the
//! end), the second listening; the first announces `--events` case changes
//! one after another, then the same number at once (a burst), and the time
//! from announcing to the second server's listeners hearing each is
//! printed as p50/p99/max.

use app::backend::state::CaseChanged;
use app::backend::{bus, AppState};
use app::domain::auth::Place;
use app::domain::case::CaseStatus;
use std::time::{Duration, Instant};

pub async fn run(events: usize) -> Result<(), String> {
    if !(1..=1_000).contains(&events) {
        // The burst must fit the broadcast's 1,024 places and the outbox.
        return Err("--events expects 1 to 1000".into());
    }
    let admin = std::env::var("GRIDLINK_BENCH_DB").map_err(|_| {
        "bench-live needs PostgreSQL: set GRIDLINK_BENCH_DB to a server's URL (make bench-live starts one)"
            .to_string()
    })?;
    if !admin.starts_with("postgres") {
        return Err("bench-live needs PostgreSQL (a SQLite file has one server)".into());
    }
    let (url, name) = crate::bench_cases::create_pg_database(&admin, "gl_bench_live").await?;
    let result = measure(&url, events).await;
    crate::bench_cases::drop_pg_database(&admin, &name).await?;
    result
}

async fn server(url: &str) -> Result<AppState, String> {
    let dir = std::env::temp_dir().join(format!("gridlink-bench-live-{}", std::process::id()));
    crate::bench_cases::bench_state(url, &dir).await
}

fn change(id: usize) -> CaseChanged {
    CaseChanged {
        case_id: id as i64,
        status: CaseStatus::Reported,
        place: Place {
            grid: Some("370102-001-001-01".into()),
            community: Some("370102-001-001".into()),
            street: Some("370102-001".into()),
        },
        reporter: Some(1),
        company: None,
        department: None,
        assisting: Vec::new(),
        level: None,
        public: false,
    }
}

async fn measure(url: &str, events: usize) -> Result<(), String> {
    let a = server(url).await?;
    let b = server(url).await?;
    bus::start(&b).await.map_err(|e| e.to_string())?;
    let mut heard = b.case_events.subscribe();
    let wait = Duration::from_secs(5);

    // One at a time: each waits for the last to arrive.
    let mut one_by_one = Vec::with_capacity(events);
    for i in 0..events {
        let t = Instant::now();
        bus::publish_case(&a, &change(i));
        loop {
            let e = tokio::time::timeout(wait, heard.recv())
                .await
                .map_err(|_| format!("event {i} did not reach the other server within {wait:?}"))?
                .map_err(|e| e.to_string())?;
            if e.case_id == i as i64 {
                break;
            }
        }
        one_by_one.push(t.elapsed());
    }

    // A burst: every change sent at once, each timed from its own send.
    let offset = events;
    let mut sent = Vec::with_capacity(events);
    for i in 0..events {
        sent.push(Instant::now());
        bus::publish_case(&a, &change(offset + i));
    }
    let mut burst = Vec::with_capacity(events);
    while burst.len() < events {
        let e = tokio::time::timeout(wait, heard.recv())
            .await
            .map_err(|_| format!("{} of {events} burst events arrived", burst.len()))?
            .map_err(|e| e.to_string())?;
        if let Some(i) = (e.case_id as usize).checked_sub(offset) {
            burst.push(sent[i].elapsed());
        }
    }

    println!("live updates across two servers on one PostgreSQL ({events} events each)");
    for (label, mut times) in [("one at a time", one_by_one), ("burst", burst)] {
        times.sort();
        let at =
            |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        println!(
            "  {label:<14} p50 {:>8.2?}  p99 {:>8.2?}  max {:>8.2?}",
            at(0.50),
            at(0.99),
            times[times.len() - 1]
        );
    }
    Ok(())
}
