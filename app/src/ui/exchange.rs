//! 置换-分享 on `/sharing`: residents' and units' offers and asks (the
//! public list names a unit, never a person); answering one; for a post's
//! author, agreeing or declining; both sides then see each other's contact
//! and record the handover and, for a loan, the return. The community may
//! take a post down with a reason.

use super::auth::ErrorLine;
use super::form::{Checked, FieldError};
use super::i18n::{short_time, tr, use_lang};
use super::session::use_session;
use crate::api::exchange::{
    answer_exchange, close_exchange, exchange_contact, exchange_step, exchanges, post_exchange,
};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::exchange::{
    message_problem, Contact, Deal, ExchangeView, Match, MatchAction, MatchStep, Post, PostForm,
    PostKind, PostStatus, Thing, MAX_DETAIL, MAX_MESSAGE, MAX_TITLE,
};
use crate::domain::lang::Lang;
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

crate::ui::i18n::texts! { Ex {
    Title => "置换分享", "Share and swap";
    Hint => "居民和单位发布可以出借、赠送、置换的物品和技能，也可以发布需求。有人回应后由发布者决定是否同意；双方都同意后，才能互相查看联系方式。", "Residents and units offer things and skills to lend, give or swap, or ask for them. The author decides on each answer; only once both agree do the two sides see each other's contact.";
    All => "全部社区", "All communities";
    Empty => "暂无发布。", "Nothing posted yet.";
    Offer => "我有", "Offer";
    Ask => "我需要", "Ask";
    Lend => "出借", "Lend";
    Give => "赠送", "Give";
    Swap => "置换", "Swap";
    Item => "物品", "Thing";
    Skill => "技能", "Skill";
    Resident => "居民", "A resident";
    Want => "我想要", "I'd like it";
    Help => "我能帮", "I can help";
    Message => "留言（用途、时间等，不要写电话）", "Message (what for, when; no phone)";
    Send => "发送", "Send";
    Sent => "已发送，等待发布者同意。", "Sent; the author decides.";
    Mine => "我发布的", "My posts";
    Deals => "回应与约定", "Answers and deals";
    NoDeals => "暂无回应。", "No answers yet.";
    NewPost => "发布", "Post";
    Kind => "类型", "Type";
    How => "方式", "How";
    What => "类别", "What";
    Community => "社区", "Community";
    Choose => "请选择", "Choose";
    PostTitle => "标题", "Title";
    Detail => "说明", "Details";
    ForUnit => "以单位名义发布", "Post for my unit";
    Posted => "已发布。", "Posted.";
    Close => "关闭", "Close";
    CloseAsk => "确认关闭这条发布？等待中的回应将被婉拒。", "Close this post? Answers still waiting are declined.";
    TakeDown => "撤下", "Take down";
    Reason => "撤下原因", "Reason";
    Removed => "已被社区撤下：", "Taken down by the community: ";
    Closed => "已关闭", "Closed";
    Open => "发布中", "Open";
    Asked => "等待同意", "Waiting";
    Agreed => "已同意，待交接", "Agreed; to hand over";
    Declined => "已婉拒", "Declined";
    Withdrawn => "已取消", "Called off";
    Handed => "已交接，待归还", "Handed over; to come back";
    Returned => "已归还", "Returned";
    Done => "已完成", "Done";
    Agree => "同意", "Agree";
    Decline => "婉拒", "Decline";
    Withdraw => "取消", "Call off";
    HandOver => "确认已交接", "Confirm handover";
    TakeBack => "确认已归还", "Confirm it came back";
    DeclineAsk => "确认婉拒这条回应？", "Decline this answer?";
    WithdrawAsk => "确认取消这次约定？对方会收到通知。", "Call this off? The other side is told.";
    Full => "这条发布已有约定在进行，请先完成或取消再同意新的回应。", "A deal on this post is under way; finish or call it off before agreeing to another.";
    TakenDown => "已被撤下", "Taken down";
    More => "更多", "More";
    ShowContact => "查看联系方式", "Show contact";
    ToYou => "有人回应了您的发布", "An answer to your post";
    Yours => "您的回应", "Your answer";
    Saved => "已更新。", "Updated.";
    TooManyPosts => "您已有 10 条发布中的信息，请先关闭一些。", "You have 10 open posts; close some first.";
    Answered => "您已回应过这条发布。", "You answered this already.";
    TooManyAnswers => "您已有 10 个进行中的回应，请先完成或取消一些。", "You have 10 answers under way; finish or call off some first.";
}}

fn kind_word(k: PostKind) -> Ex {
    match k {
        PostKind::Offer => Ex::Offer,
        PostKind::Ask => Ex::Ask,
    }
}

fn deal_word(d: Deal) -> Ex {
    match d {
        Deal::Lend => Ex::Lend,
        Deal::Give => Ex::Give,
        Deal::Swap => Ex::Swap,
    }
}

fn thing_word(t: Thing) -> Ex {
    match t {
        Thing::Item => Ex::Item,
        Thing::Skill => Ex::Skill,
    }
}

/// A step in words: a gift, swap or skill that changed hands is done,
/// not returned.
fn step_word(s: MatchStep, comes_back: bool) -> Ex {
    match s {
        MatchStep::Asked => Ex::Asked,
        MatchStep::Agreed => Ex::Agreed,
        MatchStep::Declined => Ex::Declined,
        MatchStep::Withdrawn => Ex::Withdrawn,
        MatchStep::Handed => Ex::Handed,
        MatchStep::Returned if comes_back => Ex::Returned,
        MatchStep::Returned => Ex::Done,
    }
}

fn action_word(a: MatchAction) -> Ex {
    match a {
        MatchAction::Agree => Ex::Agree,
        MatchAction::Decline => Ex::Decline,
        MatchAction::Withdraw => Ex::Withdraw,
        MatchAction::HandOver => Ex::HandOver,
        MatchAction::Return => Ex::TakeBack,
    }
}

/// A refusal in this section's words where the shared ones say too little.
fn refusal(e: &AppError, lang: Lang) -> String {
    let word = match e {
        AppError::Invalid {
            field: Field::Title,
            problem: InputProblem::TooMany,
        } => Ex::TooManyPosts,
        AppError::Invalid {
            field: Field::Note,
            problem: InputProblem::Taken,
        } => Ex::Answered,
        AppError::Invalid {
            field: Field::Note,
            problem: InputProblem::TooMany,
        } => Ex::TooManyAnswers,
        AppError::Invalid {
            field: Field::Quantity,
            problem: InputProblem::TooMany,
        } => Ex::Full,
        other => return other.message(lang),
    };
    word.get(lang).to_string()
}

/// The section's shared state: the community shown, a counter that reloads
/// the board after a step, and what the last step did.
#[derive(Clone, Copy)]
struct Board {
    community: RwSignal<String>,
    version: RwSignal<u32>,
    said: RwSignal<Option<(bool, String)>>,
    lang: RwSignal<Lang>,
}

impl Board {
    fn say(self, failed: bool, text: String) {
        self.said.set(Some((failed, text)));
        let s = self.said;
        set_timeout(move || s.set(None), std::time::Duration::from_secs(5));
    }

    /// A step's answer: said, and the board reloaded either way (a refused
    /// step usually means the deal moved meanwhile).
    fn after<T>(self, done: Result<T, AppError>, ok: Ex) {
        let l = self.lang.get_untracked();
        match done {
            Ok(_) => self.say(false, ok.get(l).to_string()),
            Err(e) => self.say(true, refusal(&e, l)),
        }
        self.version.update(|v| *v += 1);
    }
}

#[component]
pub fn ExchangeSection() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let board = Board {
        community: RwSignal::new(String::new()),
        version: RwSignal::new(0),
        said: RwSignal::new(None),
        lang,
    };
    let data = crate::ui::resource::resource(
        move || (board.community.get(), board.version.get()),
        |(c, _)| exchanges((!c.is_empty()).then_some(c)),
    );
    view! {
        <section class="exchange" data-testid="exchange">
            <h2>{tr(Ex::Title)}</h2>
            <p class="hint">{tr(Ex::Hint)}</p>
            <Suspense fallback=|| ()>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error">{e.message(lang.get())}</p> }.into_any(),
                    Ok(v) => {
                        let signed_in = session.current().is_some();
                        view! { <BoardView view=v board signed_in/> }.into_any()
                    }
                })}
            </Suspense>
            {move || board.said.get().map(|(failed, text)| view! {
                <p class="toast" class:failed=failed role="status" data-testid="exchange-said">{text}</p>
            })}
        </section>
    }
}

#[component]
fn BoardView(view: ExchangeView, board: Board, signed_in: bool) -> impl IntoView {
    let ExchangeView {
        communities,
        posts,
        mine,
        matches,
        moderates,
        unit,
        ..
    } = view;
    let filter = board.community;
    let total = posts.len();
    let shown = RwSignal::new(PAGE);
    view! {
        // What waits on the reader first (posting, their deals), then the board.
        {signed_in.then(|| view! {
            <details class="card">
                <summary data-testid="exchange-new">{tr(Ex::NewPost)}</summary>
                <PostFormView communities=communities.clone() unit=unit.clone() board/>
            </details>
            <h3 id="deals">{tr(Ex::Deals)}</h3>
            {matches.is_empty().then(|| view! { <p class="muted small">{tr(Ex::NoDeals)}</p> })}
            <ul class="plain" data-testid="exchange-deals">
                {matches.into_iter().map(|m| view! { <li><DealCard deal=m board/></li> }).collect_view()}
            </ul>
            <h3>{tr(Ex::Mine)}</h3>
            <ul class="plain" data-testid="exchange-mine">
                {mine.into_iter().map(|p| view! { <li><MyPost post=p board/></li> }).collect_view()}
            </ul>
        })}
        <label class="inline"><span>{tr(Ex::Community)}</span>
            <select prop:value=move || filter.get() data-testid="exchange-community" on:change=move |ev| {
                filter.set(event_target_value(&ev));
            }>
                <option value="">{tr(Ex::All)}</option>
                {communities.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}</option> }).collect_view()}
            </select>
        </label>
        {posts.is_empty().then(|| view! { <p class="notice">{tr(Ex::Empty)}</p> })}
        <ul class="case-list" data-testid="exchange-posts">
            {posts.into_iter().enumerate().map(|(i, p)| {
                let moderator = !p.mine && moderates.contains(&p.community_code);
                // A phone shows a page of posts at a time.
                view! { <li hidden={move || i >= shown.get()}><PostCard post=p board signed_in moderator/></li> }
            }).collect_view()}
        </ul>
        {(total > PAGE).then(|| view! {
            <button type="button" hidden={move || shown.get() >= total} data-testid="exchange-more"
                on:click=move |_| shown.update(|n| *n += PAGE)>{tr(Ex::More)}</button>
        })}
    }
}

/// Posts a phone shows before "more".
const PAGE: usize = 20;

/// The badges every post carries: offer or ask, how, what.
#[component]
fn Tags(kind: PostKind, deal: Deal, thing: Thing) -> impl IntoView {
    view! {
        <span class="badge">{tr(kind_word(kind))}</span>
        <span class="badge">{tr(deal_word(deal))}</span>
        <span class="badge">{tr(thing_word(thing))}</span>
    }
}

#[component]
fn PostCard(post: Post, board: Board, signed_in: bool, moderator: bool) -> impl IntoView {
    let id = post.id;
    let by = post.unit.clone();
    let answer_word = match post.kind {
        PostKind::Offer => Ex::Want,
        PostKind::Ask => Ex::Help,
    };
    let may_answer = signed_in && !post.mine && post.answered.is_none();
    let comes_back = post.deal == Deal::Lend && post.thing == Thing::Item;
    let answered = post.answered.map(|s| step_word(s, comes_back));
    view! {
        <div class="card" data-testid="exchange-post" data-title=post.title.clone()>
            <p class="case-head">
                <Tags kind=post.kind deal=post.deal thing=post.thing/>
                <strong>{post.title.clone()}</strong>
            </p>
            {(!post.detail.is_empty()).then(|| view! { <p>{post.detail.clone()}</p> })}
            <p class="muted small">
                {post.community.clone()}" · "
                {match by {
                    Some(u) => view! { <span data-testid="post-unit">{u}</span> }.into_any(),
                    None => view! { {tr(Ex::Resident)} }.into_any(),
                }}
                " · "{short_time(post.created_at)}
            </p>
            {answered.map(|w| view! { <p class="badge" data-testid="answered">{tr(w)}</p> })}
            {may_answer.then(|| view! { <AnswerForm id word=answer_word board/> })}
            {moderator.then(|| view! { <TakeDownForm id board/> })}
        </div>
    }
}

#[component]
fn AnswerForm(id: i64, word: Ex, board: Board) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let checked = Checked::new(move || {
        message_problem(&message.get())
            .map(|p| vec![(Field::Note, p)])
            .unwrap_or_default()
    });
    let problems = checked.problems();
    let busy = RwSignal::new(false);
    view! {
        <details>
            <summary data-testid="answer-open">{tr(word)}</summary>
            <form class="form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                if !checked.passes() {
                    return;
                }
                busy.set(true);
                let text = message.get_untracked();
                leptos::task::spawn_local(async move {
                    board.after(answer_exchange(id, text).await, Ex::Sent);
                    busy.set(false);
                });
            }>
                <label><span>{tr(Ex::Message)}</span>
                    <textarea maxlength=MAX_MESSAGE.to_string() rows="2" bind:value=message data-testid="answer-message"></textarea>
                </label>
                <FieldError problems field=Field::Note/>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="answer-send">{tr(Ex::Send)}</button>
            </form>
        </details>
    }
}

#[component]
fn TakeDownForm(id: i64, board: Board) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    view! {
        <details>
            <summary data-testid="take-down-open">{tr(Ex::TakeDown)}</summary>
            <div class="form inline">
                <label><span>{tr(Ex::Reason)}</span>
                    <input type="text" maxlength="200" bind:value=reason data-testid="take-down-reason"/>
                </label>
                <button type="button" data-testid="take-down" on:click=move |_| {
                    let why = reason.get_untracked();
                    leptos::task::spawn_local(async move {
                        match close_exchange(id, why).await {
                            Err(e @ AppError::Invalid { .. }) => error.set(Some(e)),
                            done => board.after(done, Ex::Saved),
                        }
                    });
                }>{tr(Ex::TakeDown)}</button>
            </div>
            <ErrorLine error/>
        </details>
    }
}

#[component]
fn MyPost(post: Post, board: Board) -> impl IntoView {
    let id = post.id;
    let lang = board.lang;
    let close = move |_| {
        if !window()
            .confirm_with_message(Ex::CloseAsk.get(lang.get_untracked()))
            .unwrap_or(false)
        {
            return;
        }
        leptos::task::spawn_local(async move {
            board.after(close_exchange(id, String::new()).await, Ex::Saved);
        });
    };
    let status = match post.status {
        PostStatus::Open => Ex::Open,
        PostStatus::Closed => Ex::Closed,
        PostStatus::Removed => Ex::TakenDown,
    };
    view! {
        <div class="card" data-testid="my-post" data-status=post.status.as_str()>
            <p class="case-head">
                <Tags kind=post.kind deal=post.deal thing=post.thing/>
                <strong>{post.title.clone()}</strong>
                <span class="badge">{tr(status)}</span>
            </p>
            <p class="muted small">{post.community.clone()}" · "{short_time(post.created_at)}</p>
            {post.removed_reason.clone().map(|r| view! { <p class="form-error">{tr(Ex::Removed)}{r}</p> })}
            {(post.status == PostStatus::Open).then(|| view! {
                <button type="button" data-testid="close-post" on:click=close>{tr(Ex::Close)}</button>
            })}
        </div>
    }
}

#[component]
fn DealCard(deal: Match, board: Board) -> impl IntoView {
    let id = deal.id;
    let contact = RwSignal::new(None::<Contact>);
    let error = RwSignal::new(None::<AppError>);
    let show_contact = move |_| {
        leptos::task::spawn_local(async move {
            match exchange_contact(id).await {
                Ok(c) => contact.set(Some(c)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let side = if deal.author_side {
        Ex::ToYou
    } else {
        Ex::Yours
    };
    let busy = RwSignal::new(false);
    let lang = board.lang;
    let take = move |a: MatchAction| {
        let ask = match a {
            MatchAction::Decline => Some(Ex::DeclineAsk),
            MatchAction::Withdraw => Some(Ex::WithdrawAsk),
            _ => None,
        };
        if let Some(ask) = ask {
            if !window()
                .confirm_with_message(ask.get(lang.get_untracked()))
                .unwrap_or(false)
            {
                return;
            }
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            board.after(exchange_step(id, a).await, Ex::Saved);
            busy.set(false);
        });
    };
    view! {
        <div class="card" data-testid="exchange-deal" data-step=deal.step.as_str()>
            <p class="case-head">
                <span class="badge">{tr(step_word(deal.step, deal.comes_back))}</span>
                <strong>{deal.post_title.clone()}</strong>
            </p>
            <p class="muted small">{tr(side)}" · "{short_time(deal.created_at)}</p>
            <p>{deal.message.clone()}</p>
            {move || contact.get().map(|c| view! {
                <p data-testid="contact">
                    {c.unit.map(|u| view! { {u}" · " })}
                    {c.name}" · "<a href=format!("tel:{}", c.phone)>{c.phone.clone()}</a>
                </p>
            })}
            <div class="form inline">
                {deal.contact_ready.then(|| view! {
                    <button type="button" data-testid="show-contact" on:click=show_contact>{tr(Ex::ShowContact)}</button>
                })}
                {deal.actions.into_iter().map(|a| {
                    let primary = matches!(a, MatchAction::Agree | MatchAction::HandOver | MatchAction::Return);
                    view! {
                        <button type="button" class:primary=primary disabled=move || busy.get()
                            data-testid=format!("deal-{}", action_slug(a)) on:click=move |_| take(a)>{tr(action_word(a))}</button>
                    }
                }).collect_view()}
            </div>
            <ErrorLine error/>
        </div>
    }
}

/// The test id of an action's button.
fn action_slug(a: MatchAction) -> &'static str {
    match a {
        MatchAction::Agree => "agree",
        MatchAction::Decline => "decline",
        MatchAction::Withdraw => "withdraw",
        MatchAction::HandOver => "hand-over",
        MatchAction::Return => "return",
    }
}

#[component]
fn PostFormView(
    communities: Vec<(String, String)>,
    unit: Option<String>,
    board: Board,
) -> impl IntoView {
    let kind = RwSignal::new("offer".to_string());
    let deal = RwSignal::new("lend".to_string());
    let thing = RwSignal::new("item".to_string());
    let community = RwSignal::new(board.community.get_untracked());
    let title = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let for_unit = RwSignal::new(false);
    let draft = move || PostForm {
        kind: PostKind::parse(&kind.get()).unwrap_or(PostKind::Offer),
        deal: Deal::parse(&deal.get()).unwrap_or(Deal::Lend),
        thing: Thing::parse(&thing.get()).unwrap_or(Thing::Item),
        community_code: community.get(),
        title: title.get(),
        detail: detail.get(),
        for_unit: for_unit.get(),
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let submit = Action::new(|f: &PostForm| post_exchange(f.clone()));
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    let lang = board.lang;
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            title.set(String::new());
            detail.set(String::new());
            board.say(false, Ex::Posted.get(lang.get_untracked()).to_string());
            board.version.update(|v| *v += 1);
        }
    });
    let choice = |value: &'static str, word: Ex| view! { <option value=value>{tr(word)}</option> };
    view! {
        <form class="form" novalidate data-testid="exchange-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            <label><span>{tr(Ex::Kind)}</span>
                <select bind:value=kind data-testid="post-kind">
                    {choice("offer", Ex::Offer)}{choice("ask", Ex::Ask)}
                </select>
            </label>
            <label><span>{tr(Ex::How)}</span>
                <select bind:value=deal data-testid="post-deal">
                    {choice("lend", Ex::Lend)}{choice("give", Ex::Give)}{choice("swap", Ex::Swap)}
                </select>
            </label>
            <label><span>{tr(Ex::What)}</span>
                <select bind:value=thing>
                    {choice("item", Ex::Item)}{choice("skill", Ex::Skill)}
                </select>
            </label>
            <label><span>{tr(Ex::Community)}</span>
                <select bind:value=community data-testid="post-community">
                    <option value="">{tr(Ex::Choose)}</option>
                    {communities.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            </label>
            <FieldError problems field=Field::Community/>
            <label><span>{tr(Ex::PostTitle)}</span>
                <input type="text" maxlength=MAX_TITLE.to_string() bind:value=title data-testid="post-title"/>
            </label>
            <FieldError problems field=Field::Title/>
            <label><span>{tr(Ex::Detail)}</span>
                <textarea maxlength=MAX_DETAIL.to_string() rows="3" bind:value=detail data-testid="post-detail"></textarea>
            </label>
            <FieldError problems field=Field::Description/>
            {unit.map(|u| view! {
                <label class="check"><input type="checkbox" bind:checked=for_unit/>
                    <span>{tr(Ex::ForUnit)}" （"{u}"）"</span>
                </label>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{refusal(&e, lang.get())}</p> })}
            <button type="submit" class="primary" disabled=move || submit.pending().get() data-testid="post-send">{tr(Ex::NewPost)}</button>
        </form>
    }
}
