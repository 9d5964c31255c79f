//! 网格边界调整 (`/boundaries`): a street admin (or a system admin) taps a
//! grid and moves its vertices, cuts it along a drawn line or merges a
//! neighbour into it, draws a new grid, and sees each change with who made
//! it and when, its outlines before and after, and an undo. The rules and
//! the checks are the server's (`services::boundaries`); this page draws.

use super::auth::{ErrorLine, SignInPrompt};
use super::i18n::{short_time, tr, use_lang, T};
use super::map::{driver, editor};
use super::session::use_session;
use crate::api::boundaries::{
    boundary_change, boundary_editor, editable_outline, save_boundary, undo_boundary_change,
};
use crate::domain::auth::Role;
use crate::domain::boundary::{BoundaryChangeView, BoundaryEdit, BoundaryOutcome, GridOutline};
use crate::domain::error::AppError;
use crate::domain::geography::GridKind;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

crate::ui::i18n::texts! { Bd {
    Title => "网格边界调整", "Grid boundaries";
    Hint => "点选地图上的网格后可调整边界、拆分或合并；每次保存都会检查重叠，保存后在办事件自动归入新的网格，任何修改都可以撤销。", "Tap a grid on the map to reshape, split or merge it; every save is checked for overlaps, open cases move to their new grid, and any change can be undone.";
    AdminsOnly => "边界调整需要街道管理员或系统管理员账号。", "Editing boundaries needs a street or system admin.";
    Street => "街道", "Street";
    Picked => "已选网格：", "Selected grid: ";
    PickFirst => "请先在地图上点选一个网格。", "Tap a grid on the map first.";
    Reshape => "调整边界", "Reshape";
    Split => "拆分", "Split";
    Merge => "合并相邻网格", "Merge a neighbour";
    Draw => "新建网格", "Draw a grid";
    Cancel => "取消", "Cancel";
    UndoPoint => "撤销上一点", "Remove last point";
    ReshapeHint => "拖动红色顶点调整边界；拖动或点击边中间的小点可增加顶点。", "Drag the red vertices; drag or tap the small middle points to add one.";
    DeleteMode => "点击顶点即删除该顶点", "Tapping a vertex removes it";
    DrawHint => "在地图上依次点击新网格边界的各个点（至少 3 个）。", "Tap the new grid's corners on the map in order (at least 3).";
    SplitHint => "从网格外开始，依次点击画出分割线，穿过网格到网格外结束。面积较大的一侧保留原网格编码。", "Tap a line from outside the grid, across it, to outside it. The larger side keeps the grid's code.";
    MergeHint => "在地图上点选要并入的相邻网格（须属同一社区，且没有在岗人员和人房信息）。", "Tap the neighbouring grid to merge in (same community, no staff or household records left).";
    MergeWith => "并入：", "Merge in: ";
    NewCode => "新网格编码", "New grid code";
    NewName => "新网格名称", "New grid name";
    Community => "所属社区", "Community";
    Kind => "网格类型", "Grid kind";
    Base => "基础网格", "Base grid";
    Dedicated => "专属网格", "Dedicated grid";
    Points => "已点：", "Points: ";
    Saved => "已保存。", "Saved.";
    Moved => "个在办事件已归入新的网格。", " open case(s) moved to their new grid.";
    History => "修改记录", "Changes";
    NoHistory => "还没有修改记录。", "No changes yet.";
    Compare => "对比前后", "Before / after";
    Undo => "撤销", "Undo";
    Undone => "已撤销", "Undone";
    UndoOf => "撤销 #", "Undo of #";
    Before => "修改前（灰）", "Before (grey)";
    After => "修改后（红）", "After (red)";
} }

#[component]
pub fn BoundariesPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(u) if u.has(Role::StreetAdmin) || u.has(Role::SystemAdmin) => view! { <Editor/> }.into_any(),
                Some(_) => view! { <p class="notice">{tr(Bd::AdminsOnly)}</p> }.into_any(),
            }}
        </div>
    }
}

/// What the map's taps do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Idle,
    Reshape,
    Draw,
    Split,
    Merge,
}

#[component]
fn Editor() -> impl IntoView {
    let lang = use_lang();
    let area = RwSignal::new(None::<String>);
    // Bumped after every save and undo: the history and the layer follow.
    let round = RwSignal::new(0u32);
    let desk = LocalResource::new(move || {
        round.track();
        boundary_editor(area.get())
    });
    let mode = RwSignal::new(Mode::Idle);
    let picked = RwSignal::new(None::<String>);
    let other = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(None::<GridOutline>);
    let parts = RwSignal::new(editor::Parts::new());
    let points = RwSignal::new(Vec::<[f64; 2]>::new());
    let deleting = RwSignal::new(false);
    let (code, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let community = RwSignal::new(String::new());
    let kind = RwSignal::new(GridKind::Base);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<BoundaryOutcome>);
    let busy = RwSignal::new(false);
    let drawn = RwSignal::new(false);

    let reset = move || {
        mode.set(Mode::Idle);
        other.set(None);
        loaded.set(None);
        parts.set(Vec::new());
        points.set(Vec::new());
        deleting.set(false);
        editor::clear();
    };
    // Entering a mode that works on the picked grid loads its stored outline.
    let enter = move |m: Mode| {
        error.set(None);
        done.set(None);
        editor::clear();
        points.set(Vec::new());
        code.set(String::new());
        name.set(String::new());
        if m == Mode::Draw {
            mode.set(m);
            return;
        }
        let Some(grid) = picked.get_untracked() else {
            error.set(None);
            return;
        };
        spawn_local(async move {
            let asked = grid.clone();
            let answer = editable_outline(grid).await;
            // Another grid picked meanwhile: this outline is not wanted.
            if picked.get_untracked().as_deref() != Some(asked.as_str()) {
                return;
            }
            match answer {
                Ok(o) => {
                    editor::frame(&o.parts);
                    parts.try_set(o.parts.clone());
                    loaded.try_set(Some(o));
                    mode.try_set(m);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    // The map: mounted once; taps on grids pick, taps elsewhere add points.
    Effect::new(move |once: Option<()>| {
        if once.is_some() {
            return;
        }
        spawn_local(async move {
            // The tapped grid's code, read by the map page's own (lazy) reader.
            let on_pick = move |props: String| {
                spawn_local(async move {
                    let code = super::map::grid_props(props).await.map(|p| p.code);
                    match mode.get_untracked() {
                        Mode::Idle => _ = picked.try_set(code),
                        Mode::Merge => _ = other.try_set(code),
                        _ => {}
                    }
                });
            };
            if super::map::grid_map("boundary-map", on_pick).await {
                driver::on_tap(move |lat, lng| {
                    if matches!(mode.get_untracked(), Mode::Draw | Mode::Split) {
                        points.update(|p| p.push([lat, lng]));
                    }
                });
                drawn.try_set(true);
            }
        });
    });
    // Whatever is being edited, drawn as it changes.
    Effect::new(move |_| {
        if !drawn.get() {
            return;
        }
        match mode.get() {
            Mode::Reshape => {
                let changed: Rc<dyn Fn(editor::Parts)> = Rc::new(move |p| parts.set(p));
                editor::edit_parts(parts.get(), deleting.get(), changed);
            }
            Mode::Draw => points.with(|p| editor::path(p, true)),
            Mode::Split => points.with(|p| editor::path(p, false)),
            Mode::Merge | Mode::Idle => editor::clear(),
        }
    });
    // After a save or an undo: a fresh layer, the view kept.
    Effect::new(move |prev: Option<u32>| {
        let r = round.get();
        if prev.is_some_and(|p| p != r) && drawn.get_untracked() {
            spawn_local(async move {
                let _ = editor::reload_grids("/api/v1/grids.geojson").await;
            });
        }
        r
    });
    on_cleanup(|| {
        editor::clear();
        driver::unmount();
    });

    let finish = move |result: Result<BoundaryOutcome, AppError>| {
        busy.set(false);
        match result {
            Ok(o) => {
                reset();
                picked.set(o.grids.first().cloned());
                done.set(Some(o));
                round.update(|r| *r += 1);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let save = move |_| {
        // The grid whose outline was loaded (and stamped), whatever was tapped since.
        let (grid, stamp) = loaded
            .get_untracked()
            .map(|o| (o.code, o.stamp))
            .unwrap_or_default();
        let edit = match mode.get_untracked() {
            Mode::Reshape => BoundaryEdit::Reshape {
                grid,
                parts: parts.get_untracked(),
                stamp,
            },
            Mode::Draw => BoundaryEdit::Draw {
                grid: code.get_untracked(),
                name: name.get_untracked(),
                kind: kind.get_untracked(),
                community: community.get_untracked(),
                ring: points.get_untracked(),
            },
            Mode::Split => BoundaryEdit::Split {
                grid,
                line: points.get_untracked(),
                new_grid: code.get_untracked(),
                new_name: name.get_untracked(),
                stamp,
            },
            Mode::Merge => {
                let Some(o) = other.get_untracked() else {
                    return;
                };
                // The neighbour's stamp comes with its outline, read now.
                busy.set(true);
                error.set(None);
                spawn_local(async move {
                    let result = match editable_outline(o.clone()).await {
                        Ok(theirs) => {
                            save_boundary(BoundaryEdit::Merge {
                                grid,
                                other: o,
                                stamp,
                                other_stamp: theirs.stamp,
                            })
                            .await
                        }
                        Err(e) => Err(e),
                    };
                    finish(result);
                });
                return;
            }
            Mode::Idle => return,
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move { finish(save_boundary(edit).await) });
    };

    view! {
        <section class="cases boundaries">
            <h1>{tr(Bd::Title)}</h1>
            <p class="hint">{tr(Bd::Hint)}</p>
            {move || desk.get().and_then(Result::ok).filter(|d| d.choices.len() > 1).map(|d| {
                let current = d.area.clone();
                view! {
                    <label class="actions"><span>{tr(Bd::Street)}</span>
                        <select data-testid="boundary-area" on:change=move |ev| {
                            reset();
                            picked.set(None);
                            community.set(String::new());
                            area.set(Some(event_target_value(&ev)));
                        }>
                            {d.choices.iter().map(|(c, n)| view! { <option value=c.clone() selected=*c == current>{n.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                }
            })}
            <div id="boundary-map" class="grid-map" data-drawn=move || drawn.get().then_some("1")></div>
            <div class="card edit-panel" data-testid="edit-panel">
                {move || match mode.get() {
                    Mode::Idle => view! {
                        <p data-testid="picked">{move || match picked.get() {
                            Some(g) => format!("{}{g}", tr(Bd::Picked)()),
                            None => tr(Bd::PickFirst)().to_string(),
                        }}</p>
                        <div class="actions">
                            <button type="button" disabled=move || picked.with(Option::is_none) on:click=move |_| enter(Mode::Reshape)>{tr(Bd::Reshape)}</button>
                            <button type="button" disabled=move || picked.with(Option::is_none) on:click=move |_| enter(Mode::Split)>{tr(Bd::Split)}</button>
                            <button type="button" disabled=move || picked.with(Option::is_none) on:click=move |_| enter(Mode::Merge)>{tr(Bd::Merge)}</button>
                            <button type="button" on:click=move |_| {
                                if community.get_untracked().is_empty() {
                                    if let Some(Ok(d)) = desk.get_untracked() {
                                        community.set(d.communities.first().map(|c| c.0.clone()).unwrap_or_default());
                                    }
                                }
                                enter(Mode::Draw)
                            }>{tr(Bd::Draw)}</button>
                        </div>
                    }.into_any(),
                    Mode::Reshape => view! {
                        <p class="hint">{tr(Bd::ReshapeHint)}</p>
                        <label class="check"><input type="checkbox" bind:checked=deleting/>{tr(Bd::DeleteMode)}</label>
                    }.into_any(),
                    Mode::Draw => view! {
                        <p class="hint">{tr(Bd::DrawHint)}</p>
                        <label><span>{tr(Bd::NewCode)}</span><input data-testid="new-code" bind:value=code placeholder="370103-001-001-09"/></label>
                        <label><span>{tr(Bd::NewName)}</span><input data-testid="new-name" bind:value=name/></label>
                        <label><span>{tr(Bd::Community)}</span>
                            <select data-testid="new-community" on:change=move |ev| community.set(event_target_value(&ev))>
                                {move || desk.get().and_then(Result::ok).map(|d| d.communities.iter().map(|(c, n)| {
                                    let c2 = c.clone();
                                    view! { <option value=c.clone() selected=move || community.get() == c2>{n.clone()}</option> }
                                }).collect_view())}
                            </select>
                        </label>
                        <label><span>{tr(Bd::Kind)}</span>
                            <select on:change=move |ev| kind.set(if event_target_value(&ev) == "dedicated" { GridKind::Dedicated } else { GridKind::Base })>
                                <option value="base">{tr(Bd::Base)}</option>
                                <option value="dedicated">{tr(Bd::Dedicated)}</option>
                            </select>
                        </label>
                        <PointsLine points/>
                    }.into_any(),
                    Mode::Split => view! {
                        <p class="hint">{tr(Bd::SplitHint)}</p>
                        <label><span>{tr(Bd::NewCode)}</span><input data-testid="new-code" bind:value=code/></label>
                        <label><span>{tr(Bd::NewName)}</span><input data-testid="new-name" bind:value=name/></label>
                        <PointsLine points/>
                    }.into_any(),
                    Mode::Merge => view! {
                        <p class="hint">{tr(Bd::MergeHint)}</p>
                        <p data-testid="merge-with">{tr(Bd::MergeWith)}{move || other.get().unwrap_or_else(|| "—".into())}</p>
                    }.into_any(),
                }}
                <Show when=move || mode.get() != Mode::Idle>
                    <div class="actions">
                        <button type="button" class="primary" data-testid="save-boundary"
                            disabled=move || busy.get() || (mode.get() == Mode::Merge && other.with(Option::is_none))
                            on:click=save>
                            {move || if busy.get() { tr(T::Working)() } else { tr(T::Save)() }}
                        </button>
                        <button type="button" on:click=move |_| { error.set(None); reset(); }>{tr(Bd::Cancel)}</button>
                    </div>
                </Show>
                <ErrorLine error=Signal::derive(move || error.get())/>
                {move || done.get().map(|o| view! {
                    <p class="ok" data-testid="boundary-saved">{tr(Bd::Saved)}" "{o.moved_cases}{tr(Bd::Moved)}</p>
                })}
            </div>
            <section class="card">
                <h2>{tr(Bd::History)}</h2>
                {move || match desk.get() {
                    None => view! { <p class="map-status">{tr(T::Loading)}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                    Some(Ok(d)) if d.changes.is_empty() => view! { <p class="hint">{tr(Bd::NoHistory)}</p> }.into_any(),
                    Some(Ok(d)) => view! {
                        <ul class="findings" data-testid="boundary-history">
                            {d.changes.into_iter().map(|c| view! { <ChangeLine c round error/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </section>
        </section>
    }
}

#[component]
fn PointsLine(points: RwSignal<Vec<[f64; 2]>>) -> impl IntoView {
    view! {
        <p class="actions">
            <span>{tr(Bd::Points)}{move || points.with(Vec::len)}</span>
            <button type="button" disabled=move || points.with(Vec::is_empty)
                on:click=move |_| points.update(|p| { p.pop(); })>{tr(Bd::UndoPoint)}</button>
        </p>
    }
}

/// One change: what, which grids, who and when; before and after on the
/// map; undo while it stands.
#[component]
fn ChangeLine(
    c: BoundaryChangeView,
    round: RwSignal<u32>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = c.id;
    let compare = move |_| {
        spawn_local(async move {
            match boundary_change(id).await {
                Ok(d) => {
                    let mut shapes: Vec<driver::Shape> = Vec::new();
                    for v in d.versions {
                        if !v.before.is_empty() {
                            shapes.push((v.before, "#6b7280", "version-before"));
                        }
                        if !v.after.is_empty() {
                            shapes.push((v.after, "#c8161d", "version-after"));
                        }
                    }
                    driver::show_shapes(shapes);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let busy = RwSignal::new(false);
    let undo = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = undo_boundary_change(id).await;
            busy.try_set(false);
            match answer {
                Ok(_) => {
                    driver::show_shapes(Vec::new());
                    round.try_update(|r| *r += 1);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let standing = c.undone_by.is_none();
    view! {
        <li class="finding" data-testid="boundary-change">
            <strong>{move || c.kind.label(lang.get())}</strong>" "
            {c.restores.map(|r| format!("（{}{r}）", tr(Bd::UndoOf)()))}
            " #"{c.id}" · "{c.grids.join("、")}
            <br/><small>{c.actor.clone()}" · "{short_time(c.at)}</small>
            <span class="actions">
                <button type="button" title=move || format!("{} / {}", tr(Bd::Before)(), tr(Bd::After)()) on:click=compare>{tr(Bd::Compare)}</button>
                {if standing {
                    view! { <button type="button" data-testid="undo-change" disabled=move || busy.get() on:click=undo>{tr(Bd::Undo)}</button> }.into_any()
                } else {
                    view! { <small>{tr(Bd::Undone)}</small> }.into_any()
                }}
            </span>
        </li>
    }
}
