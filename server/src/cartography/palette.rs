//! The map's colours, class breaks, fonts and the zooms at which each admin level
//! appears: `data/map-style.json`, compiled in. The web map imports the same file for
//! its legend and its choropleth, so a colour is written once for both.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The hazard classes' colours, most severe darkest.
#[derive(Debug, Deserialize)]
pub struct HazardColours {
    /// `high`.
    pub high: String,
    /// `medium`.
    pub medium: String,
    /// `low`.
    pub low: String,
    /// `very_low`.
    pub very_low: String,
}

/// Colours stepped at breaks (`colours` has one more entry than `breaks`).
#[derive(Debug, Deserialize)]
pub struct Steps {
    /// Lightest first.
    pub colours: Vec<String>,
    /// Where each next colour starts.
    pub breaks: Vec<f64>,
}

/// A restricted layer drawn as households per admin unit.
#[derive(Debug, Deserialize)]
pub struct Aggregates {
    /// Lightest first.
    pub colours: Vec<String>,
    /// Households at which each next colour starts.
    pub breaks: Vec<f64>,
    /// The units' outline.
    pub outline: String,
    /// Units withheld (fewer households than may be shown).
    pub withheld: String,
}

/// Point layers: camps and other places.
#[derive(Debug, Deserialize)]
pub struct Points {
    /// Camps.
    pub camp: String,
    /// Any other point layer.
    pub other: String,
    /// The ring around each point.
    pub ring: String,
    /// Labels and their halo.
    pub label: String,
    /// Halo of labels.
    pub halo: String,
}

/// The offline basemap drawn from the boundary layers.
#[derive(Debug, Deserialize)]
pub struct Basemap {
    /// Water and neighbours: what lies outside every country polygon.
    pub background: String,
    /// Inside a country polygon.
    pub land: String,
    /// Country borders.
    pub country_line: String,
    /// Borders of provinces to villages.
    pub admin_line: String,
    /// Unit names.
    pub label: String,
    /// Halo of unit names.
    pub halo: String,
    /// Lakes and rivers.
    pub water: String,
    /// Names of lakes and rivers.
    pub water_label: String,
    /// Context features other than water.
    pub context: String,
}

/// Default opacity of data layers.
#[derive(Debug, Deserialize)]
pub struct Opacity {
    /// Hazard zones.
    pub hazard: f64,
    /// Polygons of people (census units, settlements).
    pub exposure_polygons: f64,
    /// Everything else (points).
    pub other: f64,
}

/// Font stacks served by `/fonts`.
#[derive(Debug, Deserialize)]
pub struct Fonts {
    /// Unit names.
    pub regular: Vec<String>,
    /// Countries, provinces and places.
    pub bold: Vec<String>,
}

/// When an admin level's lines and names appear, and how large.
#[derive(Debug, Deserialize)]
pub struct AdminLevel {
    /// Zoom from which its borders are drawn.
    pub line: f64,
    /// Zooms between which its names are drawn.
    pub labels: [f64; 2],
    /// Border width (px).
    pub width: f64,
    /// Name size (px) on a laptop screen.
    pub text: f64,
}

/// Everything in `data/map-style.json` the server draws with.
#[derive(Debug, Deserialize)]
pub struct Palette {
    /// Hazard classes.
    pub hazard_classes: HazardColours,
    /// A hazard feature whose class is unknown.
    pub unclassified: String,
    /// Restricted layers as aggregates.
    pub aggregates: Aggregates,
    /// People per polygon of an exposure layer.
    pub population: Steps,
    /// Point layers.
    pub points: Points,
    /// The basemap.
    pub basemap: Basemap,
    /// Default opacities.
    pub opacity: Opacity,
    /// Fonts.
    pub fonts: Fonts,
    /// Admin levels by theme (`country` … `village`).
    pub admin_levels: BTreeMap<String, AdminLevel>,
}

/// The palette, parsed once.
pub static PALETTE: LazyLock<Palette> = LazyLock::new(|| {
    // Compiled in and parsed by the unit test below, so this cannot fail at run time.
    serde_json::from_str(include_str!("../../../data/map-style.json"))
        .expect("data/map-style.json parses")
});

impl Palette {
    /// How admin level `theme` is drawn (a theme not known as a level: as villages, which
    /// the file must name; the test below checks it does).
    pub fn level(&self, theme: &str) -> &AdminLevel {
        self.admin_levels
            .get(theme)
            .unwrap_or_else(|| &self.admin_levels["village"])
    }
}

#[cfg(test)]
mod tests {
    use super::PALETTE;

    #[test]
    fn the_palette_parses_with_a_colour_for_each_step() {
        let p = &*PALETTE;
        assert_eq!(p.aggregates.colours.len(), p.aggregates.breaks.len() + 1);
        assert_eq!(p.population.colours.len(), p.population.breaks.len() + 1);
        for level in [
            "country", "province", "district", "sector", "cell", "village",
        ] {
            assert!(p.admin_levels.contains_key(level), "{level}");
        }
        assert!(p.hazard_classes.high.starts_with('#'));
    }
}
