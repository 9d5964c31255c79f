//! Boundary editing through the real router (issue 12): a split moves the
//! open case in the cut-off part to the new grid at once, with a timeline
//! entry, and `locate` answers the new grid; a merge and each undo move it
//! again; undo restores the outline exactly; a stale editor, an overlap and
//! a merge that would strand staff are refused and write nothing.

mod common;

use app::domain::auth::Role;
use common::{phone_of, report_case, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const GRID: &str = "370103-001-001-01";
const NEIGHBOUR: &str = "370103-001-001-02";
const NEW: &str = "370103-001-001-S1";

type P = [f64; 2];

fn mix(a: P, b: P, t: f64) -> P {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

async fn outline(app: &TestApp, c: &Client, code: &str) -> Value {
    let (s, o) = app.call(c, "editable_outline", &[("code", code)]).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    o
}

async fn located(app: &TestApp, at: P) -> Value {
    let (s, g) = app
        .call(
            &app.client(),
            "locate_point",
            &[("lat", &at[0].to_string()), ("lng", &at[1].to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    g["code"].clone()
}

async fn case(app: &TestApp, c: &Client, id: i64) -> Value {
    let (s, v) = app.call(c, "case_detail", &[("id", &id.to_string())]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn rehomes(case: &Value) -> Vec<String> {
    case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "rehome")
        .map(|e| e["note"].as_str().unwrap().to_string())
        .collect()
}

/// The resident's private case at a point: its id (asserted filed).
async fn file_at(app: &TestApp, resident: &Client, at: P, text: &str) -> i64 {
    let (s, filed) = report_case(app, resident, (at[0], at[1]), text, false).await;
    assert_eq!(s, StatusCode::OK, "{filed}");
    filed["id"].as_i64().unwrap()
}

/// A street admin of the other demo street.
async fn other_street_admin(app: &TestApp) -> Client {
    let grant = app::domain::auth::Grant::new(
        Role::StreetAdmin,
        app::domain::auth::Scope::Street("370103-002".into()),
    )
    .unwrap();
    app.person("外街道管理员", &[grant]).await.1
}

async fn edit(app: &TestApp, c: &Client, edit: Value) -> (StatusCode, Value) {
    app.call_json(c, "save_boundary", json!({ "edit": edit }))
        .await
}

async fn undo(app: &TestApp, c: &Client, id: &Value) -> (StatusCode, Value) {
    app.call(c, "undo_boundary_change", &[("id", &id.to_string())])
        .await
}

async fn a_split_rehomes_the_open_case_and_undo_restores_the_boundary(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let before = outline(&app, &street, GRID).await;
    // The demo grid is one cell: south-west, south-east, north-east, north-west.
    let ring: Vec<P> = serde_json::from_value(before["parts"][0][0].clone()).unwrap();
    assert_eq!(ring.len(), 4, "{before}");
    let centre = mix(mix(ring[0], ring[2], 0.5), mix(ring[1], ring[3], 0.5), 0.5);
    let east = mix(ring[1], ring[2], 0.5);
    let near_east = mix(centre, east, 0.85);
    let id = file_at(&app, &resident, near_east, "边界调整测试：路灯不亮").await;
    assert_eq!(case(&app, &street, id).await["grid_code"], GRID);

    // A line along the east side, 70 % of the way out, well past both ends.
    let q = mix(centre, east, 0.7);
    let up = [ring[2][0] - ring[1][0], ring[2][1] - ring[1][1]];
    let line = json!([[q[0] - up[0], q[1] - up[1]], [q[0] + up[0], q[1] + up[1]]]);
    let split = json!({"Split": {"grid": GRID, "line": line, "new_grid": NEW.to_lowercase(), "new_name": "兴隆东侧新网格", "stamp": before["stamp"]}});

    // Nobody but the street and system admins edits; nothing moves.
    for role in [Role::Resident, Role::GridLeader, Role::CommunityAdmin] {
        let c = app.signed_in(phone_of(role)).await;
        let (s, body) = edit(&app, &c, split.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role:?}: {body}");
    }
    let (s, _) = app
        .call(&resident, "editable_outline", &[("code", GRID)])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(located(&app, near_east).await, GRID);

    let (s, done) = edit(&app, &street, split.clone()).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["grids"], json!([GRID, NEW]));
    assert_eq!(done["moved_cases"], 1);
    // At once: the point is in the new grid, the grid's map layer has it,
    // and the case moved with a line on its timeline the resident reads too.
    assert_eq!(located(&app, near_east).await, NEW);
    assert_eq!(located(&app, mix(centre, east, 0.3)).await, GRID);
    assert!(app.grid_layer().await.contains(NEW));
    let moved = case(&app, &street, id).await;
    assert_eq!(moved["grid_code"], NEW);
    assert_eq!(rehomes(&moved), vec![format!("{GRID} → {NEW}")]);
    assert_eq!(rehomes(&case(&app, &resident, id).await).len(), 1);

    // Someone on the new grid's roster: undoing the split would strand them.
    let member = phone_of(Role::PartyMember);
    let (s, body) = app
        .call_json(
            &street,
            "change_roster",
            json!({"change": {"Set": {"grid": NEW, "phone": member, "position": "part_time", "duties": "巡查"}}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = undo(&app, &street, &done["change_id"]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["refusal"]["problem"], "still_holds", "{body}");
    assert!(
        body["refusal"]["zh"]
            .as_str()
            .unwrap()
            .contains("1 名在岗人员"),
        "{body}"
    );
    let (s, body) = app
        .call_json(
            &street,
            "change_roster",
            json!({"change": {"Remove": {"grid": NEW, "phone": member}}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");

    // The editor that loaded the grid before the split is out of date.
    let stale =
        json!({"Reshape": {"grid": GRID, "parts": before["parts"], "stamp": before["stamp"]}});
    let (s, body) = edit(&app, &street, stale).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // Taking the old outline back by hand would overlap the new grid.
    let now = outline(&app, &street, GRID).await;
    let (s, body) = edit(
        &app,
        &street,
        json!({"Reshape": {"grid": GRID, "parts": before["parts"], "stamp": now["stamp"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["refusal"]["problem"], "overlap", "{body}");
    assert!(
        body["refusal"]["zh"].as_str().unwrap().contains(NEW),
        "names the other grid: {body}"
    );
    // The neighbour still has its staff: it cannot be merged away.
    let other = outline(&app, &street, NEIGHBOUR).await;
    let (s, body) = edit(
        &app,
        &street,
        json!({"Merge": {"grid": GRID, "other": NEIGHBOUR, "stamp": now["stamp"], "other_stamp": other["stamp"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["refusal"]["problem"], "still_holds", "{body}");

    // Merging the new grid back moves the case home; undoing the merge
    // moves it out again; undoing the split brings everything back.
    let cut = outline(&app, &street, NEW).await;
    let (s, merged) = edit(
        &app,
        &street,
        json!({"Merge": {"grid": GRID, "other": NEW, "stamp": now["stamp"], "other_stamp": cut["stamp"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{merged}");
    assert_eq!(merged["moved_cases"], 1);
    assert_eq!(located(&app, near_east).await, GRID);
    let (s, hits) = app
        .call(&app.client(), "search_places", &[("query", NEW)])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(hits, json!([]), "a merged-away grid is not found");
    // Undo the split first? Its grids changed since.
    let (s, body) = undo(&app, &street, &done["change_id"]).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, body) = undo(&app, &street, &merged["change_id"]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(located(&app, near_east).await, NEW);
    let (s, body) = undo(&app, &street, &merged["change_id"]).await;
    assert_eq!(s, StatusCode::CONFLICT, "undone once only: {body}");
    let (s, restored) = undo(&app, &street, &done["change_id"]).await;
    assert_eq!(s, StatusCode::OK, "{restored}");
    assert_eq!(restored["moved_cases"], 1);
    assert_eq!(located(&app, near_east).await, GRID);
    let back = outline(&app, &street, GRID).await;
    assert_eq!(back["stamp"], before["stamp"], "the very outline it had");
    let home = case(&app, &street, id).await;
    assert_eq!(home["grid_code"], GRID);
    assert_eq!(rehomes(&home).len(), 4, "{home}");

    // The history: newest first, each with who and what; the restores say
    // which change they undid.
    let (s, desk) = app.call(&street, "boundary_editor", &[]).await;
    assert_eq!(s, StatusCode::OK, "{desk}");
    let kinds: Vec<&str> = desk["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Restore", "Restore", "Merge", "Split"]);
    assert_eq!(desk["changes"][0]["restores"], done["change_id"]);
    assert_eq!(desk["changes"][3]["undone_by"], restored["change_id"]);
    let (s, detail) = app
        .call(
            &street,
            "boundary_change",
            &[("id", &done["change_id"].to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["versions"][1]["grid"], NEW);
    assert_eq!(detail["versions"][1]["before"], json!([]), "a new grid");
    // The other street's admin sees none of it.
    let outsider = other_street_admin(&app).await;
    let (s, _) = undo(&app, &outsider, &merged["change_id"]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .call(&outsider, "boundary_editor", &[("area", "370103-001")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Every change is in the audit log.
    let sys = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let (s, log) = app
        .call_json(
            &sys,
            "audit_log",
            json!({"filter": {"action": "boundary_changed", "actor_id": null, "target_kind": null, "target_id": null, "since": null, "until": null}, "before": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{log}");
    assert_eq!(log.as_array().unwrap().len(), 4, "{log}");
}

async fn a_drawn_grid_takes_the_case_in_a_gap_and_undo_retires_it(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let before = outline(&app, &street, GRID).await;
    let ring: Vec<P> = serde_json::from_value(before["parts"][0][0].clone()).unwrap();
    // Pull the east side in to 60 %: the strip becomes a gap.
    let shrunk: Vec<P> = vec![
        ring[0],
        mix(ring[0], ring[1], 0.6),
        mix(ring[3], ring[2], 0.6),
        ring[3],
    ];
    let in_strip = mix(mix(ring[1], ring[2], 0.5), mix(ring[0], ring[3], 0.5), 0.2);
    let id = file_at(&app, &resident, in_strip, "边界调整测试：井盖松动").await;
    let (s, done) = edit(
        &app,
        &street,
        json!({"Reshape": {"grid": GRID, "parts": [[shrunk]], "stamp": before["stamp"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    // In no grid now: the case stays where it was.
    assert_eq!(done["moved_cases"], 0);
    assert_eq!(located(&app, in_strip).await, Value::Null);
    // A new grid drawn over the strip takes it.
    let strip = vec![shrunk[1], ring[1], ring[2], shrunk[2]];
    let draw = json!({"Draw": {"grid": "370103-001-001-S2", "name": "东侧条带网格", "kind": "base", "community": "370103-001-001", "ring": strip}});
    let (s, drawn) = edit(&app, &street, draw.clone()).await;
    assert_eq!(s, StatusCode::OK, "{drawn}");
    assert_eq!(drawn["moved_cases"], 1);
    assert_eq!(located(&app, in_strip).await, "370103-001-001-S2");
    // The same code again is taken; a crossed outline is refused.
    let (s, body) = edit(&app, &street, draw).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["refusal"]["problem"], "code_taken", "{body}");
    let bow = vec![ring[0], ring[2], ring[1], ring[3]];
    let (s, body) = edit(
        &app,
        &street,
        json!({"Draw": {"grid": "370103-001-001-S3", "name": "错", "kind": "base", "community": "370103-001-001", "ring": bow}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    // Undoing the draw would leave the case in no grid: refused, in words.
    let (s, body) = undo(&app, &street, &drawn["change_id"]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["refusal"]["problem"], "cases_left", "{body}");
    assert!(
        body["refusal"]["zh"]
            .as_str()
            .unwrap()
            .contains("1 件在办事件"),
        "{body}"
    );
    // Another street's admin may neither draw in this community nor merge
    // or undo here.
    let outsider = other_street_admin(&app).await;
    let far = json!({"Draw": {"grid": "370103-001-001-S4", "name": "越界", "kind": "base", "community": "370103-001-001", "ring": [[36.5, 116.5], [36.5, 116.501], [36.501, 116.501]]}});
    let (s, _) = edit(&app, &outsider, far).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = undo(&app, &outsider, &drawn["change_id"]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Merging the strip back into the grid takes the case home.
    let now = outline(&app, &street, GRID).await;
    let strip_now = outline(&app, &street, "370103-001-001-S2").await;
    let merge = json!({"Merge": {"grid": GRID, "other": "370103-001-001-S2", "stamp": now["stamp"], "other_stamp": strip_now["stamp"]}});
    let (s, _) = edit(&app, &outsider, merge.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = edit(&app, &street, merge).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["moved_cases"], 1);
    assert_eq!(located(&app, in_strip).await, GRID);
    let home = case(&app, &street, id).await;
    assert_eq!(home["grid_code"], GRID);
    assert_eq!(
        rehomes(&home),
        vec![
            format!("{GRID} → 370103-001-001-S2"),
            format!("370103-001-001-S2 → {GRID}")
        ]
    );
    // A retired grid's code is never given to a new grid: it still names
    // the old grid's history.
    let (s, body) = edit(
        &app,
        &street,
        json!({"Draw": {"grid": "370103-001-001-S2", "name": "东侧条带网格", "kind": "base", "community": "370103-001-001", "ring": [[36.5, 116.5], [36.5, 116.501], [36.501, 116.501]]}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["refusal"]["problem"], "code_taken", "{body}");
    // Nor can a retired grid be edited (an undo brings it back).
    let (s, _) = app
        .call(
            &street,
            "editable_outline",
            &[("code", "370103-001-001-S2")],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

on_both_backends!(
    a_split_rehomes_the_open_case_and_undo_restores_the_boundary,
    a_drawn_grid_takes_the_case_in_a_gap_and_undo_retires_it,
);
