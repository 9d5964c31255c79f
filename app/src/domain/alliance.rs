//! The red-property alliance (红色物业联盟): property companies, the
//! compounds each manages, the company's workspace of tasks and its figures.
//! Plain Rust, for the server and the browser alike.

use super::error::{text_problem, Field, InputProblem, Problems};
use super::household::valid_record_phone;
use super::person::is_mobile_number;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_NAME: usize = 60;
pub const MAX_PARTY_ORG: usize = 60;
pub const MAX_CONTACT: usize = 30;
/// A landline with its area code and extension fits: 0531-86001001-123.
pub const MAX_PHONE: usize = 20;
/// Tasks a workspace lists at once (overdue first, then the soonest due).
pub const MAX_TASKS: u64 = 200;

/// A company's record as its keeper (the street or a system admin) edits it.
/// `id` none creates one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyForm {
    pub id: Option<i64>,
    pub name: String,
    /// A member of the red-property alliance.
    pub alliance: bool,
    /// 党组织 (the company's party branch, or the alliance branch it joined).
    pub party_org: String,
    pub contact_name: String,
    /// The contact's phone: for the street and the company only.
    pub contact_phone: String,
    /// The street that keeps the record.
    pub street_code: String,
}

impl CompanyForm {
    pub fn problems(&self) -> Problems {
        let mut p = Problems::new();
        if let Some(x) = text_problem(&self.name, MAX_NAME, true) {
            p.push((Field::Name, x));
        }
        if let Some(x) = text_problem(&self.party_org, MAX_PARTY_ORG, false) {
            p.push((Field::PartyOrg, x));
        }
        if let Some(x) = text_problem(&self.contact_name, MAX_CONTACT, false) {
            p.push((Field::ContactName, x));
        }
        let phone = self.contact_phone.trim();
        if phone.chars().count() > MAX_PHONE {
            p.push((Field::Phone, InputProblem::TooLong));
        } else if !phone.is_empty() && !valid_record_phone(phone) {
            p.push((Field::Phone, InputProblem::NotPhone));
        }
        if self.street_code.trim().is_empty() {
            p.push((Field::Street, InputProblem::Required));
        }
        p
    }
}

/// A new staff account of a company (物业公司工作人员), made by its keeper.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewCompanyStaff {
    pub company_id: i64,
    pub phone: String,
    pub name: String,
    pub password: String,
}

impl NewCompanyStaff {
    /// The phone is checked here for its own message; the name and
    /// password go through the registration rules every account meets.
    pub fn phone_ok(&self) -> bool {
        is_mobile_number(self.phone.trim())
    }
}

/// A company on the public alliance page: never a contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompanyLine {
    pub id: i64,
    pub name: String,
    pub alliance: bool,
    pub party_org: Option<String>,
    /// The street that keeps the record (its name).
    pub street: Option<String>,
    /// The names of the compounds it manages.
    pub compounds: Vec<String>,
}

/// The alliance page: every company, alliance members first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AllianceView {
    pub companies: Vec<CompanyLine>,
    /// The streets where the caller may add a company (code, name); empty
    /// for everyone who keeps no company.
    pub streets: Vec<(String, String)>,
    /// The caller's own company, for its staff.
    pub own: Option<i64>,
}

/// A compound on a company's desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompoundLine {
    pub id: i64,
    pub name: String,
    pub grid_code: String,
    pub grid_name: String,
    /// The company managing it now (for compounds offered to assign).
    pub company: Option<String>,
}

/// A staff account of the company (phone masked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffLine {
    pub user_id: i64,
    pub name: String,
    pub phone_masked: String,
}

/// A task dispatched to the company in one of its compounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskLine {
    pub case_id: i64,
    pub category: String,
    pub status: String,
    /// The first words of the description.
    pub summary: String,
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub grid_code: Option<String>,
}

/// What the handled tasks add up to: sums the database keeps with each case
/// (`resolved_at`, `handled_minutes`, `on_time`, `rating`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyFigures {
    /// Cases ever dispatched to the company and still with it.
    pub tasks: u64,
    pub open: u64,
    pub overdue: u64,
    /// Cases it gave a result for.
    pub resolved: u64,
    pub on_time: u64,
    /// Sum of minutes from report to result over `resolved`.
    pub handled_minutes: i64,
    /// Residents' ratings (1–5) of its results.
    pub rated: u64,
    pub rating_sum: i64,
}

impl CompanyFigures {
    /// 按期办结率: results given on time over results given.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.resolved > 0).then(|| self.on_time as f64 / self.resolved as f64)
    }

    /// Average hours from the report to the result.
    pub fn average_hours(&self) -> Option<f64> {
        (self.resolved > 0).then(|| self.handled_minutes as f64 / 60.0 / self.resolved as f64)
    }

    /// 居民评价: the average of residents' stars.
    pub fn rating(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.rating_sum as f64 / self.rated as f64)
    }
}

/// A company's desk: its workspace for its own staff, and its record with
/// the contact for its keeper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompanyDesk {
    pub company: CompanyLine,
    pub street_code: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// The caller keeps the record (edits it, assigns compounds, adds staff).
    pub may_keep: bool,
    pub compounds: Vec<CompoundLine>,
    /// Compounds of the keeper's area managed by someone else or nobody.
    pub assignable: Vec<CompoundLine>,
    /// The streets the keeper may move the record to (code, name).
    pub streets: Vec<(String, String)>,
    pub staff: Vec<StaffLine>,
    pub figures: CompanyFigures,
    /// Open tasks, overdue first, then the soonest due.
    pub tasks: Vec<TaskLine>,
}

/// Sorts a workspace's open tasks: overdue first, then by due time (none last).
pub fn order_tasks(tasks: &mut [TaskLine]) {
    tasks.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| match (a.due_at, b.due_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn task(id: i64, due: Option<i64>, overdue: bool) -> TaskLine {
        TaskLine {
            case_id: id,
            category: String::new(),
            status: String::new(),
            summary: String::new(),
            due_at: due.map(|h| Utc::now() + Duration::hours(h)),
            overdue,
            grid_code: None,
        }
    }

    #[test]
    fn overdue_tasks_come_first_then_the_soonest_due() {
        let mut t = vec![
            task(1, None, false),
            task(2, Some(48), false),
            task(3, Some(-2), true),
            task(4, Some(5), false),
            task(5, Some(-30), true),
        ];
        order_tasks(&mut t);
        let ids: Vec<i64> = t.iter().map(|t| t.case_id).collect();
        assert_eq!(ids, vec![5, 3, 4, 2, 1]);
    }

    #[test]
    fn figures_are_none_until_there_is_something_to_divide() {
        let f = CompanyFigures::default();
        assert_eq!(f.on_time_rate(), None);
        assert_eq!(f.average_hours(), None);
        assert_eq!(f.rating(), None);
        let f = CompanyFigures {
            resolved: 4,
            on_time: 3,
            handled_minutes: 4 * 90,
            rated: 2,
            rating_sum: 9,
            ..Default::default()
        };
        assert_eq!(f.on_time_rate(), Some(0.75));
        assert_eq!(f.average_hours(), Some(1.5));
        assert_eq!(f.rating(), Some(4.5));
    }

    #[test]
    fn a_company_needs_a_name_and_a_street_and_a_phone_that_is_one() {
        let mut f = CompanyForm {
            name: " ".into(),
            contact_phone: "call me".into(),
            ..Default::default()
        };
        let fields: Vec<Field> = f.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Name, Field::Phone, Field::Street]);
        f.name = "泉城红心物业".into();
        f.contact_phone = "0531-88001234".into();
        f.street_code = "370103-001".into();
        assert!(f.problems().is_empty());
    }
}
