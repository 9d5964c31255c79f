//! 人房信息 (issue 12 item 5) through the real router: a grid worker keeps
//! households; a worker of another grid sees nothing; ID numbers, phones
//! and care tags stay masked until revealed; every look, reveal, import and
//! export is in the audit log; a sheet with bad rows is refused row by row
//! and leaves nothing behind; a 联户组's leader ticks doors done; a resident
//! sees their own household and asks for a correction.

mod common;

use app::backend::store::audit as audit_log;
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use common::{phone_of, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const GRID: &str = "370103-001-001-01";
const NEXT_DOOR: &str = "370103-001-001-02";
const COMMUNITY: &str = "370103-001-001";

/// A valid ID number (GB 11643 check character) from 17 digits.
fn id_number(first17: &str) -> String {
    let check = app::domain::household::id_check_char(first17).expect("17 digits");
    format!("{first17}{check}")
}

fn household(grid: &str, building: &str, room: &str, members: Value) -> Value {
    json!({
        "id": null,
        "grid": grid,
        "building": building,
        "unit": "1单元",
        "room": room,
        "housing": "rented",
        "care_tags": ["elderly_alone"],
        "members": members,
        "account_phone": "",
    })
}

async fn save(app: &TestApp, c: &reqwest::Client, h: Value) -> (StatusCode, Value) {
    app.call_json(c, "save_household", json!({ "household": h }))
        .await
}

async fn lines(app: &TestApp, action: AuditAction, actor: i64) -> usize {
    let filter = AuditFilter {
        action: Some(action),
        actor_id: Some(actor),
        ..Default::default()
    };
    audit_log::page(&app.state.db, None, &filter, None, 100)
        .await
        .unwrap()
        .len()
}

async fn mark(
    app: &TestApp,
    c: &reqwest::Client,
    task: i64,
    household: i64,
    done: bool,
) -> (StatusCode, Value) {
    app.call(
        c,
        "mark_group_door",
        &[
            ("task_id", &task.to_string()),
            ("household_id", &household.to_string()),
            ("done", if done { "true" } else { "false" }),
        ],
    )
    .await
}

async fn records(app: &TestApp, c: &reqwest::Client, area: &str, q: &str) -> (StatusCode, Value) {
    app.call(c, "household_records", &[("area", area), ("q", q)])
        .await
}

fn door_ids(page: &Value) -> Vec<i64> {
    page["hits"]
        .as_array()
        .map(|a| a.iter().map(|h| h["id"].as_i64().unwrap()).collect())
        .unwrap_or_default()
}

async fn a_worker_keeps_households_masked_until_revealed(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let worker_id = app.user_id(phone_of(Role::GridWorker)).await;
    let idn = id_number("37010319800101123");
    let (s, h) = save(
        &app,
        &worker,
        household(
            GRID,
            "99号楼",
            "302",
            json!([
                {"name": "欧阳测试", "relation": "head", "phone": "13912345678", "id_number": idn},
                {"name": "欧阳小测", "relation": "child", "phone": "", "id_number": ""},
            ]),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    let id = h["id"].as_i64().unwrap();
    // What comes back is masked: phone, ID number, care tags.
    assert_eq!(h["members"][0]["phone"], "139****5678");
    assert_eq!(
        h["members"][0]["id_number"],
        format!("370***********{}", &idn[14..])
    );
    assert_eq!(h["care_tags"], Value::Null);

    // Found by name, by phone and by door within the worker's grid.
    for q in ["欧阳", "13912345678", "99号楼"] {
        let (s, page) = records(&app, &worker, GRID, q).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(door_ids(&page).contains(&id), "{q}: {page}");
    }
    let (_, page) = records(&app, &worker, GRID, "欧阳小").await;
    assert_eq!(page["hits"][0]["matched"], "欧阳小测");
    // Not by the start of a phone: that would complete a masked number.
    let (_, page) = records(&app, &worker, GRID, "1391234").await;
    assert!(!door_ids(&page).contains(&id), "{page}");
    // The same door again is refused, not silently replaced.
    let (s, body) = save(
        &app,
        &worker,
        household(
            GRID,
            "99号楼",
            "302",
            json!([{"name": "冒名", "relation": "head"}]),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");

    // Opening is audited and still masked; a reveal shows everything, audited.
    let before = lines(&app, AuditAction::HouseholdRead, worker_id).await;
    let (s, v) = app
        .call(&worker, "household", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["members"][0]["phone"], "139****5678");
    assert_eq!(v["revealed"], false);
    assert_eq!(
        lines(&app, AuditAction::HouseholdRead, worker_id).await,
        before + 1
    );
    assert_eq!(
        lines(&app, AuditAction::HouseholdRevealed, worker_id).await,
        0
    );
    let (s, full) = app
        .call(&worker, "reveal_household", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::OK, "{full}");
    assert_eq!(full["members"][0]["phone"], "13912345678");
    assert_eq!(full["members"][0]["id_number"], idn);
    assert_eq!(full["care_tags"], json!(["elderly_alone"]));
    // At rest the ID number is sealed: the database holds no trace of it.
    {
        use sea_orm::{ConnectionTrait, Statement};
        let db = &app.state.db;
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT id_number FROM household_members WHERE id_number IS NOT NULL",
            ))
            .await
            .unwrap();
        assert!(!rows.is_empty());
        for r in rows {
            let stored: String = r.try_get("", "id_number").unwrap();
            assert!(stored.starts_with(app::backend::sealed::PREFIX), "{stored}");
            assert!(!stored.contains(&idn[..10]), "{stored}");
        }
    }
    assert_eq!(
        lines(&app, AuditAction::HouseholdRevealed, worker_id).await,
        1
    );

    // An edit that sends the masks back keeps what is stored.
    let mut edit = v.clone();
    let masked_members: Vec<Value> = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            json!({"id": m["id"], "name": m["name"], "relation": m["relation"],
                   "phone": m["phone"].as_str().unwrap_or(""),
                   "id_number": m["id_number"].as_str().unwrap_or("")})
        })
        .collect();
    edit = json!({
        "id": id, "grid": GRID, "building": edit["building"], "unit": edit["unit"],
        "room": edit["room"], "housing": "owner_occupied", "care_tags": null,
        "members": masked_members, "account_phone": "", "updated_at": v["updated_at"],
    });
    let (s, body) = save(&app, &worker, edit.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // The same form again is stale now: refused, nothing undone.
    let (s, body) = save(&app, &worker, edit.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // An altered mask is not "keep": refused.
    let (_, now) = app
        .call(&worker, "household", &[("id", &id.to_string())])
        .await;
    let mut altered = edit.clone();
    altered["updated_at"] = now["updated_at"].clone();
    altered["members"][0]["id"] = now["members"][0]["id"].clone();
    altered["members"][1]["id"] = now["members"][1]["id"].clone();
    altered["members"][0]["phone"] = json!("139****0000");
    let (s, body) = save(&app, &worker, altered).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (_, full) = app
        .call(&worker, "reveal_household", &[("id", &id.to_string())])
        .await;
    assert_eq!(full["housing"], "owner_occupied");
    assert_eq!(full["members"][0]["phone"], "13912345678");
    assert_eq!(full["members"][0]["id_number"], idn);
    assert_eq!(full["care_tags"], json!(["elderly_alone"]));

    // A bad ID number is refused with a readable message.
    let (s, body) = save(
        &app,
        &worker,
        household(
            GRID,
            "99号楼",
            "303",
            json!([{"name": "王五", "relation": "head", "id_number": "370103198001011230"}]),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("NotIdNumber"), "{body}");

    // A worker of the next grid: nothing of this grid, not even by id.
    let (_, other) = app
        .person(
            "邻格网格员",
            &[Grant::new(Role::GridWorker, Scope::Grid(NEXT_DOOR.into())).unwrap()],
        )
        .await;
    let (s, _) = app
        .call(&other, "household", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(&other, "reveal_household", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = records(&app, &other, GRID, "").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, page) = records(&app, &other, NEXT_DOOR, "欧阳").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(door_ids(&page).is_empty(), "{page}");
    // Nor may they write into it.
    let (s, _) = save(
        &app,
        &other,
        household(
            GRID,
            "98号楼",
            "1",
            json!([{"name": "甲", "relation": "head"}]),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Departments, companies, units, party members, residents: nothing.
    for role in [
        Role::Department,
        Role::PropertyCompany,
        Role::UnitAdmin,
        Role::PartyMember,
        Role::Resident,
    ] {
        let c = app.signed_in(phone_of(role)).await;
        let (s, _) = app.call(&c, "household", &[("id", &id.to_string())]).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{role:?}");
        let (s, _) = records(&app, &c, GRID, "").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role:?}");
    }
    // The community sees it; its instructor reads but does not write.
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (_, page) = records(&app, &admin, COMMUNITY, "欧阳").await;
    assert!(door_ids(&page).contains(&id));
    let instructor = app.signed_in(phone_of(Role::Instructor)).await;
    let (s, _) = app
        .call(&instructor, "household", &[("id", &id.to_string())])
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = save(
        &app,
        &instructor,
        household(
            GRID,
            "98号楼",
            "2",
            json!([{"name": "乙", "relation": "head"}]),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn a_group_leader_ticks_doors_and_sees_no_sensitive_field(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let mut ids = Vec::new();
    for room in ["101", "102", "201"] {
        let (s, h) = save(
            &app,
            &worker,
            household(
                GRID,
                "97号楼",
                room,
                json!([{"name": format!("住户{room}"), "relation": "head", "phone": "13700001111", "id_number": id_number("37010319800101123")}]),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{h}");
        ids.push(h["id"].as_i64().unwrap());
    }
    let resident = phone_of(Role::Resident);
    let (s, g) = app
        .call_json(
            &worker,
            "create_household_group",
            json!({"group": {"grid": GRID, "name": "97号楼联户组", "kind": "households",
                   "leader_name": "郑丽", "leader_phone": resident, "households": ids}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["doors"].as_array().unwrap().len(), 3);
    let group = g["id"].as_i64().unwrap();
    // A household is in one group at most.
    let (s, body) = app
        .call_json(
            &worker,
            "create_household_group",
            json!({"group": {"grid": GRID, "name": "重复", "kind": "households",
                   "leader_name": "某", "leader_phone": "13700002222", "households": [ids[0]]}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");

    let (s, g) = app
        .call_json(
            &worker,
            "push_group_task",
            json!({"task": {"group_id": group, "title": "防诈骗入户宣传", "body": "每户发放宣传单", "due_on": null}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let task = g["tasks"][0]["id"].as_i64().unwrap();

    // The leader (a resident) sees their group: doors and names, ticks one.
    let leader = app.signed_in(resident).await;
    let (s, mine) = app.call(&leader, "own_household", &[]).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    let led = mine["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "97号楼联户组")
        .cloned()
        .expect("the group the resident leads");
    let led = &led;
    assert_eq!(led["name"], "97号楼联户组");
    assert_eq!(led["doors"][0]["head"], "住户101");
    assert!(!led.to_string().contains("37010319800101123"), "{led}");
    assert!(!led.to_string().contains("13700001111"), "{led}");
    let (s, g) = mark(&app, &leader, task, ids[1], true).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["tasks"][0]["done"], json!([ids[1]]));
    // The leader cannot push tasks; a stranger cannot tick.
    let (s, _) = app
        .call_json(
            &leader,
            "push_group_task",
            json!({"task": {"group_id": group, "title": "x", "body": "", "due_on": null}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let member = app.signed_in(phone_of(Role::PartyMember)).await;
    let (s, _) = mark(&app, &member, task, ids[0], true).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Staff see the tick; unticking works.
    let (s, g) = mark(&app, &worker, task, ids[1], false).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["tasks"][0]["done"], json!([]));
}

async fn a_resident_sees_their_household_and_asks_for_a_correction(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (resident_id, resident) = app
        .person(
            "居民甲",
            &[Grant::new(Role::Resident, Scope::None).unwrap()],
        )
        .await;
    let phone = app::backend::store::accounts::user_by_id(&app.state.db, resident_id)
        .await
        .unwrap()
        .unwrap()
        .phone;
    let idn = id_number("37010319900202456");
    let mut h = household(
        GRID,
        "96号楼",
        "501",
        json!([{"name": "居民甲", "relation": "head", "phone": phone, "id_number": idn}]),
    );
    h["account_phone"] = json!(phone);
    let (s, body) = save(&app, &worker, h).await;
    assert_eq!(s, StatusCode::OK, "{body}");

    let (s, mine) = app.call(&resident, "own_household", &[]).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["household"]["room"], "501");
    assert!(!mine.to_string().contains(&idn), "ID masked: {mine}");
    let hid = body["id"].as_i64().unwrap();
    // Edited with the account shown masked: the link stays.
    let (_, v) = app
        .call(&worker, "household", &[("id", &hid.to_string())])
        .await;
    let masked_account = v["account"].as_str().unwrap().to_string();
    assert!(masked_account.contains('*'), "{v}");
    let edit = json!({
        "id": hid, "grid": GRID, "building": "96号楼", "unit": "1单元", "room": "501",
        "housing": "rented", "care_tags": null,
        "members": [{"id": v["members"][0]["id"], "name": "居民甲", "relation": "head",
                     "phone": v["members"][0]["phone"], "id_number": v["members"][0]["id_number"]}],
        "account_phone": masked_account, "updated_at": v["updated_at"],
    });
    let (s, body2) = save(&app, &worker, edit).await;
    assert_eq!(s, StatusCode::OK, "{body2}");
    let (_, mine) = app.call(&resident, "own_household", &[]).await;
    assert_eq!(mine["household"]["housing"], "rented");
    // A staff account cannot be linked to a household; nor one account to two.
    let mut h2 = household(
        GRID,
        "96号楼",
        "502",
        json!([{"name": "某", "relation": "head"}]),
    );
    h2["account_phone"] = json!(phone_of(Role::GridLeader));
    let (s, _) = save(&app, &worker, h2.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    h2["account_phone"] = json!(phone);
    let (s, _) = save(&app, &worker, h2).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Another resident sees no household of theirs.
    let (_, other) = app
        .person(
            "居民乙",
            &[Grant::new(Role::Resident, Scope::None).unwrap()],
        )
        .await;
    let (_, theirs) = app.call(&other, "own_household", &[]).await;
    assert_eq!(theirs["household"], Value::Null);

    let (s, mine) = app
        .call(
            &resident,
            "ask_correction",
            &[("text", "我家已搬入一名老人，请添加")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["corrections"][0]["done"], false);
    let (_, page) = records(&app, &worker, GRID, "").await;
    let c = page["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"] == "我家已搬入一名老人，请添加")
        .cloned()
        .expect("the worker sees the request");
    assert_eq!(c["door"], "96号楼1单元501");
    let (s, body) = app
        .call(&worker, "close_correction", &[("id", &c["id"].to_string())])
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, mine) = app.call(&resident, "own_household", &[]).await;
    assert_eq!(mine["corrections"][0]["done"], true);
    // A resident cannot close requests.
    let (s, _) = app
        .call(
            &resident,
            "close_correction",
            &[("id", &c["id"].to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// An XLSX of `rows` under the template's header.
fn sheet(rows: &[[&str; 11]]) -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in app::domain::household::SHEET_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

async fn import(app: &TestApp, c: &reqwest::Client, area: &str, bytes: Vec<u8>) -> Value {
    let res = c
        .post(app.url(&format!("/api/v1/households/import?area={area}")))
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let mut job: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    for _ in 0..600 {
        if ["done", "refused", "failed"].contains(&job["stage"].as_str().unwrap_or("")) {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (s, j) = app.call(c, "import_progress", &[("id", &id)]).await;
        assert_eq!(s, StatusCode::OK, "{j}");
        job = j;
    }
    panic!("import did not finish: {job}");
}

async fn a_sheet_with_bad_rows_is_refused_row_by_row_and_leaves_nothing(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let worker_id = app.user_id(phone_of(Role::GridWorker)).await;
    let good_id = id_number("37010319700303789");
    let (_, before) = records(&app, &worker, GRID, "").await;
    let total = before["total"].as_u64().unwrap();

    let bad = sheet(&[
        [
            GRID,
            "80号楼",
            "1单元",
            "101",
            "自住",
            "独居老人",
            "赵一",
            "户主",
            "13800138000",
            good_id.as_str(),
            "",
        ],
        [
            GRID, "80号楼", "1单元", "101", "", "", "赵二", "表亲", "", "", "",
        ],
        [
            GRID, "80号楼", "1单元", "102", "借住", "", "钱三", "户主", "", "", "",
        ],
        [
            NEXT_DOOR, "80号楼", "1单元", "103", "自住", "", "孙四", "户主", "", "", "",
        ],
        [
            GRID, "80号楼", "1单元", "104", "自住", "", "李五", "户主", "", "123456", "",
        ],
    ]);
    let job = import(&app, &worker, GRID, bad).await;
    assert_eq!(job["stage"], "refused", "{job}");
    let rows: Vec<(u64, String)> = job["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (3, "Relation".into()),
            (4, "Housing".into()),
            (5, "Place".into()),
            (6, "IdNumber".into()),
        ],
        "{job}"
    );
    let (_, after) = records(&app, &worker, GRID, "").await;
    assert_eq!(after["total"].as_u64().unwrap(), total, "nothing written");
    assert_eq!(
        lines(&app, AuditAction::HouseholdsImported, worker_id).await,
        0
    );

    // A stray cell a million rows down is refused as the sheet is read
    // (its used range would be billions of cells), not unpacked.
    let far = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "网格编码").unwrap();
        ws.write_string(1_048_000, 16_000, "x").unwrap();
        ws.write_string(1_048_000, 3, "x").unwrap();
        book.save_to_buffer().unwrap()
    };
    let job = import(&app, &worker, GRID, far).await;
    assert_eq!(job["stage"], "refused", "{job}");
    assert_eq!(job["problems"][0]["problem"], "TooMany", "{job}");

    // The template reads back: its example grid is not the worker's.
    let res = worker
        .get(app.url("/api/v1/households/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let template = res.bytes().await.unwrap().to_vec();
    let job = import(&app, &worker, GRID, template).await;
    assert_eq!(job["stage"], "refused", "{job}");
    assert_eq!(job["problems"][0]["row"], 2);
    assert_eq!(job["problems"][0]["field"], "Place");

    // A good sheet: two households, three people; audited.
    let good = sheet(&[
        [
            GRID,
            "80号楼",
            "1单元",
            "101",
            "自住",
            "独居老人、低保",
            "赵一",
            "户主",
            "13800138000",
            good_id.as_str(),
            "",
        ],
        [
            GRID, "80号楼", "1单元", "101", "", "", "赵二", "配偶", "", "", "",
        ],
        [
            GRID, "80号楼", "1单元", "102", "出租", "", "钱三", "租户", "", "", "",
        ],
    ]);
    let job = import(&app, &worker, GRID, good).await;
    assert_eq!(job["stage"], "done", "{job}");
    assert_eq!(job["households"], 2);
    assert_eq!(job["members"], 3);
    let (_, after) = records(&app, &worker, GRID, "").await;
    assert_eq!(after["total"].as_u64().unwrap(), total + 2);
    let (_, found) = records(&app, &worker, GRID, "80号楼").await;
    assert_eq!(door_ids(&found).len(), 2, "{found}");
    assert_eq!(found["total"], Value::Null, "a search does not count");
    assert_eq!(
        lines(&app, AuditAction::HouseholdsImported, worker_id).await,
        1
    );

    // Another grid's worker cannot import into this grid.
    let (_, other) = app
        .person(
            "邻格网格员",
            &[Grant::new(Role::GridWorker, Scope::Grid(NEXT_DOOR.into())).unwrap()],
        )
        .await;
    let res = other
        .post(app.url(&format!("/api/v1/households/import?area={GRID}")))
        .body(sheet(&[]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The export is audited and carries masks only.
    let (s, job) = app
        .call_json(
            &worker,
            "start_export",
            json!({"ask": {"kind": "households", "format": "csv", "filters": {"area": GRID}}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{job}");
    assert_eq!(lines(&app, AuditAction::Exported, worker_id).await, 1);
    let url = job["url"]
        .as_str()
        .expect("a small export is ready")
        .to_string();
    let csv = worker
        .get(app.url(&url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("赵一"), "{csv}");
    assert!(csv.contains("138****8000"), "{csv}");
    assert!(!csv.contains(&good_id), "{csv}");
    assert!(!csv.contains("独居老人"), "{csv}");
}

on_both_backends!(
    a_worker_keeps_households_masked_until_revealed,
    a_group_leader_ticks_doors_and_sees_no_sensitive_field,
    a_resident_sees_their_household_and_asks_for_a_correction,
    a_sheet_with_bad_rows_is_refused_row_by_row_and_leaves_nothing,
);

/// The demo: households in the demo grid, the demo resident's own home and
/// the two 联户组, one led by the demo resident with a task half done.
async fn the_demo_has_households_and_two_groups(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, mine) = app.call(&resident, "own_household", &[]).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["household"]["building"], "1号楼");
    assert_eq!(mine["groups"][0]["doors"].as_array().unwrap().len(), 12);
    assert_eq!(
        mine["groups"][0]["tasks"][0]["done"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (s, page) = records(&app, &admin, COMMUNITY, "").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 72);
    assert_eq!(page["groups"].as_array().unwrap().len(), 2);
}

on_both_backends!(the_demo_has_households_and_two_groups);

/// A patrol's household visit names a household of the patrol's own grid,
/// never another grid's.
async fn a_patrol_visit_links_a_household_of_its_grid(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let (s, own) = save(
        &app,
        &worker,
        household(
            GRID,
            "95号楼",
            "101",
            json!([{"name": "走访对象", "relation": "head"}]),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{own}");
    let (s, other) = save(
        &app,
        &admin,
        household(
            NEXT_DOOR,
            "95号楼",
            "101",
            json!([{"name": "邻格住户", "relation": "head"}]),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{other}");
    let (s, p) = app.call(&worker, "start_patrol", &[]).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let visit = |household: &Value| {
        json!({"visit": {"patrol_id": p["id"], "kind": "household", "subject": "95号楼1单元101",
            "note": "", "lat": 36.6372, "lng": 117.0135, "household_id": household["id"]}})
    };
    let (s, body) = app.call_json(&worker, "log_visit", visit(&other)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (s, body) = app.call_json(&worker, "log_visit", visit(&own)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["visits"][0]["household_id"], own["id"]);
}

on_both_backends!(a_patrol_visit_links_a_household_of_its_grid);

/// A database from before sealing (ID numbers in clear) is sealed when a
/// server starts on it, and the records read the same.
async fn id_numbers_stored_in_clear_are_sealed_at_start(backend: Backend) {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::demo(backend).await;
    let clear = "11010519491231002X";
    let db = &app.state.db;
    let sql = |s: &str| Statement::from_string(db.get_database_backend(), s.to_string());
    db.execute_raw(sql(&format!(
        "UPDATE household_members SET id_number = '{clear}' WHERE id = (SELECT MIN(id) FROM household_members)"
    )))
    .await
    .unwrap();
    // As a database from before sealing: no record of the one-time pass.
    db.execute_raw(sql("DELETE FROM meta WHERE key = 'ids_sealed'"))
        .await
        .unwrap();
    // A second server on the same database (an upgrade, a restart).
    let again = TestApp::at(app.database_url.clone()).await;
    let rows = again
        .state
        .db
        .query_all_raw(sql(
            "SELECT id_number FROM household_members WHERE id_number IS NOT NULL",
        ))
        .await
        .unwrap();
    assert!(!rows.is_empty());
    for r in &rows {
        let stored: String = r.try_get("", "id_number").unwrap();
        assert!(stored.starts_with(app::backend::sealed::PREFIX), "{stored}");
    }
    // And it reads back as it was.
    let row = again
        .state
        .db
        .query_one_raw(sql(
            "SELECT household_id FROM household_members WHERE id = (SELECT MIN(id) FROM household_members)",
        ))
        .await
        .unwrap()
        .unwrap();
    let household: i64 = row.try_get("", "household_id").unwrap();
    let (_, members) = app::backend::store::households::by_id(&again.state.db, household)
        .await
        .unwrap()
        .unwrap();
    assert!(
        members
            .iter()
            .any(|m| m.id_number.as_deref() == Some(clear)),
        "{members:?}"
    );
}

on_both_backends!(id_numbers_stored_in_clear_are_sealed_at_start);
