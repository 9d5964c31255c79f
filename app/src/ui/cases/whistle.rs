//! 吹哨报到 on the case page: the call's own fields beside the dispatch
//! (assisting departments, required-by date), and the whistle's panel with
//! each department's part and the steps the reader may take (the server's
//! `domain::whistle::available`).

use super::super::i18n::{short_time, tr, use_lang, T};
use super::detail::{CaseReload, CaseSolving};
use crate::api::cases::whistle_step;
use crate::domain::case::CaseView;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::whistle::{PartState, Rating, StepRequest, WhistleStep};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use std::collections::HashMap;

/// What the reader has typed into the whistle panel: the note and each
/// department's stars. The case page keeps it (like `detail::CaseChoices`) because a
/// live reload rebuilds the panel: a department reporting while the street
/// wrote its close-out used to wipe the text and the ratings under it.
#[derive(Clone, Copy)]
pub struct WhistleDraft {
    note: RwSignal<String>,
    stars: RwSignal<HashMap<String, String>>,
}

impl WhistleDraft {
    pub fn new() -> Self {
        WhistleDraft {
            note: RwSignal::new(String::new()),
            stars: RwSignal::new(HashMap::new()),
        }
    }

    pub(super) fn clear(self) {
        self.note.set(String::new());
        self.stars.set(HashMap::new());
    }

    fn stars_of(self, department: &str) -> String {
        self.stars
            .with_untracked(|m| m.get(department).cloned().unwrap_or_default())
    }
}

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { W {
    AssistingDepartments => "协办部门（可多选）", "Assisting departments (any)";
    ChooseRating => "请评分", "Choose";
    CloseOutResult => "核查结果", "Checked result";
    RateDepartment => "评价", "Rating";
    ReportPhotos => "办理照片（可多张）", "Photos (any)";
    ReportText => "报到情况", "Report";
    RequiredBy => "要求完成日期", "Required by";
    RequiredByHint => "不填则按职能部门时限计算", "Empty: the department time limit";
    SendBackReason => "退回原因", "Reason to send back";
    SentBackBecause => "退回原因：", "Sent back: ";
    Whistle => "吹哨报到", "Whistle (吹哨报到)";
    WhistleAssist => "协办", "Assisting";
    WhistleHint => "街道吹哨，部门报到：牵头部门签收后办理，协办部门配合，各部门报到办理情况，街道核查后销号并评价。", "The street whistles, departments report: the lead accepts and handles it, assisting departments help, each reports its part, and the street checks, closes out and rates them.";
    WhistleLead => "牵头", "Lead";
    WhistleNote => "吹哨说明", "Whistle note";
} }

/// The call's fields: departments that assist the lead (never the lead
/// itself) and the date the whistle must be done by.
#[component]
pub fn CallFields(
    lead: RwSignal<String>,
    assisting: RwSignal<Vec<String>>,
    required_by: RwSignal<String>,
    list: Signal<Vec<crate::api::departments::Department>>,
) -> impl IntoView {
    view! {
        <fieldset class="assisting" data-testid="assisting">
            <legend>{tr(W::AssistingDepartments)}</legend>
            {move || {
                let lead = lead.get();
                list.get().into_iter()
                    .filter(|d| d.code != lead)
                    .map(|d| {
                        let code = d.code.clone();
                        let shown = code.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" value=code.clone()
                                    prop:checked=move || assisting.read().contains(&shown)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        assisting.update(|a| {
                                            a.retain(|x| *x != code);
                                            if on { a.push(code.clone()); }
                                        });
                                    }/>
                                {d.name.clone()}
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </fieldset>
        <label>
            <span>{tr(W::RequiredBy)}</span>
            <input type="date" bind:value=required_by data-testid="required-by"/>
            <span class="muted small">{tr(W::RequiredByHint)}</span>
        </label>
    }
}

/// What the reader's step needs typed, by the step that needs the most.
fn note_label(steps: &[WhistleStep]) -> Option<W> {
    if steps.contains(&WhistleStep::CloseOut) {
        Some(W::CloseOutResult)
    } else if steps.contains(&WhistleStep::Report) {
        Some(W::ReportText)
    } else if steps.contains(&WhistleStep::SendBack) || steps.contains(&WhistleStep::Recall) {
        Some(W::SendBackReason)
    } else {
        None
    }
}

/// The whistle: where each department's part stands, and the reader's steps.
#[component]
pub fn WhistlePanel(case: CaseView) -> impl IntoView {
    use super::super::photos;
    let Some(w) = case.whistle.clone() else {
        return ().into_any();
    };
    let lang = use_lang();
    let reload = use_context::<CaseReload>().map(|r| r.0);
    // Photos go up before the report: live reloads wait meanwhile.
    let busy = use_context::<CaseSolving>()
        .map(|s| s.0)
        .unwrap_or_else(|| RwSignal::new(false));
    let draft = use_context::<WhistleDraft>().unwrap_or_else(WhistleDraft::new);
    let note = draft.note;
    let files = NodeRef::<leptos::html::Input>::new();
    let uploading = RwSignal::new(None::<(usize, usize)>);
    let error = RwSignal::new(None::<String>);
    let ratings: Vec<(String, String)> = w
        .parts
        .iter()
        .map(|p| (p.department.clone(), p.name.clone()))
        .collect();
    let kinds: Vec<WhistleStep> = w.steps.iter().map(|(_, s)| *s).collect();
    let label = note_label(&kinds);
    let reports = kinds.contains(&WhistleStep::Report);
    let closes = kinds.contains(&WhistleStep::CloseOut);
    let (id, version) = (case.id, case.version);
    let chosen = StoredValue::new(ratings.clone());
    // How many of the picked photos already went up (picking again starts over).
    let sent = StoredValue::new(0usize);
    let run = move |department: Option<String>, step: WhistleStep| {
        let lang = lang.get_untracked();
        let text = note.get_untracked().trim().to_string();
        let field = match step {
            WhistleStep::SendBack | WhistleStep::Recall => Field::Reason,
            WhistleStep::Report => Field::Report,
            WhistleStep::CloseOut => Field::Result,
            WhistleStep::Accept => Field::Note,
        };
        let mut stars = Vec::new();
        let mut problem = None;
        if step != WhistleStep::Accept && text.is_empty() {
            problem = Some(AppError::invalid(field, InputProblem::Required));
        } else if text.chars().count() > crate::domain::case::MAX_DESCRIPTION {
            problem = Some(AppError::invalid(field, InputProblem::TooLong));
        } else if step == WhistleStep::CloseOut {
            for (d, _) in chosen.get_value() {
                match draft.stars_of(&d).parse::<u8>() {
                    Ok(n) => stars.push(Rating {
                        department: d,
                        stars: n,
                    }),
                    Err(_) => {
                        problem = Some(AppError::invalid(Field::Rating, InputProblem::Required))
                    }
                }
            }
        } else if step == WhistleStep::Report {
            problem = photos::check(files).err();
        }
        if let Some(e) = problem {
            error.set(Some(e.message(lang)));
            return;
        }
        let picked = if step == WhistleStep::Report {
            photos::picked(files)
        } else {
            Vec::new()
        };
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            // A retry sends only the photos that did not go up yet.
            let url = format!("/api/v1/cases/{id}/photos?phase=after");
            let n = picked.len();
            for (k, file) in picked.into_iter().enumerate().skip(sent.get_value()) {
                uploading.set(Some((k + 1, n)));
                if let Err(e) = photos::upload(&url, file).await {
                    uploading.set(None);
                    error.set(Some(e.message));
                    busy.set(false);
                    return;
                }
                sent.set_value(k + 1);
            }
            uploading.set(None);
            let answer = whistle_step(StepRequest {
                case_id: id,
                version,
                step,
                department,
                note: text,
                ratings: stars,
            })
            .await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    draft.clear();
                    if let Some(r) = reload {
                        r.update(|v| *v += 1);
                    }
                }
                Err(e) => error.set(Some(e.message(lang))),
            }
        });
    };
    let state = w.state;
    view! {
        <section class="actions whistle" data-testid="whistle" data-state=state.as_str()>
            <h2>{tr(W::Whistle)}" "<span class="badge">{move || state.label(lang.get())}</span></h2>
            <p class="muted small">{tr(W::WhistleHint)}</p>
            <dl class="facts">
                <dt>{tr(W::RequiredBy)}</dt><dd data-testid="whistle-required-by">{w.required_by.to_string()}</dd>
                {(!w.note.is_empty()).then(|| view! { <dt>{tr(W::WhistleNote)}</dt><dd>{w.note.clone()}</dd> })}
                {w.result.clone().map(|r| view! { <dt>{tr(W::CloseOutResult)}</dt><dd>{r}</dd> })}
            </dl>
            <ul class="whistle-parts">
                {w.parts.iter().map(|p| {
                    let part_state = p.state;
                    let role = if p.lead { W::WhistleLead } else { W::WhistleAssist };
                    view! {
                        <li data-testid="whistle-part" data-department=p.department.clone() data-state=part_state.as_str()>
                            <p>
                                <strong>{p.name.clone()}</strong>" "
                                <span class="badge">{tr(role)}</span>" "
                                <span class=format!("badge part-{}", part_state.as_str())>{move || part_state.label(lang.get())}</span>
                                {p.rating.map(|r| view! { " " <span aria-label=format!("{r}/5")>{"★".repeat(r.clamp(0, 5) as usize)}</span> })}
                            </p>
                            {p.reason.clone().filter(|_| part_state == PartState::SentBack).map(|r| view! { <p class="note">{tr(W::SentBackBecause)}{r}</p> })}
                            {p.report.clone().map(|r| view! {
                                <p class="note">{r}{p.reported_at.map(|t| view! { " " <span class="muted small">{short_time(t)}</span> })}</p>
                            })}
                            {(!p.photos.is_empty()).then(|| view! {
                                <div class="photos">
                                    {p.photos.iter().map(|ph| view! {
                                        <a href=ph.url.clone() target="_blank" class="photo"><img src=ph.thumb_url.clone() alt="" loading="lazy"/></a>
                                    }).collect_view()}
                                </div>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(!w.steps.is_empty()).then(|| view! {
                {label.map(|l| view! {
                    <label>
                        <span>{tr(l)}</span>
                        <textarea bind:value=note rows="2" data-testid="whistle-note"></textarea>
                        <super::super::form::CharCount value=note max=crate::domain::case::MAX_DESCRIPTION/>
                    </label>
                })}
                {reports.then(|| view! {
                    <label>
                        <span>{tr(W::ReportPhotos)}</span>
                        <input type="file" accept="image/jpeg,image/png,image/webp" multiple node_ref=files data-testid="whistle-photos"
                            on:change=move |_| sent.set_value(0)/>
                    </label>
                })}
                {closes.then(|| ratings.iter().map(|(d, name)| {
                    // Marked by `selected`: a select gets its value before its
                    // options exist, so a rebuilt one would show "choose".
                    let picked = draft.stars_of(d);
                    let key = d.clone();
                    view! {
                        <label>
                            <span>{tr(W::RateDepartment)}" "{name.clone()}</span>
                            <select data-testid=format!("rate-{d}") on:change=move |ev| {
                                let v = event_target_value(&ev);
                                draft.stars.update(|m| { m.insert(key.clone(), v); });
                            }>
                                <option value="" selected=picked.is_empty()>{tr(W::ChooseRating)}</option>
                                {(1..=5).rev().map(|n| view! { <option value=n.to_string() selected=picked == n.to_string()>{"★".repeat(n)}</option> }).collect_view()}
                            </select>
                        </label>
                    }
                }).collect_view())}
                {move || uploading.get().map(|(i, n)| view! { <p class="ok">{tr(T::UploadingPhoto)}{format!(" {i}/{n}…")}</p> })}
                <div class="row">
                    {w.steps.iter().map(|(d, step)| {
                        let (d, step) = (d.clone(), *step);
                        let primary = !matches!(step, WhistleStep::SendBack | WhistleStep::Recall);
                        view! {
                            <button type="button" class:primary=primary data-step=step.as_str() disabled=move || busy.get()
                                on:click=move |_| run(d.clone(), step)>
                                {move || step.label(lang.get())}
                            </button>
                        }
                    }).collect_view()}
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
    .into_any()
}
