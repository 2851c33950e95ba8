use super::*;
use geo::{Area, BooleanOps, Coord, Geometry, LineString, MultiPolygon, Polygon, Rect, polygon};

fn rings(p: &Polygon<f64>) -> Rings {
    multipolygon_rings(&MultiPolygon(vec![p.clone()]))
}

fn area_by_spans(a: &Polygon<f64>, b: &Polygon<f64>) -> f64 {
    overlap(&spans_of(&rings(a)), &spans_of(&rings(b)))
}

#[test]
fn overlap_of_squares_and_triangles_is_exact() {
    let a = Rect::new((0.0, 0.0), (10.0, 10.0)).to_polygon();
    let b = Rect::new((5.0, 5.0), (20.0, 20.0)).to_polygon();
    assert!((area_by_spans(&a, &b) - 25.0).abs() < 1e-9);
    // A right triangle over the square's lower half: half of 100.
    let t = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0)];
    assert!((area_by_spans(&a, &t) - 50.0).abs() < 1e-9);
    // Touching along an edge: nothing shared.
    let c = Rect::new((10.0, 0.0), (20.0, 10.0)).to_polygon();
    assert!(area_by_spans(&a, &c).abs() < 1e-9);
    // Identical: the whole area.
    assert!((area_by_spans(&a, &a) - 100.0).abs() < 1e-9);
}

#[test]
fn overlap_agrees_with_a_boolean_overlay_on_awkward_shapes() {
    // A comb (non-convex) and a polygon with a hole, with edges crossing at angles.
    let comb = polygon![
        (x: 0.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 20.0), (x: 25.0, y: 20.0),
        (x: 25.0, y: 5.0), (x: 20.0, y: 5.0), (x: 20.0, y: 20.0), (x: 10.0, y: 20.0),
        (x: 10.0, y: 5.0), (x: 5.0, y: 5.0), (x: 5.0, y: 20.0), (x: 0.0, y: 20.0),
    ];
    let holed = Polygon::new(
        LineString::from(vec![(3.0, -2.0), (28.0, 4.0), (22.0, 25.0), (-1.0, 17.0)]),
        vec![LineString::from(vec![
            (8.0, 6.0),
            (18.0, 7.0),
            (16.0, 15.0),
            (9.0, 13.0),
        ])],
    );
    let expected = comb.intersection(&holed).unsigned_area();
    assert!((area_by_spans(&comb, &holed) - expected).abs() < 1e-6);
    assert!((area_by_spans(&holed, &comb) - expected).abs() < 1e-6);
}

#[test]
fn cutting_into_cells_keeps_the_area() {
    // 2.5 km x 1.2 km, off the grid lines, with a hole across a cell line.
    let p = Polygon::new(
        Rect::new((300.0, -400.0), (2800.0, 800.0))
            .to_polygon()
            .exterior()
            .clone(),
        vec![
            Rect::new((900.0, -100.0), (1100.0, 100.0))
                .to_polygon()
                .exterior()
                .clone(),
        ],
    );
    let g = Geometry::Polygon(p.clone());
    let grid = CellGrid::build(vec![(0, 0, &g)], false);
    let total: f64 = grid
        .iter()
        .flat_map(|(_, pieces)| pieces.iter().map(|p| p.area))
        .sum();
    assert!((total - p.unsigned_area()).abs() < 1e-6);
    assert_eq!(
        grid.at(Coord { x: 1000.0, y: 0.0 }).count(),
        0,
        "in the hole"
    );
    assert_eq!(grid.at(Coord { x: 500.0, y: 500.0 }).count(), 1);
    assert_eq!(
        grid.at(Coord { x: 300.0, y: 0.0 }).count(),
        1,
        "on the edge"
    );
    assert_eq!(grid.at(Coord { x: 2900.0, y: 0.0 }).count(), 0);
}

#[test]
fn resolving_leaves_each_place_in_the_lowest_rank() {
    let high = Geometry::Polygon(Rect::new((0.0, 0.0), (500.0, 500.0)).to_polygon());
    let low = Geometry::Polygon(Rect::new((0.0, 0.0), (1500.0, 500.0)).to_polygon());
    let grid = CellGrid::build(vec![(1, 3, &low), (0, 1, &high)], true);
    let area = |rank: u8| -> f64 {
        grid.iter()
            .flat_map(|(_, ps)| ps.iter())
            .filter(|p| p.rank == rank)
            .map(|p| p.area)
            .sum()
    };
    assert!((area(1) - 250_000.0).abs() < 1e-6);
    assert!((area(3) - 500_000.0).abs() < 1e-6);
    let at: Vec<u8> = grid
        .at(Coord { x: 100.0, y: 100.0 })
        .map(|p| p.rank)
        .collect();
    assert_eq!(at, vec![1]);
}
