//! Issue 10: assessment against a hand-computed month, on SQLite and
//! PostgreSQL. March 2025 lies before every demo case, so the figures hold
//! exactly the cases and patrols written here, through the store as they
//! would have been written at the time.

mod common;

use app::backend::store::{cases as store, patrols};
use app::domain::auth::Role;
use app::domain::case::{CaseSource, CaseStatus, DispatchLevel};
use app::domain::patrol::TrackPoint;
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{phone_of, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const GRID: &str = "370103-001-001-01";
const COMMUNITY: &str = "370103-001-001";

/// 09:00 in China on a day of March 2025.
fn march(day: u32, hour_offset: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, day, 1, 0, 0).unwrap() + Duration::hours(hour_offset)
}

/// One case of the fixture: (day, source, handled after minutes and on
/// time, stars).
type Spec = (u32, CaseSource, Option<(i64, bool)>, Option<i32>);

/// 10 cases; 4 found on patrol; 8 handled, 6 on time, 960 minutes in all;
/// ratings 5, 5, 4, 3, 2 (19 stars, 3 of 4–5). A rejected case is no case.
const CASES: [Spec; 10] = [
    (3, CaseSource::Patrol, Some((60, true)), Some(5)),
    (3, CaseSource::Patrol, Some((120, true)), Some(5)),
    (4, CaseSource::Patrol, Some((60, true)), Some(4)),
    (5, CaseSource::Patrol, Some((180, true)), Some(3)),
    (6, CaseSource::Resident, Some((60, true)), Some(2)),
    (7, CaseSource::Resident, Some((120, true)), None),
    (10, CaseSource::Resident, Some((300, false)), None),
    (11, CaseSource::Hotline, Some((60, false)), None),
    (12, CaseSource::Resident, None, None),
    (13, CaseSource::Resident, None, None),
];

async fn write_case(app: &TestApp, spec: &Spec, filer: i64, category: i64, rejected: bool) {
    let (day, source, handled, stars) = *spec;
    // Day 0 is the last of February, day 32 the 1st of April.
    let created = march(1, 0) + Duration::days(day as i64 - 1);
    let status = match (rejected, handled, stars) {
        (true, _, _) => CaseStatus::Rejected,
        (_, None, _) => CaseStatus::InProgress,
        (_, Some(_), Some(_)) => CaseStatus::Evaluated,
        (_, Some(_), None) => CaseStatus::FedBack,
    };
    let row = store::CaseRow {
        id: 0,
        category_id: category,
        description: "考核样例".into(),
        lat: 36.6372,
        lng: 117.0135,
        grid_code: Some(GRID.into()),
        community_code: Some(COMMUNITY.into()),
        street_code: Some("370103-001".into()),
        company_id: None,
        source: source.as_str().into(),
        reporter_id: None,
        contact_phone: None,
        public: false,
        status,
        level: Some(DispatchLevel::Grid),
        department: None,
        started_at: created,
        due_at: Some(created + Duration::days(1)),
        result: handled.map(|_| "已处理".into()),
        rating: stars,
        merged_into: None,
        version: 0,
        created_at: created,
        updated_at: created,
        owner_id: Some(filer),
        alarm_stage: 0,
        alarm_at: None,
        assisting: Vec::new(),
        resolution: handled.map(|(minutes, on_time)| store::Resolution {
            at: created + Duration::minutes(minutes),
            minutes,
            on_time,
        }),
    };
    let event = store::NewEvent {
        actor_id: None,
        actor_name: String::new(),
        actor_role: "resident".into(),
        action: "report".into(),
        from_status: None,
        to_status: CaseStatus::Reported,
        note: String::new(),
        public: true,
    };
    let filed_by = (source == CaseSource::Patrol).then_some(filer);
    store::insert_filed(&app.state.db, &row, &event, filed_by, None)
        .await
        .unwrap()
        .unwrap();
}

/// A patrol of the worker on a day, `minutes` long, with two points.
async fn patrol(app: &TestApp, user: i64, day: u32, hour: i64, minutes: i64) {
    let place = app.state.atlas().place_of(GRID).unwrap();
    let start = march(day, hour);
    let p = patrols::start(&app.state.db, user, &place, GRID, start)
        .await
        .unwrap()
        .unwrap();
    let pts = [
        TrackPoint {
            lat: 36.6372,
            lng: 117.0135,
            at: start + Duration::minutes(1),
            accuracy: None,
        },
        TrackPoint {
            lat: 36.6380,
            lng: 117.0135,
            at: start + Duration::minutes(minutes - 1),
            accuracy: None,
        },
    ];
    patrols::add_points(&app.state.db, p.id, None, &pts, 89.0, pts.last())
        .await
        .unwrap()
        .unwrap();
    patrols::end(&app.state.db, p.id, start + Duration::minutes(minutes))
        .await
        .unwrap();
}

fn row<'a>(rows: &'a Value, key: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("a row {key} in {rows}"))
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

async fn a_hand_computed_month(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.user_id(phone_of(Role::GridWorker)).await;
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let category = common::category(&app, &admin).await;
    for spec in &CASES {
        write_case(&app, spec, worker, category, false).await;
    }
    // A rejected report, one of February and one of April: none counts.
    let outside = (14, CaseSource::Patrol, Some((60, true)), Some(5));
    write_case(&app, &outside, worker, category, true).await;
    for day in [0, 32] {
        let spec = (day, CaseSource::Patrol, Some((60, true)), Some(5));
        write_case(&app, &spec, worker, category, false).await;
    }
    // Patrols: two on the 3rd, 4th and 5th (days met), one on the 6th (not
    // met), two on Saturday the 8th (no working day), and two on the 10th of
    // which one lasted 5 minutes (not met).
    for (day, hour, minutes) in [
        (3, 0, 30),
        (3, 5, 20),
        (4, 0, 15),
        (4, 6, 40),
        (5, 1, 10),
        (5, 7, 12),
        (6, 0, 30),
        (8, 0, 30),
        (8, 4, 30),
        (10, 0, 30),
        (10, 4, 5),
    ] {
        patrol(&app, worker, day, hour, minutes).await;
    }
    let ask = json!({"ask": {"area": COMMUNITY, "from": "2025-03-01", "to": "2025-03-31"}});
    let (s, d) = app.call_json(&admin, "dashboard_figures", ask).await;
    assert_eq!(s, StatusCode::OK, "{d}");

    // The grid: each formula by hand.
    let grid = row(&d["children"], GRID);
    let c = &grid["counts"];
    assert_eq!(
        [
            &c["cases"],
            &c["found"],
            &c["handled"],
            &c["on_time"],
            &c["handled_minutes"]
        ],
        [&json!(10), &json!(4), &json!(8), &json!(6), &json!(960)]
    );
    assert_eq!(
        [&c["rated"], &c["stars"], &c["satisfied"]],
        [&json!(5), &json!(19), &json!(3)]
    );
    let f = &grid["figures"];
    assert!(close(&f["discovery_rate"], 0.4), "{f}");
    assert!(close(&f["handling_rate"], 0.8), "{f}");
    assert!(close(&f["on_time_rate"], 0.75), "{f}");
    assert!(close(&f["satisfaction"], 3.8), "{f}");
    assert!(close(&f["satisfied_share"], 0.6), "{f}");
    assert!(close(&f["handling_hours"], 2.0), "{f}");

    // The worker: 3 days met of March 2025's 21 working days.
    let w = row(&d["workers"], &worker.to_string());
    assert_eq!(w["counts"]["patrol_days"], 21, "{w}");
    assert_eq!(w["counts"]["patrol_days_met"], 3, "{w}");
    assert!(close(&w["figures"]["patrol_rate"], 3.0 / 21.0), "{w}");
    assert_eq!(w["counts"]["found"], 4, "their finds on patrol");
    assert_eq!(w["counts"]["cases"], 10, "the cases they own");
    // Score = (3/21 + 0.4 + 0.8) / 3 × 100.
    let score = (3.0 / 21.0 + 0.4 + 0.8) / 3.0 * 100.0;
    assert!(close(&w["figures"]["score"], score), "{w}");
    assert!(w["rank"].as_u64().is_some());

    // The trend has a day per day of March; the 3rd had 2 reports.
    let series = d["series"].as_array().unwrap();
    assert_eq!(series.len(), 31);
    assert_eq!(series[2]["day"], "2025-03-03");
    assert_eq!(series[2]["reported"], 2);
    assert_eq!(
        d["by_source"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == "patrol")
            .unwrap()["count"],
        4
    );
    let heat: u64 = d["heat"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["count"].as_u64().unwrap())
        .sum();
    assert_eq!(heat, 10, "every case in one cell of the map");

    // A period too long, or backwards, is refused with a reason.
    for (from, to) in [("2024-01-01", "2025-03-31"), ("2025-03-31", "2025-03-01")] {
        let (s, body) = app
            .call_json(
                &admin,
                "dashboard_figures",
                json!({"ask": {"area": COMMUNITY, "from": from, "to": to}}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    }
    // Another community's admin may not open this one.
    let other = app
        .person(
            "别的社区书记",
            &[app::domain::auth::Grant::new(
                Role::CommunityAdmin,
                app::domain::auth::Scope::Community("370103-002-001".into()),
            )
            .unwrap()],
        )
        .await
        .1;
    let (s, _) = app
        .call_json(
            &other,
            "dashboard_figures",
            json!({"ask": {"area": COMMUNITY}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

on_both_backends!(a_hand_computed_month);
