//! Ingest through GDAL: every supported format, reprojection, repair, and a table of bad
//! inputs each with its exact message. Nothing bad is ever half-loaded.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};

use gdal::vector::{Geometry, LayerAccess, LayerOptions, OGRwkbGeometryType};
use gdal::{DriverManager, spatial_ref::SpatialRef};
use geo::{Area, Coord};
use sitroom::ingest::{IngestError, LoadOptions, read};
use sitroom::model::Classification;
use sitroom::model::IssueAction;
use sitroom::model::{FieldMapping, LayerKind};

fn opts(kind: LayerKind) -> LoadOptions {
    LoadOptions {
        kind,
        srs: None,
        source_layer: None,
        fields: FieldMapping::default(),
        classification: None,
        allow_rejects: false,
        limits: sitroom::ingest::LoadLimits::default(),
    }
}

fn hazard_opts() -> LoadOptions {
    LoadOptions {
        fields: FieldMapping {
            hazard: Some("depth".into()),
            ..FieldMapping::default()
        },
        classification: Some(Classification::flood_depth()),
        ..opts(LayerKind::Hazard)
    }
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn ingest(p: &Path, o: &LoadOptions) -> Result<sitroom::ingest::Ingested, IngestError> {
    read(p, &name(p), o, &|_, _| {})
}

fn err(p: &Path, o: &LoadOptions) -> String {
    match ingest(p, o) {
        Ok(r) => panic!("{} loaded but should fail: {:?}", name(p), r.report),
        Err(e) => e.to_string(),
    }
}

const SQUARE: &str =
    r#"{"type":"Polygon","coordinates":[[[30,-2],[30.1,-2],[30.1,-1.9],[30,-1.9],[30,-2]]]}"#;

fn fc(features: &[(&str, &str)]) -> String {
    let feats: Vec<String> = features
        .iter()
        .map(|(props, geom)| {
            format!(r#"{{"type":"Feature","properties":{props},"geometry":{geom}}}"#)
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        feats.join(",")
    )
}

/// Writes a shapefile of one point per (lon, lat) with `srs` (none: no .prj).
fn shapefile(dir: &Path, stem: &str, srs: Option<u32>, points: &[(f64, f64)]) -> PathBuf {
    let path = dir.join(format!("{stem}.shp"));
    let driver = DriverManager::get_driver_by_name("ESRI Shapefile").unwrap();
    let mut ds = driver.create_vector_only(&path).unwrap();
    let srs = srs.map(|c| SpatialRef::from_epsg(c).unwrap());
    let mut layer = ds
        .create_layer(LayerOptions {
            name: stem,
            srs: srs.as_ref(),
            ty: OGRwkbGeometryType::wkbPoint,
            options: None,
        })
        .unwrap();
    for (x, y) in points {
        let mut g = Geometry::empty(OGRwkbGeometryType::wkbPoint).unwrap();
        g.add_point_2d((*x, *y));
        layer.create_feature(g).unwrap();
    }
    path
}

fn zip(dir: &Path, name: &str, files: &[&Path]) -> PathBuf {
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for f in files {
        z.start_file(
            f.file_name().unwrap().to_string_lossy(),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(&std::fs::read(f).unwrap()).unwrap();
    }
    z.finish().unwrap();
    path
}

fn first_coord(wkb: &[u8]) -> Coord {
    let g = Geometry::from_wkb(wkb).unwrap();
    let (x, y, _) = g.get_point(0);
    Coord { x, y }
}

// ---------------------------------------------------------------- formats that load

#[test]
fn geojson_loads_with_mapped_fields_and_classes() {
    let dir = tempfile::tempdir().unwrap();
    let p = sitroom_tests::write(
        &dir,
        "zones.geojson",
        &fc(&[
            (r#"{"depth": 2.0, "zone": "A"}"#, SQUARE),
            (r#"{"depth": "1.0", "zone": "B"}"#, SQUARE),
            (r#"{"depth": 0.05, "zone": "C"}"#, SQUARE),
        ]),
    );
    let mut o = hazard_opts();
    o.fields.name = Some("zone".into());
    let r = ingest(&p, &o).unwrap();
    assert_eq!(r.report.read, 3);
    assert_eq!(r.report.loaded, 3);
    assert_eq!(r.report.unclassified, 1, "0.05 m is below the lowest class");
    // And the feature is named, as every other one the load did something to.
    let named: Vec<(u64, &str)> = r
        .report
        .issues
        .iter()
        .map(|i| (i.index, i.reason.as_str()))
        .collect();
    assert_eq!(
        named,
        [(
            3,
            "its depth value 0.05 is in no class of 'flood-depth': drawn as unclassified and counted in no class"
        )]
    );
    let classes: Vec<Option<&str>> = r
        .features
        .iter()
        .map(|f| f.hazard_class.as_deref())
        .collect();
    assert_eq!(classes, [Some("high"), Some("medium"), None]);
    assert_eq!(r.features[1].name.as_deref(), Some("B"));
    assert_eq!(r.features[0].bbox, [30.0, -2.0, 30.1, -1.9]);
    assert_eq!(r.bbox, Some([30.0, -2.0, 30.1, -1.9]));
    assert_eq!(r.report.driver, "GeoJSON");
    assert_eq!(r.report.source_crs, "EPSG:4326");
}

#[test]
fn projected_utm_35s_is_reprojected_to_wgs84() {
    // (30, -2) and (30.5, -1.5) in EPSG:32735, as given by PROJ (gdaltransform).
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile(
        dir.path(),
        "sites",
        Some(32735),
        &[
            (833_776.092_376_761, 9_778_633.833_969_66),
            (889_573.466_572_451, 9_833_892.779_684_75),
        ],
    );
    let r = ingest(&shp, &opts(LayerKind::Exposure)).unwrap();
    assert_eq!(r.report.source_crs, "EPSG:32735");
    let a = first_coord(&r.features[0].wkb);
    let b = first_coord(&r.features[1].wkb);
    assert!(
        (a.x - 30.0).abs() < 1e-9 && (a.y + 2.0).abs() < 1e-9,
        "{a:?}"
    );
    assert!(
        (b.x - 30.5).abs() < 1e-9 && (b.y + 1.5).abs() < 1e-9,
        "{b:?}"
    );
}

#[test]
fn a_file_without_crs_loads_when_srs_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile(
        dir.path(),
        "noprj",
        None,
        &[(833_776.092_376_761, 9_778_633.833_969_66)],
    );
    let mut o = opts(LayerKind::Exposure);
    o.srs = Some("EPSG:32735".into());
    let r = ingest(&shp, &o).unwrap();
    let a = first_coord(&r.features[0].wkb);
    assert!(
        (a.x - 30.0).abs() < 1e-9 && (a.y + 2.0).abs() < 1e-9,
        "{a:?}"
    );
}

#[test]
fn zipped_shapefile_loads() {
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile(dir.path(), "camps", Some(4326), &[(30.84, -2.31)]);
    let parts: Vec<PathBuf> = ["shp", "shx", "dbf", "prj"]
        .iter()
        .map(|e| shp.with_extension(e))
        .collect();
    let refs: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
    let z = zip(dir.path(), "camps.zip", &refs);
    let r = ingest(&z, &opts(LayerKind::Exposure)).unwrap();
    assert_eq!(r.report.loaded, 1);
    assert_eq!(r.report.driver, "ESRI Shapefile");
    let a = first_coord(&r.features[0].wkb);
    assert!((a.x - 30.84).abs() < 1e-12);
}

#[test]
fn csv_with_lon_lat_loads_as_points() {
    let dir = tempfile::tempdir().unwrap();
    let p = sitroom_tests::write(
        &dir,
        "camps.csv",
        "name,population,lon,lat\nMahama,55240,30.8419,-2.3139\nSomewhere,\"1,200\",29.9,-1.7\n",
    );
    let mut o = opts(LayerKind::Exposure);
    o.fields.name = Some("name".into());
    o.fields.population = Some("population".into());
    let r = ingest(&p, &o).unwrap();
    assert_eq!(r.report.loaded, 2);
    assert_eq!(r.features[0].population, Some(55240.0));
    assert_eq!(r.features[1].population, Some(1200.0));
    assert!(
        !r.features[0].properties.contains_key("lon"),
        "coordinates become the geometry"
    );
    let a = first_coord(&r.features[0].wkb);
    assert_eq!((a.x, a.y), (30.8419, -2.3139));
}

#[test]
fn csv_with_x_y_loads_in_the_crs_given() {
    let dir = tempfile::tempdir().unwrap();
    let p = sitroom_tests::write(&dir, "utm.csv", "name,x,y\nMahama,833776.1,9778633.8\n");
    let mut o = opts(LayerKind::Exposure);
    o.srs = Some("EPSG:32735".into());
    let r = ingest(&p, &o).unwrap();
    let a = first_coord(&r.features[0].wkb);
    assert!(
        (a.x - 30.0).abs() < 1.0 && (a.y + 2.0).abs() < 1.0,
        "{a:?} is not in Rwanda"
    );
}

#[test]
fn kml_loads() {
    let dir = tempfile::tempdir().unwrap();
    let p = sitroom_tests::write(
        &dir,
        "site.kml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Nkamira</name>
<Point><coordinates>29.42,-1.63</coordinates></Point></Placemark></Document></kml>"#,
    );
    let r = ingest(&p, &opts(LayerKind::Exposure)).unwrap();
    assert_eq!(r.report.loaded, 1);
    assert_eq!(r.features[0].properties["Name"], "Nkamira");
}

#[test]
fn geopackage_layer_is_chosen_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.gpkg");
    {
        let driver = DriverManager::get_driver_by_name("GPKG").unwrap();
        let mut ds = driver.create_vector_only(&path).unwrap();
        let srs = SpatialRef::from_epsg(4326).unwrap();
        for (n, x) in [("camps", 30.1), ("schools", 29.5)] {
            let mut l = ds
                .create_layer(LayerOptions {
                    name: n,
                    srs: Some(&srs),
                    ty: OGRwkbGeometryType::wkbPoint,
                    options: None,
                })
                .unwrap();
            l.create_feature(Geometry::from_wkt(&format!("POINT ({x} -2)")).unwrap())
                .unwrap();
        }
    }
    assert_eq!(
        err(&path, &opts(LayerKind::Exposure)),
        "'many.gpkg' has several layers (camps, schools): choose one with --source-layer"
    );
    let mut o = opts(LayerKind::Exposure);
    o.source_layer = Some("schools".into());
    let r = ingest(&path, &o).unwrap();
    assert_eq!(r.report.source_layer, "schools");
    assert_eq!(first_coord(&r.features[0].wkb).x, 29.5);
    o.source_layer = Some("roads".into());
    assert_eq!(
        err(&path, &o),
        "'many.gpkg' has no layer 'roads': its layers are camps, schools"
    );
}

#[test]
fn geotiff_hazard_raster_is_classified_and_polygonised() {
    // 4 x 2 cells of 0.01 degree: depths 2.0, 2.0, 1.0, 0.0 / 0.5, 0.5, nodata, 0.05.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("depth.tif");
    {
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        let mut ds = driver
            .create_with_band_type::<f32, _>(&path, 4, 2, 1)
            .unwrap();
        ds.set_geo_transform(&[30.0, 0.01, 0.0, -2.0, 0.0, -0.01])
            .unwrap();
        ds.set_spatial_ref(&SpatialRef::from_epsg(4326).unwrap())
            .unwrap();
        let mut band = ds.rasterband(1).unwrap();
        band.set_no_data_value(Some(-9999.0)).unwrap();
        let mut buf =
            gdal::raster::Buffer::new((4, 2), vec![2.0f32, 2.0, 1.0, 0.0, 0.5, 0.5, -9999.0, 0.05]);
        band.write((0, 0), (4, 2), &mut buf).unwrap();
    }
    let o = LoadOptions {
        classification: Some(Classification::flood_depth()),
        ..opts(LayerKind::Hazard)
    };
    let r = ingest(&path, &o).unwrap();
    assert_eq!(r.report.driver, "GTiff");
    let mut by_class: Vec<(String, f64)> = r
        .features
        .iter()
        .map(|f| {
            let g = Geometry::from_wkb(&f.wkb).unwrap().to_geo().unwrap();
            (f.hazard_class.clone().unwrap(), g.unsigned_area())
        })
        .collect();
    by_class.sort_by(|a, b| a.0.cmp(&b.0));
    let cell = 0.01 * 0.01;
    let expect = [("high", 2.0 * cell), ("low", 2.0 * cell), ("medium", cell)];
    assert_eq!(by_class.len(), 3, "{by_class:?}");
    for ((class, area), (want_class, want_area)) in by_class.iter().zip(expect) {
        assert_eq!(class, want_class);
        assert!(
            (area - want_area).abs() < 1e-12,
            "{class}: {area} vs {want_area}"
        );
    }

    let without = opts(LayerKind::Hazard);
    assert_eq!(
        err(&path, &without),
        "raster 'depth.tif' cannot be loaded: give --classification (e.g. flood-depth, landslide-susceptibility, or JSON rules) to turn its cell values into hazard classes"
    );
}

#[test]
fn invalid_polygons_are_repaired_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bowtie =
        r#"{"type":"Polygon","coordinates":[[[30,-2],[30.1,-1.9],[30.1,-2],[30,-1.9],[30,-2]]]}"#;
    let p = sitroom_tests::write(
        &dir,
        "bowtie.geojson",
        &fc(&[(r#"{"depth": 2}"#, bowtie), (r#"{"depth": 2}"#, SQUARE)]),
    );
    let r = ingest(&p, &hazard_opts()).unwrap();
    assert_eq!((r.report.loaded, r.report.repaired), (2, 1));
    let issue = &r.report.issues[0];
    assert_eq!(issue.index, 1);
    assert_eq!(issue.action, IssueAction::Repaired);
    assert_eq!(
        issue.reason,
        "invalid geometry repaired: exterior ring has a self-intersection"
    );
    // The bowtie becomes its two triangles: half the square's area, still valid.
    let g = Geometry::from_wkb(&r.features[0].wkb).unwrap();
    assert!(g.is_valid());
    assert!((g.area() - 0.005).abs() < 1e-12, "{}", g.area());
}

#[test]
fn empty_geometries_are_dropped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = sitroom_tests::write(
        &dir,
        "gaps.geojson",
        &fc(&[(r#"{"depth": 2}"#, "null"), (r#"{"depth": 2}"#, SQUARE)]),
    );
    let r = ingest(&p, &hazard_opts()).unwrap();
    assert_eq!(
        (r.report.read, r.report.loaded, r.report.dropped),
        (2, 1, 1)
    );
    assert_eq!(r.report.issues[0].reason, "empty geometry");
    assert_eq!(r.report.issues[0].action, IssueAction::Dropped);
}

#[test]
fn rejected_features_load_only_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let p = sitroom_tests::write(
        &dir,
        "mixed.geojson",
        &fc(&[
            ("{}", r#"{"type":"Point","coordinates":[30,-2]}"#),
            ("{}", SQUARE),
        ]),
    );
    let mut o = opts(LayerKind::Boundary);
    let e = ingest(&p, &o).unwrap_err();
    let report = e.report().unwrap();
    assert_eq!((report.read, report.rejected), (2, 1));
    o.allow_rejects = true;
    let r = ingest(&p, &o).unwrap();
    assert_eq!((r.report.loaded, r.report.rejected), (1, 1));
    assert_eq!(r.report.issues[0].index, 1);
}

// ---------------------------------------------------------------- the bad-input table

/// Each bad input with the exact message the user gets.
#[test]
fn bad_inputs_get_exact_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = &dir;
    let whole = fc(&[(r#"{"depth": 2}"#, SQUARE)]);
    let cases: Vec<(&str, PathBuf, LoadOptions, &str)> = vec![
        (
            "truncated GeoJSON",
            sitroom_tests::write(d, "cut.geojson", &whole[..whole.len() / 2]),
            hazard_opts(),
            "'cut.geojson' could not be read as GeoJSON: the file ends early (line 1, column 91): it is truncated; export or upload it again",
        ),
        (
            "wrong geometry type for the layer kind",
            sitroom_tests::write(
                d,
                "points.geojson",
                &fc(&[("{}", r#"{"type":"Point","coordinates":[30,-2]}"#)]),
            ),
            opts(LayerKind::Boundary),
            "1 of 1 features in 'points.geojson' were rejected, so nothing was loaded; first: feature 1: Point geometry cannot be in a boundary layer: boundary layers need Polygon or MultiPolygon. Fix them, or load the rest (\"load the good features\" on the layers page, `allow_rejects` in an upload, --allow-rejects on the command line)",
        ),
        (
            "no CRS",
            shapefile(d.path(), "noprj", None, &[(800_000.0, 9_800_000.0)]),
            opts(LayerKind::Exposure),
            "'noprj.shp' has no CRS: say which CRS its coordinates are in (the CRS field of the layers page, `srs` in an upload, --srs on the command line), e.g. EPSG:32735 for UTM 35S, or EPSG:4326 for degrees",
        ),
        (
            "a CSV with x/y columns and no CRS (x/y are not degrees by their names)",
            sitroom_tests::write(d, "xy.csv", "name,x,y\nA,833776.1,9778633.8\n"),
            opts(LayerKind::Exposure),
            "'xy.csv' has no CRS: say which CRS its coordinates are in (the CRS field of the layers page, `srs` in an upload, --srs on the command line), e.g. EPSG:32735 for UTM 35S, or EPSG:4326 for degrees",
        ),
        (
            "NaN in GeoJSON",
            sitroom_tests::write(
                d,
                "nan.geojson",
                &fc(&[(
                    r#"{"depth": 2}"#,
                    r#"{"type":"Polygon","coordinates":[[[30,-2],[NaN,-2],[30.1,-1.9],[30,-2]]]}"#,
                )]),
            ),
            hazard_opts(),
            "'nan.geojson' could not be read as GeoJSON: invalid JSON at line 1, column 139 (expected value); NaN and Infinity are not valid numbers in GeoJSON",
        ),
        (
            "coordinates a CRS cannot reproject",
            shapefile(
                d.path(),
                "far",
                Some(32735),
                &[(1e300, 9_778_633.8), (833_776.1, 9_778_633.8)],
            ),
            opts(LayerKind::Exposure),
            "1 of 2 features in 'far.shp' were rejected, so nothing was loaded; first: feature 1: cannot be reprojected to EPSG:4326: a coordinate lies outside where the source CRS is defined (is the CRS right? say which it is: the CRS field of the layers page, `srs` in an upload, --srs on the command line). Fix them, or load the rest (\"load the good features\" on the layers page, `allow_rejects` in an upload, --allow-rejects on the command line)",
        ),
        (
            "coordinates out of range (projected metres read as degrees)",
            sitroom_tests::write(
                d,
                "metres.geojson",
                &fc(&[(
                    "{}",
                    r#"{"type":"Point","coordinates":[833776.1,9778633.8]}"#,
                )]),
            ),
            opts(LayerKind::Exposure),
            "1 of 1 features in 'metres.geojson' were rejected, so nothing was loaded; first: feature 1: coordinate (833776.1, 9778633.8) is outside longitude -180..180 / latitude -90..90: is the CRS right? (say which it is: the CRS field of the layers page, `srs` in an upload, --srs on the command line). Fix them, or load the rest (\"load the good features\" on the layers page, `allow_rejects` in an upload, --allow-rejects on the command line)",
        ),
        (
            "an empty file",
            sitroom_tests::write(d, "empty.geojson", ""),
            hazard_opts(),
            "'empty.geojson' is empty (0 bytes): nothing to load",
        ),
        (
            "a zip without a .shp",
            zip(
                d.path(),
                "nodata.zip",
                &[&sitroom_tests::write(d, "readme.txt", "hello")],
            ),
            opts(LayerKind::Exposure),
            "'nodata.zip' holds no .shp file (it contains: readme.txt): zip the .shp with its .shx, .dbf and .prj",
        ),
        (
            "an unknown field name in the mapping",
            sitroom_tests::write(d, "zones.geojson", &whole),
            LoadOptions {
                fields: FieldMapping {
                    population: Some("popn".into()),
                    hazard: Some("depth".into()),
                    ..FieldMapping::default()
                },
                ..hazard_opts()
            },
            "field 'popn' (given for population) is not in 'zones.geojson': its fields are depth",
        ),
        (
            "a hazard layer without its hazard field",
            sitroom_tests::write(d, "zones2.geojson", &whole),
            opts(LayerKind::Hazard),
            "a hazard layer needs the field holding the hazard value or class: pass --hazard-field (fields in 'zones2.geojson': depth)",
        ),
        (
            "a CSV without coordinates",
            sitroom_tests::write(d, "people.csv", "name,count\nA,3\n"),
            opts(LayerKind::Exposure),
            "'people.csv' has no lon/lat columns: name them lon and lat (or longitude/latitude, x/y)",
        ),
        (
            "an unknown --srs",
            sitroom_tests::write(d, "zones3.geojson", &whole),
            LoadOptions {
                srs: Some("EPSG:999999".into()),
                ..hazard_opts()
            },
            "the CRS 'EPSG:999999' is not one GDAL knows: give an EPSG code such as EPSG:4326 or EPSG:32735, or a WKT or PROJ definition",
        ),
        (
            "only empty geometries",
            sitroom_tests::write(d, "nothing.geojson", &fc(&[(r#"{"depth": 2}"#, "null")])),
            hazard_opts(),
            "'nothing.geojson' has no features to load (1 read, 1 dropped, 0 rejected)",
        ),
        (
            "a missing file",
            d.path().join("missing.geojson"),
            hazard_opts(),
            "cannot read 'missing.geojson': No such file or directory (os error 2)",
        ),
    ];
    let mut failures = Vec::new();
    for (what, path, o, expected) in &cases {
        let got = match ingest(path, o) {
            Ok(_) => "(loaded)".to_owned(),
            Err(e) => e.to_string(),
        };
        if got != *expected {
            failures.push(format!(
                "{what}:\n  expected: {expected}\n  got:      {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn geojson_with_a_legacy_crs_member_is_reprojected() {
    let dir = tempfile::tempdir().unwrap();
    let p = sitroom_tests::write(
        &dir,
        "utm.geojson",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32735"}},
            "features":[{"type":"Feature","id":"site-1","properties":{"name":"A"},
            "geometry":{"type":"Point","coordinates":[833776.092376761,9778633.83396966,1500]}}]}"#,
    );
    let r = ingest(&p, &opts(LayerKind::Exposure)).unwrap();
    assert_eq!(r.report.source_crs, "EPSG:32735");
    assert_eq!(r.features[0].source_id.as_deref(), Some("site-1"));
    let a = first_coord(&r.features[0].wkb);
    assert!(
        (a.x - 30.0).abs() < 1e-9 && (a.y + 2.0).abs() < 1e-9,
        "{a:?}"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_anything_is_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of zeros as a ".shp": a few tens of KB zipped.
    let zeros = dir.path().join("bomb.shp");
    std::fs::write(&zeros, vec![0u8; 64 * 1024 * 1024]).unwrap();
    let bomb = zip(dir.path(), "bomb.zip", &[&zeros]);
    let packed = std::fs::metadata(&bomb).unwrap().len();
    let err = sitroom::ingest::read(&bomb, "bomb.zip", &opts(LayerKind::Exposure), &|_, _| {})
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "'bomb.zip' would expand from {packed} to 67108864 bytes (over 200 times its size, which no real shapefile does): send the files unzipped or in smaller parts"
        )
    );
}
