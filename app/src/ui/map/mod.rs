//! The home page: every grid on an interactive map, search, zoom to a
//! community, locate me, and a card for the tapped grid.

pub(crate) mod driver;
pub(crate) mod editor;
mod outlines;

use super::grid_page::{kind_label, StaffList};
use super::i18n::{tr, use_lang, T};
use crate::api::geography::{locate_point, map_settings, search_places, MapConfig};
use crate::domain::error::AppError;
use crate::domain::geography::{GridKind, LocatedGrid, PlaceHit, StaffPublic};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use serde::Deserialize;

/// The properties of a feature in `/api/v1/grids.geojson`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct GridProps {
    pub code: String,
    pub name: String,
    pub kind: Option<String>,
    pub category: String,
    pub community_name: String,
    pub street_name: String,
    pub staff: Vec<StaffPublic>,
}

/// The tapped grid's properties, read from the layer's JSON (its own chunk:
/// reading them is needed only once someone taps a grid).
#[leptos::lazy]
pub(crate) fn grid_props(json: String) -> Option<GridProps> {
    serde_json::from_slice(json.as_bytes()).ok()
}

/// Mounts a grid map in the element `id` with the configured tiles and draws
/// the public grid layer (the admin pages' maps); false when it could not
/// (the page was left, Leaflet or the layer did not load).
pub async fn grid_map(id: &str, on_pick: impl Fn(String) + 'static) -> bool {
    let tile = map_settings()
        .await
        .ok()
        .and_then(|s| s.tile_url.map(|u| (u, s.tile_attribution)));
    driver::leaflet().await
        && driver::mount(id, tile, on_pick)
        && driver::load_grids("/api/v1/grids.geojson").await.is_ok()
}

/// Street and community outlines over the grids (their own chunk: the map
/// is usable before they arrive, and a failure leaves it as it is).
#[leptos::lazy]
async fn area_outlines(url: &'static str) {
    if let Err(e) = outlines::draw(url).await {
        leptos::logging::warn!("area outlines: {e}");
    }
}

/// Which grid a point lies in (its own chunk, fetched when "locate me" is used).
#[leptos::lazy]
async fn locate(lat: f64, lng: f64) -> Result<Option<LocatedGrid>, AppError> {
    locate_point(lat, lng).await
}

/// Places matching a search (its own chunk: the call and the reading of its
/// answer are needed only once someone searches; an `Action` here cost the
/// first download ~20 KB gzip, docs/performance.md, session 25).
#[leptos::lazy]
async fn search(query: String) -> Result<Vec<PlaceHit>, AppError> {
    search_places(query).await
}

/// The id of the `<script type="application/json">` with the map's settings,
/// written into a page opened at `/` (`ui::app::shell`).
pub const SETTINGS_SCRIPT_ID: &str = "gl-map";

/// The settings the map page starts from: the server has them in memory and
/// writes them into the page, the browser reads them back, so the first page
/// is drawn without waiting on a request. None when the map is reached in
/// the app from a page that did not carry them: the page then asks.
pub fn initial_settings() -> Option<MapConfig> {
    #[cfg(feature = "ssr")]
    {
        crate::backend::request::state()
            .ok()
            .map(|s| crate::api::geography::map_config(&s))
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        super::embedded::read::<Option<MapConfig>>(SETTINGS_SCRIPT_ID).flatten()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

#[derive(Clone, Debug, PartialEq)]
enum LocateState {
    Idle,
    Busy,
    Found(Option<LocatedGrid>),
    Failed,
}

#[component]
pub fn MapPage() -> impl IntoView {
    let settings = RwSignal::new(initial_settings().map(Ok::<_, AppError>));
    if settings.with_untracked(Option::is_none) {
        spawn_local(async move {
            settings.try_set(Some(map_settings().await));
        });
    }
    let selected = RwSignal::new(None::<GridProps>);
    let focus = RwSignal::new(None::<[f64; 4]>);
    view! {
        <div class="map-page">
            <div class="map-tools">
                <SearchBox focus/>
                {move || settings.with(|s| match s {
                    Some(Ok(s)) => Some(s.communities.clone()),
                    _ => None,
                }).map(|communities| view! { <CommunityPicker communities focus/> })}
                <LocateButton/>
            </div>
            {move || match settings.get() {
                None => view! { <div class="grid-map loading">{tr(T::LoadingMap)}</div> }.into_any(),
                Some(Ok(s)) => view! { <GridMap settings=s selected focus/> }.into_any(),
                Some(Err(e)) => {
                    let lang = use_lang();
                    view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any()
                }
            }}
            <Legend/>
            <CaseLayerToggle/>
            <WishLayerToggle/>
            <p class="row"><A href="/board">{tr(T::OpenBoard)}</A><A href="/wishes">{tr(T::WallTitle)}</A><A href="/volunteer">{tr(T::NavVolunteer)}</A><A href="/lists">{tr(T::NavLists)}</A></p>
            <GridCard selected/>
        </div>
    }
}

#[component]
fn GridMap(
    settings: MapConfig,
    selected: RwSignal<Option<GridProps>>,
    focus: RwSignal<Option<[f64; 4]>>,
) -> impl IntoView {
    let drawn = RwSignal::new(None::<usize>);
    let failed = RwSignal::new(false);
    let tile = settings
        .tile_url
        .clone()
        .map(|u| (u, settings.tile_attribution.clone()));
    Effect::new(move |done: Option<()>| {
        if done.is_some() {
            return;
        }
        let tile = tile.clone();
        spawn_local(async move {
            let mounted = driver::leaflet().await
                && driver::mount("grid-map", tile, move |json| {
                    spawn_local(async move { selected.set(grid_props(json).await) });
                });
            if !mounted {
                // Gone (left the page) or Leaflet could not load: say so if still here.
                failed.try_set(true);
                return;
            }
            match driver::load_grids("/api/v1/grids.geojson").await {
                Ok(n) => {
                    drawn.try_set(Some(n));
                    area_outlines("/api/v1/areas.geojson").await;
                }
                Err(_) => _ = failed.try_set(true),
            }
        });
    });
    Effect::new(move |_| {
        if let Some(b) = focus.get() {
            driver::fit(b);
        }
    });
    on_cleanup(driver::unmount);
    view! {
        <div
            id="grid-map"
            class="grid-map"
            data-grids-drawn=move || drawn.get().map(|n| n.to_string())
        ></div>
        <p class="map-status">
            {move || match (drawn.get(), failed.get()) {
                (_, true) => tr(T::MapFailed)().to_string(),
                (Some(n), _) => format!("{n}{}", tr(T::GridsShown)()),
                (None, _) => tr(T::LoadingMap)().to_string(),
            }}
        </p>
    }
}

#[component]
fn SearchBox(focus: RwSignal<Option<[f64; 4]>>) -> impl IntoView {
    let lang = use_lang();
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<PlaceHit>, AppError>>);
    // Only the answer to the latest search is shown (an earlier one may come later).
    let asked = StoredValue::new(0u32);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked();
        if !q.trim().is_empty() {
            asked.update_value(|n| *n += 1);
            let this = asked.get_value();
            spawn_local(async move {
                let answer = search(q).await;
                if asked.try_get_value() == Some(this) {
                    results.try_set(Some(answer));
                }
            });
        }
    };
    let choose = move |hit: PlaceHit| {
        focus.set(Some(hit.bbox));
        results.set(None);
    };
    view! {
        <form class="search" role="search" on:submit=submit>
            <input
                type="search"
                bind:value=query
                maxlength="40"
                placeholder=move || T::SearchPlaceholder.get(lang.get())
                aria-label=move || T::Search.get(lang.get())
            />
            <button type="submit">{tr(T::Search)}</button>
            {move || results.get().map(|r| match r {
                Ok(hits) if hits.is_empty() => view! { <p class="search-empty">{tr(T::NoResults)}</p> }.into_any(),
                Ok(hits) => view! {
                    <ul class="search-results">
                        {hits.into_iter().map(|h| {
                            let label = format!("{} · {}", h.name, h.context);
                            let code = h.code.clone();
                            view! {
                                <li><button type="button" on:click=move |_| choose(h.clone())>
                                    <code>{code}</code>" "{label}
                                </button></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
            })}
        </form>
    }
}

#[component]
fn CommunityPicker(communities: Vec<PlaceHit>, focus: RwSignal<Option<[f64; 4]>>) -> impl IntoView {
    let boxes: Vec<(String, [f64; 4])> = communities
        .iter()
        .map(|c| (c.code.clone(), c.bbox))
        .collect();
    let on_change = move |ev: leptos::ev::Event| {
        let code = event_target_value(&ev);
        if let Some((_, b)) = boxes.iter().find(|(c, _)| *c == code) {
            focus.set(Some(*b));
        }
    };
    view! {
        <select class="community-picker" on:change=on_change aria-label=tr(T::ZoomToCommunity)>
            <option value="">{tr(T::ZoomToCommunity)}</option>
            {communities.into_iter().map(|c| view! {
                <option value=c.code.clone()>{format!("{} · {}", c.name, c.context)}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn LocateButton() -> impl IntoView {
    let lang = use_lang();
    let state = RwSignal::new(LocateState::Idle);
    let click = move |_| {
        state.set(LocateState::Busy);
        driver::locate_me(move |r| match r {
            Ok((lat, lng)) => {
                driver::mark_me(lat, lng, true);
                spawn_local(async move {
                    state.set(match locate(lat, lng).await {
                        Ok(g) => LocateState::Found(g),
                        Err(_) => LocateState::Failed,
                    });
                });
            }
            Err(_) => state.set(LocateState::Failed),
        });
    };
    view! {
        <button type="button" class="locate" on:click=click disabled=move || state.get() == LocateState::Busy>
            {move || if state.get() == LocateState::Busy { T::Locating.get(lang.get()) } else { T::LocateMe.get(lang.get()) }}
        </button>
        {move || match state.get() {
            LocateState::Found(Some(g)) => Some(view! {
                <p class="located" data-testid="located">{tr(T::YouAreIn)}{format!("{} · {} · {}", g.street, g.community, g.name)}" "<A href=format!("/grid/{}", g.code)><code>{g.code.clone()}</code></A></p>
            }.into_any()),
            LocateState::Found(None) => Some(view! { <p class="located">{tr(T::OutsideGrids)}</p> }.into_any()),
            LocateState::Failed => Some(view! { <p class="form-error">{tr(T::LocateFailed)}</p> }.into_any()),
            _ => None,
        }}
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <p class="legend">
            <span class="swatch base"></span>{tr(T::KindBase)}
            <span class="swatch dedicated"></span>{tr(T::KindDedicated)}
        </p>
    }
}

#[component]
fn GridCard(selected: RwSignal<Option<GridProps>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        selected.get().map(|g| {
            let kind = kind_label(if g.kind.as_deref() == Some("dedicated") { GridKind::Dedicated } else { GridKind::Base });
            view! {
                <aside class="grid-card" data-testid="grid-card" aria-live="polite">
                    <button type="button" class="close" on:click=move |_| selected.set(None) aria-label=move || T::Close.get(lang.get())>"×"</button>
                    <h2>{g.name.clone()}</h2>
                    <p class="muted">
                        <code data-testid="card-code">{g.code.clone()}</code>" · "{move || kind.get(lang.get())}
                        {(!g.category.is_empty()).then(|| format!(" · {}", g.category))}
                    </p>
                    <p>{tr(T::Street)}": "{g.street_name.clone()}" · "{tr(T::Community)}": "{g.community_name.clone()}</p>
                    <h3>{tr(T::Staff)}</h3>
                    <StaffList staff=g.staff.clone()/>
                    <A href=format!("/grid/{}", g.code) attr:class="button">{tr(T::PublicPage)}</A>
                </aside>
            }
        })
    }
}

/// The colour of a case dot by status (matches the badges).
fn status_colour(s: crate::domain::case::CaseStatus) -> &'static str {
    use crate::domain::case::CaseStatus as S;
    match s {
        S::Reported | S::Confirmed => "#d97706",
        S::Dispatched | S::InProgress => "#2563eb",
        S::Resolved | S::FedBack | S::Evaluated => "#16a34a",
        S::Closed | S::Rejected | S::Merged => "#6b7280",
    }
}

/// A dot on the map: where, its colour, whether it is flagged, its popup's HTML.
type Dot = (f64, f64, &'static str, bool, String);

/// The case layer's dots, fetched and worded. Its own chunk (`#[lazy]`): most
/// visitors never turn the layer on, so the first download does not carry the
/// code that reads cases.
#[leptos::lazy]
async fn case_points(l: crate::domain::lang::Lang) -> Option<Vec<Dot>> {
    use super::i18n::status_label;
    let points = crate::api::cases::map_cases().await.ok()?;
    Some(
        points
            .into_iter()
            .map(|p| {
                let label = status_label(p.status, l);
                let flag = if p.overdue {
                    format!(" · {}", T::Overdue.get(l))
                } else {
                    String::new()
                };
                let popup = if p.linked {
                    format!("<a href=\"/case/{}\">#{} {label}{flag}</a>", p.id, p.id)
                } else {
                    format!("#{} {label}{flag}", p.id)
                };
                (p.lat, p.lng, status_colour(p.status), p.overdue, popup)
            })
            .collect(),
    )
}

/// The wish layer's dots (its own chunk, as the case layer's).
#[leptos::lazy]
async fn wish_points(l: crate::domain::lang::Lang) -> Option<Vec<Dot>> {
    use crate::domain::wish::WishFilter;
    let cards = crate::api::wishes::wish_map(WishFilter::default())
        .await
        .ok()?;
    Some(
        cards
            .into_iter()
            .map(|c| {
                let popup = format!(
                    "<a href=\"/wish/{}\">{}</a><br>{} · {}",
                    c.id,
                    escape(&c.title),
                    c.status.label(l),
                    escape(&c.community_name)
                );
                (c.lat, c.lng, wish_colour(c.status), false, popup)
            })
            .collect(),
    )
}

/// Shows open cases on the map: staff see their place's, everyone else the
/// public board's (blurred to ~100 m).
#[component]
fn CaseLayerToggle() -> impl IntoView {
    let lang = use_lang();
    let on = RwSignal::new(false);
    let count = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        if !on.get() {
            driver::show_cases(Vec::new());
            count.set(None);
            return;
        }
        spawn_local(async move {
            if let Some(points) = case_points(lang.get_untracked()).await {
                count.set(Some(points.len()));
                driver::show_cases(points);
            }
        });
    });
    view! {
        <label class="check case-toggle">
            <input type="checkbox" bind:checked=on data-testid="case-layer"/>
            <span>{tr(T::ShowCases)}</span>
            {move || count.get().map(|n| view! { <span class="muted small" data-testid="case-count">{format!(" ({n})")}</span> })}
        </label>
    }
}

/// Text safe inside the popup HTML (wish titles are residents' words).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The colour of a wish dot by status.
fn wish_colour(s: crate::domain::wish::WishStatus) -> &'static str {
    use crate::domain::wish::WishStatus as S;
    match s {
        S::Published => "#c8161d",
        S::Claimed | S::Fulfilled => "#2563eb",
        _ => "#16a34a",
    }
}

/// Shows the wall's wishes on the map, at their community (never at a
/// home). `/?layer=wishes` opens the map with it on.
#[component]
fn WishLayerToggle() -> impl IntoView {
    let lang = use_lang();
    let query = leptos_router::hooks::use_query_map();
    let on = RwSignal::new(query.with_untracked(|q| q.get("layer").as_deref() == Some("wishes")));
    let count = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        if !on.get() {
            driver::show_wishes(Vec::new());
            count.set(None);
            return;
        }
        spawn_local(async move {
            if let Some(points) = wish_points(lang.get_untracked()).await {
                driver::ready().await;
                count.set(Some(points.len()));
                driver::show_wishes(points);
            }
        });
    });
    view! {
        <label class="check case-toggle">
            <input type="checkbox" bind:checked=on data-testid="wish-layer"/>
            <span>{tr(T::ShowWishes)}</span>
            {move || count.get().map(|n| view! { <span class="muted small" data-testid="wish-count">{format!(" ({n})")}</span> })}
        </label>
    }
}
