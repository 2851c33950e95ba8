// Every colour the situation room and the layers page use, in one place: the map's
// (hazard classes, choropleths, basemap: data/map-style.json) and the page's (written into CSS custom
// properties by installPalette, which styles.css reads; it holds no colour of its own).
import type { HazardClass } from './types';
// The map's colours and breaks are shared with the server, which draws the styles
// (/styles) from the same file.
import MAP from '../../data/map-style.json';

/** ColorBrewer YlOrRd: ordered in lightness, so still readable without colour vision. */
export const CLASS_COLOURS: Record<HazardClass, string> = MAP.hazard_classes;

/** A feature whose class the map does not know, and a place outside every hazard zone. */
export const UNCLASSIFIED = MAP.unclassified;
export const OUTSIDE_HAZARDS = MAP.outside_hazards;

/** ColorBrewer Purples (colour-blind safe, sequential) for exposed people, and the
 *  choropleth's opacity when the link does not say. */
export const CHOROPLETH_COLOURS = MAP.choropleth.colours;
export const CHOROPLETH_OPACITY = MAP.choropleth.opacity;

/** ColorBrewer Blues (sequential, colour-blind safe), apart from the exposure purples,
 *  for households per unit of a restricted layer, stepping at AGGREGATE_BREAKS; grey
 *  for units withheld. */
export const AGGREGATE_COLOURS = MAP.aggregates.colours;
export const AGGREGATE_BREAKS = MAP.aggregates.breaks;
export const WITHHELD_COLOUR = MAP.aggregates.withheld;

/** ColorBrewer Reds (sequential, colour-blind safe) for a register's figure per unit on
 *  the losses and funding page, and the units where nothing was recorded. */
export const RECORD_COLOURS = MAP.records.colours;
export const RECORD_NONE = MAP.records.none;
export const RECORD_OPACITY = MAP.records.opacity;

/** The outline of the unit drilled into. */
export const SELECTED = MAP.basemap.selected;

/** The page around the map; each becomes the CSS custom property `--<name>`. */
/** The incident area drawn on the map, and its corners' ring. */
export const INCIDENT = '#e6007e';
export const INCIDENT_HALO = '#ffffff';

/** Alerts in force by CAP severity, as MeteoAlarm colours warnings (red, orange,
 *  yellow, green), and the outline of the alert being previewed. */
export const SEVERITY_COLOURS: Record<string, string> = {
  Extreme: '#c1121f',
  Severe: '#f77f00',
  Moderate: '#e9c46a',
  Minor: '#2a9d8f',
  Unknown: '#6c757d',
};
export const ALERT_PREVIEW = '#1d3557';

/** The printed map's north arrow and scale bar: ink with a white halo. */
export const MAP_INK = '#222222';
export const MAP_HALO = '#ffffff';

export const UI: Record<string, string> = {
  ink: '#1d1d1d',
  muted: '#5b5b5b',
  line: '#d0d0d0',
  'line-light': '#eeeeee',
  panel: '#fafafa',
  surface: '#ffffff',
  accent: '#54278f',
  bar: '#22223b',
  'bar-ink': '#ffffff',
  'bar-muted': '#d8d8f0',
  'bar-border': '#9a9ac0',
  focus: '#f4c542',
  hover: '#eeeeee',
  swatch: '#888888',
  error: '#b00020',
  shadow: '#00000044',
  briefing: '#14142b',
  'briefing-ink': '#ffffff',
  'briefing-muted': '#c9c9ef',
  'briefing-current': '#f4c542',
  'print-border': '#999999',
  'print-muted': '#444444',
  'print-synthetic': '#b00020',
  'event-reported': '#a50f15',
  'event-recorded': '#54278f',
  'event-synthetic': '#8c8c8c',
  drop: '#f4f4fb',
  'drop-over': '#e3e3f7',
  'drop-border': '#8a8ab0',
};

/** Writes the page colours into `root`'s CSS custom properties. */
export function installPalette(root: HTMLElement = document.documentElement) {
  for (const [name, colour] of Object.entries(UI)) root.style.setProperty(`--${name}`, colour);
}
