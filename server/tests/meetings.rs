//! Issue 11: joint meetings (物业联席会) through the real router on SQLite
//! and PostgreSQL — the community convenes and records a meeting with a
//! case on its agenda; each owner sees only its own resolutions (and a
//! company only the meetings that concern it); progress lands once over
//! the version read; an overdue resolution is flagged once.

mod common;

use app::backend::services::meetings as service;
use app::backend::store::audit as audit_log;
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use app::domain::deadline::china_date;
use common::{phone_of, report_case, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// The middle of the demo grid (community `370103-001-001`).
const HOME: (f64, f64) = (36.6372, 117.0135);
const COMMUNITY: &str = "370103-001-001";
const OTHER_COMMUNITY: &str = "370103-002-001";
/// The community's own resolution: for the community side only.
const COMMUNITY_TEXT: &str = "MX社区牵头协调充电棚选址";
const COMPANY_TEXT: &str = "泉城红心物业两周内完成消防通道划线";
const OTHER_TEXT: &str = "舜华物业更换地库排水泵";

fn must(answer: (StatusCode, Value), what: &str) -> Value {
    assert_eq!(answer.0, StatusCode::OK, "{what}: {}", answer.1);
    answer.1
}

fn today() -> chrono::NaiveDate {
    china_date(chrono::Utc::now())
}

fn meeting_form(id: Option<i64>, version: i64, agenda: Value, companies: Value) -> Value {
    json!({"meeting": {
        "id": id, "version": version, "community_code": COMMUNITY,
        "title": "第四季度物业联席会", "starts_at": chrono::Utc::now(), "place": "兴隆社区党群服务中心",
        "compounds": [], "companies": companies, "committee": "兴隆小区业委会",
        "representatives": "楼栋长代表", "agenda": agenda, "minutes": "",
        "present": [], "committee_present": true, "representatives_present": 6
    }})
}

async fn resolution(
    app: &TestApp,
    c: &Client,
    meeting: i64,
    text: &str,
    owner: Value,
    case: Option<i64>,
) -> (StatusCode, Value) {
    app.call_json(
        c,
        "keep_resolution",
        json!({"resolution": {"id": null, "meeting_id": meeting, "version": 0, "text": text,
            "owner": owner, "due_on": today() + chrono::Duration::days(14), "case_id": case, "dropped": false}}),
    )
    .await
}

async fn meeting(app: &TestApp, c: &Client, id: i64) -> (StatusCode, Value) {
    app.call(c, "joint_meeting", &[("id", &id.to_string())])
        .await
}

fn texts(view: &Value) -> Vec<String> {
    view["resolutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
}

/// The field a refused input names.
fn field_of(answer: &(StatusCode, Value)) -> String {
    assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{}", answer.1);
    answer.1["field"].as_str().unwrap_or_default().to_string()
}

/// A meeting of the demo community with a resident's case and a free item
/// on its agenda, companies 1 and 2 invited; resolutions for company 1 (on
/// the case), company 2 and the community.
struct Setup {
    id: i64,
    case: i64,
    company: i64,
    other: i64,
}

async fn convene(app: &TestApp, ca: &Client) -> Setup {
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let case = must(
        report_case(app, &resident, HOME, "消防通道被私家车长期占用", false).await,
        "report",
    )["id"]
        .as_i64()
        .unwrap();
    let agenda = json!([
        {"kind": "case", "ref_id": case, "title": ""},
        {"kind": "free", "ref_id": null, "title": "电动车充电棚选址"},
    ]);
    let view = must(
        app.call_json(
            ca,
            "save_joint_meeting",
            meeting_form(None, 0, agenda, json!([1, 2])),
        )
        .await,
        "convene",
    );
    // The server names the case item by category and number, never by
    // the reporter's words (companies read the agenda).
    let item = view["agenda"][0]["title"].as_str().unwrap();
    assert!(item.ends_with(&format!("#{case}")), "{view}");
    assert!(
        !view["agenda"].to_string().contains("消防通道被私家车"),
        "{view}"
    );
    assert_eq!(view["may_keep"], true);
    let id = view["id"].as_i64().unwrap();
    let company = json!({"kind": "company", "reference": "1"});
    let other = json!({"kind": "company", "reference": "2"});
    let community = json!({"kind": "community", "reference": COMMUNITY});
    must(
        resolution(app, ca, id, COMPANY_TEXT, company, Some(case)).await,
        "company 1's resolution",
    );
    must(
        resolution(app, ca, id, OTHER_TEXT, other, None).await,
        "company 2's resolution",
    );
    let all = must(
        resolution(app, ca, id, COMMUNITY_TEXT, community, None).await,
        "the community's resolution",
    );
    assert_eq!(texts(&all).len(), 3, "{all}");
    let company = all["resolutions"][0]["id"].as_i64().unwrap();
    let other = all["resolutions"][1]["id"].as_i64().unwrap();
    Setup {
        id,
        case,
        company,
        other,
    }
}

async fn each_owner_sees_only_its_own_resolutions(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let staff = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let grant = |r, s| Grant::new(r, s).unwrap();
    let (_, second) = app
        .person(
            "舜华物业 客服",
            &[grant(Role::PropertyCompany, Scope::Company(2))],
        )
        .await;
    let (_, stranger) = app
        .person(
            "别家物业 客服",
            &[grant(Role::PropertyCompany, Scope::Company(999))],
        )
        .await;
    let (_, elsewhere) = app
        .person(
            "别的社区 书记",
            &[grant(
                Role::CommunityAdmin,
                Scope::Community(OTHER_COMMUNITY.into()),
            )],
        )
        .await;
    let s = convene(&app, &ca).await;

    // The community reads every resolution; each invited company its own
    // only.
    let whole = must(meeting(&app, &ca, s.id).await, "the community's view");
    assert_eq!(texts(&whole), [COMPANY_TEXT, OTHER_TEXT, COMMUNITY_TEXT]);
    let own = must(meeting(&app, &staff, s.id).await, "company 1's view");
    assert_eq!(texts(&own), [COMPANY_TEXT]);
    assert_eq!(own["may_keep"], false);
    assert!(own["choices"].is_null(), "{own}");
    let text = own.to_string();
    assert!(
        !text.contains(OTHER_TEXT) && !text.contains(COMMUNITY_TEXT),
        "{text}"
    );
    let theirs = must(meeting(&app, &second, s.id).await, "company 2's view");
    assert_eq!(texts(&theirs), [OTHER_TEXT]);
    for c in [&stranger, &resident, &elsewhere] {
        assert_eq!(meeting(&app, c, s.id).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        meeting(&app, &app.client(), s.id).await.0,
        StatusCode::UNAUTHORIZED
    );

    // The lists say the same.
    let list = |c: &Client| {
        let c = c.clone();
        let app = &app;
        async move { must(app.call(&c, "joint_meetings", &[]).await, "list") }
    };
    let mine = list(&staff).await;
    assert_eq!(mine["meetings"][0]["id"], s.id);
    assert_eq!(texts(&mine), [COMPANY_TEXT]);
    assert_eq!(mine["communities"], json!([]), "a company convenes nothing");
    for c in [&stranger, &resident, &elsewhere] {
        let v = list(c).await;
        assert_eq!(v["meetings"], json!([]), "{v}");
        assert_eq!(v["resolutions"], json!([]), "{v}");
    }
    let community_list = list(&ca).await;
    assert_eq!(community_list["communities"][0][0], COMMUNITY);
    assert_eq!(texts(&community_list).len(), 3);

    // Only the community keeps the meeting and writes resolutions.
    let edit = meeting_form(
        Some(s.id),
        whole["version"].as_i64().unwrap(),
        json!([]),
        json!([1]),
    );
    for c in [&staff, &second] {
        let (status, _) = app.call_json(c, "save_joint_meeting", edit.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let owner = json!({"kind": "company", "reference": "1"});
        let (status, _) = resolution(&app, c, s.id, "自己给自己定的决议", owner, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    for c in [&stranger, &elsewhere] {
        let (status, _) = app.call_json(c, "save_joint_meeting", edit.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = app
        .call_json(
            &elsewhere,
            "save_joint_meeting",
            meeting_form(None, 0, json!([]), json!([])),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another community's admin");

    // The case page says the meeting took the case up, to those it concerns.
    let seen = must(
        app.call(&ca, "case_detail", &[("id", &s.case.to_string())])
            .await,
        "case",
    );
    assert_eq!(seen["joint_meeting"], s.id);
    let reporter = must(
        app.call(&resident, "case_detail", &[("id", &s.case.to_string())])
            .await,
        "case",
    );
    assert!(reporter["joint_meeting"].is_null(), "{reporter}");

    // A company's desk is its own.
    let (status, _) = app.call(&second, "company_desk", &[("id", "1")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Progress: the owner reports over the version read; a second report
    // on the same version is refused; another company cannot report.
    let r = &own["resolutions"][0];
    let report = |version: i64, progress: u8| json!({"progress": {"resolution_id": s.company, "version": version, "progress": progress, "note": "已完成一半划线"}});
    let version = r["version"].as_i64().unwrap();
    let (a, b) = tokio::join!(
        app.call_json(&staff, "report_resolution", report(version, 50)),
        app.call_json(&ca, "report_resolution", report(version, 60)),
    );
    let codes = [a.0, b.0];
    assert!(
        codes.contains(&StatusCode::OK) && codes.contains(&StatusCode::CONFLICT),
        "{codes:?}"
    );
    let (status, _) = app
        .call_json(&second, "report_resolution", report(version + 1, 70))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "company 2 owns another one");
    let after = must(meeting(&app, &ca, s.id).await, "after the report");
    let line = &after["resolutions"][0];
    assert!(
        [50, 60].contains(&line["progress"].as_u64().unwrap()),
        "{line}"
    );
    assert_eq!(line["status"], "in_progress");
    assert_eq!(line["updates"].as_array().unwrap().len(), 1);
    let done = must(
        app.call_json(
            &staff,
            "report_resolution",
            report(line["version"].as_i64().unwrap(), 100),
        )
        .await,
        "done",
    );
    assert_eq!(done["resolutions"][0]["status"], "done");
    let (status, bad) = app
        .call_json(&ca, "report_resolution", report(99, 101))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    // Done, the owner cannot take it back; the community can reopen it.
    let version = done["resolutions"][0]["version"].as_i64().unwrap();
    let (status, _) = app
        .call_json(&staff, "report_resolution", report(version, 80))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "an owner does not reopen");
    let reopened = must(
        app.call_json(&ca, "report_resolution", report(version, 80))
            .await,
        "the community reopens",
    );
    assert_eq!(reopened["resolutions"][0]["status"], "in_progress");

    // Withdrawn resolutions take no more progress.
    let other = &whole["resolutions"][1];
    let drop = json!({"resolution": {"id": s.other, "meeting_id": s.id, "version": other["version"],
        "text": OTHER_TEXT, "owner": other["owner"], "due_on": other["due_on"], "case_id": null, "dropped": true}});
    let dropped = must(
        app.call_json(&ca, "keep_resolution", drop).await,
        "withdraw",
    );
    assert_eq!(dropped["resolutions"][1]["status"], "dropped");
    let (status, _) = app
        .call_json(
            &second,
            "report_resolution",
            json!({"progress": {"resolution_id": s.other, "version": other["version"].as_i64().unwrap() + 1, "progress": 10, "note": ""}}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Every step is in the audit log.
    let filter = AuditFilter {
        action: Some(AuditAction::MeetingKept),
        ..Default::default()
    };
    let lines = audit_log::page(&app.state.db, None, &filter, None, 100)
        .await
        .unwrap();
    assert!(lines.len() >= 7, "{}", lines.len());
}

async fn a_meeting_refuses_what_it_cannot_hold(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let s = convene(&app, &ca).await;
    let owner = json!({"kind": "company", "reference": "1"});
    // A resolution due yesterday, owned by a company that does not exist,
    // about a case the meeting did not take up.
    let mut late = resolution(&app, &ca, s.id, "补划停车位", owner.clone(), None).await;
    assert_eq!(late.0, StatusCode::OK);
    late = app
        .call_json(
            &ca,
            "keep_resolution",
            json!({"resolution": {"id": null, "meeting_id": s.id, "version": 0, "text": "补划停车位",
                "owner": owner, "due_on": today() - chrono::Duration::days(1), "case_id": null, "dropped": false}}),
        )
        .await;
    assert!(field_of(&late) == "Due", "{}", late.1);
    let nobody = json!({"kind": "company", "reference": "999"});
    let unknown = resolution(&app, &ca, s.id, "无主决议", nobody, None).await;
    assert!(field_of(&unknown) == "Owner", "{}", unknown.1);
    // A company carries out only what it was invited to decide.
    let absent = json!({"kind": "company", "reference": "3"});
    let refused = resolution(&app, &ca, s.id, "未参会物业的决议", absent, None).await;
    assert!(field_of(&refused) == "Owner", "{}", refused.1);
    let off = resolution(
        &app,
        &ca,
        s.id,
        "议程外事件",
        owner.clone(),
        Some(s.case + 1000),
    )
    .await;
    assert!(field_of(&off) == "LinkedCase", "{}", off.1);
    // A case of another community cannot go onto the agenda; an empty
    // title and an unknown company are named.
    let far = app.signed_in(phone_of(Role::Resident)).await;
    let spot = app
        .state
        .atlas()
        .spot_in("370103-002-001-01", (0.5, 0.5))
        .expect("a grid of the other community");
    let case = must(
        report_case(&app, &far, spot, "别的社区的事件", false).await,
        "report",
    )["id"]
        .as_i64()
        .unwrap();
    let agenda = json!([{"kind": "case", "ref_id": case, "title": ""}]);
    let refused = app
        .call_json(
            &ca,
            "save_joint_meeting",
            meeting_form(None, 0, agenda, json!([])),
        )
        .await;
    assert_eq!(field_of(&refused), "Agenda", "{}", refused.1);
    let mut blank = meeting_form(None, 0, json!([]), json!([999]));
    blank["meeting"]["title"] = json!(" ");
    let refused = app
        .call_json(&ca, "save_joint_meeting", blank.clone())
        .await;
    assert!(field_of(&refused) == "Title", "{}", refused.1);
    blank["meeting"]["title"] = json!("临时联席会");
    let refused = app.call_json(&ca, "save_joint_meeting", blank).await;
    assert!(field_of(&refused) == "Company", "{}", refused.1);

    // Two keepers recording at once: one lands, the other is told.
    let view = must(meeting(&app, &ca, s.id).await, "meeting");
    let version = view["version"].as_i64().unwrap();
    let mut a = meeting_form(Some(s.id), version, view["agenda"].clone(), json!([1, 2]));
    a["meeting"]["minutes"] = json!("会议商定：物业两周内完成划线。");
    let mut b = a.clone();
    b["meeting"]["present"] = json!([1]);
    let (x, y) = tokio::join!(
        app.call_json(&ca, "save_joint_meeting", a),
        app.call_json(&ca, "save_joint_meeting", b),
    );
    let codes = [x.0, y.0];
    assert!(
        codes.contains(&StatusCode::OK) && codes.contains(&StatusCode::CONFLICT),
        "{codes:?}"
    );
    let now = must(meeting(&app, &ca, s.id).await, "recorded");
    assert_eq!(now["minutes"], "会议商定：物业两周内完成划线。");
    assert_eq!(now["companies"].as_array().unwrap().len(), 2);
    // Recording the meeting again tells nobody again: company 1's staff
    // were told once, at convening.
    let staff = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let notices = must(app.call(&staff, "my_notices", &[]).await, "notices");
    let invited = notices
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "meeting" && n["event"] == "invited")
        .count();
    assert_eq!(invited, 1, "{notices}");
}

async fn an_overdue_resolution_is_flagged_once(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let staff = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let s = convene(&app, &ca).await;
    let count = |notices: &Value| {
        notices
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "meeting" && n["event"] == "resolution_overdue")
            .count()
    };
    // Due in 14 days: nothing yet.
    assert_eq!(service::flag_overdue(&app.state, today()).await.unwrap(), 0);
    // Three weeks on, two sweeps at once and one later: each of the open
    // resolutions is flagged once, and its owner and the community told once.
    let later = today() + chrono::Duration::days(21);
    let (a, b) = tokio::join!(
        service::flag_overdue(&app.state, later),
        service::flag_overdue(&app.state, later),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 3);
    assert_eq!(service::flag_overdue(&app.state, later).await.unwrap(), 0);
    let told = must(app.call(&staff, "my_notices", &[]).await, "notices");
    assert_eq!(count(&told), 1, "company 1 owns one: {told}");
    let told = must(app.call(&ca, "my_notices", &[]).await, "notices");
    assert_eq!(count(&told), 3, "the community hears of each: {told}");
    // The list flags it overdue first for its owner.
    let list = must(app.call(&staff, "joint_meetings", &[]).await, "list");
    assert_eq!(list["resolutions"][0]["id"], s.company);
    // A done resolution is never flagged again; the others stay flagged once.
    let view = must(meeting(&app, &staff, s.id).await, "meeting");
    let version = view["resolutions"][0]["version"].as_i64().unwrap();
    must(
        app.call_json(
            &staff,
            "report_resolution",
            json!({"progress": {"resolution_id": s.company, "version": version, "progress": 100, "note": "划线完成"}}),
        )
        .await,
        "done",
    );
    let much_later = later + chrono::Duration::days(30);
    assert_eq!(
        service::flag_overdue(&app.state, much_later).await.unwrap(),
        0
    );
}

/// A first `make run` shows a held meeting with resolutions in every state
/// and the next one on the calendar (the demo with its cases).
async fn the_demo_shows_meetings_and_resolutions(backend: Backend) {
    let app = TestApp::empty(backend).await;
    assert!(app::backend::demo::seed_if_empty(&app.state.db, 60)
        .await
        .unwrap());
    app.state.refresh_atlas().await.unwrap();
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let list = must(app.call(&ca, "joint_meetings", &[]).await, "list");
    assert_eq!(list["meetings"].as_array().unwrap().len(), 2, "{list}");
    let open = list["resolutions"].as_array().unwrap();
    assert_eq!(open.len(), 3, "{list}");
    assert_eq!(open[0]["overdue"], true, "overdue first: {list}");
    let held = list["meetings"][1]["id"].as_i64().unwrap();
    let view = must(meeting(&app, &ca, held).await, "the held meeting");
    let states: Vec<&str> = view["resolutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["in_progress", "in_progress", "open", "done"]);
    assert_eq!(view["agenda"][0]["kind"], "case", "{view}");
    assert!(!view["minutes"].as_str().unwrap().is_empty());
    let staff = app.signed_in(phone_of(Role::PropertyCompany)).await;
    let own = must(meeting(&app, &staff, held).await, "the company's view");
    assert_eq!(texts(&own).len(), 1, "{own}");
    // The overdue one is flagged once.
    assert_eq!(service::flag_overdue(&app.state, today()).await.unwrap(), 1);
    assert_eq!(service::flag_overdue(&app.state, today()).await.unwrap(), 0);
}

on_both_backends!(
    each_owner_sees_only_its_own_resolutions,
    the_demo_shows_meetings_and_resolutions,
    a_meeting_refuses_what_it_cannot_hold,
    an_overdue_resolution_is_flagged_once,
);
