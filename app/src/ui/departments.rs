//! The district's departments (职能部门) as system admins keep them: add,
//! rename, retire, bring back. Shown on the 管理 page.

use super::auth::ErrorLine;
use super::i18n::{tr, T};
use crate::api::departments::{department_catalogue, AddDepartment, Department, EditDepartment};
use leptos::prelude::*;

crate::ui::i18n::texts! { Dp {
    DepartmentsTitle => "职能部门", "Departments";
    DepartmentCodeLabel => "部门代码", "Department code";
    DepartmentName => "部门名称", "Department name";
}}

#[component]
pub fn DepartmentPanel() -> impl IntoView {
    let add = ServerAction::<AddDepartment>::new();
    let edit = ServerAction::<EditDepartment>::new();
    let list = LocalResource::new(move || {
        add.version().track();
        edit.version().track();
        department_catalogue()
    });
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = Signal::derive(move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or(edit.value().get().and_then(Result::err))
    });
    view! {
        <section class="card" data-testid="departments">
            <h2>{tr(Dp::DepartmentsTitle)}</h2>
            <div class="row">
                <input bind:value=code maxlength="10" placeholder=tr(Dp::DepartmentCodeLabel) aria-label=tr(Dp::DepartmentCodeLabel) data-testid="department-code"/>
                <input bind:value=name maxlength="30" placeholder=tr(Dp::DepartmentName) aria-label=tr(Dp::DepartmentName) data-testid="department-name"/>
                <button type="button" on:click=move |_| {
                    add.dispatch(AddDepartment { code: code.get_untracked(), name: name.get_untracked() });
                }>{tr(T::Add)}</button>
            </div>
            <Transition fallback=|| ()>
                <ul class="plain">
                    {move || list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| view! {
                        <li><DepartmentLine entry=d edit/></li>
                    }).collect_view()}
                </ul>
            </Transition>
            <ErrorLine error/>
        </section>
    }
}

#[component]
fn DepartmentLine(entry: Department, edit: ServerAction<EditDepartment>) -> impl IntoView {
    let name = RwSignal::new(entry.name.clone());
    let (id, active) = (entry.id, entry.active);
    view! {
        <span class="row" class:muted=!active>
            <code>{entry.code.clone()}</code>
            <input bind:value=name maxlength="30"/>
            <button type="button" on:click=move |_| {
                edit.dispatch(EditDepartment { id, name: Some(name.get_untracked()), active: None });
            }>{tr(T::Save)}</button>
            <button type="button" on:click=move |_| {
                edit.dispatch(EditDepartment { id, name: None, active: Some(!active) });
            }>{move || if active { tr(T::Retire)() } else { tr(T::Restore)() }}</button>
        </span>
    }
}
