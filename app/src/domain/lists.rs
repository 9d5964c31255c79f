//! The three lists (三张清单): needs (需求), resources (资源) that units
//! offer, and projects (项目) linking them. A need is matched to resources
//! of the same category, nearest first.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceCategory {
    /// 活动场地
    Venue,
    /// 法律咨询
    Legal,
    /// 健康义诊
    Health,
    /// 助老助残
    Care,
    /// 教育辅导
    Education,
    /// 技能培训
    Skills,
    /// 物资捐赠
    Goods,
    /// 文体活动
    Culture,
}

impl ServiceCategory {
    pub const ALL: [ServiceCategory; 8] = [
        ServiceCategory::Venue,
        ServiceCategory::Legal,
        ServiceCategory::Health,
        ServiceCategory::Care,
        ServiceCategory::Education,
        ServiceCategory::Skills,
        ServiceCategory::Goods,
        ServiceCategory::Culture,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceCategory::Venue => "venue",
            ServiceCategory::Legal => "legal",
            ServiceCategory::Health => "health",
            ServiceCategory::Care => "care",
            ServiceCategory::Education => "education",
            ServiceCategory::Skills => "skills",
            ServiceCategory::Goods => "goods",
            ServiceCategory::Culture => "culture",
        }
    }

    pub fn parse(s: &str) -> Option<ServiceCategory> {
        ServiceCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            ServiceCategory::Venue => ("活动场地", "Venue"),
            ServiceCategory::Legal => ("法律咨询", "Legal advice"),
            ServiceCategory::Health => ("健康义诊", "Health checks"),
            ServiceCategory::Care => ("助老助残", "Elderly & disabled care"),
            ServiceCategory::Education => ("教育辅导", "Tutoring"),
            ServiceCategory::Skills => ("技能培训", "Skills training"),
            ServiceCategory::Goods => ("物资捐赠", "Donated goods"),
            ServiceCategory::Culture => ("文体活动", "Culture & sport"),
        };
        lang.pick(zh, en)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planning,
    Active,
    Done,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 3] = [
        ProjectStatus::Planning,
        ProjectStatus::Active,
        ProjectStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Planning => "planning",
            ProjectStatus::Active => "active",
            ProjectStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<ProjectStatus> {
        ProjectStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            ProjectStatus::Planning => ("筹备中", "Planning"),
            ProjectStatus::Active => ("实施中", "Under way"),
            ProjectStatus::Done => ("已完成", "Done"),
        };
        lang.pick(zh, en)
    }
}

/// A need on the community's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NeedItem {
    pub id: i64,
    pub community_code: String,
    pub community_name: String,
    pub category: ServiceCategory,
    pub title: String,
    pub detail: String,
    /// The wish it came from, if any.
    pub wish_id: Option<i64>,
    pub open: bool,
}

/// A resource a unit offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceItem {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub community_code: String,
    pub community_name: String,
    pub category: ServiceCategory,
    pub title: String,
    pub detail: String,
    /// When it is available ("每周六上午").
    pub availability: String,
}

/// A project linking needs, resources and units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectItem {
    pub id: i64,
    pub community_code: String,
    pub community_name: String,
    pub title: String,
    pub detail: String,
    pub status: ProjectStatus,
    pub progress: i32,
    pub needs: Vec<i64>,
    pub resources: Vec<i64>,
    pub units: Vec<String>,
}

/// The three lists of one community (or of all, for the street).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreeLists {
    pub needs: Vec<NeedItem>,
    pub resources: Vec<ResourceItem>,
    pub projects: Vec<ProjectItem>,
    /// Whether the reader may add needs and projects here.
    pub may_edit: bool,
}

/// How near a resource is to a need: the same community, the same street,
/// or elsewhere in the district.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Nearness {
    SameCommunity,
    SameStreet,
    Elsewhere,
}

/// Resources matching a need: the same category only, nearest first, then
/// by id so the order is stable. `nearness` says how far each one is.
pub fn suggest(
    need: ServiceCategory,
    resources: &[ResourceItem],
    nearness: impl Fn(&ResourceItem) -> Nearness,
    limit: usize,
) -> Vec<&ResourceItem> {
    let mut hits: Vec<(Nearness, &ResourceItem)> = resources
        .iter()
        .filter(|r| r.category == need)
        .map(|r| (nearness(r), r))
        .collect();
    hits.sort_by_key(|(n, r)| (*n, r.id));
    hits.into_iter().take(limit).map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(id: i64, community: &str, category: ServiceCategory) -> ResourceItem {
        ResourceItem {
            id,
            unit_id: 1,
            unit_name: "U".into(),
            community_code: community.into(),
            community_name: community.into(),
            category,
            title: format!("r{id}"),
            detail: String::new(),
            availability: String::new(),
        }
    }

    #[test]
    fn suggestions_match_the_category_and_come_nearest_first() {
        let list = vec![
            res(1, "far", ServiceCategory::Legal),
            res(2, "same_street", ServiceCategory::Legal),
            res(3, "here", ServiceCategory::Health),
            res(4, "here", ServiceCategory::Legal),
        ];
        let near = |r: &ResourceItem| match r.community_code.as_str() {
            "here" => Nearness::SameCommunity,
            "same_street" => Nearness::SameStreet,
            _ => Nearness::Elsewhere,
        };
        let got: Vec<i64> = suggest(ServiceCategory::Legal, &list, near, 5)
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(got, vec![4, 2, 1]);
        assert_eq!(suggest(ServiceCategory::Legal, &list, near, 1).len(), 1);
        assert!(suggest(ServiceCategory::Venue, &list, near, 5).is_empty());
    }
}
