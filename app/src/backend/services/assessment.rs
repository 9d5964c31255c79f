//! Assessment and the dashboard (issue 10): the figures of an area and a
//! period — its own, its sub-areas' and its workers' ranked, the
//! departments' — with the trend, the breakdowns and the heat map. The
//! formulas are `domain::assessment`; the sums come from the store.

use super::auth::Viewer;
use crate::backend::state::AppState;
use crate::backend::store::assessment::{self as db, CaseSet};
use crate::domain::assessment::{
    department_figures, figures, rank, Counts, Dashboard, DashboardAsk, DayPoint, DepartmentCounts,
    DepartmentRow, HeatCell, Ranked, Share, DEFAULT_DAYS, MAX_DAYS,
};
use crate::domain::auth::{Role, Scope};
use crate::domain::deadline::{china_date, midnight_after};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::{Level, StaffPosition};
use crate::domain::policy;
use chrono::{Duration, NaiveDate, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Heat map cells: 1/1000 of a degree (about 100 m), the busiest 400.
const HEAT_PER_DEGREE: u32 = 1000;
const HEAT_CELLS: u32 = 400;

/// The areas whose dashboard the caller may open (code, name): each
/// community and street they administer, every street for a system admin.
pub fn areas(state: &AppState, viewer: &Viewer) -> Vec<(String, String)> {
    let atlas = state.atlas();
    let mut codes: Vec<String> = Vec::new();
    for g in &viewer.grants {
        match (g.role, &g.scope) {
            (Role::CommunityAdmin | Role::StreetAdmin, Scope::Community(c) | Scope::Street(c)) => {
                codes.push(c.clone())
            }
            (Role::SystemAdmin, _) => codes.extend(atlas.streets()),
            _ => {}
        }
    }
    let mut seen = HashSet::new();
    codes.retain(|c| seen.insert(c.clone()));
    // Each area, then what lies under it down to the communities (a
    // community's own grids for its admin), so one can look closer.
    let mut out = Vec::new();
    for c in codes {
        let level = atlas.level_of(&c);
        if let Some(n) = atlas.name_of(&c) {
            out.push((c.clone(), n.to_string()));
        }
        let below = match level {
            Some(Level::Street) => Level::Community,
            Some(Level::Community) => Level::Grid,
            _ => continue,
        };
        for sub in atlas
            .codes_within(&c)
            .into_iter()
            .filter(|s| atlas.level_of(s) == Some(below))
        {
            if seen.insert(sub.clone()) {
                if let Some(n) = atlas.name_of(&sub) {
                    out.push((sub.clone(), format!("· {n}")));
                }
            }
        }
    }
    out
}

/// The column holding an area's code at each level.
fn column(level: Level) -> Option<&'static str> {
    match level {
        Level::Grid => Some("grid_code"),
        Level::Community => Some("community_code"),
        Level::Street => Some("street_code"),
        Level::District => None,
    }
}

/// The period asked for, as China days (the last included), checked.
fn period(ask: &DashboardAsk) -> Result<(NaiveDate, NaiveDate), AppError> {
    let today = china_date(Utc::now());
    let to = ask.to.unwrap_or(today);
    let from = ask.from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    if from > to || (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::invalid(Field::Time, InputProblem::OutOfRange));
    }
    Ok((from, to))
}

/// An area the caller administers, with its cases of a period and its grids.
pub(super) struct Scoped {
    pub code: String,
    pub level: Level,
    pub set: CaseSet,
    pub grids: Vec<String>,
}

/// Checks the caller administers `code` (community, street or system
/// admin) and the category is one we keep; the cases of the period there.
pub(super) async fn scoped(
    state: &AppState,
    viewer: &Viewer,
    code: String,
    ask: &DashboardAsk,
    start: chrono::DateTime<Utc>,
    end: chrono::DateTime<Utc>,
) -> Result<Scoped, AppError> {
    let atlas = state.atlas();
    let (Some(place), Some(level)) = (atlas.place_of(&code), atlas.level_of(&code)) else {
        return Err(AppError::NotFound);
    };
    let admin = viewer.grants.iter().any(|g| {
        matches!(
            g.role,
            Role::CommunityAdmin | Role::StreetAdmin | Role::SystemAdmin
        ) && g.scope.covers(&place)
    });
    if !admin {
        return Err(AppError::Forbidden);
    }
    if let Some(c) = ask.category_id {
        let known = super::cases::settings(state).await?.names.contains_key(&c);
        if !known {
            return Err(AppError::invalid(Field::Category, InputProblem::Unknown));
        }
    }
    let set = CaseSet {
        area: column(level).map(|col| (col, code.clone())),
        from: start,
        to: end,
        category_id: ask.category_id,
    };
    let grids: Vec<String> = atlas
        .codes_within(&code)
        .into_iter()
        .filter(|c| atlas.level_of(c) == Some(Level::Grid))
        .collect();
    Ok(Scoped {
        code,
        level,
        set,
        grids,
    })
}

/// The period asked for, as the UTC moments that bound its China days.
#[allow(clippy::type_complexity)]
pub(super) fn bounds(
    ask: &DashboardAsk,
) -> Result<
    (
        NaiveDate,
        NaiveDate,
        chrono::DateTime<Utc>,
        chrono::DateTime<Utc>,
    ),
    AppError,
> {
    let (from, to) = period(ask)?;
    Ok((
        from,
        to,
        midnight_after(from - Duration::days(1)),
        midnight_after(to),
    ))
}

/// The dashboard of an area the caller administers; a department sees its
/// own figures only.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn dashboard(
    state: &AppState,
    viewer: &Viewer,
    ask: DashboardAsk,
) -> Result<Dashboard, AppError> {
    let (from, to, start, end) = bounds(&ask)?;
    let choices = areas(state, viewer);
    let own: Vec<String> = policy::departments_of(&viewer.grants)
        .map(str::to_string)
        .collect();
    let Some(code) = ask
        .area
        .clone()
        .or_else(|| choices.first().map(|a| a.0.clone()))
    else {
        // A department: its own part of the whistles, district-wide.
        if own.is_empty() {
            return Err(AppError::Forbidden);
        }
        let departments = departments(state, &None, start, end, Some(&own)).await?;
        return Ok(Dashboard {
            from: Some(from),
            to: Some(to),
            departments,
            ..Dashboard::default()
        });
    };
    let Scoped {
        code,
        level,
        set,
        grids,
    } = scoped(state, viewer, code, &ask, start, end).await?;
    let atlas = state.atlas();
    let area = set.area.clone();
    let settings = super::cases::settings(state).await?;
    let now = Utc::now();

    // Patrol days of each worker on the grids' rosters.
    let (workers, worker_grids) = roster(state, &grids).await?;
    let last_day = to.min(china_date(now));
    let mut working_days = 0u64;
    let mut d = from;
    while d <= last_day {
        if settings.calendar.is_working_day(d) {
            working_days += 1;
        }
        d += Duration::days(1);
    }
    let patrols = db::patrols(&state.db, &grids, start, end).await?;
    let mut per_day: HashMap<(i64, NaiveDate), u32> = HashMap::new();
    for p in &patrols {
        if crate::domain::patrol::counts(p.started_at, p.ended_at, p.points.max(0) as u64) {
            *per_day
                .entry((p.user_id, db::china_day(p.started_at)))
                .or_default() += 1;
        }
    }
    let met = |user: i64| -> u64 {
        per_day
            .iter()
            .filter(|((u, day), n)| {
                *u == user
                    && **n >= crate::domain::patrol::DAILY_PATROLS
                    && settings.calendar.is_working_day(*day)
            })
            .count() as u64
    };

    // Sub-areas, ranked.
    let child_level = match level {
        Level::District => Some((Level::Street, "street_code")),
        Level::Street => Some((Level::Community, "community_code")),
        Level::Community => Some((Level::Grid, "grid_code")),
        Level::Grid => None,
    };
    let mut children = Vec::new();
    let mut totals = Counts::default();
    if let Some((child, key)) = child_level {
        let by = db::counts_by(&state.db, &set, key).await?;
        for c in atlas
            .codes_within(&code)
            .into_iter()
            .filter(|c| atlas.level_of(c) == Some(child))
        {
            let mut counts = by.get(&c).cloned().unwrap_or_default();
            for (user, grid) in &worker_grids {
                if grid == &c
                    || atlas.place_of(grid).is_some_and(|p| {
                        p.community.as_deref() == Some(&c) || p.street.as_deref() == Some(&c)
                    })
                {
                    counts.patrol_days += working_days;
                    counts.patrol_days_met += met(*user);
                }
            }
            totals.add(&counts);
            children.push(Ranked {
                name: atlas.name_of(&c).unwrap_or_default().to_string(),
                key: c,
                figures: figures(&counts),
                counts,
                rank: None,
                top: false,
            });
        }
        // Cases in the area but in none of its sub-areas (a point in no grid).
        let all = db::counts_by(&state.db, &set, area.map_or("street_code", |a| a.0)).await?;
        if let Some(whole) = all.get(&code) {
            let patrol = (totals.patrol_days, totals.patrol_days_met);
            totals = Counts {
                patrol_days: patrol.0,
                patrol_days_met: patrol.1,
                ..whole.clone()
            };
        }
        rank(&mut children);
    } else {
        let by = db::counts_by(&state.db, &set, "grid_code").await?;
        totals = by.get(&code).cloned().unwrap_or_default();
        for (user, _) in &worker_grids {
            totals.patrol_days += working_days;
            totals.patrol_days_met += met(*user);
        }
    }

    // Workers, ranked: their own cases, their finds, their patrol days.
    let mut worker_rows = Vec::new();
    if matches!(level, Level::Community | Level::Grid) {
        let owned = db::counts_by(&state.db, &set, "owner_id").await?;
        let found = db::found_by(&state.db, &set).await?;
        for (user, name) in &workers {
            let mut c = owned.get(&user.to_string()).cloned().unwrap_or_default();
            c.found = found.get(user).copied().unwrap_or(0);
            c.patrol_days =
                working_days * worker_grids.iter().filter(|(u, _)| u == user).count() as u64;
            c.patrol_days_met = met(*user);
            worker_rows.push(Ranked {
                key: user.to_string(),
                name: name.clone(),
                figures: figures(&c),
                counts: c,
                rank: None,
                top: false,
            });
        }
        rank(&mut worker_rows);
    }

    // The trend, day by day.
    let backend = sea_orm::ConnectionTrait::get_database_backend(&state.db);
    let reported: HashMap<String, u64> =
        db::tally(&state.db, &set, &db::day_expr(backend, "created_at"))
            .await?
            .into_iter()
            .filter_map(|(k, n)| k.map(|k| (k, n)))
            .collect();
    let handled: HashMap<String, u64> = db::handled_per_day(&state.db, &set)
        .await?
        .into_iter()
        .collect();
    let mut series = Vec::new();
    let mut d = from;
    while d <= to {
        let k = d.format("%Y-%m-%d").to_string();
        series.push(DayPoint {
            day: d,
            reported: reported.get(&k).copied().unwrap_or(0),
            handled: handled.get(&k).copied().unwrap_or(0),
        });
        d += Duration::days(1);
    }

    let shares = |rows: Vec<(Option<String>, u64)>, name: &dyn Fn(&str) -> String| -> Vec<Share> {
        rows.into_iter()
            .map(|(k, count)| Share {
                key: k.as_deref().map(name).unwrap_or_default(),
                count,
            })
            .collect()
    };
    let by_category = shares(db::tally(&state.db, &set, "category_id").await?, &|k| {
        k.parse::<i64>()
            .ok()
            .and_then(|id| settings.names.get(&id).cloned())
            .unwrap_or_else(|| k.to_string())
    });
    let by_source = shares(db::tally(&state.db, &set, "source").await?, &|k| {
        k.to_string()
    });
    let by_level = shares(db::tally(&state.db, &set, "level").await?, &|k| {
        k.to_string()
    });
    let heat = db::heat(&state.db, &set, HEAT_PER_DEGREE, HEAT_CELLS)
        .await?
        .into_iter()
        .map(|(lat, lng, count)| HeatCell { lat, lng, count })
        .collect();
    let (open_now, overdue_now) = db::open_now(&state.db, &set.area, now).await?;
    let departments = departments(state, &set.area, start, end, None).await?;
    let outlines = grids.iter().flat_map(|g| atlas.rings(g, 1)).collect();
    Ok(Dashboard {
        area: Some((
            code.clone(),
            atlas.name_of(&code).unwrap_or_default().to_string(),
        )),
        areas: choices,
        from: Some(from),
        to: Some(to),
        figures: figures(&totals),
        totals,
        open_now,
        overdue_now,
        series,
        by_category,
        by_source,
        by_level,
        children,
        workers: worker_rows,
        departments,
        heat,
        outlines,
        bbox: atlas.bbox_of(&code),
    })
}

/// The workers of these grids' rosters who own cases (`policy::may_own`),
/// with their names, and each worker's grids.
async fn roster(
    state: &AppState,
    grids: &[String],
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>), AppError> {
    let atlas = state.atlas();
    let ids: HashMap<i64, String> = grids
        .iter()
        .filter_map(|g| atlas.region_id(g).map(|id| (id, g.clone())))
        .collect();
    let keys: Vec<i64> = ids.keys().copied().collect();
    let mut workers: BTreeMap<i64, String> = BTreeMap::new();
    let mut of: Vec<(i64, String)> = Vec::new();
    for (grid_id, user, name, position, active) in db::rosters(&state.db, &keys).await? {
        let owns = StaffPosition::parse(&position).is_some_and(policy::may_own);
        if owns && active {
            workers.insert(user, name);
            if let Some(g) = ids.get(&grid_id) {
                of.push((user, g.clone()));
            }
        }
    }
    Ok((workers.into_iter().collect(), of))
}

/// Each department's figures over the whistles called in the period (only
/// `only` when given: a department reads its own).
async fn departments(
    state: &AppState,
    area: &Option<(&'static str, String)>,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
    only: Option<&[String]>,
) -> Result<Vec<DepartmentRow>, AppError> {
    let names: HashMap<String, String> = crate::backend::store::geography::departments(&state.db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let mut by: BTreeMap<String, DepartmentCounts> = BTreeMap::new();
    for p in db::parts(&state.db, area, from, to).await? {
        if only.is_some_and(|o| !o.contains(&p.department)) {
            continue;
        }
        let c = by.entry(p.department.clone()).or_default();
        c.called += 1;
        if let Some(a) = p.answered_at {
            c.answered += 1;
            c.answer_minutes += (a - p.called_at).num_minutes().max(0) as u64;
        }
        if p.state == "sent_back" {
            c.sent_back += 1;
        }
        if let Some(r) = p.reported_at {
            c.reported += 1;
            if r <= p.due_at {
                c.reported_on_time += 1;
            }
        }
        if let Some(stars) = p.rating {
            c.rated += 1;
            c.stars += stars.max(0) as u64;
        }
    }
    Ok(by
        .into_iter()
        .map(|(code, counts)| DepartmentRow {
            name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
            figures: department_figures(&counts),
            code,
            counts,
        })
        .collect())
}
