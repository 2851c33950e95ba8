//! MapLibre / Mapbox GL style documents (version 8): one per layer and one for the
//! situation map. Hazard zones are coloured by class, points by theme, polygons of people
//! by population, restricted layers without clearance as households per unit, and the
//! boundary and context layers make an offline basemap (land, water, borders, names by
//! zoom). The web map
//! starts from the situation style; QGIS and other MapLibre pages load either as is.

use serde_json::{Value, json};

use super::palette::{PALETTE, Palette};
use crate::engine::tiles::labels_layer;
use crate::model::{AdminLevel, Bbox, HazardClass, LayerKind};

/// Tiles are cut to zoom 14; beyond, clients draw them larger.
pub const SOURCE_MAXZOOM: u8 = 14;

/// The households of a unit in the tiles of aggregates.
const AGGREGATE_FIELD: &str = "households";

/// What a style needs to know of a layer, as the caller may see it.
#[derive(Debug, Clone)]
pub struct Drawn<'a> {
    /// Layer id (the source and the tiles' layer name).
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Hazard, exposure, boundary or context.
    pub kind: LayerKind,
    /// Flood, camp, district, ...
    pub theme: &'a str,
    /// `point`, `line` or `polygon`, as drawn for this caller.
    pub geometry: Option<&'a str>,
    /// Features in full (else the layer is drawn as aggregates per admin unit).
    pub detail: bool,
    /// Current version (in the tiles' address, so caches never mix versions).
    pub version: i32,
    /// Extent of what is drawn.
    pub bounds: Option<Bbox>,
    /// Credit to show.
    pub attribution: &'a str,
    /// The attribute holding the features' names in the tiles.
    pub name_field: &'a str,
    /// The attribute holding people per feature (exposure polygons), if any.
    pub population_field: Option<&'a str>,
}

/// Default opacity of a data layer.
pub fn default_opacity(kind: LayerKind, geometry: Option<&str>) -> f64 {
    let o = &PALETTE.opacity;
    match (kind, geometry) {
        (LayerKind::Hazard, _) => o.hazard,
        (LayerKind::Exposure, Some("polygon")) => o.exposure_polygons,
        _ => o.other,
    }
}

/// The vector source of a layer: its tiles' address (version, and aggregates or not,
/// in it), extent, zooms and credit.
fn source(base: &str, l: &Drawn) -> Value {
    let agg = if l.detail { "" } else { "&agg=1" };
    let mut s = json!({
        "type": "vector",
        "tiles": [format!("{base}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt?v={}{agg}", l.id, l.version)],
        "minzoom": 0,
        "maxzoom": SOURCE_MAXZOOM,
        "attribution": l.attribution,
    });
    if let Some(b) = l.bounds {
        s["bounds"] = json!(b);
    }
    s
}

/// A layer of the style drawing `l`'s tiles.
fn layer(l: &Drawn, part: &str, kind: &str, paint: Value) -> Value {
    json!({
        "id": format!("{}:{part}", l.id),
        "type": kind,
        "source": l.id,
        "source-layer": l.id,
        "paint": paint,
    })
}

/// One layer per class of `field` stepped at `breaks` (the first class also holds
/// features without the field), each with its own colour: filters rather than a
/// data-driven colour, which every client reads (QGIS 3.22 does not read `step`).
fn classes(
    l: &Drawn,
    part: &str,
    field: &str,
    colours: &[String],
    breaks: &[f64],
    paint: &Value,
) -> Vec<Value> {
    colours
        .iter()
        .enumerate()
        .map(|(i, colour)| {
            let lo = i.checked_sub(1).and_then(|j| breaks.get(j));
            let filter = match (lo, breaks.get(i)) {
                (None, Some(hi)) => {
                    json!(["any", ["!", ["has", field]], ["<", ["get", field], hi]])
                }
                (Some(lo), Some(hi)) => {
                    json!(["all", [">=", ["get", field], lo], ["<", ["get", field], hi]])
                }
                (Some(lo), None) => json!([">=", ["get", field], lo]),
                // No breaks: one class of everything.
                (None, None) => json!(["all"]),
            };
            let mut paint = paint.clone();
            paint["fill-color"] = json!(colour);
            let mut spec = layer(l, &format!("{part}-{i}"), "fill", paint);
            spec["filter"] = filter;
            spec
        })
        .collect()
}

/// The hazard classes' layers, most severe on top, and below them the features whose
/// class is unknown.
fn hazard_layers(l: &Drawn, p: &Palette, opacity: f64) -> Vec<Value> {
    let c = &p.hazard_classes;
    let order = [
        (HazardClass::VeryLow, &c.very_low),
        (HazardClass::Low, &c.low),
        (HazardClass::Medium, &c.medium),
        (HazardClass::High, &c.high),
    ];
    let names: Vec<&str> = order.iter().map(|(k, _)| k.as_str()).collect();
    let mut unknown = layer(
        l,
        "unclassified",
        "fill",
        json!({"fill-color": p.unclassified, "fill-opacity": opacity}),
    );
    unknown["filter"] = json!(["match", ["get", "hazard_class"], names, false, true]);
    std::iter::once(unknown)
        .chain(order.iter().map(|(class, colour)| {
            let mut spec = layer(
                l,
                class.as_str(),
                "fill",
                json!({"fill-color": colour, "fill-opacity": opacity}),
            );
            spec["filter"] = json!(["==", ["get", "hazard_class"], class.as_str()]);
            spec
        }))
        .collect()
}

/// The names of a layer's features.
fn name_field(l: &Drawn) -> Value {
    json!(["get", l.name_field])
}

/// The layers drawing a hazard or exposure layer (ids start with the layer's id).
pub fn data_layers(l: &Drawn) -> Vec<Value> {
    let p = &*PALETTE;
    let opacity = default_opacity(l.kind, l.geometry);
    if !l.detail {
        let a = &p.aggregates;
        let mut withheld = layer(
            l,
            "withheld",
            "fill",
            json!({"fill-color": a.withheld, "fill-opacity": opacity * 0.8}),
        );
        withheld["filter"] = json!(["==", ["get", "suppressed"], true]);
        let mut out = vec![withheld];
        let mut shown = classes(
            l,
            "households",
            AGGREGATE_FIELD,
            &a.colours,
            &a.breaks,
            &json!({"fill-opacity": opacity * 0.8}),
        );
        for spec in &mut shown {
            spec["filter"] = json!([
                "all",
                ["!=", ["get", "suppressed"], true],
                spec["filter"].take()
            ]);
        }
        out.extend(shown);
        out.push(layer(
            l,
            "outline",
            "line",
            json!({"line-color": a.outline, "line-width": 0.8, "line-opacity": opacity}),
        ));
        return out;
    }
    if l.kind == LayerKind::Hazard {
        return hazard_layers(l, p, opacity);
    }
    if l.geometry == Some("point") {
        let colour = if l.theme == "camp" {
            &p.points.camp
        } else {
            &p.points.other
        };
        let mut label = layer(
            l,
            "label",
            "symbol",
            json!({"text-color": p.points.label, "text-halo-color": p.points.halo, "text-halo-width": 1.5}),
        );
        label["minzoom"] = json!(8);
        label["layout"] = json!({
            "text-field": name_field(l),
            "text-font": p.fonts.bold,
            "text-size": 12,
            "text-offset": [0, 1.1],
            "text-anchor": "top",
            "text-optional": true,
        });
        return vec![
            layer(
                l,
                "circle",
                "circle",
                json!({
                    "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 4, 12, 8],
                    "circle-color": colour,
                    "circle-stroke-color": p.points.ring,
                    "circle-stroke-width": 1.5,
                    "circle-opacity": opacity,
                }),
            ),
            label,
        ];
    }
    let pop = &p.population;
    match l.population_field {
        Some(field) => classes(
            l,
            "population",
            field,
            &pop.colours,
            &pop.breaks,
            &json!({"fill-opacity": opacity}),
        ),
        None => vec![layer(
            l,
            "fill",
            "fill",
            json!({"fill-color": pop.colours.first(), "fill-opacity": opacity}),
        )],
    }
}

/// Themes of context layers drawn as water.
const WATER: &[&str] = &["water", "lake", "river"];

/// The basemap parts of a context layer: its features (lakes filled, rivers stroked in
/// the water colour; other themes in the context colour) and the names of its polygons
/// and points. Returns the features' layers and the names' layer.
fn context(l: &Drawn) -> (Value, Option<Value>) {
    let p = &*PALETTE;
    let b = &p.basemap;
    let water = WATER.contains(&l.theme);
    let colour = if water { &b.water } else { &b.context };
    let shape = match l.geometry {
        Some("polygon") => layer(l, "fill", "fill", json!({"fill-color": colour})),
        Some("point") => layer(
            l,
            "circle",
            "circle",
            json!({"circle-color": colour, "circle-radius": 3}),
        ),
        _ => layer(
            l,
            "line",
            "line",
            json!({"line-color": colour, "line-width": 1.2}),
        ),
    };
    if l.geometry == Some("line") {
        return (shape, None);
    }
    let mut label = layer(
        l,
        "label",
        "symbol",
        json!({"text-color": if water { &b.water_label } else { &b.label }, "text-halo-color": b.halo, "text-halo-width": 1.2}),
    );
    label["filter"] = json!(["has", l.name_field]);
    if l.geometry == Some("polygon") {
        label["source-layer"] = json!(labels_layer(l.id));
    }
    label["minzoom"] = json!(p.level("province").labels[0]);
    label["layout"] = json!({
        "text-field": name_field(l),
        "text-font": p.fonts.regular,
        "text-size": 12,
        "text-max-width": 8,
    });
    (shape, Some(label))
}

/// The basemap parts of a boundary layer: its land (countries only), its borders and
/// its names.
struct Boundary {
    land: Option<Value>,
    line: Value,
    label: Value,
}

fn boundary(l: &Drawn) -> Boundary {
    let p = &*PALETTE;
    let z = p.level(l.theme);
    let country = l.theme == "country";
    let land = country.then(|| layer(l, "land", "fill", json!({"fill-color": p.basemap.land})));
    let mut line_paint = json!({
        "line-color": if country { &p.basemap.country_line } else { &p.basemap.admin_line },
        "line-width": z.width,
    });
    if l.theme == "village" || l.theme == "cell" {
        line_paint["line-dasharray"] = json!([2, 1]);
    }
    let mut line = layer(l, "line", "line", line_paint);
    line["minzoom"] = json!(z.line);
    let mut label = layer(
        l,
        "label",
        "symbol",
        json!({"text-color": p.basemap.label, "text-halo-color": p.basemap.halo, "text-halo-width": 1.6}),
    );
    // One point per unit (the tiles' label layer), not a name per piece of polygon.
    label["source-layer"] = json!(labels_layer(l.id));
    label["minzoom"] = json!(z.labels[0]);
    label["maxzoom"] = json!(z.labels[1]);
    label["layout"] = json!({
        "text-field": name_field(l),
        "text-font": if country || l.theme == "province" { &p.fonts.bold } else { &p.fonts.regular },
        "text-size": z.text,
        "text-max-width": 8,
        "text-padding": 4,
    });
    Boundary { land, line, label }
}

fn document(base: &str, name: &str, layers: &[Drawn], drawn: Vec<Value>) -> Value {
    let sources: serde_json::Map<String, Value> = layers
        .iter()
        .map(|l| (l.id.to_owned(), source(base, l)))
        .collect();
    json!({
        "version": 8,
        "name": name,
        "glyphs": format!("{base}/fonts/{{fontstack}}/{{range}}.pbf"),
        "sources": sources,
        "layers": drawn,
    })
}

/// The style of one layer alone (no background: it goes over other layers).
pub fn layer_style(base: &str, l: &Drawn) -> Value {
    let drawn = match l.kind {
        LayerKind::Boundary => {
            let b = boundary(l);
            b.land.into_iter().chain([b.line, b.label]).collect()
        }
        LayerKind::Context => {
            let (shape, label) = context(l);
            std::iter::once(shape).chain(label).collect()
        }
        LayerKind::Hazard | LayerKind::Exposure => data_layers(l),
    };
    document(base, l.title, std::slice::from_ref(l), drawn)
}

/// The situation map: the background and land, water and other context, then the data
/// layers in the order given (bottom first), then borders (coarse below fine, countries
/// on top), then unit names, lake names and the names of places on top of everything.
pub fn situation_style(base: &str, layers: &[Drawn]) -> Value {
    let p = &*PALETTE;
    // Coarsest first; a boundary layer of no known level last.
    let rank = |l: &&Drawn| AdminLevel::of_theme(l.theme).map_or(usize::MAX, AdminLevel::digits);
    let mut boundaries: Vec<&Drawn> = layers
        .iter()
        .filter(|l| l.kind == LayerKind::Boundary)
        .collect();
    boundaries.sort_by_key(rank);
    let (countries, admin): (Vec<&Drawn>, Vec<&Drawn>) =
        boundaries.into_iter().partition(|l| l.theme == "country");
    let countries: Vec<Boundary> = countries.into_iter().map(boundary).collect();
    let admin: Vec<Boundary> = admin.into_iter().map(boundary).collect();
    let mut drawn = vec![
        json!({"id": "background", "type": "background", "paint": {"background-color": p.basemap.background}}),
    ];
    drawn.extend(countries.iter().filter_map(|b| b.land.clone()));
    // Lakes before rivers, which run into them.
    let mut contexts: Vec<&Drawn> = layers
        .iter()
        .filter(|l| l.kind == LayerKind::Context)
        .collect();
    contexts.sort_by_key(|l| l.geometry != Some("polygon"));
    let contexts: Vec<(Value, Option<Value>)> = contexts.into_iter().map(context).collect();
    drawn.extend(contexts.iter().map(|(shape, _)| shape.clone()));
    let mut place_labels = Vec::new();
    for l in layers.iter().filter(|l| !l.kind.is_basemap()) {
        for spec in data_layers(l) {
            if spec["type"] == "symbol" {
                place_labels.push(spec);
            } else {
                drawn.push(spec);
            }
        }
    }
    drawn.extend(admin.iter().map(|b| b.line.clone()));
    drawn.extend(countries.iter().map(|b| b.line.clone()));
    drawn.extend(admin.iter().rev().map(|b| b.label.clone()));
    drawn.extend(countries.iter().map(|b| b.label.clone()));
    drawn.extend(contexts.iter().filter_map(|(_, label)| label.clone()));
    drawn.extend(place_labels);
    document(base, "sitroom situation map", layers, drawn)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Drawn, data_layers, situation_style};
    use crate::cartography::palette::PALETTE;
    use crate::model::LayerKind;

    fn drawn<'a>(id: &'a str, kind: LayerKind, theme: &'a str, geometry: &'a str) -> Drawn<'a> {
        Drawn {
            id,
            title: id,
            kind,
            theme,
            geometry: Some(geometry),
            detail: true,
            version: 3,
            bounds: None,
            attribution: "",
            name_field: "name",
            population_field: None,
        }
    }

    fn ids(style: &serde_json::Value) -> Vec<String> {
        style["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_situation_map_draws_data_between_land_and_borders_and_names_on_top() {
        let layers = [
            drawn("rwa-villages", LayerKind::Boundary, "village", "polygon"),
            drawn("countries", LayerKind::Boundary, "country", "polygon"),
            drawn("rwa-districts", LayerKind::Boundary, "district", "polygon"),
            drawn("flood-zones", LayerKind::Hazard, "flood", "polygon"),
            drawn("camps", LayerKind::Exposure, "camp", "point"),
            drawn("rivers", LayerKind::Context, "river", "line"),
            drawn("lakes", LayerKind::Context, "lake", "polygon"),
        ];
        let s = situation_style("http://h", &layers);
        let ids = ids(&s);
        let at = |id: &str| ids.iter().position(|x| x == id).unwrap();
        assert_eq!(ids[0], "background");
        // Water over the land and under the data; lakes' names with the places' names.
        assert!(at("countries:land") < at("lakes:fill"));
        assert!(at("lakes:fill") < at("rivers:line"));
        assert!(at("rivers:line") < at("flood-zones:unclassified"));
        assert!(at("countries:label") < at("lakes:label"));
        assert!(at("lakes:label") < at("camps:label"));
        assert!(
            !ids.iter().any(|i| i == "rivers:label"),
            "rivers have no names here"
        );
        assert_eq!(
            s["layers"][at("lakes:fill")]["paint"]["fill-color"],
            PALETTE.basemap.water
        );
        assert!(at("countries:land") < at("flood-zones:unclassified"));
        assert!(at("flood-zones:unclassified") < at("flood-zones:very_low"));
        assert!(at("flood-zones:medium") < at("flood-zones:high"));
        assert!(at("flood-zones:high") < at("camps:circle"));
        assert!(at("camps:circle") < at("rwa-districts:line"));
        assert!(at("rwa-districts:line") < at("rwa-villages:line"));
        assert!(at("rwa-villages:line") < at("countries:line"));
        assert!(at("rwa-villages:label") < at("rwa-districts:label"));
        assert_eq!(ids.last().unwrap(), "camps:label");
        assert_eq!(s["glyphs"], "http://h/fonts/{fontstack}/{range}.pbf");
        assert_eq!(
            s["sources"]["camps"]["tiles"][0],
            "http://h/tiles/camps/{z}/{x}/{y}.mvt?v=3"
        );
        let villages = &s["layers"][at("rwa-villages:label")];
        assert_eq!(villages["minzoom"], 14.0);
        let high = &s["layers"][at("flood-zones:high")];
        assert_eq!(high["paint"]["fill-color"], PALETTE.hazard_classes.high);
        assert_eq!(high["paint"]["fill-opacity"], PALETTE.opacity.hazard);
        assert_eq!(
            high["filter"],
            json!(["==", ["get", "hazard_class"], "high"])
        );
    }

    #[test]
    fn people_per_polygon_are_classes_of_the_layers_own_population_field() {
        let mut l = drawn("census", LayerKind::Exposure, "population", "polygon");
        l.population_field = Some("population_2022");
        let specs = data_layers(&l);
        assert_eq!(specs.len(), PALETTE.population.colours.len());
        // The lightest class holds polygons without a figure too.
        assert_eq!(
            specs[0]["filter"],
            json!([
                "any",
                ["!", ["has", "population_2022"]],
                ["<", ["get", "population_2022"], 500.0]
            ])
        );
        assert_eq!(
            specs.last().unwrap()["filter"],
            json!([">=", ["get", "population_2022"], 4000.0])
        );
        l.population_field = None;
        assert_eq!(data_layers(&l).len(), 1);
    }

    #[test]
    fn a_restricted_layer_without_clearance_is_drawn_as_units_with_the_withheld_grey() {
        let mut l = drawn("returnees", LayerKind::Exposure, "returnee", "polygon");
        l.detail = false;
        let specs = data_layers(&l);
        let ids: Vec<&str> = specs.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "returnees:withheld",
                "returnees:households-0",
                "returnees:households-1",
                "returnees:households-2",
                "returnees:households-3",
                "returnees:households-4",
                "returnees:outline"
            ]
        );
        assert_eq!(specs[0]["paint"]["fill-color"], PALETTE.aggregates.withheld);
        assert_eq!(
            specs[0]["filter"],
            json!(["==", ["get", "suppressed"], true])
        );
        // 5 to 19 households: the second class, never a withheld unit.
        assert_eq!(
            specs[2]["filter"],
            json!([
                "all",
                ["!=", ["get", "suppressed"], true],
                [
                    "all",
                    [">=", ["get", "households"], 5.0],
                    ["<", ["get", "households"], 20.0]
                ]
            ])
        );
        let s = situation_style("http://h", std::slice::from_ref(&l));
        assert_eq!(
            s["sources"]["returnees"]["tiles"][0],
            "http://h/tiles/returnees/{z}/{x}/{y}.mvt?v=3&agg=1"
        );
    }
}
