//! SeaORM entities. Nothing outside `store` names these types.

pub mod region {
    use sea_orm::entity::prelude::*;

    /// A district, street, community or grid.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "regions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub level: String,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        #[sea_orm(indexed)]
        pub parent_id: Option<i64>,
        /// Grids only: `base` or `dedicated`.
        pub kind: Option<String>,
        /// Free text such as 社区网格, 楼宇, 学校.
        pub category: String,
        pub households: i32,
        pub residents: i32,
        /// GeoJSON geometry (Polygon or MultiPolygon), WGS-84.
        #[sea_orm(column_type = "Text")]
        pub boundary: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod property_company {
    use sea_orm::entity::prelude::*;

    /// A property company (物业公司); `alliance` = member of the red-property alliance.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "property_companies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub name: String,
        pub alliance: bool,
        /// The code boundary files use to name the company (added by the
        /// trust migration; older rows have none until an admin sets one).
        #[sea_orm(nullable)]
        pub code: Option<String>,
        /// The street that keeps the record (its admins edit it).
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        /// 党组织.
        #[sea_orm(nullable)]
        pub party_org: Option<String>,
        /// The contact (for the street and the company only).
        #[sea_orm(nullable)]
        pub contact_name: Option<String>,
        #[sea_orm(nullable)]
        pub contact_phone: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod compound {
    use sea_orm::entity::prelude::*;

    /// A residential compound (小区) lying in a grid.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "compounds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        #[sea_orm(indexed)]
        pub grid_id: i64,
        pub company_id: Option<i64>,
        pub lat: f64,
        pub lng: f64,
        /// GeoJSON polygon (WGS-84) of the compound; a case belongs to the
        /// managing company only inside it. `None` for compounds known only
        /// as a point (from before boundaries were imported).
        #[sea_orm(column_type = "Text", nullable)]
        pub boundary: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod unit {
    use sea_orm::entity::prelude::*;

    /// A dual-reporting unit (双报到单位). The contact is private.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "units")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub name: String,
        pub party_org: String,
        pub contact_name: String,
        pub contact_phone: String,
        /// The community it reported to.
        pub community_id: Option<i64>,
        // Added by the dual-reporting migration (双报到); older rows are
        // units seeded before registration existed, hence approved.
        #[sea_orm(default_value = "")]
        pub kind: String,
        #[sea_orm(default_value = "approved")]
        pub status: String,
        #[sea_orm(default_value = "")]
        pub community_code: String,
        pub applicant_id: Option<i64>,
        pub reject_reason: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod department {
    use sea_orm::entity::prelude::*;

    /// A district department (职能部门) that whistled cases go to.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "departments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        /// Retired departments are no longer offered for dispatch; old
        /// cases keep their code.
        #[sea_orm(default_value = true)]
        pub active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub phone: String,
        pub name: String,
        /// Argon2 PHC string; `None` for roster people who cannot sign in.
        pub password_hash: Option<String>,
        pub created_at: DateTimeUtc,
        /// A disabled account cannot sign in; its sessions are ended.
        #[sea_orm(default_value = false)]
        pub disabled: bool,
        /// When the person accepted the privacy notice (个人信息保护法).
        #[sea_orm(nullable)]
        pub consented_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod role_grant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "role_grants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub user_id: i64,
        pub role: String,
        pub scope_kind: String,
        pub scope_ref: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod grid_staff {
    use sea_orm::entity::prelude::*;

    /// One place on a grid's "1+1+N+X" roster.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "grid_staff")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub grid_id: i64,
        #[sea_orm(indexed)]
        pub user_id: i64,
        pub position: String,
        pub duties: String,
        /// The person agreed to show their phone on public pages.
        pub show_phone: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    /// A signed-in browser. `id` is the SHA-256 of the cookie's token, so a
    /// leaked table does not let anyone in.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(indexed)]
        pub user_id: i64,
        pub created_at: DateTimeUtc,
        /// The absolute end of the session.
        pub expires_at: DateTimeUtc,
        /// Last use; a session idle longer than the idle limit is over.
        #[sea_orm(nullable)]
        pub last_seen_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod meta {
    use sea_orm::entity::prelude::*;

    /// Small named counters, e.g. the version of the geography that every
    /// server instance compares with its in-memory atlas.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "meta")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod lease {
    use sea_orm::entity::prelude::*;

    /// A named job one server of several runs at a time (the deadline sweep):
    /// `holder` has it until `until`, then anyone may take it.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "leases")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub holder: String,
        pub until: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod case_category {
    use sea_orm::entity::prelude::*;

    /// The two-level case catalogue (市容环境 → 乱堆乱放 …).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_categories")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub parent_id: Option<i64>,
        pub name: String,
        pub sort: i32,
        pub active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod case_record {
    use sea_orm::entity::prelude::*;

    /// A case (事件/诉求). `version` guards concurrent actions.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub category_id: i64,
        #[sea_orm(column_type = "Text")]
        pub description: String,
        pub lat: f64,
        pub lng: f64,
        #[sea_orm(indexed)]
        pub grid_code: Option<String>,
        #[sea_orm(indexed)]
        pub community_code: Option<String>,
        #[sea_orm(indexed)]
        pub street_code: Option<String>,
        #[sea_orm(indexed)]
        pub company_id: Option<i64>,
        /// resident | patrol | hotline
        pub source: String,
        #[sea_orm(indexed)]
        pub reporter_id: Option<i64>,
        /// The resident a hotline case was entered for (private).
        pub contact_phone: Option<String>,
        pub public: bool,
        #[sea_orm(indexed)]
        pub status: String,
        pub level: Option<String>,
        #[sea_orm(indexed)]
        pub department: Option<String>,
        pub started_at: DateTimeUtc,
        pub due_at: Option<DateTimeUtc>,
        #[sea_orm(column_type = "Text", nullable)]
        pub result: Option<String>,
        pub rating: Option<i32>,
        pub merged_into: Option<i64>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The key a phone gave its report (a draft sent again after a lost
        /// answer carries the same key): unique per person who filed it.
        #[sea_orm(nullable)]
        pub client_key: Option<String>,
        /// Who filed a keyed report: the resident, or the staff member entering
        /// a hotline call (which has no reporter account) or a patrol finding.
        #[sea_orm(nullable)]
        pub filed_by: Option<i64>,
        /// The grid staff member answerable for the case (`policy::first_owner`,
        /// then whoever it is reassigned to).
        #[sea_orm(nullable)]
        pub owner_id: Option<i64>,
        /// How far the deadline scheduler has gone for the current deadline:
        /// 0 nothing sent, 1 warned (due soon), 2 flagged overdue.
        pub alarm_stage: i16,
        /// When the scheduler must next look at the case; none when there is
        /// nothing left for it to do (closed, or overdue at the top level).
        #[sea_orm(nullable, indexed)]
        pub alarm_at: Option<DateTimeUtc>,
        /// The departments assisting the lead of a running whistle, comma
        /// separated (`policy::with_department`); kept with the whistle's parts.
        #[sea_orm(nullable)]
        pub assisting: Option<String>,
        /// When the result was given (resolved, solved at once, closed out);
        /// none while open or after a reopen. Kept for the figures.
        #[sea_orm(nullable)]
        pub resolved_at: Option<DateTimeUtc>,
        /// Minutes from the report to the result.
        #[sea_orm(nullable)]
        pub handled_minutes: Option<i64>,
        /// The result came before the deadline.
        #[sea_orm(nullable)]
        pub on_time: Option<bool>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod case_event {
    use sea_orm::entity::prelude::*;

    /// One step in a case's timeline; never updated or deleted.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub case_id: i64,
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub actor_role: String,
        pub action: String,
        pub from_status: Option<String>,
        pub to_status: String,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        /// Shown to the resident and on the public board.
        pub public: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod case_follower {
    use sea_orm::entity::prelude::*;

    /// A resident following a case ("me too") instead of filing again.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_followers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod calendar_day {
    use sea_orm::entity::prelude::*;

    /// A holiday, or a weekend day that is worked (调休).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar_days")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: Date,
        /// holiday | workday
        pub kind: String,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod case_photo {
    use sea_orm::entity::prelude::*;

    /// A photo of a case: re-encoded (no EXIF) with a thumbnail, stored
    /// through the blob store under `key`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_photos")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub case_id: i64,
        pub uploader_id: i64,
        pub key: String,
        pub thumb_key: String,
        pub width: i32,
        pub height: i32,
        pub bytes: i64,
        /// Shown to the resident and on the public board (when the case is public).
        pub public: bool,
        pub created_at: DateTimeUtc,
        /// `before` / `after` for staff photos taken when handling the case.
        #[sea_orm(nullable)]
        pub phase: Option<String>,
        /// The department whose report the photo belongs to (吹哨报到).
        #[sea_orm(nullable)]
        pub department: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod whistle {
    use sea_orm::entity::prelude::*;

    /// A whistle (吹哨): the street calls departments to a case.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "whistles")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub case_id: i64,
        pub called_by: i64,
        pub called_at: DateTimeUtc,
        pub required_by: Date,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        /// open | returned | closed (`domain::whistle::WhistleState`)
        pub state: String,
        #[sea_orm(nullable)]
        pub closed_by: Option<i64>,
        #[sea_orm(nullable)]
        pub closed_at: Option<DateTimeUtc>,
        #[sea_orm(column_type = "Text", nullable)]
        pub result: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod whistle_part {
    use sea_orm::entity::prelude::*;

    /// One department's part of a whistle (牵头 or 协办).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "whistle_parts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub whistle_id: i64,
        pub case_id: i64,
        pub department: String,
        pub lead: bool,
        /// called | accepted | sent_back | reported (`domain::whistle::PartState`)
        pub state: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub reason: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub report: Option<String>,
        /// When the department accepted or sent it back.
        #[sea_orm(nullable)]
        pub answered_at: Option<DateTimeUtc>,
        #[sea_orm(nullable)]
        pub reported_at: Option<DateTimeUtc>,
        /// The street's 1–5 at close-out.
        #[sea_orm(nullable)]
        pub rating: Option<i32>,
        /// When the whistle was called (copied: department figures read
        /// parts alone).
        pub called_at: DateTimeUtc,
        /// The required-by moment (end of the required-by date).
        pub due_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod patrol {
    use sea_orm::entity::prelude::*;

    /// A patrol (巡查): a grid worker's walk with its track.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "patrols")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub user_id: i64,
        #[sea_orm(indexed)]
        pub grid_code: String,
        pub community_code: Option<String>,
        pub street_code: Option<String>,
        #[sea_orm(indexed)]
        pub started_at: DateTimeUtc,
        #[sea_orm(nullable)]
        pub ended_at: Option<DateTimeUtc>,
        /// Metres walked (`domain::patrol::track_length`).
        pub length_m: f64,
        pub points: i64,
        /// The last point counted in the length (the next upload goes on from it).
        #[sea_orm(nullable)]
        pub last_lat: Option<f64>,
        #[sea_orm(nullable)]
        pub last_lng: Option<f64>,
        #[sea_orm(nullable)]
        pub last_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod patrol_point {
    use sea_orm::entity::prelude::*;

    /// One recorded position of a patrol.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "patrol_points")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub patrol_id: i64,
        pub lat: f64,
        pub lng: f64,
        pub at: DateTimeUtc,
        #[sea_orm(nullable)]
        pub accuracy: Option<f64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod patrol_visit {
    use sea_orm::entity::prelude::*;

    /// A visit logged on a patrol (入户走访 / 场所巡查).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "patrol_visits")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub patrol_id: i64,
        pub user_id: i64,
        #[sea_orm(indexed)]
        pub grid_code: String,
        pub kind: String,
        pub subject: String,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        pub lat: f64,
        pub lng: f64,
        pub at: DateTimeUtc,
        /// The case the finding became (主动发现).
        #[sea_orm(nullable)]
        pub case_id: Option<i64>,
        /// The household visited (入户走访), when the worker picked one.
        #[sea_orm(nullable)]
        pub household_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod visit_photo {
    use sea_orm::entity::prelude::*;

    /// A photo of a visit (re-encoded, no EXIF), in the blob store.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "visit_photos")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub visit_id: i64,
        pub uploader_id: i64,
        pub key: String,
        pub thumb_key: String,
        pub width: i32,
        pub height: i32,
        pub bytes: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod key_issue {
    use sea_orm::entity::prelude::*;

    /// An entry of a grid's key-issues list (重点问题清单).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "key_issues")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub grid_code: String,
        pub category_id: i64,
        pub title: String,
        /// high | medium | low
        pub risk: String,
        /// open | watching | resolved
        pub status: String,
        #[sea_orm(nullable)]
        pub owner_id: Option<i64>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod key_issue_review {
    use sea_orm::entity::prelude::*;

    /// A dated review of a key issue (周分析、月总结、跟进记录).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "key_issue_reviews")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub issue_id: i64,
        pub kind: String,
        #[sea_orm(column_type = "Text")]
        pub text: String,
        pub author_id: i64,
        pub author_name: String,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod party_member {
    use sea_orm::entity::prelude::*;

    /// An in-service party member's report (报到) to the community they
    /// live in, under their unit. One per person.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "party_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(indexed)]
        pub unit_id: i64,
        #[sea_orm(indexed)]
        pub community_code: String,
        /// pending | approved | rejected
        pub status: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod wish {
    use sea_orm::entity::prelude::*;

    /// A micro-wish (微心愿). The contact fields are private: the community
    /// and, once claimed, the claimer see them; the wall never does.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "wishes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub story: String,
        pub kind: String,
        pub value_yuan: i32,
        pub wanted_by: Date,
        pub status: String,
        pub community_code: String,
        pub street_code: Option<String>,
        pub grid_code: Option<String>,
        pub lat: f64,
        pub lng: f64,
        pub wisher_id: Option<i64>,
        pub posted_by: i64,
        pub contact_name: String,
        pub contact_phone: String,
        pub address: String,
        pub claimer_id: Option<i64>,
        pub claimer_unit_id: Option<i64>,
        /// The public display of the claimer (a unit's name or a surname).
        pub claimed_by: Option<String>,
        pub claimed_at: Option<DateTimeUtc>,
        pub fulfil_note: Option<String>,
        pub hours: Option<f32>,
        pub thanks: Option<String>,
        pub reject_reason: Option<String>,
        /// The community was told the claim is past its wanted-by date.
        pub overdue_noticed: bool,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod wish_event {
    use sea_orm::entity::prelude::*;

    /// An entry of a wish's timeline; never edited or deleted.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "wish_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub wish_id: i64,
        pub actor_id: i64,
        pub actor_name: String,
        pub action: String,
        pub to_status: String,
        pub note: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod wish_photo {
    use sea_orm::entity::prelude::*;

    /// A photo of a wish (stage "story") or of its fulfilment ("fulfil").
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "wish_photos")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub wish_id: i64,
        pub uploader_id: i64,
        pub stage: String,
        pub key: String,
        pub thumb_key: String,
        pub width: i32,
        pub height: i32,
        pub bytes: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod service_credit {
    use sea_orm::entity::prelude::*;

    /// Points and hours credited to a member (and their unit) for one wish
    /// or one activity. The key makes a second credit for the same thing
    /// impossible.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_credits")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub source: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub source_id: i64,
        #[sea_orm(indexed)]
        pub unit_id: Option<i64>,
        #[sea_orm(indexed)]
        pub community_code: String,
        pub title: String,
        pub points: i32,
        pub hours: f32,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod activity {
    use sea_orm::entity::prelude::*;

    /// A micro-volunteering activity (微志愿). `taken` counts live sign-ups
    /// and is only ever changed by a conditional UPDATE, so it never
    /// passes `capacity`.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "activities")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub community_code: String,
        pub title: String,
        pub description: String,
        pub place: String,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub capacity: i32,
        pub taken: i32,
        pub hours: f32,
        pub organiser_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod activity_signup {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity_signups")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub activity_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// signed_up | cancelled | attended
        pub status: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod need {
    use sea_orm::entity::prelude::*;

    /// An entry of the needs list (需求清单).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "needs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub community_code: String,
        pub category: String,
        pub title: String,
        pub detail: String,
        pub wish_id: Option<i64>,
        pub open: bool,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod resource {
    use sea_orm::entity::prelude::*;

    /// An entry of the resources list (资源清单): what a unit offers.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "resources")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub unit_id: i64,
        #[sea_orm(indexed)]
        pub community_code: String,
        pub category: String,
        pub title: String,
        pub detail: String,
        pub availability: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod project {
    use sea_orm::entity::prelude::*;

    /// An entry of the projects list (项目清单).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "projects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub community_code: String,
        pub title: String,
        pub detail: String,
        pub status: String,
        pub progress: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod project_link {
    use sea_orm::entity::prelude::*;

    /// What a project links: a need, a resource or a unit.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "project_links")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub project_id: i64,
        /// need | resource | unit
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub ref_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod notification {
    use sea_orm::entity::prelude::*;

    /// An in-app notification for one user. The text is built from `kind`
    /// and `event` in the reader's language; `title` names the thing.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub user_id: i64,
        pub kind: String,
        pub ref_id: i64,
        pub event: String,
        pub title: String,
        pub read: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_entry {
    use sea_orm::entity::prelude::*;

    /// One line of the audit log (审计日志): a staff or admin action, or a
    /// look at someone's personal data. Append-only: nothing updates or
    /// deletes these rows.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        #[sea_orm(nullable)]
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub action: String,
        pub target_kind: String,
        pub target_id: String,
        #[sea_orm(column_type = "Text")]
        pub detail: String,
        /// The street the target lies in, when it lies in one: street
        /// admins read the log of their own area.
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub client: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod building {
    use sea_orm::entity::prelude::*;

    /// A building (楼栋) of a grid.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "buildings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub grid_code: String,
        #[sea_orm(nullable)]
        pub community_code: Option<String>,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub name: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod household {
    use sea_orm::entity::prelude::*;

    /// A household (户): one door of a building.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "households")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub grid_code: String,
        #[sea_orm(nullable)]
        pub community_code: Option<String>,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub building_id: i64,
        pub unit: String,
        pub room: String,
        /// Building, unit and room as one text, for search.
        pub door: String,
        /// The head's name and the count of members, kept with the row so a
        /// search lists households without reading their members.
        pub head: String,
        pub members: i64,
        /// owner_occupied | rented | vacant
        pub housing: String,
        /// Comma list of `CareTag` names (sensitive).
        pub care_tags: String,
        /// The resident account that sees this household.
        #[sea_orm(nullable)]
        pub resident_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod household_member {
    use sea_orm::entity::prelude::*;

    /// A member of a household.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "household_members")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub household_id: i64,
        pub grid_code: String,
        #[sea_orm(nullable)]
        pub community_code: Option<String>,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub name: String,
        pub relation: String,
        #[sea_orm(nullable)]
        pub phone: Option<String>,
        #[sea_orm(nullable)]
        pub id_number: Option<String>,
        pub sort: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod household_group {
    use sea_orm::entity::prelude::*;

    /// A household group (联户组) under its 联保长.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "household_groups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub grid_code: String,
        #[sea_orm(nullable)]
        pub community_code: Option<String>,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub name: String,
        /// households | shops
        pub kind: String,
        pub leader_name: String,
        pub leader_phone: String,
        /// The leader's account, when they have one.
        #[sea_orm(nullable)]
        pub leader_id: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod group_household {
    use sea_orm::entity::prelude::*;

    /// A household in a group (each in one group at most).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "group_households")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub group_id: i64,
        pub household_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod group_task {
    use sea_orm::entity::prelude::*;

    /// A task pushed to a group (e.g. 防诈骗入户宣传).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "group_tasks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub group_id: i64,
        pub title: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        #[sea_orm(nullable)]
        pub due_on: Option<Date>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod group_task_mark {
    use sea_orm::entity::prelude::*;

    /// A door marked done for a task.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "group_task_marks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub task_id: i64,
        pub household_id: i64,
        pub by_id: i64,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod household_correction {
    use sea_orm::entity::prelude::*;

    /// A resident's request to correct their household's record.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "household_corrections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub household_id: i64,
        pub grid_code: String,
        #[sea_orm(nullable)]
        pub community_code: Option<String>,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub user_id: i64,
        #[sea_orm(column_type = "Text")]
        pub text: String,
        pub done: bool,
        pub created_at: DateTimeUtc,
        #[sea_orm(nullable)]
        pub handled_by: Option<i64>,
        #[sea_orm(nullable)]
        pub handled_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod boundary_change {
    use sea_orm::entity::prelude::*;

    /// One boundary edit (draw, reshape, split, merge) or the undo of one;
    /// its grids' outlines before and after are `boundary_version` rows.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "boundary_changes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        /// The street of the grids touched (for the street's history and
        /// its admins' undo); none for changes across streets.
        #[sea_orm(nullable, indexed)]
        pub street_code: Option<String>,
        pub actor_id: i64,
        pub actor_name: String,
        pub created_at: DateTimeUtc,
        /// The restore that undid this change.
        #[sea_orm(nullable)]
        pub undone_by: Option<i64>,
        /// For a restore: the change it undid.
        #[sea_orm(nullable)]
        pub restores: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod boundary_version {
    use sea_orm::entity::prelude::*;

    /// One grid's outline before and after a change (GeoJSON as stored;
    /// empty: no area, a grid not yet drawn or retired).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "boundary_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(indexed)]
        pub change_id: i64,
        pub region_code: String,
        #[sea_orm(column_type = "Text")]
        pub before: String,
        #[sea_orm(column_type = "Text")]
        pub after: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod topic {
    use sea_orm::entity::prelude::*;

    /// A deliberation topic (议题) through its four steps.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topics")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub community_code: String,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub proposer_id: i64,
        pub title: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        /// `domain::topic::Stage`
        pub stage: String,
        pub seconds: i32,
        #[sea_orm(nullable)]
        pub hidden_reason: Option<String>,
        #[sea_orm(nullable)]
        pub agenda_at: Option<DateTimeUtc>,
        #[sea_orm(nullable)]
        pub meeting_kind: Option<String>,
        #[sea_orm(nullable)]
        pub meeting_at: Option<DateTimeUtc>,
        #[sea_orm(nullable)]
        pub meeting_place: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub minutes: Option<String>,
        #[sea_orm(nullable)]
        pub vote_mode: Option<String>,
        #[sea_orm(nullable)]
        pub opens_at: Option<DateTimeUtc>,
        #[sea_orm(nullable)]
        pub closes_at: Option<DateTimeUtc>,
        pub votes: i64,
        #[sea_orm(column_type = "Text", nullable)]
        pub decision: Option<String>,
        #[sea_orm(nullable)]
        pub decided_at: Option<DateTimeUtc>,
        pub progress: i32,
        #[sea_orm(nullable)]
        pub case_id: Option<i64>,
        #[sea_orm(nullable)]
        pub project_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod topic_second {
    use sea_orm::entity::prelude::*;

    /// A second (附议): one per person and topic (a unique index).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topic_seconds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub topic_id: i64,
        pub user_id: i64,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod topic_option {
    use sea_orm::entity::prelude::*;

    /// An option put to a vote, with its count.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topic_options")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub topic_id: i64,
        pub label: String,
        pub position: i32,
        pub votes: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod topic_voter {
    use sea_orm::entity::prelude::*;

    /// Who voted on a topic (turnout: the one-vote rule's key), never what
    /// they chose.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topic_voters")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub topic_id: i64,
        /// `u:{account}`, `h:{household}` or `m:{household member}`.
        pub voter_key: String,
        pub paper: bool,
        #[sea_orm(nullable)]
        pub entered_by: Option<i64>,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod topic_update {
    use sea_orm::entity::prelude::*;

    /// A line of a decision's implementation (落实进展).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topic_updates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub topic_id: i64,
        pub progress: i32,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        pub author_id: i64,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod topic_threshold {
    use sea_orm::entity::prelude::*;

    /// The seconds a community's topics need to go onto its agenda.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "topic_thresholds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub community_code: String,
        pub threshold: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod joint_meeting {
    use sea_orm::entity::prelude::*;

    /// A joint meeting (物业联席会) a community convened.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "joint_meetings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub community_code: String,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub title: String,
        pub starts_at: DateTimeUtc,
        pub place: String,
        /// 业委会, as written.
        #[sea_orm(nullable)]
        pub committee: Option<String>,
        /// 居民代表, as written.
        #[sea_orm(nullable)]
        pub representatives: Option<String>,
        pub committee_present: bool,
        pub representatives_present: i32,
        #[sea_orm(column_type = "Text", nullable)]
        pub minutes: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod joint_meeting_company {
    use sea_orm::entity::prelude::*;

    /// A company invited to a meeting, and whether it came.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "joint_meeting_companies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub company_id: i64,
        pub present: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod joint_meeting_compound {
    use sea_orm::entity::prelude::*;

    /// A compound a meeting is about.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "joint_meeting_compounds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub compound_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod joint_meeting_item {
    use sea_orm::entity::prelude::*;

    /// An agenda item: a case, a topic or free words.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "joint_meeting_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub position: i32,
        /// `domain::meeting::ItemKind`
        pub kind: String,
        #[sea_orm(nullable)]
        pub ref_id: Option<i64>,
        pub title: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod joint_resolution {
    use sea_orm::entity::prelude::*;

    /// A meeting's resolution (决议) and where its carrying-out stands.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "joint_resolutions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub community_code: String,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        /// `domain::meeting::OwnerKind`
        pub owner_kind: String,
        pub owner_ref: String,
        pub due_on: Date,
        pub progress: i32,
        /// `domain::meeting::ResolutionStatus`
        pub status: String,
        #[sea_orm(nullable)]
        pub case_id: Option<i64>,
        pub overdue_noticed: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod joint_resolution_update {
    use sea_orm::entity::prelude::*;

    /// A progress report on a resolution.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "joint_resolution_updates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub resolution_id: i64,
        pub progress: i32,
        pub status: String,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        pub author_id: i64,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod shed_item {
    use sea_orm::entity::prelude::*;

    /// A thing in a community's 共享小屋 and its stock.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "shed_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub community_code: String,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub name: String,
        #[sea_orm(nullable)]
        pub note: Option<String>,
        pub total: i32,
        /// Pieces in the shed now (`total` less those out on loan).
        pub available: i32,
        pub loan_days: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod shed_loan {
    use sea_orm::entity::prelude::*;

    /// A loan out of a 共享小屋.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "shed_loans")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub item_id: i64,
        pub community_code: String,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub borrower_id: i64,
        pub quantity: i32,
        pub due_on: Date,
        pub borrowed_at: DateTimeUtc,
        #[sea_orm(nullable)]
        pub returned_at: Option<DateTimeUtc>,
        #[sea_orm(nullable)]
        pub returned_by: Option<i64>,
        pub overdue_noticed: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod exchange_post {
    use sea_orm::entity::prelude::*;

    /// A 置换-分享 offer or ask (kind, deal, thing and status as their
    /// snake_case names).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "exchange_posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub deal: String,
        pub thing: String,
        pub community_code: String,
        #[sea_orm(nullable)]
        pub street_code: Option<String>,
        pub title: String,
        #[sea_orm(nullable)]
        pub detail: Option<String>,
        pub author_id: i64,
        /// The unit it is posted for (its name is shown; a resident's is not).
        #[sea_orm(nullable)]
        pub unit_id: Option<i64>,
        pub status: String,
        #[sea_orm(nullable)]
        pub removed_reason: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod exchange_match {
    use sea_orm::entity::prelude::*;

    /// An answer to a 置换-分享 post and the step it stands at.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "exchange_matches")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub post_id: i64,
        pub responder_id: i64,
        pub message: String,
        pub step: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod open311_client {
    use sea_orm::entity::prelude::*;

    /// An Open311 client application and the hash of its API key.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "open311_clients")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        /// SHA-256 of the key, hex (unique): the key itself is not kept.
        #[sea_orm(unique)]
        pub key_hash: String,
        pub key_tail: String,
        #[sea_orm(nullable)]
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        #[sea_orm(nullable)]
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod open311_case {
    use sea_orm::entity::prelude::*;

    /// A case an Open311 client filed: which client, and the `media_url`
    /// it sent (kept as given, never fetched).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "open311_cases")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i64,
        #[sea_orm(indexed)]
        pub client_id: i64,
        #[sea_orm(column_type = "Text", nullable)]
        pub media_url: Option<String>,
        /// SHA-256 of the fields the client sent: its resend of the same
        /// report is found by it (`domain::open311::RESEND_WINDOW_HOURS`).
        /// Unique per client while kept; forgotten (NULL) after the window.
        #[sea_orm(nullable)]
        pub fingerprint: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
