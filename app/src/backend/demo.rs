//! Generated geography: the demo district in Jinan (市中区, around 36.65 N,
//! 117.03 E) and city-scale data for benchmarks. Grids tile each community
//! with no gap and no overlap: they are cells of one lattice whose inner
//! vertices are shifted a little, so neighbours share their edges exactly.

use super::password;
use super::services::internal;
use super::store::geography::{self, NewRegion};
use super::store::{accounts, Db};
use crate::domain::auth::{Grant, Role, Scope};
use crate::domain::error::AppError;
use crate::domain::geography::{GridKind, Level, StaffPosition};
use crate::domain::unit::{Review, UnitKind};
use serde_json::json;
use std::collections::HashMap;

/// Grid cells per community: 4 columns × 3 rows.
const COLS: usize = 4;
const ROWS: usize = 3;

/// The password of every demo account (printed by `make run`, listed in the README).
pub const DEMO_PASSWORD: &str = "demo1234";

/// How many generated cases `make run` puts in the demo district.
pub const DEMO_CASES: usize = 300;

/// One demo account per role: (phone, name, role).
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 11] = [
    ("13800000001", "系统管理员", Role::SystemAdmin),
    ("13800000002", "街道综治中心 王主任", Role::StreetAdmin),
    ("13800000003", "兴隆社区 李书记", Role::CommunityAdmin),
    ("13800000004", "网格长 赵敏", Role::GridLeader),
    ("13800000005", "网格员 张伟", Role::GridWorker),
    ("13800000006", "网格指导员 陈刚", Role::Instructor),
    ("13800000007", "区城管执法局 刘科长", Role::Department),
    ("13800000008", "泉城红心物业 周经理", Role::PropertyCompany),
    ("13800000009", "区税务局 孙主任", Role::UnitAdmin),
    ("13800000010", "党员 吴磊", Role::PartyMember),
    ("13800000011", "居民 郑丽", Role::Resident),
];

/// A deterministic hash in [0, 1): the same lattice every run.
pub(crate) fn noise(a: u64, b: u64, salt: u64) -> f64 {
    let mut x =
        a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ salt;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// A lattice of cells `cell` degrees wide starting at (lng0, lat0); block
/// lines every COLS/ROWS cells stay straight so communities are rectangles.
struct Lattice {
    lng0: f64,
    lat0: f64,
    dx: f64,
    dy: f64,
}

impl Lattice {
    fn vertex(&self, gx: usize, gy: usize) -> [f64; 2] {
        let (mut x, mut y) = (
            self.lng0 + gx as f64 * self.dx,
            self.lat0 + gy as f64 * self.dy,
        );
        if !gx.is_multiple_of(COLS) && !gy.is_multiple_of(ROWS) {
            x += (noise(gx as u64, gy as u64, 1) - 0.5) * 0.4 * self.dx;
            y += (noise(gx as u64, gy as u64, 2) - 0.5) * 0.4 * self.dy;
        }
        [round7(x), round7(y)]
    }

    /// The ring of cell (gx, gy), counter-clockwise, with the block-edge
    /// vertices of its neighbours so shared edges match exactly.
    fn cell(&self, gx: usize, gy: usize) -> Vec<[f64; 2]> {
        let v = |x, y| self.vertex(x, y);
        vec![
            v(gx, gy),
            v(gx + 1, gy),
            v(gx + 1, gy + 1),
            v(gx, gy + 1),
            v(gx, gy),
        ]
    }

    /// A rectangle of whole blocks (communities, streets, districts).
    fn rect(&self, gx0: usize, gy0: usize, gx1: usize, gy1: usize) -> Vec<[f64; 2]> {
        let v = |x, y| self.vertex(x, y);
        let mut ring = Vec::new();
        for x in gx0..gx1 {
            ring.push(v(x, gy0));
        }
        for y in gy0..gy1 {
            ring.push(v(gx1, y));
        }
        for x in (gx0 + 1..=gx1).rev() {
            ring.push(v(x, gy1));
        }
        for y in (gy0 + 1..=gy1).rev() {
            ring.push(v(gx0, y));
        }
        ring.push(v(gx0, gy0));
        ring
    }

    fn center(&self, gx: usize, gy: usize) -> (f64, f64) {
        (
            self.lat0 + (gy as f64 + 0.5) * self.dy,
            self.lng0 + (gx as f64 + 0.5) * self.dx,
        )
    }
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// A small axis-aligned square ring centred in cell (gx, gy), clockwise when
/// used as a hole and counter-clockwise as a shell.
fn inner_square(l: &Lattice, gx: usize, gy: usize, clockwise: bool) -> Vec<[f64; 2]> {
    let (lat, lng) = l.center(gx, gy);
    let (hx, hy) = (l.dx * 0.18, l.dy * 0.18);
    let mut r = vec![
        [round7(lng - hx), round7(lat - hy)],
        [round7(lng + hx), round7(lat - hy)],
        [round7(lng + hx), round7(lat + hy)],
        [round7(lng - hx), round7(lat + hy)],
        [round7(lng - hx), round7(lat - hy)],
    ];
    if clockwise {
        r.reverse();
    }
    r
}

fn polygon(rings: Vec<Vec<[f64; 2]>>) -> String {
    json!({"type": "Polygon", "coordinates": rings}).to_string()
}

fn region(
    level: Level,
    code: String,
    name: String,
    parent: Option<&str>,
    boundary: String,
) -> NewRegion {
    NewRegion {
        level,
        code,
        name,
        parent_code: parent.map(str::to_string),
        kind: None,
        category: String::new(),
        households: 0,
        residents: 0,
        boundary,
    }
}

fn grid(
    code: String,
    name: String,
    parent: &str,
    kind: GridKind,
    category: &str,
    households: i32,
    boundary: String,
) -> NewRegion {
    NewRegion {
        kind: Some(kind),
        category: category.into(),
        households,
        residents: households * 26 / 10,
        ..region(Level::Grid, code, name, Some(parent), boundary)
    }
}

const STREETS: [(&str, [&str; 3]); 2] = [
    ("十六里河街道", ["兴隆社区", "土屋社区", "领秀城社区"]),
    ("舜玉路街道", ["舜玉北路社区", "舜玉南路社区", "七里山社区"]),
];

/// What a dedicated cell of each community is.
const DEDICATED: [(&str, &str); 6] = [
    ("实验小学专属网格", "学校"),
    ("万达广场专属网格", "商圈楼宇"),
    ("领秀城农贸市场专属网格", "市场"),
    ("舜玉医院专属网格", "医院"),
    ("中建大厦专属网格", "楼宇"),
    ("七里山公园专属网格", "公园"),
];

pub const DISTRICT_CODE: &str = "370103";

/// The demo district: 2 streets, 6 communities, 74 grids (8 dedicated, one
/// of them set in a hole of a base grid, one in two parts).
pub fn demo_district() -> Vec<NewRegion> {
    let l = Lattice {
        lng0: 117.012,
        lat0: 36.636,
        dx: 0.003,
        dy: 0.0024,
    };
    let nx = 3 * COLS;
    let ny = STREETS.len() * ROWS;
    let mut out = vec![region(
        Level::District,
        DISTRICT_CODE.into(),
        "市中区".into(),
        None,
        polygon(vec![l.rect(0, 0, nx, ny)]),
    )];
    for (s, (street_name, communities)) in STREETS.iter().enumerate() {
        let street_code = format!("{DISTRICT_CODE}-{:03}", s + 1);
        let gy0 = s * ROWS;
        out.push(region(
            Level::Street,
            street_code.clone(),
            street_name.to_string(),
            Some(DISTRICT_CODE),
            polygon(vec![l.rect(0, gy0, nx, gy0 + ROWS)]),
        ));
        for (c, community_name) in communities.iter().enumerate() {
            let community_code = format!("{street_code}-{:03}", c + 1);
            let gx0 = c * COLS;
            out.push(region(
                Level::Community,
                community_code.clone(),
                community_name.to_string(),
                Some(&street_code),
                polygon(vec![l.rect(gx0, gy0, gx0 + COLS, gy0 + ROWS)]),
            ));
            let ci = s * 3 + c;
            let mut n = 0;
            for j in 0..ROWS {
                for i in 0..COLS {
                    let (gx, gy) = (gx0 + i, gy0 + j);
                    n += 1;
                    let households = 300 + (noise(gx as u64, gy as u64, 3) * 200.0) as i32;
                    // The top-right cell of each community is its dedicated grid.
                    if i == COLS - 1 && j == ROWS - 1 {
                        let (name, category) = DEDICATED[ci];
                        out.push(grid(
                            format!("{community_code}-Z1"),
                            name.into(),
                            &community_code,
                            GridKind::Dedicated,
                            category,
                            0,
                            polygon(vec![l.cell(gx, gy)]),
                        ));
                        continue;
                    }
                    let mut rings = vec![l.cell(gx, gy)];
                    // First community, cell (1,1): a clinic sits in a hole of the base grid.
                    // Second community, cells (0,0) and (2,0): a greenway in two parts.
                    let holed =
                        (ci == 0 && (i, j) == (1, 1)) || (ci == 1 && j == 0 && (i == 0 || i == 2));
                    if holed {
                        rings.push(inner_square(&l, gx, gy, true));
                    }
                    out.push(grid(
                        format!("{community_code}-{n:02}"),
                        format!("{community_name}第{n}网格"),
                        &community_code,
                        GridKind::Base,
                        "社区网格",
                        households,
                        polygon(rings),
                    ));
                }
            }
            if ci == 0 {
                out.push(grid(
                    format!("{community_code}-Z2"),
                    "兴隆社区卫生服务站专属网格".into(),
                    &community_code,
                    GridKind::Dedicated,
                    "医院",
                    0,
                    polygon(vec![inner_square(&l, gx0 + 1, gy0 + 1, false)]),
                ));
            }
            if ci == 1 {
                let parts = json!({"type": "MultiPolygon", "coordinates": [
                    [inner_square(&l, gx0, gy0, false)],
                    [inner_square(&l, gx0 + 2, gy0, false)],
                ]});
                out.push(grid(
                    format!("{community_code}-Z2"),
                    "土屋绿道专属网格".into(),
                    &community_code,
                    GridKind::Dedicated,
                    "公园",
                    0,
                    parts.to_string(),
                ));
            }
        }
    }
    out
}

/// City-scale geography for benchmarks: `grids` grids (rounded up to whole
/// communities of 12), 10 communities a street, 10 streets a district.
pub fn city(grids: usize) -> Vec<NewRegion> {
    let communities = grids.div_ceil(COLS * ROWS).max(1);
    let blocks_x = (communities as f64).sqrt().ceil() as usize;
    let l = Lattice {
        lng0: 116.8,
        lat0: 36.4,
        dx: 0.003,
        dy: 0.0024,
    };
    let mut out = Vec::with_capacity(communities * 13 + communities / 10 + 2);
    let mut streets_seen = std::collections::HashSet::new();
    let mut districts_seen = std::collections::HashSet::new();
    // Each street and district is the union of its communities' blocks
    // (filled in at the end), so the city is covered without gaps.
    let mut blocks: HashMap<String, Vec<geo::Polygon<f64>>> = HashMap::new();
    for c in 0..communities {
        let (bx, by) = (c % blocks_x, c / blocks_x);
        let (street, district) = (c / 10, c / 100);
        let (gx0, gy0) = (bx * COLS, by * ROWS);
        let d_code = format!("C{district:03}");
        let s_code = format!("{d_code}-{street:04}");
        if districts_seen.insert(district) {
            out.push(region(
                Level::District,
                d_code.clone(),
                format!("第{}区", district + 1),
                None,
                polygon(vec![l.rect(gx0, gy0, gx0 + COLS, gy0 + ROWS)]),
            ));
        }
        if streets_seen.insert(street) {
            out.push(region(
                Level::Street,
                s_code.clone(),
                format!("第{}街道", street + 1),
                Some(&d_code),
                polygon(vec![l.rect(gx0, gy0, gx0 + COLS, gy0 + ROWS)]),
            ));
        }
        let block = l.rect(gx0, gy0, gx0 + COLS, gy0 + ROWS);
        let block_shape = geo::Polygon::new(
            block
                .iter()
                .map(|p| geo::coord! { x: p[0], y: p[1] })
                .collect(),
            vec![],
        );
        for code in [&s_code, &d_code] {
            blocks
                .entry(code.clone())
                .or_default()
                .push(block_shape.clone());
        }
        let c_code = format!("{s_code}-{c:05}");
        out.push(region(
            Level::Community,
            c_code.clone(),
            format!("第{}社区", c + 1),
            Some(&s_code),
            polygon(vec![l.rect(gx0, gy0, gx0 + COLS, gy0 + ROWS)]),
        ));
        for j in 0..ROWS {
            for i in 0..COLS {
                let n = j * COLS + i + 1;
                let kind = if n == COLS * ROWS {
                    GridKind::Dedicated
                } else {
                    GridKind::Base
                };
                out.push(grid(
                    format!("{c_code}-{n:02}"),
                    format!("第{}社区第{n}网格", c + 1),
                    &c_code,
                    kind,
                    "",
                    400,
                    polygon(vec![l.cell(gx0 + i, gy0 + j)]),
                ));
            }
        }
    }
    for r in out.iter_mut().filter(|r| r.level != Level::Grid) {
        if let Some(parts) = blocks.get(&r.code) {
            let union = geo::algorithm::bool_ops::unary_union(parts);
            r.boundary = super::geo::boundary::to_geojson(&union).to_string();
        }
    }
    out
}

/// Writes the generated regions as one GeoJSON FeatureCollection in the import format.
pub fn to_feature_collection(regions: &[NewRegion]) -> String {
    let features: Vec<_> = regions
        .iter()
        .map(|r| {
            let geometry: serde_json::Value = serde_json::from_str(&r.boundary).unwrap_or_default();
            json!({"type": "Feature", "geometry": geometry, "properties": {
                "level": r.level.as_str(), "code": r.code, "name": r.name, "parent": r.parent_code,
                "kind": r.kind.map(GridKind::as_str), "category": r.category,
                "households": r.households, "residents": r.residents,
            }})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞",
];

pub(crate) fn person_name(seed: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[seed % 20],
        GIVEN[(seed / 20 + seed * 7) % 20]
    )
}

fn duties(position: StaffPosition) -> &'static str {
    match position {
        StaffPosition::Leader => "统筹网格工作，协调解决网格内问题",
        StaffPosition::FullTime => "每日巡查两次，收集上报事件，走访住户",
        StaffPosition::PartTime => "协助巡查，反映楼栋居民诉求",
        StaffPosition::Instructor => "指导网格工作，对接区直部门资源",
    }
}

/// Loads the demo district into an empty database: geography, companies,
/// compounds, units, departments, a roster for every grid and one account
/// per role. Does nothing when any region exists.
pub async fn seed_if_empty(db: &Db, cases: usize) -> Result<bool, AppError> {
    if geography::count_regions(db).await? > 0 {
        return Ok(false);
    }
    // All or nothing: a seed cut off half-way would leave a district without
    // accounts that later starts would never complete.
    let txn = super::store::begin(db).await?;
    let db = &txn;
    let regions = demo_district();
    geography::upsert_regions(db, &regions).await?;
    let id_of = |code: &str| {
        let code = code.to_string();
        async move {
            geography::region_id(db, &code)
                .await?
                .ok_or(AppError::Internal)
        }
    };

    // The three companies' records are kept by the first street; two are
    // in the alliance, with the party branch each joined.
    let companies = [
        (
            "泉城红心物业服务有限公司",
            true,
            "QCHX",
            "泉城红心物业党支部",
            "周经理",
            "0531-86001001",
        ),
        (
            "舜华物业管理有限公司",
            true,
            "SHWY",
            "红色物业联盟第一联合党支部",
            "吴经理",
            "0531-86001002",
        ),
        (
            "历山物业服务有限公司",
            false,
            "LSWY",
            "",
            "郑经理",
            "0531-86001003",
        ),
    ];
    let mut company_ids = Vec::new();
    for (name, alliance, code, party_org, contact, phone) in companies {
        let id = geography::insert_company(db, name, alliance).await?;
        geography::set_company_code(db, id, code).await?;
        super::store::alliance::save_company(
            db,
            &crate::domain::alliance::CompanyForm {
                id: Some(id),
                name: name.into(),
                alliance,
                party_org: party_org.into(),
                contact_name: contact.into(),
                contact_phone: phone.into(),
                street_code: format!("{DISTRICT_CODE}-001"),
            },
        )
        .await?;
        company_ids.push(id);
    }
    let units = [
        (
            "市中区税务局",
            UnitKind::Government,
            "市中区税务局机关党委",
            "孙主任",
            "13900000101",
        ),
        (
            "济南市第三中学",
            UnitKind::School,
            "济南市第三中学党总支",
            "钱老师",
            "13900000102",
        ),
        (
            "中国银行济南舜玉支行",
            UnitKind::Enterprise,
            "舜玉支行党支部",
            "冯行长",
            "13900000103",
        ),
        (
            "山东建工第三工程公司",
            UnitKind::Enterprise,
            "第三工程公司党委",
            "褚经理",
            "13900000104",
        ),
    ];
    let mut unit_ids = Vec::new();
    for (name, kind, org, contact, phone) in units {
        let row = super::store::units::UnitRow {
            id: 0,
            name: name.into(),
            kind: Some(kind),
            party_org: org.into(),
            contact_name: contact.into(),
            contact_phone: phone.into(),
            community_code: format!("{DISTRICT_CODE}-001-001"),
            status: Review::Approved,
            applicant_id: None,
            reject_reason: None,
        };
        unit_ids.push(
            super::store::units::insert_unit(db, &row)
                .await?
                .ok_or(AppError::Internal)?,
        );
    }
    for (code, name) in [
        ("CG", "区城市管理局"),
        ("SJ", "区市场监督管理局"),
        ("XF", "区消防救援大队"),
        ("GA", "公安市中分局"),
        ("ZJ", "区住房和城乡建设局"),
    ] {
        geography::insert_department(db, code, name).await?;
    }

    // Compounds in base grids, managed in turn by the three companies.
    let mut demo_grids = Vec::new();
    let lattice_compounds = [
        "阳光花园",
        "翠苑",
        "锦绣园",
        "和谐家园",
        "东方小区",
        "明珠苑",
        "幸福里",
        "金色港湾",
    ];
    let grids: Vec<&NewRegion> = regions.iter().filter(|r| r.level == Level::Grid).collect();
    for (k, g) in grids
        .iter()
        .filter(|g| g.kind == Some(GridKind::Base))
        .enumerate()
    {
        let street = regions
            .iter()
            .find(|r| Some(&r.code) == g.parent_code.as_ref())
            .and_then(|c| c.parent_code.clone())
            .unwrap_or_default();
        let id = id_of(&g.code).await?;
        let shape = super::geo::boundary::parse_stored(&g.boundary);
        let ring = shape.as_ref().and_then(|mp| {
            use geo::InteriorPoint;
            mp.interior_point()
        });
        let (lat, lng) = ring.map(|p| (p.y(), p.x())).unwrap_or((36.65, 117.03));
        let name = format!(
            "{}{}",
            lattice_compounds[k % lattice_compounds.len()],
            k / lattice_compounds.len() + 1
        );
        demo_grids.push(super::demo_cases::DemoGrid {
            code: g.code.clone(),
            community: g.parent_code.clone().unwrap_or_default(),
            street,
            at: (lat, lng),
            company: Some(company_ids[k % 3]),
        });
        geography::insert_compound(
            db,
            &name,
            id,
            Some(company_ids[k % 3]),
            (lat, lng),
            Some(compound_square(lat, lng, COMPOUND_HALF)),
        )
        .await?;
        // The demo grid holds a second compound managed by another company,
        // so a grid shared by two companies can be tried.
        if g.code == format!("{DISTRICT_CODE}-001-001-01") {
            if let Some((lat2, lng2)) = shape.as_ref().and_then(|s| second_compound(s, lat, lng)) {
                geography::insert_compound(
                    db,
                    "丽景苑",
                    id,
                    Some(company_ids[(k + 1) % 3]),
                    (lat2, lng2),
                    Some(compound_square(lat2, lng2, COMPOUND_HALF)),
                )
                .await?;
            }
        }
    }

    // Demo accounts, one per role.
    let demo_grid = format!("{DISTRICT_CODE}-001-001-01");
    let demo_grid_id = id_of(&demo_grid).await?;
    let mut demo_ids = std::collections::HashMap::new();
    for (phone, name, role) in DEMO_ACCOUNTS {
        let scope = match role.scope_kind() {
            crate::domain::auth::ScopeKind::None => Scope::None,
            crate::domain::auth::ScopeKind::Everywhere => Scope::Everywhere,
            crate::domain::auth::ScopeKind::Street => Scope::Street(format!("{DISTRICT_CODE}-001")),
            crate::domain::auth::ScopeKind::Community => {
                Scope::Community(format!("{DISTRICT_CODE}-001-001"))
            }
            crate::domain::auth::ScopeKind::Grid => Scope::Grid(demo_grid.clone()),
            crate::domain::auth::ScopeKind::Unit => Scope::Unit(unit_ids[0]),
            crate::domain::auth::ScopeKind::Company => Scope::Company(company_ids[0]),
            crate::domain::auth::ScopeKind::Department => Scope::Department("CG".into()),
        };
        let grant = Grant::new(role, scope).ok_or(AppError::Internal)?;
        let hash = password::hash(DEMO_PASSWORD.into())
            .await
            .map_err(|e| internal(e))?;
        let id = accounts::insert_user(db, phone, name, Some(hash), &[grant])
            .await?
            .ok_or(AppError::Internal)?;
        demo_ids.insert(role, id);
    }
    // The demo party member has reported to the first community (双报到).
    let member = demo_ids[&Role::PartyMember];
    let first_community = format!("{DISTRICT_CODE}-001-001");
    super::store::units::upsert_member(
        db,
        member,
        unit_ids[0],
        &first_community,
        chrono::Utc::now(),
    )
    .await?;
    super::store::units::review_member(db, member, Review::Approved).await?;

    // A "1+1+N+X" roster for every grid. The demo grid's leader, worker and
    // instructor are the demo accounts; everyone else cannot sign in.
    let mut seq = 0usize;
    for g in &grids {
        let grid_id = id_of(&g.code).await?;
        let positions = [
            StaffPosition::Leader,
            StaffPosition::FullTime,
            StaffPosition::PartTime,
            StaffPosition::PartTime,
            StaffPosition::Instructor,
        ];
        for position in positions {
            seq += 1;
            let demo_role = match position {
                StaffPosition::Leader => Role::GridLeader,
                StaffPosition::FullTime => Role::GridWorker,
                StaffPosition::Instructor => Role::Instructor,
                StaffPosition::PartTime => Role::Resident,
            };
            let user_id = if grid_id == demo_grid_id && demo_role != Role::Resident {
                demo_ids[&demo_role]
            } else {
                let phone = format!("139{:08}", 10_000 + seq);
                accounts::insert_user(db, &phone, &person_name(seq), None, &[])
                    .await?
                    .ok_or(AppError::Internal)?
            };
            // Leaders and full-time workers publish their work phone (上岗公示).
            let consent = matches!(position, StaffPosition::Leader | StaffPosition::FullTime);
            geography::add_staff(db, grid_id, user_id, position, duties(position), consent).await?;
        }
    }
    // Base information is part of the district itself (tests use it too).
    let resident_phone = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.2 == Role::Resident)
        .map(|a| a.0)
        .unwrap_or_default();
    let member_phone = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.2 == Role::PartyMember)
        .map(|a| a.0)
        .unwrap_or_default();
    let worker_phone = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.2 == Role::GridWorker)
        .map(|a| a.0)
        .unwrap_or_default();
    super::demo_households::seed(
        db,
        &demo_grids,
        (demo_ids[&Role::Resident], resident_phone),
        (member_phone, worker_phone),
        demo_ids[&Role::GridWorker],
    )
    .await?;
    if cases > 0 {
        let mut reporters = super::demo_cases::residents(db, 20).await?;
        reporters.push(demo_ids[&Role::Resident]);
        super::demo_cases::seed(db, &demo_grids, &reporters, cases).await?;
        super::demo_patrols::seed(db, &demo_grids, demo_ids[&Role::StreetAdmin]).await?;
        super::demo_wishes::seed(
            db,
            &demo_grids,
            &reporters,
            demo_ids[&Role::PartyMember],
            demo_ids[&Role::UnitAdmin],
            demo_ids[&Role::CommunityAdmin],
            &unit_ids,
        )
        .await?;
        super::demo_topics::seed(db, &reporters, demo_ids[&Role::CommunityAdmin]).await?;
        // After the cases: the meeting takes one of them up.
        super::demo_meetings::seed(db, demo_ids[&Role::CommunityAdmin], &company_ids[..2]).await?;
        // The demo resident (last of the reporters) has the late ladder.
        let borrowers: Vec<i64> = reporters.iter().rev().copied().collect();
        super::demo_sharing::seed(db, &borrowers).await?;
        super::demo_sharing::seed_exchange(db, &borrowers, demo_ids[&Role::UnitAdmin], unit_ids[0])
            .await?;
    }
    super::store::commit(txn).await?;
    Ok(true)
}

/// Half the side of a demo compound, in degrees (~45 m).
pub const COMPOUND_HALF: f64 = 0.0004;

/// A square compound outline around a point, as GeoJSON.
pub fn compound_square(lat: f64, lng: f64, half: f64) -> String {
    serde_json::json!({
        "type": "Polygon",
        "coordinates": [[
            [lng - half, lat - half],
            [lng + half, lat - half],
            [lng + half, lat + half],
            [lng - half, lat + half],
            [lng - half, lat - half],
        ]]
    })
    .to_string()
}

/// A spot for a second compound in a grid, clear of the first one (at
/// `lat`, `lng`) and with its whole square inside the grid.
fn second_compound(grid: &geo::MultiPolygon<f64>, lat: f64, lng: f64) -> Option<(f64, f64)> {
    use geo::Contains;
    let gap = COMPOUND_HALF * 2.5;
    [(0.0, gap), (0.0, -gap), (gap, 0.0), (-gap, 0.0)]
        .into_iter()
        .map(|(dy, dx)| (lat + dy, lng + dx))
        .find(|(y, x)| {
            let h = COMPOUND_HALF;
            [(-h, -h), (h, -h), (h, h), (-h, h)]
                .into_iter()
                .all(|(a, b)| grid.contains(&geo::Point::new(x + b, y + a)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::geo::boundary;
    use geo::{Area, BooleanOps, MultiPolygon};
    use std::collections::HashMap;

    fn shape(r: &NewRegion) -> MultiPolygon<f64> {
        boundary::parse_stored(&r.boundary).expect("valid boundary")
    }

    #[test]
    fn the_demo_district_has_the_promised_size() {
        let d = demo_district();
        let count = |l| d.iter().filter(|r| r.level == l).count();
        assert_eq!(count(Level::District), 1);
        assert!(count(Level::Street) >= 2);
        assert!(count(Level::Community) >= 6);
        assert!(count(Level::Grid) >= 60);
        assert!(
            d.iter()
                .filter(|r| r.kind == Some(GridKind::Dedicated))
                .count()
                >= 6
        );
        let json = to_feature_collection(&d);
        let (plan, _) = crate::backend::import::plan(&json, &HashMap::new())
            .expect("the demo passes import checks");
        assert_eq!(plan.len(), d.len());
    }

    #[test]
    fn grids_tile_each_community_without_gap_or_overlap() {
        let d = demo_district();
        for c in d.iter().filter(|r| r.level == Level::Community) {
            let grids: Vec<MultiPolygon<f64>> = d
                .iter()
                .filter(|g| {
                    g.level == Level::Grid && g.parent_code.as_deref() == Some(c.code.as_str())
                })
                .map(shape)
                .collect();
            let sum: f64 = grids.iter().map(|g| g.unsigned_area()).sum();
            let community = shape(c).unsigned_area();
            assert!(
                (sum - community).abs() < community * 1e-9,
                "{}: areas {sum} vs {community}",
                c.code
            );
            for (i, a) in grids.iter().enumerate() {
                for b in &grids[i + 1..] {
                    let overlap = a.intersection(b).unsigned_area();
                    assert!(
                        overlap < community * 1e-9,
                        "{}: grids overlap by {overlap}",
                        c.code
                    );
                }
            }
        }
    }

    #[test]
    fn the_city_generator_scales() {
        let c = city(1200);
        assert_eq!(c.iter().filter(|r| r.level == Level::Grid).count(), 1200);
        let json = to_feature_collection(&c);
        assert!(crate::backend::import::plan(&json, &HashMap::new()).is_ok());
    }
}
