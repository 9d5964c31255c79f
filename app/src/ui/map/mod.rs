//! The home page: every grid on an interactive map, search, zoom to a
//! community, locate me, and a card for the tapped grid.

pub(crate) mod driver;
pub(crate) mod editor;
mod outlines;

use super::grid_page::{kind_label, StaffList};
use super::i18n::{tr, use_lang, T};
use super::slot::Slot;
use crate::api::geography::{locate_point, map_settings, search_places, MapConfig};
use crate::domain::geography::{GridKind, PlaceHit, StaffPublic};
use leptos::prelude::*;
use leptos::task::spawn_local;
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

/// Marks the device's position and shows which grid it lies in, or why not,
/// in `slot` (its own chunk, fetched when "locate me" is used).
#[leptos::lazy]
async fn show_located(position: Result<(f64, f64), String>, slot: Slot) {
    let found = match position {
        Ok((lat, lng)) => {
            driver::mark_me(lat, lng, true);
            locate_point(lat, lng).await.ok()
        }
        Err(_) => None,
    };
    slot.fill(Box::new(move || match found {
        Some(Some(g)) => view! {
            <p class="located" data-testid="located">{tr(T::YouAreIn)}{format!("{} · {} · {}", g.street, g.community, g.name)}" "<a href=format!("/grid/{}", g.code)><code>{g.code.clone()}</code></a></p>
        }.into_any(),
        Some(None) => view! { <p class="located">{tr(T::OutsideGrids)}</p> }.into_any(),
        None => view! { <p class="form-error">{tr(T::LocateFailed)}</p> }.into_any(),
    }));
}

/// Searches and lists the places found under the search box, unless a later
/// search was asked meanwhile (`asked` is no longer `this`). Its own chunk:
/// the call, the reading of its answer and the list are needed only once
/// someone searches (an `Action` here cost the first download ~20 KB gzip,
/// docs/performance.md, session 25).
#[leptos::lazy]
async fn show_search(query: String, this: u32, asked: StoredValue<u32>, slot: Slot) {
    let answer = search_places(query).await;
    if asked.try_get_value() != Some(this) {
        return;
    }
    slot.fill(Box::new(move || {
        let lang = use_lang();
        match answer {
            Ok(hits) if hits.is_empty() => view! { <p class="search-empty">{tr(T::NoResults)}</p> }.into_any(),
            Ok(hits) => view! {
                <ul class="search-results">
                    {hits.into_iter().map(|h| {
                        let label = format!("{} · {}", h.name, h.context);
                        view! {
                            <li><button type="button" on:click=move |_| { driver::fit(h.bbox); slot.clear(); }>
                                <code>{h.code.clone()}</code>" "{label}
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
            Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
        }
    }));
}

/// The tapped grid's card, from its properties in the layer's JSON (its own
/// chunk: needed only once someone taps a grid).
#[leptos::lazy]
fn show_card(json: String, slot: Slot) {
    match serde_json::from_slice::<GridProps>(json.as_bytes()) {
        Ok(g) => slot.fill(Box::new(move || {
            view! { <GridCard g place=slot/> }.into_any()
        })),
        Err(_) => slot.clear(),
    }
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

#[component]
pub fn MapPage() -> impl IntoView {
    let card = Slot::new("grid-card");
    let (picker, map) = match initial_settings() {
        Some(s) => (
            view! { <CommunityPicker communities=s.communities.clone()/> }.into_any(),
            view! { <GridMap settings=s card/> }.into_any(),
        ),
        // Reached in the app from a page without the settings: asked for, and the
        // picker and the map are put in place when they come.
        None => {
            let picker = Slot::new("community-picker");
            let map = Slot::new("map-body");
            Effect::new(move |_| spawn_local(load_map(picker, map, card)));
            (
                view! { <div id=picker.id() class="slot"></div> }.into_any(),
                view! {
                    <div id=map.id() class="slot">
                        <div class="grid-map loading">{tr(T::LoadingMap)}</div>
                    </div>
                }
                .into_any(),
            )
        }
    };
    view! {
        <div class="map-page">
            <div class="map-tools">
                <SearchBox/>
                {picker}
                <LocateButton/>
            </div>
            {map}
            <Legend/>
            <LayerToggle layer=Layer::Cases/>
            <LayerToggle layer=Layer::Wishes/>
            <p class="row"><a href="/board">{tr(T::OpenBoard)}</a><a href="/wishes">{tr(T::WallTitle)}</a><a href="/volunteer">{tr(T::NavVolunteer)}</a><a href="/lists">{tr(T::NavLists)}</a></p>
            <div id=card.id() class="slot"></div>
        </div>
    }
}

/// Asks for the map's settings and puts the community picker and the map in
/// their slots, or says why not (its own chunk: a page opened at `/` carries
/// the settings, `initial_settings`).
#[leptos::lazy]
async fn load_map(picker: Slot, map: Slot, card: Slot) {
    match map_settings().await {
        Ok(s) => {
            let communities = s.communities.clone();
            picker.fill(Box::new(move || {
                view! { <CommunityPicker communities/> }.into_any()
            }));
            map.fill(Box::new(move || {
                view! { <GridMap settings=s card/> }.into_any()
            }));
        }
        Err(e) => map.fill(Box::new(move || {
            let lang = use_lang();
            view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any()
        })),
    }
}

#[component]
fn GridMap(settings: MapConfig, card: Slot) -> impl IntoView {
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
                    spawn_local(show_card(json, card));
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
fn SearchBox() -> impl IntoView {
    let lang = use_lang();
    let results = Slot::new("search-results");
    // Only the answer to the latest search is shown (an earlier one may come later).
    let asked = StoredValue::new(0u32);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = typed_query(&ev);
        if !q.trim().is_empty() {
            asked.update_value(|n| *n += 1);
            spawn_local(show_search(q, asked.get_value(), asked, results));
        }
    };
    view! {
        <form class="search" role="search" on:submit=submit>
            <input
                type="search"
                name="q"
                maxlength="40"
                placeholder=move || T::SearchPlaceholder.get(lang.get())
                aria-label=move || T::Search.get(lang.get())
            />
            <button type="submit">{tr(T::Search)}</button>
            <div id=results.id() class="slot"></div>
        </form>
    }
}

/// What is typed in the submitted search form (read when sent: a signal bound
/// to the box would be one more kind of signal in the first download).
fn typed_query(ev: &leptos::ev::SubmitEvent) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            .and_then(|f| f.elements().named_item("q"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        String::new()
    }
}

#[component]
fn CommunityPicker(communities: Vec<PlaceHit>) -> impl IntoView {
    let boxes: Vec<(String, [f64; 4])> = communities
        .iter()
        .map(|c| (c.code.clone(), c.bbox))
        .collect();
    let on_change = move |ev: leptos::ev::Event| {
        let code = event_target_value(&ev);
        if let Some((_, b)) = boxes.iter().find(|(c, _)| *c == code) {
            driver::fit(*b);
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
    let busy = RwSignal::new(false);
    let found = Slot::new("located");
    let click = move |_| {
        busy.set(true);
        found.clear();
        driver::locate_me(move |position| {
            spawn_local(async move {
                show_located(position, found).await;
                busy.try_set(false);
            });
        });
    };
    view! {
        <button type="button" class="locate" on:click=click disabled=busy>
            {move || if busy.get() { T::Locating.get(lang.get()) } else { T::LocateMe.get(lang.get()) }}
        </button>
        <div id=found.id() class="slot"></div>
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
fn GridCard(g: GridProps, place: Slot) -> impl IntoView {
    let lang = use_lang();
    let kind = kind_label(if g.kind.as_deref() == Some("dedicated") {
        GridKind::Dedicated
    } else {
        GridKind::Base
    });
    view! {
        <aside class="grid-card" data-testid="grid-card" aria-live="polite">
            <button type="button" class="close" on:click=move |_| place.clear() aria-label=move || T::Close.get(lang.get())>"×"</button>
            <h2>{g.name.clone()}</h2>
            <p class="muted">
                <code data-testid="card-code">{g.code.clone()}</code>" · "{move || kind.get(lang.get())}
                {(!g.category.is_empty()).then(|| format!(" · {}", g.category))}
            </p>
            <p>{tr(T::Street)}": "{g.street_name.clone()}" · "{tr(T::Community)}": "{g.community_name.clone()}</p>
            <h3>{tr(T::Staff)}</h3>
            <StaffList staff=g.staff.clone()/>
            <a href=format!("/grid/{}", g.code) class="button">{tr(T::PublicPage)}</a>
        </aside>
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

/// The case layer's dots, fetched and worded (in `show_layer`'s chunk: the
/// first download does not carry the code that reads cases).
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

/// The wish layer's dots (as the case layer's).
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

/// A layer of dots over the grids, with its toggle under the map.
#[derive(Clone, Copy, PartialEq)]
enum Layer {
    /// Open cases: staff see their place's, everyone else the public board's
    /// (blurred to ~100 m).
    Cases,
    /// The wall's wishes, at their community (never at a home);
    /// `/?layer=wishes` opens the map with it on.
    Wishes,
}

impl Layer {
    /// The toggle's name, and its count's (`data-testid`, and the count slot's id).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Layer::Cases => ("case-layer", "case-count"),
            Layer::Wishes => ("wish-layer", "wish-count"),
        }
    }

    /// The `?layer=` that opens the map with this layer on.
    fn param(self) -> Option<&'static str> {
        match self {
            Layer::Cases => None,
            Layer::Wishes => Some("wishes"),
        }
    }

    fn label(self) -> T {
        match self {
            Layer::Cases => T::ShowCases,
            Layer::Wishes => T::ShowWishes,
        }
    }

    /// Draws `points` as this layer (none: takes it away).
    fn draw(self, points: Vec<Dot>) {
        match self {
            Layer::Cases => driver::show_cases(points),
            Layer::Wishes => driver::show_wishes(points),
        }
    }
}

/// The toggle of one layer.
#[component]
fn LayerToggle(layer: Layer) -> impl IntoView {
    let lang = use_lang();
    let (name, count_name) = layer.names();
    let query = leptos_router::hooks::use_query_map();
    let initially = layer
        .param()
        .is_some_and(|p| query.with_untracked(|q| q.get("layer").as_deref() == Some(p)));
    let count = Slot::new(count_name);
    // Bumped on every change: a layer that arrives after it was turned off
    // (or on again) is not shown.
    let changes = StoredValue::new(0u32);
    let show = move || {
        spawn_local(show_layer(
            layer,
            lang.get_untracked(),
            changes.get_value(),
            changes,
            count,
        ))
    };
    // In the browser only, once the page is interactive.
    Effect::new(move |_| {
        if initially {
            show();
        }
    });
    let change = move |ev: leptos::ev::Event| {
        changes.update_value(|n| *n += 1);
        if event_target_checked(&ev) {
            show();
        } else {
            layer.draw(Vec::new());
            count.clear();
        }
    };
    view! {
        <label class="check case-toggle">
            // autocomplete=off: a browser restoring the box on reload would show it
            // ticked with no layer drawn.
            <input type="checkbox" autocomplete="off" checked=initially on:change=change data-testid=name/>
            <span>{tr(layer.label())}</span>
            <span id=count.id() class="slot"></span>
        </label>
    }
}

/// Fetches a layer's dots, draws them and shows their number in `count`,
/// unless the toggle changed meanwhile (`changes` is no longer `this`). Its
/// own chunk: most visitors never turn a layer on.
#[leptos::lazy]
async fn show_layer(
    layer: Layer,
    lang: crate::domain::lang::Lang,
    this: u32,
    changes: StoredValue<u32>,
    count: Slot,
) {
    let points = match layer {
        Layer::Cases => case_points(lang).await,
        Layer::Wishes => wish_points(lang).await,
    };
    let Some(points) = points else {
        return;
    };
    // The wall's link opens the map with its layer on: the map may still be
    // loading. A map that never came (Leaflet did not load) gets no count of
    // dots it does not show.
    if !driver::ready().await || changes.try_get_value() != Some(this) {
        return;
    }
    let n = points.len();
    layer.draw(points);
    let testid = layer.names().1;
    count.fill(Box::new(move || {
        view! { <span class="muted small" data-testid=testid>{format!(" ({n})")}</span> }.into_any()
    }));
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
