//! 上报问题: category, description, the place (map tap or GPS), public or not;
//! similar open cases nearby are offered first ("me too").

use super::super::auth::{ErrorLine, SignInPrompt};
use super::super::form::{CharCount, Checked, FieldError};
use super::super::i18n::{source_label, tr, use_lang, T};
use super::super::map::driver;
use super::super::outbox::{self, Outbox};
use super::super::photos;
use super::super::session::use_session;
use crate::api::cases::{case_categories, follow_case, nearby_cases, report_case};
use crate::api::geography::{grid_page, locate_point, map_settings};
use crate::domain::auth::Role;
use crate::domain::case::{CaseSource, NewCase, MAX_DESCRIPTION};
use crate::domain::error::{AppError, Field};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

// This form's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Rp {
    ReportTitle => "上报问题", "Report a problem";
    DescribeIt => "问题描述", "Description";
    DescribeHint => "说清楚是什么问题、在哪里、持续多久了", "What, where, since when";
    PlaceHint => "点击地图选择位置，或使用我的位置", "Tap the map to set the place, or use your location";
    UseMyLocation => "使用我的位置", "Use my location";
    PlaceChosen => "已选位置：", "Place: ";
    AllowPublic => "允许在公开栏匿名展示", "Show on the public board (anonymised)";
    SimilarNearby => "附近已有相同的问题，您可以关注它而不必重复上报：", "The same problem was already reported nearby; you can follow it instead:";
    MeToo => "我也遇到了", "Me too";
    Following => "已关注", "Following";
    SavedOffline => "现在没有网络：已保存在手机上，有信号后自动发送。", "No connection: kept on this phone, sent by itself when the signal returns.";
    OutboxTitle => "待发送", "Waiting to send";
    OutboxQueued => "等待网络", "waiting for a connection";
    OutboxPhotos => "照片待发送", "photos still to send";
    OutboxRefused => "未能受理", "not accepted";
    OutboxEdit => "修改后重发", "Edit and resend";
    OutboxDiscard => "删除", "Discard";
    CallerPhone => "来电人手机号（不公开）", "Caller's mobile number (private)";
    BoundTo => "本表单用于网格：", "This form is for the grid ";
    OutsideBound => "这个位置不在该网格内，请在网格范围内选点；其他地方的问题请从首页上报。", "This place is outside the grid; pick a point inside it, or report other places from the home page.";
    UnknownGrid => "二维码中的网格编号不存在，请从首页上报。", "The grid in this link does not exist; report from the home page.";
} }

#[component]
pub fn ReportPage() -> impl IntoView {
    let session = use_session();
    // Rebuilt only when signing in or out: the session's user is refreshed
    // after a sign-in, and rebuilding then cleared what had been typed.
    let signed_in = Memo::new(move |_| session.current().is_some());
    view! {
        <div class="session-view">
            {move || if signed_in.get() {
                view! { <ReportForm/> }.into_any()
            } else {
                view! { <SignInPrompt/> }.into_any()
            }}
        </div>
    }
}

#[component]
fn ReportForm() -> impl IntoView {
    let lang = use_lang();
    let categories = crate::ui::resource::resource(|| (), |_| case_categories());
    let settings = crate::ui::resource::resource(|| (), |_| map_settings());
    let top = RwSignal::new(String::new());
    let sub = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let point = RwSignal::new(None::<(f64, f64)>);
    // Privacy by default: the resident opts in to the public board.
    let public = RwSignal::new(false);
    // One key per draft: pressing 提交 again (or a resend after a lost
    // answer) gives back the case already made, never a second one.
    let draft_key = StoredValue::new(draft_key());
    let place = RwSignal::new(None::<String>);
    let followed = RwSignal::new(Vec::<i64>::new());
    let navigate = use_navigate();
    // Staff may file what they found on patrol, or a 12345 hotline call.
    let user = use_session().current();
    let patrol_ok = user.as_ref().is_some_and(|u| {
        u.grants
            .iter()
            .any(|g| matches!(g.role, Role::GridWorker | Role::GridLeader))
    });
    let hotline_ok = user.as_ref().is_some_and(|u| {
        u.grants.iter().any(|g| {
            matches!(
                g.role,
                Role::GridWorker
                    | Role::GridLeader
                    | Role::CommunityAdmin
                    | Role::StreetAdmin
                    | Role::SystemAdmin
            )
        })
    });
    let source = RwSignal::new("resident".to_string());
    let caller = RwSignal::new(String::new());
    // `/report?grid=CODE` (the poster's QR code): the form is for that grid,
    // its map opens there and a place outside it is refused.
    let bound = use_query_map()
        .get_untracked()
        .get("grid")
        .map(|g| g.trim().to_ascii_uppercase())
        .filter(|g| !g.is_empty());
    let bound_grid = {
        let bound = bound.clone();
        crate::ui::resource::resource(
            move || bound.clone(),
            |code| async move {
                match code {
                    Some(c) => Some(grid_page(c).await.ok()),
                    None => None,
                }
            },
        )
    };
    // The picked place is outside the bound grid.
    let outside = RwSignal::new(false);

    let nearby = crate::ui::resource::resource(
        move || (sub.get().parse::<i64>().ok(), point.get()),
        |(cat, at)| async move {
            match (cat, at) {
                (Some(c), Some((lat, lng))) => nearby_cases(c, lat, lng).await.unwrap_or_default(),
                _ => Vec::new(),
            }
        },
    );
    let submit = Action::new(|c: &NewCase| report_case(c.clone()));
    // No answer is not an error here: the report waits in the outbox instead.
    let error = Signal::derive(move || {
        submit
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Transport(_)))
    });
    let files = NodeRef::<leptos::html::Input>::new();
    let uploading = RwSignal::new(None::<(usize, usize)>);
    let photo_error = RwSignal::new(None::<String>);

    // The outbox: reports kept on the phone while there is no connection.
    let owner = StoredValue::new(user.as_ref().map(|u| u.phone.clone()).unwrap_or_default());
    let outbox = Outbox::get();
    let saved_offline = RwSignal::new(false);
    let waiting = LocalResource::new(move || {
        outbox.rev.track();
        let owner = owner.get_value();
        async move { outbox::drafts(&owner).await }
    });
    // What the app sent is said at the top of every page (OutboxStatus).
    let flush = move || outbox.flush(owner.get_value());
    // Send what waits as soon as the form opens online (the app sends too, once it
    // has settled, and whenever the signal returns: OutboxStatus).
    Effect::new(move |_| {
        if outbox::online() {
            flush();
        }
    });
    // The last report handed to the server, kept for the outbox should no answer come.
    let last_sent = StoredValue::new(None::<NewCase>);
    // Keeps a report on the phone and clears the form for the next one.
    let keep_offline = move |case: NewCase| {
        let picked = photos::picked(files);
        spawn_local(async move {
            #[cfg(feature = "hydrate")]
            let kept = outbox::save(&owner.get_value(), &case, picked).await;
            #[cfg(not(feature = "hydrate"))]
            let kept: Result<(), String> = {
                let _ = (&case, picked);
                Ok(())
            };
            match kept {
                Ok(()) => {
                    saved_offline.set(true);
                    description.set(String::new());
                    draft_key.set_value(self::draft_key());
                    if let Some(input) = files.get_untracked() {
                        input.set_value("");
                    }
                    outbox.changed();
                }
                Err(e) => photo_error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        if let Some(Err(AppError::Transport(_))) = submit.value().get() {
            // Sent, but no answer: the outbox resends it with the same key, so
            // the server makes one case whichever way it went.
            if let Some(case) = last_sent.get_value() {
                keep_offline(case);
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(case)) = submit.value().get() {
            let id = case.id;
            let navigate = navigate.clone();
            let picked = photos::picked(files);
            spawn_local(async move {
                let url = format!("/api/v1/cases/{id}/photos");
                match photos::upload_all(&url, picked, uploading).await {
                    Ok(()) => navigate(&format!("/case/{id}?submitted=1"), Default::default()),
                    Err(e) => photo_error.set(Some(e)),
                }
            });
        }
    });

    // Picking a place: the map (browser only) and GPS both end here.
    let bound_code = StoredValue::new(bound.clone());
    let set_point = move |lat: f64, lng: f64| {
        point.set(Some((lat, lng)));
        spawn_local(async move {
            let found = locate_point(lat, lng).await.ok().flatten();
            if let Some(b) = bound_code.try_get_value().flatten() {
                outside.try_set(found.as_ref().is_none_or(|g| g.code != b));
            }
            let text = match found {
                Some(g) => format!("{} · {} · {}", g.street, g.community, g.name),
                None => format!("{lat:.5}, {lng:.5}"),
            };
            place.try_set(Some(text));
        });
    };
    // Mounted once, when the settings have arrived (reached in the app they come
    // after the first run: returning "done" then left the form without a map).
    Effect::new(move |mounted: Option<bool>| {
        if mounted == Some(true) {
            return true;
        }
        let Some(Ok(s)) = settings.get() else {
            return false;
        };
        spawn_local(async move {
            let tile = s.tile_url.map(|u| (u, s.tile_attribution));
            // Without a map the place still comes from GPS (the button below).
            if !(driver::leaflet().await && driver::mount("report-map", tile, |_| {})) {
                return;
            }
            let _ = driver::load_grids("/api/v1/grids.geojson").await;
            // `try_`: the page may have been left while the grids loaded.
            if let Some(g) = bound_grid.try_get_untracked().flatten().flatten().flatten() {
                driver::fit(g.bbox);
            }
            driver::on_tap(move |lat, lng| {
                driver::mark_me(lat, lng, false);
                set_point(lat, lng);
            });
        });
        true
    });
    on_cleanup(driver::unmount);

    let use_gps = move |_| {
        driver::locate_me(move |r| {
            if let Ok((lat, lng)) = r {
                driver::mark_me(lat, lng, true);
                set_point(lat, lng);
            }
        })
    };
    // The report as the form stands (no place yet: not a number, which the
    // domain's check names).
    let draft = move || {
        let (lat, lng) = point.get().unwrap_or((f64::NAN, f64::NAN));
        NewCase {
            category_id: sub.get().parse().unwrap_or(0),
            description: description.get(),
            lat,
            lng,
            public: public.get(),
            source: CaseSource::parse(&source.get()).unwrap_or(CaseSource::Resident),
            contact_phone: (source.get() == "hotline").then(|| caller.get()),
            idempotency_key: Some(draft_key.get_value()).filter(|k| !k.is_empty()),
            grid: bound_code.get_value(),
        }
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        photo_error.set(
            photos::check(files)
                .err()
                .map(|e| e.message(lang.get_untracked())),
        );
        if !checked.passes() || photo_error.get_untracked().is_some() {
            return;
        }
        let case = untrack(draft);
        saved_offline.set(false);
        if !outbox::online() {
            keep_offline(case);
            return;
        }
        last_sent.set_value(Some(case.clone()));
        submit.dispatch(case);
    };
    // A refused draft back into the form (its photos must be picked again).
    let edit = move |case: NewCase| {
        sub.set(case.category_id.to_string());
        if let Some(Ok(cats)) = categories.get_untracked() {
            if let Some(parent) = cats
                .iter()
                .find(|c| c.id == case.category_id)
                .and_then(|c| c.parent_id)
            {
                top.set(parent.to_string());
                sub.set(case.category_id.to_string());
            }
        }
        description.set(case.description.clone());
        public.set(case.public);
        set_point(case.lat, case.lng);
    };

    view! {
        <section class="card report">
            <h1>{tr(Rp::ReportTitle)}</h1>
            <Suspense fallback=|| ()>
                {move || bound_grid.get().flatten().map(|g| match g {
                    Some(g) => view! {
                        <p class="notice" data-testid="bound-grid">{tr(Rp::BoundTo)}{format!("{}（{}）", g.name, g.code)}</p>
                    }.into_any(),
                    None => view! { <p class="form-error" role="alert">{tr(Rp::UnknownGrid)}</p> }.into_any(),
                })}
            </Suspense>
            <form class="form" novalidate on:submit=send>
                <Show when=move || hotline_ok>
                    <label>
                        <span>{tr(T::Source)}</span>
                        <select bind:value=source data-testid="source">
                            <option value="resident">{move || source_label(CaseSource::Resident, lang.get())}</option>
                            <Show when=move || patrol_ok>
                                <option value="patrol">{move || source_label(CaseSource::Patrol, lang.get())}</option>
                            </Show>
                            <option value="hotline">{move || source_label(CaseSource::Hotline, lang.get())}</option>
                        </select>
                    </label>
                    <Show when=move || source.get() == "hotline">
                        <label>
                            <span>{tr(Rp::CallerPhone)}</span>
                            <input type="tel" inputmode="numeric" maxlength="11" bind:value=caller/>
                        </label>
                        <FieldError problems field=Field::Phone/>
                    </Show>
                </Show>
                <Suspense fallback=|| ()>
                    {move || categories.get().and_then(Result::ok).map(|cats| {
                        let tops: Vec<_> = cats.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
                        let subs = cats.clone();
                        view! {
                            <label>
                                <span>{tr(T::CategoryTop)}</span>
                                <select bind:value=top on:change=move |_| sub.set(String::new()) data-testid="category-top">
                                    <option value="">{tr(T::ChooseOne)}</option>
                                    {tops.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                                </select>
                            </label>
                            <label>
                                <span>{tr(T::CategorySub)}</span>
                                <select bind:value=sub data-testid="category-sub">
                                    <option value="">{tr(T::ChooseOne)}</option>
                                    {move || {
                                        let parent = top.get().parse::<i64>().ok();
                                        subs.iter()
                                            .filter(|c| c.parent_id.is_some() && c.parent_id == parent)
                                            .map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> })
                                            .collect_view()
                                    }}
                                </select>
                            </label>
                        }
                    })}
                </Suspense>
                <FieldError problems field=Field::Category/>
                <label>
                    <span>{tr(Rp::DescribeIt)}</span>
                    <textarea bind:value=description rows="3" placeholder=move || Rp::DescribeHint.get(lang.get()) data-testid="description"></textarea>
                    <CharCount value=description max=MAX_DESCRIPTION/>
                </label>
                <FieldError problems field=Field::Description/>
                <div class="place">
                    <span class="label">{tr(Rp::PlaceHint)}</span>
                    <div id="report-map" class="grid-map small"></div>
                    <button type="button" on:click=use_gps>{tr(Rp::UseMyLocation)}</button>
                    {move || place.get().map(|p| view! { <p class="ok" data-testid="picked-place">{tr(Rp::PlaceChosen)}{p}</p> })}
                    <FieldError problems field=Field::Coordinates missing=T::PlaceMissing/>
                    <Show when=move || outside.get()>
                        <p class="form-error" role="alert" data-testid="outside-grid">{tr(Rp::OutsideBound)}</p>
                    </Show>
                </div>
                <Suspense fallback=|| ()>
                    {move || nearby.get().filter(|n| !n.is_empty()).map(|cases| view! {
                        <div class="nearby" data-testid="nearby">
                            <p>{tr(Rp::SimilarNearby)}</p>
                            <ul>
                                {cases.into_iter().map(|c| {
                                    let id = c.id;
                                    view! {
                                        <li>
                                            <span>{format!("#{} {}", c.id, c.description)}</span>
                                            <button type="button" disabled=move || followed.get().contains(&id)
                                                on:click=move |_| spawn_local(async move {
                                                    if follow_case(id).await.is_ok() { followed.update(|f| f.push(id)); }
                                                })>
                                                {move || if followed.get().contains(&id) { tr(Rp::Following)() } else { tr(Rp::MeToo)() }}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                </Suspense>
                <label>
                    <span>{tr(T::Photos)}</span>
                    <input type="file" accept="image/jpeg,image/png,image/webp" multiple node_ref=files data-testid="photos"/>
                    <small>{tr(T::PhotosHint)}</small>
                </label>
                <label class="check">
                    <input type="checkbox" bind:checked=public data-testid="public"/>
                    <span>{tr(Rp::AllowPublic)}</span>
                </label>
                <ErrorLine error/>
                {move || photo_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                {move || uploading.get().map(|(i, n)| view! { <p class="ok">{tr(T::UploadingPhoto)}{format!(" {i}/{n}…")}</p> })}
                <button type="submit" class="primary" disabled=move || submit.pending().get() || uploading.get().is_some()>
                    {move || if submit.pending().get() || uploading.get().is_some() { tr(T::Submitting)() } else { tr(T::SubmitReport)() }}
                </button>
            </form>
            <Show when=move || saved_offline.get()>
                <p class="ok" role="status" data-testid="saved-offline">{tr(Rp::SavedOffline)}</p>
            </Show>
            <Transition fallback=|| ()>
                {move || waiting.get().filter(|d| !d.is_empty()).map(|drafts| view! {
                    <div class="outbox" data-testid="outbox">
                        <h2>{tr(Rp::OutboxTitle)}" "<span data-testid="outbox-count">{drafts.len()}</span></h2>
                        <ul>
                            {drafts.into_iter().map(|d| {
                                let key = d.key.clone();
                                let case = d.case();
                                let text = case.as_ref().map(|c| c.description.chars().take(40).collect::<String>()).unwrap_or_default();
                                let refusal = d.refusal();
                                let state = d.state.clone();
                                let shown_state = d.state.clone();
                                let photos = d.photos;
                                view! {
                                    <li data-testid="draft" data-state=shown_state>
                                        <span>{text}</span>
                                        <span class="muted small">
                                            {move || match state.as_str() {
                                                "photos" => Rp::OutboxPhotos.get(lang.get()).to_string(),
                                                "refused" => Rp::OutboxRefused.get(lang.get()).to_string(),
                                                _ => Rp::OutboxQueued.get(lang.get()).to_string(),
                                            }}
                                            {(photos > 0).then(|| format!(" · {photos} 📷"))}
                                        </span>
                                        {refusal.map(|e| view! { <p class="form-error">{move || e.message(lang.get())}</p> })}
                                        <span class="row">
                                            {case.filter(|_| d.state == "refused").map(|c| {
                                                let key = key.clone();
                                                view! {
                                                    <button type="button" on:click=move |_| {
                                                        edit(c.clone());
                                                        let key = key.clone();
                                                        spawn_local(async move {
                                                            outbox::discard(&key).await;
                                                            outbox.changed();
                                                        });
                                                    }>{tr(Rp::OutboxEdit)}</button>
                                                }
                                            })}
                                            <button type="button" class="secondary" on:click=move |_| {
                                                let key = key.clone();
                                                spawn_local(async move {
                                                    outbox::discard(&key).await;
                                                    outbox.changed();
                                                });
                                            }>{tr(Rp::OutboxDiscard)}</button>
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                })}
            </Transition>
        </section>
    }
}

/// A random key for a draft (browser only; the server render needs none).
fn draft_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        (0..4)
            .map(|_| format!("{:08x}", (js_sys::Math::random() * 4_294_967_296.0) as u32))
            .collect::<Vec<_>>()
            .join("-")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
