//! Components and pages. They render and call server functions; nothing more.

pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod boot;
pub mod cases;
pub mod dashboard;
pub mod departments;
pub mod form;
pub mod grid_page;
pub mod home;
pub mod i18n;
pub mod live;
pub mod map;
pub mod me;
pub mod notices;
pub mod outbox;
pub mod paged;
pub mod pages;
pub mod patrol;
pub mod photos;
pub mod pwa;
pub mod scroll;
pub mod service;
pub mod session;
pub mod wishes;
