//! Issue 11: the red-property alliance (物业联盟) through the real router on
//! SQLite and PostgreSQL — the public page without contacts, a street
//! keeping its companies, compounds moving between companies, staff
//! accounts, and a company's desk of tasks (overdue first) and figures.

mod common;

use app::backend::store::audit as audit_log;
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use common::{act, make_overdue, phone_of, report_case, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// The middle of the demo grid `370103-001-001-01` (company 1's compound).
const HOME: (f64, f64) = (36.6372, 117.0135);
const DEMO_GRID: &str = "370103-001-001-01";
const STREET: &str = "370103-001";
const OTHER_STREET: &str = "370103-002";
/// The demo contact of company 1: for its keepers and its own staff only.
const CONTACT_PHONE: &str = "0531-86001001";

async fn desk(app: &TestApp, c: &Client, id: i64) -> (StatusCode, Value) {
    app.call(c, "company_desk", &[("id", &id.to_string())])
        .await
}

async fn save(app: &TestApp, c: &Client, form: Value) -> (StatusCode, Value) {
    app.call_json(c, "save_company", json!({ "company": form }))
        .await
}

fn form(id: Option<i64>, name: &str, street: &str) -> Value {
    json!({"id": id, "name": name, "alliance": true, "party_org": "红色物业联盟党支部",
        "contact_name": "钱经理", "contact_phone": "0531-86009999", "street_code": street})
}

async fn assign(
    app: &TestApp,
    c: &Client,
    company: i64,
    compound: i64,
    manage: bool,
) -> (StatusCode, Value) {
    app.call(
        c,
        "assign_compound",
        &[
            ("company", &company.to_string()),
            ("compound", &compound.to_string()),
            ("manage", &manage.to_string()),
        ],
    )
    .await
}

/// A spot in the demo grid inside a compound of `company`.
fn spot_of(app: &TestApp, company: i64) -> (f64, f64) {
    let atlas = app.state.atlas();
    for dy in -40..=40 {
        for dx in -40..=40 {
            let (lat, lng) = (HOME.0 + dy as f64 * 0.0001, HOME.1 + dx as f64 * 0.0001);
            if atlas.company_at(DEMO_GRID, lat, lng) == Some(company) {
                return (lat, lng);
            }
        }
    }
    panic!("no compound of company {company} in the demo grid")
}

fn must(answer: (StatusCode, Value), what: &str) -> Value {
    assert_eq!(answer.0, StatusCode::OK, "{what}: {}", answer.1);
    answer.1
}

async fn a_street_keeps_its_companies_and_the_public_sees_no_contact(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let staff = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let grant = Grant::new(Role::StreetAdmin, Scope::Street(OTHER_STREET.into())).unwrap();
    let (_, other_street) = app.person("别的街道 管理员", &[grant]).await;

    // The public page: every company with its compounds, never a contact.
    let guest = app.client();
    let (s, page) = app.call(&guest, "alliance", &[]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let text = page.to_string();
    assert!(text.contains("泉城红心物业"), "{text}");
    assert!(
        !text.contains(CONTACT_PHONE) && !text.contains("周经理"),
        "{text}"
    );
    assert_eq!(page["streets"], json!([]), "a guest adds no company");
    let own = must(app.call(&staff, "alliance", &[]).await, "alliance")["own"]
        .as_i64()
        .expect("the staff's own company");
    let streets = must(app.call(&street, "alliance", &[]).await, "alliance")["streets"].clone();
    assert_eq!(streets.as_array().unwrap().len(), 1, "{streets}");
    assert_eq!(streets[0][0], STREET);

    // The desk: its own staff and its street see it with the contact;
    // another company's staff, a resident and another street do not.
    let (s, mine) = desk(&app, &staff, own).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["contact_phone"], CONTACT_PHONE);
    assert_eq!(mine["may_keep"], false);
    assert_eq!(mine["staff"], json!([]), "staff lists are for keepers");
    let kept = must(desk(&app, &street, own).await, "the street's desk");
    assert_eq!(kept["may_keep"], true);
    assert!(kept["staff"].to_string().contains("138****0008"), "{kept}");
    assert!(!kept["staff"].to_string().contains("13800000008"), "{kept}");
    for c in [&resident, &other_street] {
        assert_eq!(desk(&app, c, own).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(desk(&app, &guest, own).await.0, StatusCode::UNAUTHORIZED);

    // Adding a company: in one's own street only, and a name once.
    for c in [&resident, &staff] {
        let (s, _) = save(&app, c, form(None, "新泉物业", STREET)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, _) = save(&app, &other_street, form(None, "新泉物业", STREET)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another street's company");
    let (s, body) = save(&app, &street, form(None, "新泉物业", "370103-999")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Street");
    let mut bad = form(None, "新泉物业", STREET);
    bad["contact_phone"] = json!("call me");
    let (s, body) = save(&app, &street, bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Phone");
    let added = must(
        save(&app, &street, form(None, "新泉物业", STREET)).await,
        "add a company",
    );
    let new_id = added["company"]["id"].as_i64().unwrap();
    assert_eq!(added["contact_phone"], "0531-86009999");
    let (s, body) = save(&app, &street, form(None, " 新泉物业 ", STREET)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Name");
    must(
        save(&app, &other_street, form(None, "外街物业", OTHER_STREET)).await,
        "another street adds its own",
    );

    // Editing: the keeping street, not the company itself nor a stranger.
    let mut edit = form(Some(own), "泉城红心物业", STREET);
    edit["contact_name"] = json!("周经理（新）");
    assert_eq!(
        save(&app, &staff, edit.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        save(&app, &other_street, edit.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let mut moved = edit.clone();
    moved["street_code"] = json!(OTHER_STREET);
    assert_eq!(
        save(&app, &street, moved).await.0,
        StatusCode::FORBIDDEN,
        "a street cannot hand its record to a street it does not keep"
    );
    let edited = must(save(&app, &street, edit).await, "edit");
    assert_eq!(edited["contact_name"], "周经理（新）");

    // Compounds: the street of the compound gives it to a company.
    let compound = kept["compounds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["grid_code"] == DEMO_GRID)
        .expect("company 1 manages a compound in the demo grid")["id"]
        .as_i64()
        .unwrap();
    let (s, _) = assign(&app, &staff, new_id, compound, true).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not the staff's company");
    let (s, _) = assign(&app, &staff, own, compound, false).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a company does not give up compounds"
    );
    let theirs = must(app.call(&other_street, "alliance", &[]).await, "alliance");
    let outside = theirs["companies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "外街物业")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, _) = assign(&app, &other_street, outside, compound, true).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a compound of another street");
    let spot = spot_of(&app, own);
    let given = must(
        assign(&app, &street, new_id, compound, true).await,
        "assign",
    );
    assert_eq!(given["compounds"][0]["id"], compound, "{given}");
    let left = must(desk(&app, &street, own).await, "desk");
    assert!(
        !left["compounds"]
            .to_string()
            .contains(&format!("\"id\":{compound},")),
        "{left}"
    );
    // Reports from the compound now go to the new company (the atlas was
    // rebuilt with the change).
    let now_at = app.state.atlas().company_at(DEMO_GRID, spot.0, spot.1);
    assert_eq!(now_at, Some(new_id));
    let back = must(
        assign(&app, &street, own, compound, true).await,
        "give it back",
    );
    assert!(back["compounds"]
        .to_string()
        .contains(&compound.to_string()));

    // Staff accounts of a company: opened by its street.
    let staff_form = |phone: &str| {
        json!({"staff": {"company_id": new_id, "phone": phone, "name": "新泉 客服",
            "password": "Wangge2026!"}})
    };
    let (s, _) = app
        .call_json(&staff, "add_company_staff", staff_form("13912345678"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = app
        .call_json(&street, "add_company_staff", staff_form("0531-1234"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Phone");
    let with_staff = must(
        app.call_json(&street, "add_company_staff", staff_form("13912345678"))
            .await,
        "add staff",
    );
    assert!(with_staff["staff"].to_string().contains("139****5678"));
    let (s, body) = app
        .call_json(&street, "add_company_staff", staff_form("13912345678"))
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::CONFLICT, json!({"code": "phone_taken"}))
    );
    let newcomer = app.client();
    must(
        app.call(
            &newcomer,
            "login",
            &[("phone", "13912345678"), ("password", "Wangge2026!")],
        )
        .await,
        "the new staff signs in",
    );
    must(desk(&app, &newcomer, new_id).await, "its own desk");
    assert_eq!(desk(&app, &newcomer, own).await.0, StatusCode::NOT_FOUND);

    // Every change is in the audit trail.
    let filter = AuditFilter {
        action: Some(AuditAction::CompanyKept),
        ..Default::default()
    };
    let lines = audit_log::page(&app.state.db, None, &filter, None, 20)
        .await
        .unwrap();
    assert_eq!(lines.len(), 5, "two added, one edited, two compound moves");
    let edit_line = lines
        .iter()
        .find(|l| l.detail.starts_with("edited"))
        .expect("the edit's line");
    // The edit sent a shorter name, another branch, contact and phone.
    assert_eq!(
        edit_line.detail, "edited: name, party_org, contact_name, contact_phone",
        "names of fields, never their values"
    );
}

/// A spot in grid `code` inside a compound of `company`.
fn spot_in(app: &TestApp, code: &str, company: i64) -> (f64, f64) {
    let atlas = app.state.atlas();
    let [lat0, lng0, lat1, lng1] = atlas.bbox_of(code).expect("the grid");
    for i in 0..=80 {
        for j in 0..=80 {
            let (lat, lng) = (
                lat0 + (lat1 - lat0) * i as f64 / 80.0,
                lng0 + (lng1 - lng0) * j as f64 / 80.0,
            );
            if atlas.company_at(code, lat, lng) == Some(company) {
                return (lat, lng);
            }
        }
    }
    panic!("no compound of company {company} in {code}")
}

async fn a_keeper_sees_the_tasks_of_its_own_area_only(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let staff = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let street = app.signed_in(phone_of(Role::StreetAdmin)).await;
    let system = app.signed_in(phone_of(Role::SystemAdmin)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let own = must(app.call(&staff, "alliance", &[]).await, "alliance")["own"]
        .as_i64()
        .unwrap();

    // A system admin gives the company (kept by the first street) a
    // compound in the second street.
    let sys_desk = must(desk(&app, &system, own).await, "desk");
    let far = sys_desk["assignable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["grid_code"].as_str().unwrap().starts_with(OTHER_STREET))
        .expect("a compound in the second street")
        .clone();
    let (compound, grid) = (
        far["id"].as_i64().unwrap(),
        far["grid_code"].as_str().unwrap(),
    );
    // The street keeping the record may not give away another street's compound.
    assert_eq!(
        assign(&app, &street, own, compound, true).await.0,
        StatusCode::FORBIDDEN
    );
    must(assign(&app, &system, own, compound, true).await, "assign");
    let grant = Grant::new(Role::GridWorker, Scope::Grid(grid.into())).unwrap();
    let (_, worker) = app.person("第二街道 网格员", &[grant]).await;
    let spot = spot_in(&app, grid, own);
    let case = must(
        report_case(&app, &resident, spot, "外街小区电梯故障", false).await,
        "report",
    );
    let case = must(
        act(&app, &worker, &case, json!("confirm"), json!({})).await,
        "confirm",
    );
    let case = must(
        act(
            &app,
            &worker,
            &case,
            json!({"dispatch": "company"}),
            json!({}),
        )
        .await,
        "dispatch to the company",
    );
    let listed = |d: &Value| {
        d["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["case_id"] == case["id"])
    };
    assert!(
        listed(&must(desk(&app, &staff, own).await, "desk")),
        "its own staff"
    );
    assert!(
        listed(&must(desk(&app, &system, own).await, "desk")),
        "system admin"
    );
    let kept = must(desk(&app, &street, own).await, "desk");
    assert!(
        !listed(&kept),
        "the keeping street does not see a case of another street: {kept}"
    );
    assert!(
        kept["figures"]["open"].as_u64().unwrap() >= 1,
        "the sums still count it"
    );

    // A move only lands from the company it was read with.
    use app::backend::store::alliance as store;
    assert!(
        !store::set_compound_company(&app.state.db, compound, Some(own + 1000), None)
            .await
            .unwrap()
    );
    assert!(
        store::set_compound_company(&app.state.db, compound, Some(own), None)
            .await
            .unwrap()
    );
}

/// Walks a case reported in the company's compound to the company.
async fn dispatched(app: &TestApp, spot: (f64, f64), text: &str) -> Value {
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let case = must(
        report_case(app, &resident, spot, text, false).await,
        "report",
    );
    let case = must(
        act(app, &worker, &case, json!("confirm"), json!({})).await,
        "confirm",
    );
    must(
        act(
            app,
            &worker,
            &case,
            json!({"dispatch": "company"}),
            json!({}),
        )
        .await,
        "dispatch to the company",
    )
}

async fn the_desk_lists_tasks_overdue_first_and_adds_up_results(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let staff = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let own = must(app.call(&staff, "alliance", &[]).await, "alliance")["own"]
        .as_i64()
        .unwrap();
    let before = must(desk(&app, &staff, own).await, "desk")["figures"].clone();
    let spot = spot_of(&app, own);

    // One handled and rated, one open, one open and past its deadline.
    let done = dispatched(&app, spot, "单元门禁损坏").await;
    let done = must(
        act(&app, &staff, &done, json!("accept"), json!({})).await,
        "accept",
    );
    let done = must(
        act(
            &app,
            &staff,
            &done,
            json!("resolve"),
            json!({"note": "已更换门禁"}),
        )
        .await,
        "resolve",
    );
    let done = must(
        act(&app, &worker, &done, json!("feedback"), json!({})).await,
        "feedback",
    );
    let (_, seen) = app
        .call(&resident, "case_detail", &[("id", &done["id"].to_string())])
        .await;
    must(
        act(
            &app,
            &resident,
            &seen,
            json!("evaluate"),
            json!({"rating": 4}),
        )
        .await,
        "evaluate",
    );
    let open = dispatched(&app, spot, "楼道灯不亮").await;
    let late = dispatched(&app, spot, "地下车库积水").await;
    make_overdue(&app, &late).await;

    let after = must(desk(&app, &staff, own).await, "desk");
    let f = &after["figures"];
    let grew = |k: &str| f[k].as_u64().unwrap() - before[k].as_u64().unwrap();
    assert_eq!(grew("tasks"), 3, "{f}");
    assert_eq!(grew("open"), 2, "{f}");
    assert_eq!(grew("overdue"), 1, "{f}");
    assert_eq!(grew("resolved"), 1, "{f}");
    assert_eq!(grew("on_time"), 1, "{f}");
    assert_eq!(grew("rated"), 1, "{f}");
    assert_eq!(
        f["rating_sum"].as_i64().unwrap() - before["rating_sum"].as_i64().unwrap(),
        4
    );
    let ids: Vec<&Value> = after["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["case_id"])
        .collect();
    let at = |case: &Value| ids.iter().position(|i| **i == case["id"]);
    let (late_at, open_at) = (
        at(&late).expect("late listed"),
        at(&open).expect("open listed"),
    );
    assert!(late_at < open_at, "overdue first: {ids:?}");
    assert_eq!(after["tasks"][late_at]["overdue"], true);
    assert!(at(&done).is_none(), "handled tasks leave the list");
    assert_eq!(after["tasks"][open_at]["summary"], "楼道灯不亮");
}

on_both_backends!(
    a_street_keeps_its_companies_and_the_public_sees_no_contact,
    the_desk_lists_tasks_overdue_first_and_adds_up_results,
    a_keeper_sees_the_tasks_of_its_own_area_only,
);
