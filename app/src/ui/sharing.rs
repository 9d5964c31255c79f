//! 置换-分享 (`/sharing`): the communities' 共享小屋 — what each holds and
//! how many are in (anyone), borrowing (signed in), the reader's loans; for
//! the community the loans out with who has them, recording returns, and
//! keeping the inventory. Below it, residents' own offers and asks
//! (`exchange`).

use super::auth::{ErrorLine, SignInPrompt};
use super::form::{Checked, FieldError};
use super::i18n::{short_time, tr, use_lang};
use super::session::use_session;
use crate::api::sharing::{borrow_item, keep_shed_item, return_loan, sharing};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::sharing::{Loan, SharingView, ShedItem, ShedItemForm, MAX_BORROW};
#[allow(unused_imports)]
use crate::ui::i18n::Words as _;
use leptos::prelude::*;

crate::ui::i18n::texts! { Sh {
    Title => "共享小屋", "Sharing shed";
    Hint => "社区共享小屋里的工具和用品，居民可以在线借用，到小屋领取；按期归还，由社区登记。", "Tools and things in the community's sharing shed: borrow them here, collect them at the shed, bring them back on time; the community records the return.";
    Empty => "共享小屋暂无物品。", "The shed holds nothing yet.";
    InShed => "在馆", "In";
    Of => "共", "of";
    Days => "天", "days";
    LoanFor => "借期", "Loan";
    Borrow => "借用", "Borrow";
    AllOut => "已借完", "All out";
    Quantity => "数量", "How many";
    Mine => "我的借用", "My loans";
    NoLoans => "暂无借用。", "No loans.";
    DueOn => "归还日期", "Due back";
    Overdue => "已逾期", "Overdue";
    Returned => "已归还", "Returned";
    Out => "借出中（逾期在前）", "Out on loan (overdue first)";
    NothingOut => "暂无借出。", "Nothing is out.";
    GiveBack => "登记归还", "Record return";
    GiveBackAsk => "确认该物品已归还到共享小屋？", "Has this come back to the shed?";
    Add => "添加物品", "Add a thing";
    Edit => "修改", "Edit";
    Community => "社区", "Community";
    Name => "物品名称", "Name";
    Note => "说明", "Note";
    Total => "总数（含借出）", "Total (with those out)";
    LoanDays => "借用天数", "Loan days";
    Save => "保存", "Save";
    Borrowed => "借用成功，请到共享小屋领取。", "Borrowed: collect it at the shed.";
    Saved => "已保存。", "Saved.";
    Paused => "暂停借用", "Not lent now";
    Gone => "刚被借走了，在馆数量已更新。", "Just borrowed by someone else; the count is updated.";
    TooManyOut => "您已有 5 件物品未归还，请先归还再借。", "You have 5 things out; bring one back first.";
    BelowOut => "总数不能少于借出中的件数。", "The total cannot be below the pieces out on loan.";
    Shed => "查看社区", "Shed of";
}}

/// The page as the last step left it, what that step did (or why it did
/// not: true), and the community whose shed is shown.
#[derive(Clone, Copy)]
struct Page {
    fresh: RwSignal<Option<SharingView>>,
    said: RwSignal<Option<(bool, String)>>,
    community: RwSignal<Option<String>>,
    lang: RwSignal<crate::domain::lang::Lang>,
}

impl Page {
    fn say(self, failed: bool, text: String) {
        self.said.set(Some((failed, text)));
        let s = self.said;
        set_timeout(move || s.set(None), std::time::Duration::from_secs(5));
    }

    fn show(self, v: SharingView, said: Sh) {
        self.fresh.set(Some(v));
        self.say(false, said.get(self.lang.get_untracked()).to_string());
    }

    /// A step refused: why, and the shed as it is now (someone else may
    /// have borrowed what the page still showed).
    fn refused(self, text: String) {
        self.say(true, text);
        let community = self.community.get_untracked();
        let fresh = self.fresh;
        leptos::task::spawn_local(async move {
            if let Ok(v) = sharing(community).await {
                fresh.set(Some(v));
            }
        });
    }
}

#[component]
pub fn SharingPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let page = Page {
        fresh: RwSignal::new(None),
        said: RwSignal::new(None),
        community: RwSignal::new(None),
        lang,
    };
    let data = crate::ui::resource::resource(move || page.community.get(), sharing);
    Effect::new(move |_| {
        if let Some(Ok(v)) = data.get() {
            page.fresh.set(Some(v));
        }
    });
    view! {
        <section class="cases sharing">
            <h1>{tr(Sh::Title)}</h1>
            <p class="hint">{tr(Sh::Hint)}</p>
            <Suspense fallback=|| ()>
                {move || data.get().and_then(Result::err).map(|e| view! { <p class="form-error">{e.message(lang.get())}</p> })}
                {move || page.fresh.get().map(|v| {
                    let signed_in = session.current().is_some();
                    view! { <Shed view=v page signed_in/> }
                })}
                {move || page.said.get().map(|(failed, text)| view! {
                    <p class="toast" class:failed=failed role="status" data-testid="sharing-said">{text}</p>
                })}
            </Suspense>
            {move || session.current().is_none().then(|| view! { <SignInPrompt/> })}
        </section>
        <super::exchange::ExchangeSection/>
    }
}

#[component]
fn Shed(view: SharingView, page: Page, signed_in: bool) -> impl IntoView {
    let keeps: Vec<String> = view.communities.iter().map(|c| c.0.clone()).collect();
    let communities = view.communities.clone();
    let shown = RwSignal::new(view.community.clone().unwrap_or_default());
    let sheds = view.sheds.clone();
    view! {
        {(sheds.len() > 1).then(|| view! {
            <label class="inline"><span>{tr(Sh::Shed)}</span>
                <select bind:value=shown data-testid="shed-community" on:change=move |_| {
                    page.community.set(Some(shown.get_untracked()));
                }>
                    {sheds.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            </label>
        })}
        {view.items.is_empty().then(|| view! { <p class="notice">{tr(Sh::Empty)}</p> })}
        <ul class="case-list" data-testid="shed-items">
            {view.items.into_iter().map(|i| {
                let keeper = keeps.contains(&i.community_code);
                view! { <li><Item item=i page signed_in keeper/></li> }
            }).collect_view()}
        </ul>
        {signed_in.then(|| view! {
            <h2>{tr(Sh::Mine)}</h2>
            {view.my_loans.is_empty().then(|| view! { <p class="muted small">{tr(Sh::NoLoans)}</p> })}
            <ul class="plain" data-testid="my-loans">
                {view.my_loans.into_iter().map(|l| view! { <li><LoanLine loan=l page keeper=false/></li> }).collect_view()}
            </ul>
        })}
        {(!communities.is_empty()).then(|| view! {
            <h2>{tr(Sh::Out)}</h2>
            {view.kept_loans.is_empty().then(|| view! { <p class="muted small">{tr(Sh::NothingOut)}</p> })}
            <ul class="plain" data-testid="kept-loans">
                {view.kept_loans.into_iter().map(|l| view! { <li><LoanLine loan=l page keeper=true/></li> }).collect_view()}
            </ul>
            <ItemForm item=None communities=communities.clone() page/>
        })}
    }
}

#[component]
fn Item(item: ShedItem, page: Page, signed_in: bool, keeper: bool) -> impl IntoView {
    let most = item.available.min(MAX_BORROW);
    let quantity = RwSignal::new("1".to_string());
    let busy = RwSignal::new(false);
    let lang = use_lang();
    let id = item.id;
    let borrow = move |_| {
        let n = quantity.get_untracked().parse().unwrap_or(1);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match borrow_item(id, n).await {
                Ok(v) => page.show(v, Sh::Borrowed),
                Err(e) => {
                    let l = lang.get_untracked();
                    let why = match &e {
                        AppError::Invalid {
                            field: Field::Quantity,
                            problem: InputProblem::OutOfRange,
                        } => Sh::Gone.get(l).to_string(),
                        AppError::Invalid {
                            field: Field::Quantity,
                            problem: InputProblem::TooMany,
                        } => Sh::TooManyOut.get(l).to_string(),
                        other => other.message(l),
                    };
                    page.refused(why);
                }
            }
            busy.set(false);
        });
    };
    let edit = keeper.then(|| item.clone());
    view! {
        <div class="card" data-testid="shed-item" data-item=item.name.clone()>
            <p class="case-head">
                <strong>{item.name.clone()}</strong>
                <span class="badge" data-testid="in-shed">{tr(Sh::InShed)}" "{item.available}" / "{tr(Sh::Of)}" "{item.total}</span>
            </p>
            <p class="muted small">{item.community.clone()}" · "{tr(Sh::LoanFor)}" "{item.loan_days}" "{tr(Sh::Days)}
                {(!item.note.is_empty()).then(|| view! { " · "{item.note.clone()} })}
            </p>
            {signed_in.then(|| if most == 0 {
                let word = if item.total == 0 { Sh::Paused } else { Sh::AllOut };
                view! { <p class="muted small">{tr(word)}</p> }.into_any()
            } else {
                view! {
                    <div class="form inline">
                        {(most > 1).then(|| view! {
                            <label><span>{tr(Sh::Quantity)}</span>
                                <select bind:value=quantity>
                                    {(1..=most).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                                </select>
                            </label>
                        })}
                        <button type="button" class="primary" data-testid="borrow" disabled=move || busy.get() on:click=borrow>{tr(Sh::Borrow)}</button>
                    </div>
                }.into_any()
            })}
            {edit.map(|i| {
                let communities = vec![(i.community_code.clone(), i.community.clone())];
                view! {
                    <details>
                        <summary>{tr(Sh::Edit)}</summary>
                        <ItemForm item=Some(i) communities page/>
                    </details>
                }
            })}
        </div>
    }
}

#[component]
fn LoanLine(loan: Loan, page: Page, keeper: bool) -> impl IntoView {
    let lang = use_lang();
    let error = RwSignal::new(None::<AppError>);
    let id = loan.id;
    let give_back = move |_| {
        if !window()
            .confirm_with_message(Sh::GiveBackAsk.get(lang.get_untracked()))
            .unwrap_or(false)
        {
            return;
        }
        leptos::task::spawn_local(async move {
            match return_loan(id).await {
                Ok(v) => page.show(v, Sh::Saved),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let out = loan.returned_at.is_none();
    view! {
        <div class="card" data-testid="loan" data-overdue=loan.overdue.to_string()>
            <p class="case-head">
                {loan.overdue.then(|| view! { <span class="flag overdue">{tr(Sh::Overdue)}</span> })}
                <strong>{loan.item.clone()}" × "{loan.quantity}</strong>
                {loan.borrower.clone().map(|b| view! { <span data-testid="borrower">{b}</span> })}
            </p>
            <p class="muted small">
                {loan.community.clone()}" · "{short_time(loan.borrowed_at)}" · "
                {match loan.returned_at {
                    Some(t) => view! { {tr(Sh::Returned)}" "{short_time(t)} }.into_any(),
                    None => view! { {tr(Sh::DueOn)}" "{loan.due_on.to_string()} }.into_any(),
                }}
            </p>
            {(keeper && out).then(|| view! {
                <button type="button" data-testid="give-back" on:click=give_back>{tr(Sh::GiveBack)}</button>
            })}
            <ErrorLine error/>
        </div>
    }
}

/// Adds a thing to a shed (`item` none) or changes one.
#[component]
fn ItemForm(
    item: Option<ShedItem>,
    communities: Vec<(String, String)>,
    page: Page,
) -> impl IntoView {
    let id = item.as_ref().map(|i| i.id);
    let community = RwSignal::new(
        item.as_ref()
            .map(|i| i.community_code.clone())
            .or_else(|| communities.first().map(|c| c.0.clone()))
            .unwrap_or_default(),
    );
    let name = RwSignal::new(item.as_ref().map(|i| i.name.clone()).unwrap_or_default());
    let note = RwSignal::new(item.as_ref().map(|i| i.note.clone()).unwrap_or_default());
    let total = RwSignal::new(
        item.as_ref()
            .map_or("1".to_string(), |i| i.total.to_string()),
    );
    let days = RwSignal::new(
        item.as_ref()
            .map_or("7".to_string(), |i| i.loan_days.to_string()),
    );
    // Typed text that is not a number is refused as out of range.
    let number = |s: String| s.trim().parse::<u32>().unwrap_or(u32::MAX);
    let draft = move || ShedItemForm {
        id,
        community_code: community.get(),
        name: name.get(),
        note: note.get(),
        total: number(total.get()),
        loan_days: number(days.get()),
    };
    let checked = Checked::new(move || draft().problems());
    let problems = checked.problems();
    let submit = Action::new(|f: &ShedItemForm| keep_shed_item(f.clone()));
    let lang = use_lang();
    // The server's refusal of a total below what is out, in the form's words.
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    let below = move || {
        matches!(
            error.get(),
            Some(AppError::Invalid {
                field: Field::Stock,
                problem: InputProblem::OutOfRange
            })
        )
    };
    Effect::new(move |_| {
        if let Some(Ok(v)) = submit.value().get() {
            page.show(v, Sh::Saved);
        }
    });
    let adding = id.is_none();
    view! {
        <form class="form card" novalidate data-testid="shed-form" on:submit=move |ev| {
            ev.prevent_default();
            if checked.passes() {
                submit.dispatch(untrack(draft));
            }
        }>
            {adding.then(|| view! { <h2>{tr(Sh::Add)}</h2> })}
            {(adding && communities.len() > 1).then(|| view! {
                <label><span>{tr(Sh::Community)}</span>
                    <select bind:value=community>
                        {communities.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
            })}
            <label><span>{tr(Sh::Name)}</span><input type="text" maxlength="40" bind:value=name data-testid="shed-name"/></label>
            <FieldError problems field=Field::Item/>
            <label><span>{tr(Sh::Note)}</span><input type="text" maxlength="200" bind:value=note/></label>
            <FieldError problems field=Field::Note/>
            <label><span>{tr(Sh::Total)}</span><input type="number" inputmode="numeric" min="0" max="999" bind:value=total data-testid="shed-total"/></label>
            <FieldError problems field=Field::Stock/>
            <label><span>{tr(Sh::LoanDays)}</span><input type="number" inputmode="numeric" min="1" max="90" bind:value=days/></label>
            <FieldError problems field=Field::LoanDays/>
            {move || if below() {
                view! { <p class="form-error" role="alert">{Sh::BelowOut.get(lang.get())}</p> }.into_any()
            } else {
                view! { <ErrorLine error/> }.into_any()
            }}
            <button type="submit" class="primary" disabled=move || submit.pending().get() data-testid="save-shed-item">{tr(Sh::Save)}</button>
        </form>
    }
}
