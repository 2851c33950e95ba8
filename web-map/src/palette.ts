// Every colour the situation room and the layers page use, in one place: the map's
// (hazard classes, choropleths, basemap) and the page's (written into CSS custom
// properties by installPalette, which styles.css reads; it holds no colour of its own).
import type { HazardClass } from './types';

/** ColorBrewer YlOrRd: ordered in lightness, so still readable without colour vision. */
export const CLASS_COLOURS: Record<HazardClass, string> = {
  high: '#bd0026',
  medium: '#f03b20',
  low: '#fd8d3c',
  very_low: '#fecc5c',
};

/** A feature whose class the map does not know, and a place outside every hazard zone. */
export const UNCLASSIFIED = '#bdbdbd';
export const OUTSIDE_HAZARDS = '#ffffff';

/** ColorBrewer Purples (colour-blind safe, sequential) for exposed people. */
export const CHOROPLETH_COLOURS = ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#756bb1', '#54278f'];

/** ColorBrewer Blues (sequential, colour-blind safe), apart from the exposure purples,
 *  for households per unit of a restricted layer; grey for units withheld. */
export const AGGREGATE_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
export const AGGREGATE_OUTLINE = '#08519c';
export const WITHHELD_COLOUR = '#bdbdbd';

/** ColorBrewer Blues for people per polygon of an exposure layer. */
export const POPULATION_COLOURS = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

/** Points: camps green, other places blue, white rings and halos. */
export const POINT = {
  camp: '#1b7837',
  other: '#2166ac',
  ring: '#ffffff',
  label: '#1b3a1b',
  halo: '#ffffff',
};

/** The offline basemap drawn from our own boundary layers. */
export const BASEMAP = {
  /** Water and neighbours: what lies outside every country polygon. */
  background: '#dfe8ec',
  land: '#f4f1ea',
  countryLine: '#7a7367',
  adminLine: '#8c8c8c',
  label: '#333333',
  halo: '#ffffff',
  /** The unit drilled into. */
  selected: '#000000',
};

/** The page around the map; each becomes the CSS custom property `--<name>`. */
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
  drop: '#f4f4fb',
  'drop-over': '#e3e3f7',
  'drop-border': '#8a8ab0',
};

/** Writes the page colours into `root`'s CSS custom properties. */
export function installPalette(root: HTMLElement = document.documentElement) {
  for (const [name, colour] of Object.entries(UI)) root.style.setProperty(`--${name}`, colour);
}
