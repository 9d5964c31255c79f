//! Importing household records from an XLSX sheet (人房信息导入): the
//! template to fill in, then a job that reads the sheet, checks every row
//! and writes all of it in one transaction, or nothing when any row is bad
//! (each bad row named with its number). The page follows the job's stage
//! and counts. Jobs live in this server's memory for an hour (a cluster
//! routes a job's polls to its server, or keeps jobs in the database:
//! issue 13).

use super::audit::{record, Target};
use super::auth::Viewer;
use crate::backend::state::AppState;
use crate::backend::store::{
    accounts,
    households::{self as db, Area, Codes, NewHousehold, SaveError},
};
use crate::domain::audit::AuditAction;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::Level;
use crate::domain::household::{
    self as rule, read_row, CareTag, Housing, ImportStage, ImportStatus, Relation, RowProblem,
    SheetRow, SHEET_COLUMNS,
};
use crate::domain::policy;
use chrono::Utc;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The largest sheet accepted, as uploaded.
pub const MAX_SHEET_BYTES: usize = 20 * 1024 * 1024;
/// The most a sheet may inflate to (its parts' declared sizes), so a small
/// file cannot unpack into gigabytes (100,000 rows take about 40 MB).
const MAX_INFLATED_BYTES: u64 = 128 * 1024 * 1024;
/// Columns read; cells further right are ignored (a note beside the table).
const MAX_COLUMNS: u32 = 30;

/// One import writes at a time on this server: a sheet is one transaction,
/// and SQLite has one writer (others wait for it).
static WRITING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
/// How long a finished job's outcome can still be read.
const KEEP: Duration = Duration::from_secs(3600);

/// One import, running or finished.
pub struct ImportJob {
    user: i64,
    created: Instant,
    status: Mutex<ImportStatus>,
}

impl ImportJob {
    fn status(&self) -> ImportStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn update(&self, f: impl FnOnce(&mut ImportStatus)) {
        f(&mut self.status.lock().unwrap_or_else(|p| p.into_inner()));
    }
}

/// The imports of this server, by id.
pub type Jobs = Mutex<HashMap<String, Arc<ImportJob>>>;

/// The template: the header row, one example household, text cells for
/// phones and ID numbers (a number cell would lose an ID's last digits),
/// and a second sheet with the allowed values.
pub fn template() -> Result<Vec<u8>, AppError> {
    use crate::domain::lang::Lang;
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| super::internal(e);
    let mut book = Workbook::new();
    let text = Format::new().set_num_format("@");
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name("人房信息").map_err(e)?;
    for (c, h) in SHEET_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(e)?;
        ws.set_column_width(c as u16, 14).map_err(e)?;
        ws.set_column_format(c as u16, &text).map_err(e)?;
    }
    let example = [
        [
            "G-EXAMPLE",
            "3号楼",
            "2单元",
            "501",
            "自住",
            "独居老人",
            "张某某",
            "户主",
            "13800000000",
            "",
            "",
        ],
        [
            "G-EXAMPLE",
            "3号楼",
            "2单元",
            "501",
            "",
            "",
            "李某某",
            "配偶",
            "",
            "",
            "",
        ],
    ];
    for (r, row) in example.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, *v, &text)
                .map_err(e)?;
        }
    }
    let help = book.add_worksheet();
    help.set_name("填写说明").map_err(e)?;
    let mut lines: Vec<String> = vec![
        "每行一人；网格编码、楼栋、单元、房号相同的各行为同一户，按表中顺序。".into(),
        "住房状况填在该户第一行即可；关爱标签可填多个，用顿号分隔，同户各行合并。".into(),
        "联系电话、身份证号请设为文本格式；身份证号须为18位且校验码正确。".into(),
        "本户居民账号手机号：已注册的居民账号，可在\"我的\"中查看本户信息并申请更正。".into(),
        "任何一行有误，整个文件不导入，并列出每个错误的行号；已有的同一门牌会被表中内容替换。"
            .into(),
        String::new(),
    ];
    lines.push(format!(
        "住房状况：{}",
        Housing::ALL.map(|h| h.label(Lang::Zh)).join("、")
    ));
    lines.push(format!(
        "关爱标签：{}",
        CareTag::ALL.map(|t| t.label(Lang::Zh)).join("、")
    ));
    lines.push(format!(
        "与户主关系：{}",
        Relation::ALL.map(|r| r.label(Lang::Zh)).join("、")
    ));
    for (r, l) in lines.iter().enumerate() {
        help.write_string(r as u32, 0, l).map_err(e)?;
    }
    help.set_column_width(0, 90).map_err(e)?;
    book.save_to_buffer().map_err(e)
}

/// Where one of the caller's imports stands (another's is missing).
pub fn status(state: &AppState, viewer: &Viewer, id: &str) -> Result<ImportStatus, AppError> {
    let jobs = state
        .household_imports
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    match jobs.get(id) {
        Some(j) if j.user == viewer.id => Ok(j.status()),
        _ => Err(AppError::NotFound),
    }
}

/// Starts importing a sheet into the area `code` (the caller must keep its
/// records); answers at once with the job, which goes on in the background.
#[tracing::instrument(skip_all, fields(user = viewer.id, bytes = bytes.len()))]
pub async fn start(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    bytes: Vec<u8>,
) -> Result<ImportStatus, AppError> {
    let area = super::households::may_import(state, viewer, code)?;
    if bytes.is_empty() {
        return Err(AppError::invalid(Field::File, InputProblem::Required));
    }
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(AppError::invalid(Field::File, InputProblem::TooLarge));
    }
    let id: String = (0..16)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let job = Arc::new(ImportJob {
        user: viewer.id,
        created: Instant::now(),
        status: Mutex::new(ImportStatus {
            id: id.clone(),
            stage: ImportStage::Reading,
            total: 0,
            done: 0,
            problems: Vec::new(),
            more_problems: false,
            households: 0,
            members: 0,
        }),
    });
    {
        let mut jobs = state
            .household_imports
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        jobs.retain(|_, j| j.created.elapsed() < KEEP);
        // One import at a time per person: a second tap gives the first.
        if let Some(j) = jobs
            .values()
            .find(|j| j.user == viewer.id && !j.status().stage.finished())
        {
            return Ok(j.status());
        }
        jobs.insert(id.clone(), job.clone());
    }
    let (st, who, code) = (state.clone(), viewer.clone(), code.to_string());
    let runner = job.clone();
    tokio::spawn(async move {
        let outcome = run(&st, &who, &code, &area, bytes, &runner).await;
        if let Err(e) = outcome {
            tracing::error!(error = ?e, "household import failed");
            runner.update(|s| s.stage = ImportStage::Failed);
        }
    });
    Ok(job.status())
}

/// Reads a sheet's rows as text, numbered as the sheet numbers them, cell
/// by cell: a sheet whose used range is huge (one stray cell far down)
/// costs only its real cells, and one with too many rows is refused as soon
/// as a cell lies past them.
fn sheet_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, AppError> {
    use calamine::{Data, Reader, Xlsx};
    use std::collections::BTreeMap;
    let unreadable = || AppError::invalid(Field::File, InputProblem::Unknown);
    // The declared sizes first: refuse what would inflate too far.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let mut inflated = 0u64;
    for i in 0..zip.len() {
        inflated += zip.by_index_raw(i).map_err(|_| unreadable())?.size();
    }
    if inflated > MAX_INFLATED_BYTES {
        return Err(AppError::invalid(Field::File, InputProblem::TooLarge));
    }
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let name = book.sheet_names().first().cloned().ok_or_else(unreadable)?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|_| unreadable())?;
    let text = |d: Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s,
        // Phones typed as numbers: 13800005678.0 reads back as digits.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| unreadable())? {
        let (r, c) = cell.get_position();
        if c >= MAX_COLUMNS {
            continue;
        }
        let v = text(Data::from(cell.get_value().clone()));
        if v.trim().is_empty() {
            continue;
        }
        // The header and at most MAX_IMPORT_ROWS data rows, wherever they start.
        let first = rows.keys().next().copied().unwrap_or(r).min(r);
        if (r - first) as usize > rule::MAX_IMPORT_ROWS {
            return Err(AppError::invalid(Field::File, InputProblem::TooMany));
        }
        let row = rows.entry(r).or_default();
        if row.len() <= c as usize {
            row.resize(c as usize + 1, String::new());
        }
        row[c as usize] = v;
    }
    Ok(rows
        .into_iter()
        .map(|(r, cells)| (r as usize + 1, cells))
        .collect())
}

/// The households of a sheet's rows, or every row problem. `keeps(grid)`
/// says whether the caller may write a grid's records; `account(phone)`
/// finds a resident account.
async fn households_of(
    state: &AppState,
    viewer: &Viewer,
    area: &Area,
    rows: Vec<(usize, Vec<String>)>,
    job: &ImportJob,
) -> Result<Result<Vec<NewHousehold>, Vec<RowProblem>>, AppError> {
    let mut problems: Vec<RowProblem> = Vec::new();
    let bad = |p: RowProblem, problems: &mut Vec<RowProblem>| {
        if !problems.contains(&p) {
            problems.push(p)
        }
    };
    let mut it = rows.into_iter();
    // The header row must be ours (a different sheet would be misread).
    match it.next() {
        Some((n, head)) if head.first().map(|s| s.trim()) == Some(SHEET_COLUMNS[0]) => {
            let _ = n;
        }
        Some((n, _)) => {
            return Ok(Err(vec![RowProblem {
                row: n,
                field: Field::File,
                problem: InputProblem::Unknown,
            }]))
        }
        None => {
            return Ok(Err(vec![RowProblem {
                row: 1,
                field: Field::File,
                problem: InputProblem::Required,
            }]))
        }
    }
    let data: Vec<(usize, Vec<String>)> = it
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if data.is_empty() {
        return Ok(Err(vec![RowProblem {
            row: 2,
            field: Field::Members,
            problem: InputProblem::Required,
        }]));
    }
    if data.len() > rule::MAX_IMPORT_ROWS {
        return Ok(Err(vec![RowProblem {
            row: data[rule::MAX_IMPORT_ROWS].0,
            field: Field::File,
            problem: InputProblem::TooMany,
        }]));
    }
    job.update(|s| {
        s.stage = ImportStage::Checking;
        s.total = data.len() as u64;
    });
    let atlas = state.atlas();
    let mut grids: HashMap<String, Option<Codes>> = HashMap::new();
    let mut accounts_by_phone: HashMap<String, Option<i64>> = HashMap::new();
    // Households by door, in sheet order.
    let mut order: Vec<(String, String, String, String)> = Vec::new();
    let mut by_door: HashMap<(String, String, String, String), (SheetRow, NewHousehold)> =
        HashMap::new();
    for (i, (n, cells)) in data.into_iter().enumerate() {
        if i % 2000 == 0 {
            job.update(|s| s.done = i as u64);
        }
        let row = match read_row(n, &cells) {
            Ok(r) => r,
            Err(ps) => {
                for p in ps {
                    bad(p, &mut problems);
                }
                continue;
            }
        };
        let codes = grids
            .entry(row.grid.clone())
            .or_insert_with(|| {
                let p = atlas.place_of(&row.grid)?;
                let inside = atlas.level_of(&row.grid) == Some(Level::Grid)
                    && match area {
                        Area::Grid(c) => p.grid.as_deref() == Some(c),
                        Area::Community(c) => p.community.as_deref() == Some(c),
                        Area::Street(c) => p.street.as_deref() == Some(c),
                        Area::Everywhere => true,
                    }
                    && policy::may_keep_households(&viewer.grants, &p);
                inside.then(|| Codes {
                    grid: row.grid.clone(),
                    community: p.community,
                    street: p.street,
                })
            })
            .clone();
        let Some(codes) = codes else {
            bad(
                RowProblem {
                    row: n,
                    field: Field::Place,
                    problem: InputProblem::Unknown,
                },
                &mut problems,
            );
            continue;
        };
        let resident = if row.account_phone.is_empty() {
            None
        } else {
            let phone = row.account_phone.clone();
            let found = match accounts_by_phone.get(&phone) {
                Some(f) => *f,
                None => {
                    let f = accounts::user_by_phone(&state.db, &phone)
                        .await?
                        .map(|u| u.id);
                    accounts_by_phone.insert(phone, f);
                    f
                }
            };
            if found.is_none() {
                bad(
                    RowProblem {
                        row: n,
                        field: Field::AccountPhone,
                        problem: InputProblem::Unknown,
                    },
                    &mut problems,
                );
            }
            found
        };
        let key = (
            row.grid.clone(),
            row.building.clone(),
            row.unit.clone(),
            row.room.clone(),
        );
        let member = (
            row.member.name.trim().to_string(),
            row.member
                .relation
                .unwrap_or(Relation::Other)
                .as_str()
                .to_string(),
            Some(row.member.phone.trim().to_string()).filter(|s| !s.is_empty()),
            Some(row.member.id_number.trim().to_string()).filter(|s| !s.is_empty()),
        );
        match by_door.get_mut(&key) {
            Some((first, h)) => {
                if row.member.relation == Some(Relation::Head)
                    && h.members.iter().any(|m| m.1 == Relation::Head.as_str())
                {
                    bad(
                        RowProblem {
                            row: n,
                            field: Field::Relation,
                            problem: InputProblem::TooMany,
                        },
                        &mut problems,
                    );
                }
                if h.members.len() >= rule::MAX_MEMBERS {
                    bad(
                        RowProblem {
                            row: n,
                            field: Field::Members,
                            problem: InputProblem::TooMany,
                        },
                        &mut problems,
                    );
                }
                if first.housing.is_none() {
                    first.housing = row.housing;
                }
                first.care_tags.extend(row.care_tags.iter().copied());
                if h.resident_id.is_none() {
                    h.resident_id = resident;
                }
                h.members.push(member);
            }
            None => {
                order.push(key.clone());
                let h = NewHousehold {
                    codes,
                    building: row.building.clone(),
                    unit: row.unit.clone(),
                    room: row.room.clone(),
                    housing: String::new(),
                    care_tags: String::new(),
                    resident_id: resident,
                    members: vec![member],
                };
                by_door.insert(key, (row, h));
            }
        }
    }
    let mut out = Vec::with_capacity(order.len());
    for key in order {
        let Some((first, mut h)) = by_door.remove(&key) else {
            continue;
        };
        match first.housing {
            Some(x) => h.housing = x.as_str().to_string(),
            None => bad(
                RowProblem {
                    row: first.row,
                    field: Field::Housing,
                    problem: InputProblem::Required,
                },
                &mut problems,
            ),
        }
        h.care_tags = CareTag::join(&first.care_tags);
        out.push(h);
    }
    if problems.is_empty() {
        Ok(Ok(out))
    } else {
        problems.sort_by_key(|p| p.row);
        Ok(Err(problems))
    }
}

async fn run(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    area: &Area,
    bytes: Vec<u8>,
    job: &ImportJob,
) -> Result<(), AppError> {
    let rows = match tokio::task::spawn_blocking(move || sheet_rows(&bytes))
        .await
        .map_err(|e| super::internal(e))?
    {
        Ok(rows) => rows,
        Err(AppError::Invalid { field, problem }) => {
            job.update(|s| {
                s.stage = ImportStage::Refused;
                s.problems = vec![RowProblem {
                    row: 0,
                    field,
                    problem,
                }];
            });
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let households = match households_of(state, viewer, area, rows, job).await? {
        Ok(h) => h,
        Err(mut problems) => {
            let more = problems.len() > rule::MAX_ROW_PROBLEMS;
            problems.truncate(rule::MAX_ROW_PROBLEMS);
            job.update(|s| {
                s.stage = ImportStage::Refused;
                s.problems = problems;
                s.more_problems = more;
            });
            return Ok(());
        }
    };
    let members: u64 = households.iter().map(|h| h.members.len() as u64).sum();
    let n = households.len() as u64;
    let _slot = WRITING.acquire().await.map_err(|e| super::internal(e))?;
    job.update(|s| {
        s.stage = ImportStage::Writing;
        s.total = n;
        s.done = 0;
        s.households = n;
        s.members = members;
    });
    // Audited first: an import the log cannot record does not happen. One
    // line per street the sheet touches, so each street reads its own.
    let streets: std::collections::BTreeSet<Option<String>> =
        households.iter().map(|h| h.codes.street.clone()).collect();
    for street in streets {
        record(
            state,
            viewer,
            AuditAction::HouseholdsImported,
            Target::new("area", code).in_street(street),
            format!("{n} households, {members} members"),
        )
        .await?;
    }
    match db::import(&state.db, &households, Utc::now(), |done| {
        job.update(|s| s.done = done)
    })
    .await
    {
        Ok(()) => {}
        // Two rows of one door cannot disagree here (they are one
        // household); a door taken means a race with an edit: nothing written.
        Err(SaveError::DoorTaken) => {
            job.update(|s| s.stage = ImportStage::Failed);
            return Ok(());
        }
        Err(SaveError::Db(e)) => return Err(e.into()),
    }
    job.update(|s| s.stage = ImportStage::Done);
    Ok(())
}
