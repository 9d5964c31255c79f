//! Which grid contains a point: an R-tree over the grids' polygon parts,
//! then an exact test on the few candidates whose boxes hold the point.

use geo::{BoundingRect, Intersects, MultiPolygon, Point, Polygon};
use rstar::{RTree, RTreeObject, AABB};

/// One polygon part of a grid. Multi-part grids have several entries.
struct Part {
    grid: u32,
    envelope: AABB<[f64; 2]>,
    polygon: Polygon<f64>,
}

impl RTreeObject for Part {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// A read-only spatial index; rebuilt whole when boundaries change.
pub struct GridIndex {
    tree: RTree<Part>,
}

impl GridIndex {
    /// Indexes grids given as (position, boundary); `locate` answers positions.
    pub fn build<'a>(grids: impl IntoIterator<Item = (usize, &'a MultiPolygon<f64>)>) -> GridIndex {
        let parts: Vec<Part> = grids
            .into_iter()
            .flat_map(|(i, mp)| {
                mp.0.iter().filter_map(move |p| {
                    let r = p.bounding_rect()?;
                    Some(Part {
                        grid: i as u32,
                        envelope: AABB::from_corners(
                            [r.min().x, r.min().y],
                            [r.max().x, r.max().y],
                        ),
                        polygon: p.clone(),
                    })
                })
            })
            .collect();
        GridIndex {
            tree: RTree::bulk_load(parts),
        }
    }

    /// The grid containing (lng, lat); a point on a shared edge belongs to the
    /// grid listed first. Points in holes belong to whatever fills the hole.
    pub fn locate(&self, lng: f64, lat: f64) -> Option<usize> {
        let pt = Point::new(lng, lat);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([lng, lat]))
            .filter(|part| part.polygon.intersects(&pt))
            .map(|part| part.grid as usize)
            .min()
    }

    pub fn parts(&self) -> usize {
        self.tree.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]
    }

    #[test]
    fn holes_and_multi_part_grids_are_honoured() {
        // Grid 0: a square with a hole; grid 1: two parts, one filling the hole.
        let outer = Polygon::new(
            rect(0.0, 0.0, 10.0, 10.0).exterior().clone(),
            vec![rect(4.0, 4.0, 6.0, 6.0).exterior().clone()],
        );
        let g0 = MultiPolygon(vec![outer]);
        let g1 = MultiPolygon(vec![rect(4.0, 4.0, 6.0, 6.0), rect(20.0, 0.0, 25.0, 5.0)]);
        let idx = GridIndex::build([(0, &g0), (1, &g1)]);
        assert_eq!(idx.locate(1.0, 1.0), Some(0));
        assert_eq!(
            idx.locate(5.0, 5.0),
            Some(1),
            "the hole belongs to the grid filling it"
        );
        assert_eq!(idx.locate(22.0, 2.0), Some(1), "second part");
        assert_eq!(idx.locate(15.0, 2.0), None, "between the parts");
        assert_eq!(idx.locate(-1.0, 2.0), None);
        assert_eq!(idx.parts(), 3);
    }
}
