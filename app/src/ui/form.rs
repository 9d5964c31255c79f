//! What forms share: a character counter beside long text (nothing is cut off
//! silently), and each field's problem beside the field, all at once, each gone
//! as soon as it is fixed. The problems come from the domain (`NewCase::problems`,
//! `NewWish::problems`), the same rules the server refuses with.

use super::i18n::{use_lang, T};
use crate::domain::error::{AppError, Field, InputProblem, Problems};
use leptos::prelude::*;

/// "12/500" under a text field; red past the limit, where sending is refused
/// with a message instead of the text being cut.
#[component]
pub fn CharCount(value: RwSignal<String>, max: usize) -> impl IntoView {
    let count = move || value.with(|v| v.trim().chars().count());
    view! {
        <small class="char-count" class:over=move || { count() > max } aria-live="polite">
            {move || format!("{}/{max}", count())}
        </small>
    }
}

/// The problem of one field, if it has one. `missing` words the message for an
/// empty field that is not typed (a place tapped on the map is not "filled in").
#[component]
pub fn FieldError(
    #[prop(into)] problems: Signal<Problems>,
    field: Field,
    #[prop(optional)] missing: Option<T>,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        problems
            .with(|ps| ps.iter().find(|(f, _)| *f == field).copied())
            .map(|(f, p)| {
                let text = match missing {
                    Some(t) if p == InputProblem::Required => t.get(lang.get()).to_string(),
                    _ => AppError::invalid(f, p).message(lang.get()),
                };
                view! { <p class="form-error field-error" role="alert" data-field=f.code()>{text}</p> }
            })
    }
}

/// A form's problems, shown once the person has pressed send for the first time
/// (not while they are still filling it in), then kept current as they type.
#[derive(Clone, Copy)]
pub struct Checked {
    tried: RwSignal<bool>,
    problems: Memo<Problems>,
}

impl Checked {
    pub fn new(check: impl Fn() -> Problems + Send + Sync + 'static) -> Self {
        let tried = RwSignal::new(false);
        let problems = Memo::new(move |_| {
            if tried.get() {
                check()
            } else {
                Problems::new()
            }
        });
        Checked { tried, problems }
    }

    /// Pressed send: shows the problems; true when there are none.
    pub fn passes(&self) -> bool {
        self.tried.set(true);
        self.problems.with_untracked(Vec::is_empty)
    }

    pub fn problems(&self) -> Signal<Problems> {
        self.problems.into()
    }
}

/// `datetime-local` text (China time, with or without seconds) to a moment.
pub fn local_moment(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()?;
    t.and_local_timezone(crate::domain::deadline::china())
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

pub fn local_input(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&crate::domain::deadline::china())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}
