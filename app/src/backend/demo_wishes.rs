//! The service side of the demo district: dozens of micro-wishes in every
//! state (some claimed by the demo party member and unit, some fulfilled
//! and credited), volunteering activities, the three lists, and a pending
//! unit and member for the community to review.

use super::demo_cases::DemoGrid;
use super::store::units::{self, CreditRow, UnitRow};
use super::store::wishes::{self as db, WishEventRow, WishRow};
use super::store::{activities, lists, Txn};
use crate::domain::error::AppError;
use crate::domain::lists::{ProjectStatus, ServiceCategory};
use crate::domain::unit::{CreditSource, Review, UnitKind};
use crate::domain::wish::{points_for_hours, WishAction, WishKind, WishStatus, WISH_POINTS};
use chrono::{Duration, Utc};

const WISHES: [(&str, &str, WishKind, i32); 16] = [
    (
        "想要一副老花镜",
        "独居多年，眼睛花了看不清药盒上的字，想要一副合适的老花镜。",
        WishKind::Material,
        80,
    ),
    (
        "希望有人陪我聊聊天",
        "老伴去世后一个人住，子女在外地，希望周末有人来说说话。",
        WishKind::Spiritual,
        0,
    ),
    (
        "孩子想要一套课外书",
        "孩子上四年级，爱看书，家里条件有限，想要一套适合的课外读物。",
        WishKind::Material,
        150,
    ),
    (
        "帮忙修一下漏水的水龙头",
        "厨房水龙头一直滴水，自己腿脚不便修不了。",
        WishKind::Service,
        0,
    ),
    (
        "想学用智能手机挂号",
        "不会用手机挂号和付款，每次去医院都要排很久的队。",
        WishKind::Service,
        0,
    ),
    (
        "冬天需要一床厚棉被",
        "家里的被子很旧了，冬天晚上冷，想要一床厚棉被。",
        WishKind::Material,
        200,
    ),
    (
        "想要一台收音机",
        "眼睛不好看不了电视，想听听戏曲和新闻。",
        WishKind::Material,
        60,
    ),
    (
        "希望有人帮忙理发",
        "行动不便出不了门，头发很长了，希望有志愿者上门理发。",
        WishKind::Service,
        0,
    ),
    (
        "孩子需要数学辅导",
        "孩子数学跟不上，家长不会辅导，希望有人每周帮忙讲一次。",
        WishKind::Service,
        0,
    ),
    (
        "想要一个助行器",
        "做完手术后走路不稳，想要一个助行器方便下楼。",
        WishKind::Material,
        300,
    ),
    (
        "想给老伴过个生日",
        "老伴八十大寿，想请社区帮忙张罗一个小小的生日会。",
        WishKind::Spiritual,
        100,
    ),
    (
        "帮忙更换楼道灯泡",
        "家门口的灯坏了，晚上回家看不清台阶。",
        WishKind::Service,
        20,
    ),
    (
        "想要一双保暖棉鞋",
        "脚怕冷，想要一双保暖的棉鞋过冬。",
        WishKind::Material,
        120,
    ),
    (
        "希望学写毛笔字",
        "退休在家，想学写毛笔字，希望有老师指点。",
        WishKind::Spiritual,
        0,
    ),
    (
        "孩子想参观科技馆",
        "孩子喜欢科学，从来没去过科技馆，希望有人能带去看看。",
        WishKind::Spiritual,
        50,
    ),
    (
        "需要一个轮椅坐垫",
        "长期坐轮椅，坐垫磨破了，想换一个新的。",
        WishKind::Material,
        90,
    ),
];

/// Seeds the service side. `member`, `unit_admin` and `community_admin`
/// are demo account ids; `units` the demo units; `residents` wishers.
#[allow(clippy::too_many_arguments)]
pub async fn seed(
    txn: &Txn,
    grids: &[DemoGrid],
    residents: &[i64],
    member: i64,
    unit_admin: i64,
    community_admin: i64,
    units_ids: &[i64],
) -> Result<(), AppError> {
    let now = Utc::now();
    let today = crate::domain::deadline::china_date(now);
    let first = match grids.first() {
        Some(g) => g.community.clone(),
        None => return Ok(()),
    };
    let names = units::user_names(txn, &[member]).await?;
    let member_name = names.get(&member).cloned().unwrap_or_default();
    let unit_name = units::unit_by_id(txn, units_ids[0])
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    // States in turn, so every one shows; the demo member holds some claims.
    let cycle = [
        WishStatus::Published,
        WishStatus::Published,
        WishStatus::Pending,
        WishStatus::Claimed,
        WishStatus::Fulfilled,
        WishStatus::Closed,
        WishStatus::Closed,
        WishStatus::Published,
        WishStatus::Rejected,
        WishStatus::Published,
        WishStatus::Withdrawn,
        WishStatus::Closed,
    ];
    for i in 0..48usize {
        let (title, story, kind, value) = WISHES[i % WISHES.len()];
        let status = cycle[i % cycle.len()];
        // Half the wishes are in the first community (the demo admin's).
        let g = if i % 2 == 0 {
            grids
                .iter()
                .filter(|g| g.community == first)
                .nth(i % 4)
                .unwrap_or(&grids[0])
        } else {
            &grids[(i * 7) % grids.len()]
        };
        let wisher = residents[i % residents.len()];
        let created = now - Duration::days(40 - (i as i64 % 40)) - Duration::hours(i as i64);
        let claimed = matches!(
            status,
            WishStatus::Claimed | WishStatus::Fulfilled | WishStatus::Closed
        );
        // Open claims alternate between the unit and the member, two each:
        // within the limits on open claims (see `ClaimLimits`).
        let by_unit = claimed
            && if status == WishStatus::Claimed {
                (i / 12) % 2 == 0
            } else {
                i % 3 == 0
            };
        let (claimer, claimer_unit, claimed_by) = if !claimed {
            (None, None, None)
        } else if by_unit {
            (
                Some(unit_admin),
                Some(units_ids[0]),
                Some(unit_name.clone()),
            )
        } else {
            // A member's claim is their own (no unit on the claim); their
            // unit is still credited when it closes, as the service does.
            (
                Some(member),
                None,
                Some(crate::domain::wish::surname_only(&member_name)),
            )
        };
        // One claim is past its date so the community sees the flag.
        let wanted_by = if status == WishStatus::Claimed && i % 2 == 1 {
            today - Duration::days(2)
        } else {
            today + Duration::days(5 + (i as i64 % 20))
        };
        let hours = matches!(status, WishStatus::Fulfilled | WishStatus::Closed)
            .then_some(1.0 + (i % 4) as f32 * 0.5);
        let row = WishRow {
            id: 0,
            title: title.into(),
            story: story.into(),
            kind,
            value_yuan: value,
            wanted_by,
            status,
            community_code: g.community.clone(),
            street_code: Some(g.street.clone()),
            grid_code: Some(g.code.clone()),
            lat: g.at.0 + (super::demo::noise(i as u64, 3, 11) - 0.5) * 0.002,
            lng: g.at.1 + (super::demo::noise(i as u64, 5, 11) - 0.5) * 0.002,
            wisher_id: Some(wisher),
            posted_by: wisher,
            contact_name: format!("居民{}", i % residents.len() + 1),
            contact_phone: format!("136{:08}", 30_000 + i % residents.len()),
            address: format!("{}号楼{}单元{}室", 1 + i % 12, 1 + i % 3, 101 + i % 6 * 100),
            claimer_id: claimer,
            claimer_unit_id: claimer_unit,
            claimed_by,
            claimed_at: claimed.then_some(created + Duration::days(2)),
            fulfil_note: hours.map(|_| "已按约定送到并帮忙安顿好".to_string()),
            hours,
            thanks: (status == WishStatus::Closed).then(|| "谢谢党员同志，太暖心了！".to_string()),
            reject_reason: (status == WishStatus::Rejected)
                .then(|| "属于低保救助范围，已转民政专项办理".to_string()),
            version: 0,
            created_at: created,
            updated_at: created,
        };
        let posted = WishEventRow {
            actor_id: wisher,
            actor_name: row.contact_name.clone(),
            action: WishAction::Post,
            to_status: WishStatus::Pending,
            note: String::new(),
            created_at: created,
        };
        let id = db::insert(txn, &row, Some(&posted)).await?;
        if status == WishStatus::Closed {
            let h = hours.unwrap_or(1.0);
            units::credit(
                txn,
                &CreditRow {
                    user_id: claimer.unwrap_or(member),
                    unit_id: Some(claimer_unit.unwrap_or(units_ids[0])),
                    community_code: g.community.clone(),
                    source: CreditSource::Wish,
                    source_id: id,
                    title: title.into(),
                    points: WISH_POINTS + points_for_hours(h),
                    hours: h,
                    created_at: created + Duration::days(4),
                },
            )
            .await?;
        }
    }

    // Activities: two coming up in the first community, one in another.
    for (k, (title, place, days, capacity)) in [
        ("周末清理楼道小广告", "兴隆社区党群服务中心门口", 3, 20),
        ("敬老院包饺子", "市中区第二敬老院", 6, 12),
        ("垃圾分类宣传进小区", "阳光花园南门", 9, 15),
    ]
    .into_iter()
    .enumerate()
    {
        let start = now + Duration::days(days) + Duration::hours(1);
        let community = if k < 2 {
            first.clone()
        } else {
            grids[grids.len() / 2].community.clone()
        };
        activities::insert(
            txn,
            &activities::ActivityRow {
                id: 0,
                community_code: community,
                title: title.into(),
                description: "请穿舒适的衣服，工具由社区准备。".into(),
                place: place.into(),
                starts_at: start,
                ends_at: start + Duration::hours(2),
                capacity,
                taken: 0,
                hours: 2.0,
                organiser_id: community_admin,
                created_at: now,
            },
        )
        .await?;
    }

    // The three lists of the first community.
    let mut need_ids = Vec::new();
    for (category, title) in [
        (ServiceCategory::Care, "独居老人定期探访"),
        (ServiceCategory::Education, "双职工家庭孩子课后托管"),
        (ServiceCategory::Health, "慢性病老人血压血糖监测"),
        (ServiceCategory::Legal, "物业纠纷法律咨询"),
    ] {
        need_ids.push(
            lists::insert_need(
                txn,
                &lists::NeedRow {
                    id: 0,
                    community_code: first.clone(),
                    category,
                    title: title.into(),
                    detail: String::new(),
                    wish_id: None,
                    open: true,
                    created_by: community_admin,
                    created_at: now,
                },
            )
            .await?,
        );
    }
    let mut resource_ids = Vec::new();
    for (u, category, title, when) in [
        (
            0,
            ServiceCategory::Legal,
            "税务与法律政策咨询",
            "每月第一个周三下午",
        ),
        (
            1,
            ServiceCategory::Education,
            "周末作业辅导与阅读课",
            "每周六上午",
        ),
        (
            1,
            ServiceCategory::Venue,
            "学校操场与礼堂（假期开放）",
            "寒暑假",
        ),
        (
            2,
            ServiceCategory::Skills,
            "老年人防诈骗与智能手机课",
            "每月一次",
        ),
        (
            3,
            ServiceCategory::Care,
            "上门维修小家电、水电",
            "每周五下午",
        ),
    ] {
        resource_ids.push(
            lists::insert_resource(
                txn,
                &lists::ResourceRow {
                    id: 0,
                    unit_id: units_ids[u],
                    community_code: first.clone(),
                    category,
                    title: title.into(),
                    detail: String::new(),
                    availability: when.into(),
                    created_at: now,
                },
            )
            .await?,
        );
    }
    lists::insert_project(
        txn,
        &lists::ProjectRow {
            id: 0,
            community_code: first.clone(),
            title: "“四点半课堂”课后托管".into(),
            detail: "第三中学党员教师与社区共建课后托管。".into(),
            status: ProjectStatus::Active,
            progress: 60,
            needs: vec![need_ids[1]],
            resources: vec![resource_ids[1]],
            units: vec![units_ids[1]],
            created_at: now,
            updated_at: now,
        },
    )
    .await?;

    // Waiting for the community: a unit that registered and a member who reported.
    let applicant = residents[residents.len() - 2];
    units::insert_unit(
        txn,
        &UnitRow {
            id: 0,
            name: "市中区人民医院".into(),
            kind: Some(UnitKind::Hospital),
            party_org: "区人民医院党委".into(),
            contact_name: "卫主任".into(),
            contact_phone: "13900000105".into(),
            community_code: first.clone(),
            status: Review::Pending,
            applicant_id: Some(applicant),
            reject_reason: None,
        },
    )
    .await?;
    units::upsert_member(txn, residents[0], units_ids[1], &first, now).await?;
    Ok(())
}
