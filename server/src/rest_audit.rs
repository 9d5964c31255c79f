//! `GET /api/v1/audit.csv`: the audit log as the caller may read it, for a
//! spreadsheet (UTF-8 with a BOM so Excel reads the Chinese; cells that
//! look like formulas are defused). The export itself is audited.

use crate::caller::SignedIn;
use crate::extract::ApiQuery;
use app::backend::services::audit::{self, Target};
use app::backend::services::internal;
use app::backend::AppState;
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::error::AppError;
use app::domain::unit::safe_cell;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    actor_id: Option<i64>,
    target_kind: Option<String>,
    target_id: Option<String>,
    since: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
}

pub async fn audit_csv(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Response, AppError> {
    let filter = AuditFilter {
        action: q.action.as_deref().and_then(AuditAction::parse),
        actor_id: q.actor_id,
        target_kind: q.target_kind.filter(|s| !s.is_empty()),
        target_id: q.target_id.filter(|s| !s.is_empty()),
        since: q.since,
        until: q.until,
    };
    let lines = audit::lines(&state, &viewer, &filter, None, audit::EXPORT_MAX).await?;
    audit::record(
        &state,
        &viewer,
        AuditAction::Exported,
        Target::new("audit_log", lines.len()),
        format!("{filter:?}"),
    )
    .await?;
    let lang = app::domain::lang::Lang::Zh;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let head = [
        "编号",
        "时间",
        "操作人编号",
        "操作人",
        "操作",
        "对象类型",
        "对象",
        "说明",
        "街道",
        "客户端地址",
    ];
    let mut out = w.write_record(head).map_err(|e| e.to_string());
    for l in &lines {
        let at = (l.at + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        let row = [
            l.id.to_string(),
            at,
            l.actor_id.map(|i| i.to_string()).unwrap_or_default(),
            l.actor_name.clone(),
            l.action.label(lang).to_string(),
            l.target_kind.clone(),
            l.target_id.clone(),
            l.detail.clone(),
            l.street_code.clone().unwrap_or_default(),
            l.client.clone(),
        ];
        out = out.and_then(|_| {
            w.write_record(row.iter().map(|c| safe_cell(c)))
                .map_err(|e| e.to_string())
        });
    }
    let bytes = out
        .and_then(|_| w.into_inner().map_err(|e| e.to_string()))
        .map_err(|e| internal(e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}
