//! Exports (issue 10): cases, figures and patrol logs of an area and a
//! period, as CSV (with a BOM) or XLSX. Each export is a job writing a file
//! a page of rows at a time, so memory stays flat whatever the size; up to
//! `domain::export::DIRECT_ROWS` rows the caller waits for it, above that it
//! runs in the background and its progress is read with [`status`]. Every
//! export is written to the audit log. Files live on this server's disk for
//! an hour (a cluster needs the blob store: issue 13).

use super::assessment::{bounds, scoped, Scoped};
use super::auth::Viewer;
use crate::backend::state::AppState;
use crate::backend::store::{assessment::CaseSet, exports as db};
use crate::domain::audit::AuditAction;
use crate::domain::case::{CaseSource, DispatchLevel};
use crate::domain::deadline::china;
use crate::domain::error::AppError;
use crate::domain::export::{
    csv_line, Cell, ExportAsk, ExportFormat, ExportKind, ExportStatus, BOM, DIRECT_ROWS,
};
use crate::domain::lang::Lang;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Rows read from the database and written at a time.
const PAGE: u64 = 2000;
/// How long a finished file can be downloaded.
const KEEP: Duration = Duration::from_secs(3600);

const RUNNING: u8 = 0;
const READY: u8 = 1;
const FAILED: u8 = 2;

/// One export being written or ready.
pub struct ExportJob {
    pub id: String,
    pub user: i64,
    pub kind: ExportKind,
    pub format: ExportFormat,
    pub total: u64,
    pub done: AtomicU64,
    state: AtomicU8,
    pub path: PathBuf,
    pub created: Instant,
    finished: tokio::sync::Notify,
}

impl ExportJob {
    fn status(&self) -> ExportStatus {
        let state = self.state.load(Ordering::Acquire);
        ExportStatus {
            id: self.id.clone(),
            rows_done: self.done.load(Ordering::Relaxed),
            rows_total: self.total,
            url: (state == READY).then(|| format!("/api/v1/export-jobs/{}/file", self.id)),
            failed: state == FAILED,
        }
    }

    /// The name the downloaded file gets.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.kind.file_stem(), self.format.extension())
    }
}

/// The jobs of this server, by id.
pub type Jobs = Mutex<HashMap<String, Arc<ExportJob>>>;

fn dir() -> PathBuf {
    std::env::temp_dir().join("gridlink-exports")
}

/// What an export reads, checked and counted.
enum Source {
    Cases {
        set: CaseSet,
        names: HashMap<i64, String>,
    },
    Patrols {
        area: Option<(&'static str, String)>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    Figures(Vec<Vec<Cell>>),
    Households(crate::backend::store::households::Area),
}

/// Starts an export; an export of up to `DIRECT_ROWS` rows is finished when
/// this answers.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn start(
    state: &AppState,
    viewer: &Viewer,
    ask: ExportAsk,
) -> Result<ExportStatus, AppError> {
    let (code, source, total) = if ask.kind == ExportKind::Households {
        households_source(state, viewer, &ask).await?
    } else {
        dated_source(state, viewer, &ask).await?
    };
    super::audit::record(
        state,
        viewer,
        AuditAction::Exported,
        super::audit::Target::new("export", ask.kind.as_str())
            .in_street(state.atlas().place_of(&code).and_then(|p| p.street)),
        format!(
            "{} {} {code} {} rows",
            ask.kind.as_str(),
            ask.format.extension(),
            total
        ),
    )
    .await?;
    run(state, viewer, &ask, source, total).await
}

/// An area's household records (staff who may read them; sensitive fields
/// masked in the file as on the page).
async fn households_source(
    state: &AppState,
    viewer: &Viewer,
    ask: &ExportAsk,
) -> Result<(String, Source, u64), AppError> {
    let code = ask
        .filters
        .area
        .clone()
        .or_else(|| {
            super::staff_areas(state, viewer)
                .first()
                .map(|a| a.0.clone())
        })
        .ok_or(AppError::Forbidden)?;
    let area = super::households::readable_area(state, viewer, &code)?;
    let total = crate::backend::store::households::count_in(&state.db, &area).await?;
    Ok((code, Source::Households(area), total))
}

/// Cases, figures or patrols of an area and a period.
async fn dated_source(
    state: &AppState,
    viewer: &Viewer,
    ask: &ExportAsk,
) -> Result<(String, Source, u64), AppError> {
    let (_, _, start, end) = bounds(&ask.filters)?;
    let code = ask
        .filters
        .area
        .clone()
        .or_else(|| {
            super::assessment::areas(state, viewer)
                .first()
                .map(|a| a.0.clone())
        })
        .ok_or(AppError::Forbidden)?;
    let Scoped { code, set, .. } = scoped(state, viewer, code, &ask.filters, start, end).await?;
    let (source, total) = match ask.kind {
        ExportKind::Cases => {
            let total = db::count_cases(&state.db, &set).await?;
            let names = super::cases::settings(state).await?.names.clone();
            (Source::Cases { set, names }, total)
        }
        ExportKind::Patrols => {
            let total = db::count_patrols(&state.db, &set.area, start, end).await?;
            (
                Source::Patrols {
                    area: set.area.clone(),
                    from: start,
                    to: end,
                },
                total,
            )
        }
        ExportKind::Figures => {
            let mut filters = ask.filters.clone();
            filters.area = Some(code.clone());
            let d = super::assessment::dashboard(state, viewer, filters).await?;
            let rows = figure_rows(&d);
            let n = rows.len() as u64;
            (Source::Figures(rows), n)
        }
        ExportKind::Households => return Err(AppError::NotFound),
    };
    Ok((code, source, total))
}

/// Writes the file, waiting for a small one.
async fn run(
    state: &AppState,
    viewer: &Viewer,
    ask: &ExportAsk,
    source: Source,
    total: u64,
) -> Result<ExportStatus, AppError> {
    forget_old(state).await;
    let id: String = (0..16)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    tokio::fs::create_dir_all(dir())
        .await
        .map_err(|e| super::internal(e))?;
    let job = Arc::new(ExportJob {
        path: dir().join(format!("{id}.{}", ask.format.extension())),
        id: id.clone(),
        user: viewer.id,
        kind: ask.kind,
        format: ask.format,
        total,
        done: AtomicU64::new(0),
        state: AtomicU8::new(RUNNING),
        created: Instant::now(),
        finished: tokio::sync::Notify::new(),
    });
    state
        .exports
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, job.clone());
    let runner = job.clone();
    let st = state.clone();
    let finished = job.finished.notified();
    tokio::spawn(async move {
        let result = write(&st, &runner, source).await;
        let outcome = match result {
            Ok(()) => READY,
            Err(e) => {
                tracing::error!(error = %e, export = %runner.id, "export failed");
                let _ = tokio::fs::remove_file(&runner.path).await;
                FAILED
            }
        };
        runner.state.store(outcome, Ordering::Release);
        runner.finished.notify_waiters();
    });
    if total <= DIRECT_ROWS && job.state.load(Ordering::Acquire) == RUNNING {
        let _ = tokio::time::timeout(Duration::from_secs(60), finished).await;
    }
    Ok(job.status())
}

/// Where one of the caller's exports stands (another's is missing).
pub fn status(state: &AppState, viewer: &Viewer, id: &str) -> Result<ExportStatus, AppError> {
    Ok(job_of(state, viewer, id)?.status())
}

/// A finished export of the caller's, to download.
pub fn ready(state: &AppState, viewer: &Viewer, id: &str) -> Result<Arc<ExportJob>, AppError> {
    let job = job_of(state, viewer, id)?;
    if job.state.load(Ordering::Acquire) != READY {
        return Err(AppError::WrongState);
    }
    Ok(job)
}

fn job_of(state: &AppState, viewer: &Viewer, id: &str) -> Result<Arc<ExportJob>, AppError> {
    state
        .exports
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(id)
        .filter(|j| j.user == viewer.id && j.created.elapsed() < KEEP)
        .cloned()
        .ok_or(AppError::NotFound)
}

/// Drops jobs older than [`KEEP`] and their files.
async fn forget_old(state: &AppState) {
    let old: Vec<Arc<ExportJob>> = {
        let mut jobs = state.exports.lock().unwrap_or_else(|p| p.into_inner());
        let expired: Vec<String> = jobs
            .iter()
            .filter(|(_, j)| j.created.elapsed() >= KEEP)
            .map(|(k, _)| k.clone())
            .collect();
        expired.iter().filter_map(|k| jobs.remove(k)).collect()
    };
    for j in old {
        let _ = tokio::fs::remove_file(&j.path).await;
    }
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<impl Into<String>>) -> Cell {
    s.map(|s| Cell::Text(s.into())).unwrap_or(Cell::Empty)
}

fn source_name(s: &str) -> String {
    CaseSource::parse(s).map_or_else(|| s.into(), |c| c.label(Lang::Zh).into())
}

fn level_name(l: Option<DispatchLevel>) -> String {
    match l {
        Some(DispatchLevel::Grid) => "网格",
        Some(DispatchLevel::Community) => "社区",
        Some(DispatchLevel::Street) => "街道",
        Some(DispatchLevel::Department) => "职能部门",
        Some(DispatchLevel::Company) => "物业公司",
        None => "",
    }
    .into()
}

const CASE_HEAD: [&str; 15] = [
    "编号",
    "类别",
    "问题描述",
    "来源",
    "状态",
    "办理层级",
    "职能部门",
    "网格",
    "社区",
    "街道",
    "上报时间",
    "办理期限",
    "办结时间",
    "是否按期",
    "评价星级",
];

const PATROL_HEAD: [&str; 10] = [
    "编号",
    "网格员",
    "网格",
    "开始时间",
    "结束时间",
    "时长（分钟）",
    "里程（米）",
    "位置点数",
    "走访次数",
    "是否计入当日巡查",
];

const FIGURE_HEAD: [&str; 16] = [
    "类型",
    "编码",
    "名称",
    "排名",
    "前30%",
    "综合得分",
    "巡查到位率",
    "问题发现率",
    "事件处置率",
    "按期办结率",
    "满意度（星）",
    "满意率",
    "平均办理时长（小时）",
    "事件数",
    "主动发现数",
    "办结数",
];

fn figure_rows(d: &crate::domain::assessment::Dashboard) -> Vec<Vec<Cell>> {
    let num = |v: Option<f64>| v.map(Cell::Number).unwrap_or(Cell::Empty);
    let row = |kind: &str, r: &crate::domain::assessment::Ranked| {
        vec![
            text(kind),
            text(r.key.clone()),
            text(r.name.clone()),
            r.rank
                .map(|n| Cell::Number(n as f64))
                .unwrap_or(Cell::Empty),
            text(if r.top { "是" } else { "" }),
            num(r.figures.score),
            num(r.figures.patrol_rate),
            num(r.figures.discovery_rate),
            num(r.figures.handling_rate),
            num(r.figures.on_time_rate),
            num(r.figures.satisfaction),
            num(r.figures.satisfied_share),
            num(r.figures.handling_hours),
            Cell::Number(r.counts.cases as f64),
            Cell::Number(r.counts.found as f64),
            Cell::Number(r.counts.handled as f64),
        ]
    };
    let mut out: Vec<Vec<Cell>> = d.children.iter().map(|r| row("区域", r)).collect();
    out.extend(d.workers.iter().map(|r| row("网格员", r)));
    out
}

/// Where the rows go: a CSV file, or a workbook written on its own thread.
enum Sink {
    Csv(tokio::io::BufWriter<tokio::fs::File>),
    Xlsx {
        rows: std::sync::mpsc::SyncSender<Vec<Vec<Cell>>>,
        done: tokio::task::JoinHandle<Result<(), String>>,
    },
}

impl Sink {
    async fn open(job: &ExportJob, head: &[&str]) -> Result<Sink, String> {
        match job.format {
            ExportFormat::Csv => {
                use tokio::io::AsyncWriteExt;
                let file = tokio::fs::File::create(&job.path)
                    .await
                    .map_err(|e| e.to_string())?;
                let mut w = tokio::io::BufWriter::with_capacity(256 * 1024, file);
                let head: Vec<Cell> = head.iter().map(|h| text(*h)).collect();
                w.write_all(BOM.as_bytes())
                    .await
                    .map_err(|e| e.to_string())?;
                w.write_all(csv_line(&head).as_bytes())
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Sink::Csv(w))
            }
            ExportFormat::Xlsx => {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<Cell>>>(2);
                let path = job.path.clone();
                let head: Vec<String> = head.iter().map(|h| h.to_string()).collect();
                let sheet = job.kind.file_stem().to_string();
                let done = tokio::task::spawn_blocking(move || workbook(&path, &sheet, &head, rx));
                Ok(Sink::Xlsx { rows: tx, done })
            }
        }
    }

    async fn write(&mut self, rows: Vec<Vec<Cell>>) -> Result<(), String> {
        match self {
            Sink::Csv(w) => {
                use tokio::io::AsyncWriteExt;
                let mut chunk = String::with_capacity(rows.len() * 160);
                for r in &rows {
                    chunk.push_str(&csv_line(r));
                }
                w.write_all(chunk.as_bytes())
                    .await
                    .map_err(|e| e.to_string())
            }
            Sink::Xlsx { rows: tx, .. } => {
                let tx = tx.clone();
                // The channel holds two pages: a slow disk slows the reader.
                tokio::task::spawn_blocking(move || tx.send(rows))
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|_| "the workbook writer stopped".to_string())
            }
        }
    }

    async fn finish(self) -> Result<(), String> {
        match self {
            Sink::Csv(mut w) => {
                use tokio::io::AsyncWriteExt;
                w.flush().await.map_err(|e| e.to_string())
            }
            Sink::Xlsx { rows, done } => {
                drop(rows);
                done.await.map_err(|e| e.to_string())?
            }
        }
    }
}

/// Writes a workbook row by row in constant memory (rust_xlsxwriter keeps
/// each finished row in a temporary file, not in memory).
fn workbook(
    path: &std::path::Path,
    sheet: &str,
    head: &[String],
    rows: std::sync::mpsc::Receiver<Vec<Vec<Cell>>>,
) -> Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().map_err(e)?;
    ws.set_name(sheet).map_err(e)?;
    let bold = Format::new().set_bold();
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(e)?;
    }
    let mut r: u32 = 1;
    for page in rows {
        for row in page {
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(r, c as u16, t).map_err(e)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c as u16, *n).map_err(e)?;
                    }
                    Cell::Empty => {}
                }
            }
            r += 1;
        }
    }
    book.save(path).map_err(e)
}

/// Reads the source a page at a time into the file.
async fn write(state: &AppState, job: &ExportJob, source: Source) -> Result<(), String> {
    let head: &[&str] = match job.kind {
        ExportKind::Cases => &CASE_HEAD,
        ExportKind::Patrols => &PATROL_HEAD,
        ExportKind::Households => &crate::domain::household::SHEET_COLUMNS,
        ExportKind::Figures => &FIGURE_HEAD,
    };
    let mut sink = Sink::open(job, head).await?;
    match source {
        Source::Figures(rows) => {
            let n = rows.len() as u64;
            sink.write(rows).await?;
            job.done.store(n, Ordering::Relaxed);
        }
        Source::Cases { set, names } => {
            let mut after = 0;
            loop {
                let page = db::case_page(&state.db, &set, after, PAGE)
                    .await
                    .map_err(|e| e.to_string())?;
                let Some(last) = page.last() else { break };
                after = last.id;
                let n = page.len() as u64;
                let rows = page
                    .into_iter()
                    .map(|c| {
                        vec![
                            Cell::Number(c.id as f64),
                            text(names.get(&c.category_id).cloned().unwrap_or_default()),
                            text(c.description),
                            text(source_name(&c.source)),
                            text(c.status.label(Lang::Zh)),
                            text(level_name(c.level)),
                            opt_text(c.department),
                            opt_text(c.grid_code),
                            opt_text(c.community_code),
                            opt_text(c.street_code),
                            text(local(c.created_at)),
                            opt_text(c.due_at.map(local)),
                            opt_text(c.resolution.map(|r| local(r.at))),
                            opt_text(c.resolution.map(|r| if r.on_time { "是" } else { "否" })),
                            c.rating
                                .map(|r| Cell::Number(r as f64))
                                .unwrap_or(Cell::Empty),
                        ]
                    })
                    .collect();
                sink.write(rows).await?;
                job.done.fetch_add(n, Ordering::Relaxed);
                if n < PAGE {
                    break;
                }
            }
        }
        Source::Patrols { area, from, to } => {
            let mut after = 0;
            loop {
                let page = db::patrol_page(&state.db, &area, from, to, after, PAGE)
                    .await
                    .map_err(|e| e.to_string())?;
                let Some(last) = page.last() else { break };
                after = last.0.id;
                let n = page.len() as u64;
                let rows = page
                    .into_iter()
                    .map(|(p, name, visits)| {
                        let minutes = p
                            .ended_at
                            .map(|e| Cell::Number((e - p.started_at).num_minutes() as f64))
                            .unwrap_or(Cell::Empty);
                        let counts = crate::domain::patrol::counts(
                            p.started_at,
                            p.ended_at,
                            p.points.max(0) as u64,
                        );
                        vec![
                            Cell::Number(p.id as f64),
                            text(name),
                            text(p.grid_code),
                            text(local(p.started_at)),
                            opt_text(p.ended_at.map(local)),
                            minutes,
                            Cell::Number(p.length_m.round()),
                            Cell::Number(p.points as f64),
                            Cell::Number(visits as f64),
                            text(if counts { "是" } else { "否" }),
                        ]
                    })
                    .collect();
                sink.write(rows).await?;
                job.done.fetch_add(n, Ordering::Relaxed);
                if n < PAGE {
                    break;
                }
            }
        }
        Source::Households(area) => {
            use crate::domain::household::{mask_id_number, mask_phone, Housing, Relation};
            use crate::domain::lang::Lang;
            let mut after = 0;
            loop {
                let page =
                    crate::backend::store::households::page_in(&state.db, &area, after, PAGE)
                        .await
                        .map_err(|e| e.to_string())?;
                let Some(last) = page.last() else { break };
                after = last.0.id;
                let n = page.len() as u64;
                let mut rows = Vec::new();
                for (h, members) in page {
                    let housing = Housing::parse(&h.housing)
                        .map(|x| x.label(Lang::Zh))
                        .unwrap_or("");
                    for (i, m) in members.iter().enumerate() {
                        rows.push(vec![
                            text(h.codes.grid.clone()),
                            text(h.building.clone()),
                            text(h.unit.clone()),
                            text(h.room.clone()),
                            text(if i == 0 {
                                housing.to_string()
                            } else {
                                String::new()
                            }),
                            // Care tags are sensitive: not even whether there are any.
                            Cell::Empty,
                            text(m.name.clone()),
                            text(
                                Relation::parse(&m.relation)
                                    .map(|r| r.label(Lang::Zh))
                                    .unwrap_or("")
                                    .to_string(),
                            ),
                            opt_text(m.phone.as_deref().map(mask_phone)),
                            opt_text(m.id_number.as_deref().map(mask_id_number)),
                            Cell::Empty,
                        ]);
                    }
                    // A vacant home has no member but is a record too.
                    if members.is_empty() {
                        rows.push(vec![
                            text(h.codes.grid.clone()),
                            text(h.building.clone()),
                            text(h.unit.clone()),
                            text(h.room.clone()),
                            text(housing.to_string()),
                            Cell::Empty,
                            Cell::Empty,
                            Cell::Empty,
                            Cell::Empty,
                            Cell::Empty,
                            Cell::Empty,
                        ]);
                    }
                }
                sink.write(rows).await?;
                job.done.fetch_add(n, Ordering::Relaxed);
                if n < PAGE {
                    break;
                }
            }
        }
    }
    sink.finish().await
}
