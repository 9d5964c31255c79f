//! Micro-wish pages: the wall (list + filters, and a map layer on the main
//! map), posting a wish from a phone, and one wish with the steps the
//! caller may take.

use super::auth::{ErrorLine, SignInPrompt};
use super::form::{CharCount, Checked, FieldError};
use super::i18n::{short_time, tr, use_lang, T};
use super::paged::Paged;
use super::photos;
use super::session::use_session;
use crate::api::wishes::{post_wish, take_wish_step, wish_detail, wishes_page};
use crate::domain::error::{Field, InputProblem};
use crate::domain::wish::*;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

// This page's own words: they load with its code (`i18n::Words`).
crate::ui::i18n::texts! { Wi {
    AddPhoto => "添加照片", "Add photo";
    AllCommunities => "全部社区", "All communities";
    AllKinds => "全部类型", "All kinds";
    ClaimOverdue => "认领超期", "Claim overdue";
    ClaimedBy => "认领人", "Claimed by";
    Contact => "心愿人联系方式", "Wisher's contact";
    FulfilNote => "说明", "Note";
    FulfilNoteHint => "驳回原因、完成情况或感谢的话", "Reason, what was done, or a thank-you";
    FulfilPhotos => "完成照片", "Photos of it done";
    NoWishes => "暂无心愿。", "No wishes.";
    RejectReason => "未通过原因", "Why refused";
    Thanks => "感谢留言", "Thanks";
    Value => "预估价值（元）", "Rough value (yuan)";
    WallHint => "居民的小心愿，党员和双报到单位认领、帮助实现。公开内容不含姓名、电话和住址。", "Residents' small wishes, claimed and fulfilled by party members and units. No names, phones or addresses are shown.";
    WantedBy => "期望完成", "Wanted by";
    WishAddress => "联系地址（不公开，仅认领人可见）", "Address (private: only the claimer sees it)";
    WishFor => "代他人许愿（网格员代老人、残障居民填写）", "Posting for someone (grid staff, for elderly or disabled residents)";
    WishForName => "心愿人姓名", "Wisher's name";
    WishForPhone => "心愿人电话（可不填）", "Wisher's phone (optional)";
    WishKind => "心愿类型", "Kind";
    WishStory => "心愿描述", "Story";
    WishStoryHint => "为什么需要、具体要什么（不要写姓名电话，社区审核后公开）", "Why and what exactly (no names or phones; shown after review)";
    WishTitleHint => "一句话说清楚，如：想要一副老花镜", "One line, e.g. reading glasses";
} }

/// A status badge for wishes.
#[component]
pub fn WishBadge(status: WishStatus) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("badge wish-{}", status.as_str())>{move || status.label(lang.get())}</span> }
}

/// Communities for a picker (loaded in the browser only).
#[component]
pub fn CommunitySelect(value: RwSignal<String>, #[prop(optional)] all: bool) -> impl IntoView {
    let list = LocalResource::new(|| async {
        crate::api::geography::map_settings()
            .await
            .map(|s| s.communities)
            .unwrap_or_default()
    });
    // A picker without an "all" entry shows its first community when the
    // value matches none: make that the value too, so what the form shows
    // is what it sends (it used to send nothing: "社区无效").
    Effect::new(move |_| {
        if let Some(first) = list.get().and_then(|l| l.first().map(|c| c.code.clone())) {
            if !all && value.get_untracked().is_empty() {
                value.set(first);
            }
        }
    });
    view! {
        <select bind:value=value data-testid="community" aria-label=tr(T::Community)>
            {all.then(|| view! { <option value="">{tr(Wi::AllCommunities)}</option> })}
            {move || list.get().map(|l| l.into_iter().map(|c| {
                let code = c.code.clone();
                let selected = value.get_untracked() == code;
                view! { <option value=code selected=selected>{format!("{} · {}", c.context, c.name)}</option> }
            }).collect_view())}
        </select>
    }
}

/// One card of a list.
#[component]
pub fn WishRow(card: WishCard) -> impl IntoView {
    let lang = use_lang();
    let kind = card.kind;
    let overdue = claim_overdue(card.status, card.wanted_by, today());
    view! {
        <li>
            <A href=format!("/wish/{}", card.id)>
                <span class="case-head">
                    <WishBadge status=card.status/>
                    <span class="badge">{move || kind.label(lang.get())}</span>
                    {overdue.then(|| view! { <span class="flag overdue">{tr(Wi::ClaimOverdue)}</span> })}
                </span>
                <span class="case-cat" data-testid="wish-title">{card.title.clone()}</span>
                <span class="case-text">{card.story.clone()}</span>
                <span class="muted small">
                    {card.community_name.clone()}" · "{tr(Wi::WantedBy)}" "{card.wanted_by.to_string()}
                    {card.claimed_by.clone().map(|c| format!(" · {c}"))}
                </span>
                {card.photos.first().map(|p| view! { <img class="thumb" src=p.thumb_url.clone() alt="" loading="lazy"/> })}
            </A>
        </li>
    }
}

/// A paged list of wishes (`list` with filters), "load more" by keyset. The
/// first page comes with the server's HTML (ui/paged.rs).
#[component]
pub fn WishListView(
    #[prop(into)] list: Signal<WishList>,
    #[prop(into)] filter: Signal<WishFilter>,
) -> impl IntoView {
    let key = Signal::derive(move || (list.get(), filter.get()));
    let wishes = Paged::new(key, |(l, f), after| wishes_page(l, f, after));
    wishes.view(Wi::NoWishes, "wish-list", |card| {
        view! { <WishRow card/> }.into_any()
    })
}

#[component]
pub fn WallPage() -> impl IntoView {
    let lang = use_lang();
    let community = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let filter = Signal::derive(move || WishFilter {
        community: Some(community.get()).filter(|c| !c.is_empty()),
        kind: WishKind::parse(&kind.get()),
        status: WishStatus::parse(&status.get()),
    });
    view! {
        <section class="cases" data-testid="wall">
            <h1>{tr(T::WallTitle)}</h1>
            <p class="hint">{tr(Wi::WallHint)}</p>
            <p class="row">
                <A href="/wishes/new" attr:class="button primary" attr:data-testid="post-wish">{tr(T::PostWish)}</A>
                <A href="/volunteer">{tr(T::NavVolunteer)}</A>
                <A href="/lists">{tr(T::NavLists)}</A>
                <A href="/?layer=wishes">{tr(T::ShowWishes)}</A>
            </p>
            <div class="filters">
                <CommunitySelect value=community all=true/>
                <select bind:value=kind aria-label=tr(Wi::AllKinds)>
                    <option value="">{tr(Wi::AllKinds)}</option>
                    {WishKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || k.label(lang.get())}</option> }).collect_view()}
                </select>
                <select bind:value=status aria-label=tr(T::AllStatuses)>
                    <option value="">{tr(T::AllStatuses)}</option>
                    {WishStatus::ALL.into_iter().filter(|s| s.on_wall()).map(|s| view! { <option value=s.as_str()>{move || s.label(lang.get())}</option> }).collect_view()}
                </select>
            </div>
            <WishListView list=WishList::Wall filter/>
        </section>
    }
}

/// Today in China (the date picker's minimum, the overdue flag).
fn today() -> chrono::NaiveDate {
    crate::domain::deadline::china_date(chrono::Utc::now())
}

#[component]
pub fn PostWishPage() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="session-view">
            {move || match session.current() {
                None => view! { <SignInPrompt/> }.into_any(),
                Some(user) => {
                    let staff = user.grants.iter().any(|g| g.role.is_place_staff());
                    let home = super::service::home_community(&user).unwrap_or_default();
                    view! { <PostWishForm staff home/> }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn PostWishForm(staff: bool, home: String) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let title = RwSignal::new(String::new());
    let story = RwSignal::new(String::new());
    let kind = RwSignal::new("material".to_string());
    let value = RwSignal::new("0".to_string());
    let wanted_by = RwSignal::new((today() + chrono::Duration::days(14)).to_string());
    let community = RwSignal::new(home);
    let address = RwSignal::new(String::new());
    let for_someone = RwSignal::new(false);
    let for_name = RwSignal::new(String::new());
    let for_phone = RwSignal::new(String::new());
    let files = NodeRef::<leptos::html::Input>::new();
    let photo_error = RwSignal::new(None::<String>);
    let uploading = RwSignal::new(None::<(usize, usize)>);
    let submit = Action::new(|w: &NewWish| post_wish(w.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    // The wish as the form stands, and whether its date could be read.
    let draft = move || {
        let date = chrono::NaiveDate::parse_from_str(&wanted_by.get(), "%Y-%m-%d").ok();
        let wish = NewWish {
            title: title.get(),
            story: story.get(),
            kind: WishKind::parse(&kind.get()).unwrap_or(WishKind::Material),
            value_yuan: value.get().trim().parse().unwrap_or(-1),
            wanted_by: date.unwrap_or_else(today),
            community_code: community.get(),
            address: address.get(),
            for_name: for_someone.get().then(|| for_name.get()),
            for_phone: for_someone.get().then(|| for_phone.get()),
        };
        (wish, date.is_some())
    };
    let checked = Checked::new(move || {
        let (wish, dated) = draft();
        let mut problems = wish.problems(today());
        if !dated {
            problems.push((Field::WantedBy, InputProblem::Required));
        }
        problems
    });
    let problems = checked.problems();
    Effect::new(move |_| {
        if let Some(Ok(w)) = submit.value().get() {
            let id = w.card.id;
            let navigate = navigate.clone();
            let picked = photos::picked(files);
            spawn_local(async move {
                let url = format!("/api/v1/wishes/{id}/photos");
                match photos::upload_all(&url, picked, uploading).await {
                    Ok(()) => navigate(&format!("/wish/{id}"), Default::default()),
                    Err(e) => photo_error.set(Some(e)),
                }
            });
        }
    });
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
        submit.dispatch(untrack(draft).0);
    };
    view! {
        <section class="card narrow">
            <h1>{tr(T::PostWish)}</h1>
            <form class="form" novalidate on:submit=send data-testid="wish-form">
                <label><span>{tr(T::WishTitle)}</span>
                    <input type="text" bind:value=title placeholder=move || Wi::WishTitleHint.get(lang.get()) data-testid="wish-title-input"/>
                    <CharCount value=title max=MAX_TITLE/>
                </label>
                <FieldError problems field=Field::Title/>
                <label><span>{tr(Wi::WishStory)}</span>
                    <textarea bind:value=story rows="4" placeholder=move || Wi::WishStoryHint.get(lang.get()) data-testid="wish-story"></textarea>
                    <CharCount value=story max=MAX_STORY/>
                </label>
                <FieldError problems field=Field::Story/>
                <label><span>{tr(Wi::WishKind)}</span>
                    <select bind:value=kind data-testid="wish-kind">
                        {WishKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || k.label(lang.get())}</option> }).collect_view()}
                    </select>
                </label>
                <div class="row">
                    <label><span>{tr(Wi::Value)}</span>
                        <input type="number" inputmode="numeric" min="0" max="5000" bind:value=value/>
                    </label>
                    <label><span>{tr(Wi::WantedBy)}</span>
                        <input type="date" bind:value=wanted_by min=today().to_string() data-testid="wanted-by"/>
                    </label>
                </div>
                <FieldError problems field=Field::Value/>
                <FieldError problems field=Field::WantedBy/>
                <label><span>{tr(T::Community)}</span><CommunitySelect value=community/></label>
                <FieldError problems field=Field::Community/>
                <label><span>{tr(Wi::WishAddress)}</span>
                    <input type="text" bind:value=address autocomplete="street-address" data-testid="wish-address"/>
                    <CharCount value=address max=MAX_ADDRESS/>
                </label>
                <FieldError problems field=Field::Address/>
                <Show when=move || staff>
                    <label class="check"><input type="checkbox" bind:checked=for_someone/><span>{tr(Wi::WishFor)}</span></label>
                    <Show when=move || for_someone.get()>
                        <label><span>{tr(Wi::WishForName)}</span><input type="text" bind:value=for_name maxlength="20"/></label>
                        <FieldError problems field=Field::Name/>
                        <label><span>{tr(Wi::WishForPhone)}</span><input type="tel" inputmode="numeric" bind:value=for_phone maxlength="11"/></label>
                        <FieldError problems field=Field::Phone/>
                    </Show>
                </Show>
                <label><span>{tr(T::Photos)}</span>
                    <input type="file" accept="image/jpeg,image/png,image/webp" multiple node_ref=files data-testid="photos"/>
                    <small>{tr(T::PhotosHint)}</small>
                </label>
                <ErrorLine error/>
                {move || photo_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                {move || uploading.get().map(|(i, n)| view! { <p class="ok">{tr(T::UploadingPhoto)}{format!(" {i}/{n}…")}</p> })}
                <button type="submit" class="primary" disabled=move || submit.pending().get() || uploading.get().is_some() data-testid="submit-wish">
                    {move || if submit.pending().get() { T::Submitting.get(lang.get()) } else { T::SubmitReport.get(lang.get()) }}
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn WishPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let reload = RwSignal::new(0u32);
    let wish =
        crate::ui::resource::resource(move || (id(), reload.get()), |(id, _)| wish_detail(id));
    // Someone else's step (the wisher confirming, a claim) shows at once.
    let live = super::live::use_live();
    Effect::new(move |prev: Option<u32>| {
        let n = live.notice_ticks.get();
        if prev.is_some_and(|p| p != n) {
            reload.update(|v| *v += 1);
        }
        n
    });
    let lang = use_lang();
    view! {
        <Transition fallback=move || view! { <p class="notice">{tr(T::Loading)}</p> }>
            {move || wish.get().map(|r| match r {
                Ok(w) => view! { <WishCardView wish=w reload/> }.into_any(),
                Err(e) => view! {
                    <section class="card narrow"><p class="form-error">{move || e.message(lang.get())}</p><A href="/wishes">{tr(T::WallTitle)}</A></section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn WishCardView(wish: WishView, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let c = wish.card.clone();
    let kind = c.kind;
    view! {
        <article class="card case" data-testid="wish" data-status=c.status.as_str()>
            <p class="case-head">
                <WishBadge status=c.status/>
                <span class="badge">{move || kind.label(lang.get())}</span>
                {wish.claim_overdue.then(|| view! { <span class="flag overdue" data-testid="claim-overdue">{tr(Wi::ClaimOverdue)}</span> })}
                <span class="muted">"#"{c.id}</span>
            </p>
            <h1>{c.title.clone()}</h1>
            <p class="case-text">{c.story.clone()}</p>
            <dl class="facts">
                <dt>{tr(T::Community)}</dt><dd>{c.community_name.clone()}</dd>
                <dt>{tr(Wi::WantedBy)}</dt><dd>{c.wanted_by.to_string()}</dd>
                {(c.value_yuan > 0).then(|| view! { <dt>{tr(Wi::Value)}</dt><dd>{format!("¥{}", c.value_yuan)}</dd> })}
                {c.claimed_by.clone().map(|n| view! { <dt>{tr(Wi::ClaimedBy)}</dt><dd data-testid="claimed-by">{n}</dd> })}
                {wish.reject_reason.clone().map(|r| view! { <dt>{tr(Wi::RejectReason)}</dt><dd>{r}</dd> })}
                {wish.fulfil_note.clone().map(|r| view! { <dt>{tr(Wi::FulfilNote)}</dt><dd data-testid="fulfil-note">{r}</dd> })}
                {wish.hours.map(|h| view! { <dt>{tr(T::Hours)}</dt><dd>{format!("{h:.1}")}</dd> })}
                {wish.thanks.clone().filter(|t| !t.is_empty()).map(|r| view! { <dt>{tr(Wi::Thanks)}</dt><dd>{r}</dd> })}
            </dl>
            {wish.contact.clone().map(|ct| view! {
                <div class="contact" data-testid="contact">
                    <h2>{tr(Wi::Contact)}</h2>
                    <p>{ct.name}" · "<a href=format!("tel:{}", ct.phone)>{ct.phone.clone()}</a></p>
                    <p class="muted">{ct.address}</p>
                </div>
            })}
            <Photos list=c.photos.clone()/>
            {(!wish.fulfil_photos.is_empty()).then(|| view! {
                <h2>{tr(Wi::FulfilPhotos)}</h2>
                <Photos list=wish.fulfil_photos.clone()/>
            })}
            <Steps wish=wish.clone() reload/>
            <h2>{tr(T::Timeline)}</h2>
            <ol class="timeline" data-testid="timeline">
                {wish.timeline.iter().map(|e| {
                    let (action, status) = (e.action, e.to_status);
                    view! {
                        <li>
                            <span class="muted small">{short_time(e.at)}</span>
                            <span>{e.actor.clone()}</span>
                            <span>{move || action.label(lang.get())}</span>
                            <span class="badge">{move || status.label(lang.get())}</span>
                            {(!e.note.is_empty()).then(|| view! { <p class="note">{e.note.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </article>
    }
}

#[component]
fn Photos(list: Vec<WishPhotoRef>) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <div class="photos" data-testid="photos-shown">
                {list.iter().map(|p| view! {
                    <a href=p.url.clone() target="_blank"><img src=p.thumb_url.clone() alt="" loading="lazy"/></a>
                }).collect_view()}
            </div>
        }
    })
}

#[component]
fn Steps(wish: WishView, reload: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let note = RwSignal::new(String::new());
    let hours = RwSignal::new("1".to_string());
    let files = NodeRef::<leptos::html::Input>::new();
    let photo_error = RwSignal::new(None::<String>);
    let uploading = RwSignal::new(false);
    let act = Action::new(|s: &WishStep| take_wish_step(s.clone()));
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            note.set(String::new());
            reload.update(|v| *v += 1);
        }
    });
    let (id, version) = (wish.card.id, wish.version);
    let add_photo = move |_| {
        photo_error.set(
            photos::check(files)
                .err()
                .map(|e| e.message(lang.get_untracked())),
        );
        if photo_error.get_untracked().is_some() {
            return;
        }
        let picked = photos::picked(files);
        uploading.set(true);
        spawn_local(async move {
            for f in picked {
                if let Err(e) = photos::upload(&format!("/api/v1/wishes/{id}/photos"), f).await {
                    photo_error.set(Some(e.message));
                    break;
                }
            }
            uploading.set(false);
            reload.update(|v| *v += 1);
        });
    };
    let needs_hours = wish.actions.contains(&WishAction::Fulfil);
    let has_actions = !wish.actions.is_empty();
    view! {
        <Show when=move || wish.may_add_photo>
            <div class="row">
                <input type="file" accept="image/jpeg,image/png,image/webp" multiple node_ref=files data-testid="wish-photo-input"/>
                <button type="button" on:click=add_photo disabled=move || uploading.get() data-testid="add-photo">{tr(Wi::AddPhoto)}</button>
            </div>
            {move || photo_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </Show>
        <Show when=move || has_actions>
            <div class="actions" data-testid="actions">
                <label><span>{tr(Wi::FulfilNote)}</span>
                    <textarea bind:value=note rows="2" placeholder=move || Wi::FulfilNoteHint.get(lang.get()) data-testid="wish-note"></textarea>
                    <CharCount value=note max=MAX_NOTE/>
                </label>
                <Show when=move || needs_hours>
                    <label><span>{tr(T::Hours)}</span>
                        <input type="number" inputmode="decimal" min="0.5" max="24" step="0.5" bind:value=hours data-testid="hours"/>
                    </label>
                </Show>
                <div class="row">
                    {wish.actions.iter().copied().map(|a| {
                        let primary = matches!(a, WishAction::Approve | WishAction::Claim | WishAction::ClaimForUnit | WishAction::Fulfil | WishAction::Confirm);
                        view! {
                            <button type="button" class:primary=primary data-action=a.as_str() disabled=move || act.pending().get()
                                on:click=move |_| {
                                    act.dispatch(WishStep {
                                        wish_id: id,
                                        version,
                                        action: a,
                                        note: note.get_untracked(),
                                        hours: hours.get_untracked().trim().parse().ok(),
                                    });
                                }>
                                {move || a.label(lang.get())}
                            </button>
                        }
                    }).collect_view()}
                </div>
                <ErrorLine error/>
            </div>
        </Show>
    }
}
