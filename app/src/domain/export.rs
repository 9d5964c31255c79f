//! Exports (导出): cases with the dashboard's filters, the assessment
//! figures, and patrol logs, as CSV (UTF-8 with a BOM, so Excel reads the
//! Chinese) or XLSX. Every export is written to a file row page by row page
//! (the server's memory stays flat whatever the size); one above
//! [`DIRECT_ROWS`] runs in the background with its progress shown.

use super::assessment::DashboardAsk;
use serde::{Deserialize, Serialize};

/// Exports up to this many rows are made while the caller waits.
pub const DIRECT_ROWS: u64 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Cases,
    Figures,
    Patrols,
    /// Household records of an area, one row per person (the import
    /// sheet's columns), sensitive fields masked.
    Households,
}

impl ExportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Cases => "cases",
            ExportKind::Figures => "figures",
            ExportKind::Patrols => "patrols",
            ExportKind::Households => "households",
        }
    }

    /// The file's name, in Chinese as the people who open it read it.
    pub fn file_stem(self) -> &'static str {
        match self {
            ExportKind::Cases => "事件明细",
            ExportKind::Figures => "考核指标",
            ExportKind::Patrols => "巡查记录",
            ExportKind::Households => "人房信息",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// An export asked for: what, in which format, with the dashboard's filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportAsk {
    pub kind: ExportKind,
    pub format: ExportFormat,
    #[serde(default)]
    pub filters: DashboardAsk,
}

/// Where an export stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportStatus {
    pub id: String,
    pub rows_done: u64,
    pub rows_total: u64,
    /// The download, once the file is complete.
    pub url: Option<String>,
    /// Why it failed, if it did.
    pub failed: bool,
}

/// One cell of an exported row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// The cell as CSV text: quoted when it holds a comma, a quote or a line
    /// break, and never run as a formula (`unit::safe_cell`).
    pub fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n:.4}")
                }
            }
            Cell::Text(t) => {
                let t = super::unit::safe_cell(t);
                if t.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", t.replace('"', "\"\""))
                } else {
                    t
                }
            }
        }
    }
}

/// A row as one CSV line (CRLF, as spreadsheets expect).
pub fn csv_line(cells: &[Cell]) -> String {
    let mut line = cells.iter().map(Cell::csv).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The byte-order mark that tells Excel a CSV file is UTF-8.
pub const BOM: &str = "\u{FEFF}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let row = [
            Cell::Text("楼道灯坏了, \"很黑\"".into()),
            Cell::Number(3.0),
            Cell::Number(0.25),
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Empty,
        ];
        assert_eq!(
            csv_line(&row),
            "\"楼道灯坏了, \"\"很黑\"\"\",3,0.2500,\"'=HYPERLINK(\"\"x\"\")\",\r\n"
        );
    }
}
