// The map style: the server draws the situation map (/styles/situation.json: the
// offline basemap from our own boundary layers, hazard layers coloured by class,
// exposure layers, restricted layers as aggregates), the same style QGIS and MapLibre
// pages load. Here it gets what the situation room adds: the visible layers in the
// chosen order and opacity, the exposure choropleth, the unit drilled into, and labels
// sized for the screen.
import type { Feature, FeatureCollection } from 'geojson';
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { t } from './i18n';
import { ALERT_PREVIEW, CHOROPLETH_COLOURS, INCIDENT, INCIDENT_HALO, SELECTED, SEVERITY_COLOURS } from './palette';
import { type AlertDoc, type CatalogLayer, CLASS_ORDER, type HazardClass, isBasemap } from './types';

/** A hazard class's name in the interface's language ('none', or a class we do not
 *  know, reads as outside hazard zones). */
export function classLabel(c: string | null): string {
  return t(`class.${(CLASS_ORDER as readonly string[]).includes(c ?? '') ? (c as HazardClass) : 'none'}`);
}

/** Thresholds splitting `values` into `n` groups of about equal size (ascending,
 *  distinct, above zero). */
export function quantileBreaks(values: number[], n = CHOROPLETH_COLOURS.length, digits = 2): number[] {
  const sorted = values.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const out: number[] = [];
  for (let i = 1; i < n; i++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / n))];
    const nice = niceRound(v, digits);
    if (nice > 0 && (out.length === 0 || nice > out[out.length - 1])) out.push(nice);
  }
  return out;
}

/** Rounds to `digits` significant figures (two), for legible legend breaks. */
export function niceRound(v: number, digits = 2): number {
  if (v <= 0) return 0;
  const p = 10 ** (Math.floor(Math.log10(v)) - (digits - 1));
  return Number((Math.round(v / p) * p).toPrecision(digits));
}

/** Fill colour by `field` stepped at `breaks`. */
export function choroplethFill(breaks: number[], field = 'exposed'): ExpressionSpecification | string {
  if (breaks.length === 0) return CHOROPLETH_COLOURS[0];
  const steps: (string | number)[] = [CHOROPLETH_COLOURS[0]];
  breaks.forEach((b, i) => steps.push(b, CHOROPLETH_COLOURS[Math.min(i + 1, CHOROPLETH_COLOURS.length - 1)]));
  return ['step', ['coalesce', ['get', field], 0], ...steps] as unknown as ExpressionSpecification;
}

export const choroplethUrl = (origin: string, hazard: string, exposure: string, by: string, stamp: string) =>
  `${origin}/api/exposure/tiles/{z}/{x}/{y}.mvt?hazard=${hazard}&exposure=${exposure}&by=${by}&v=${encodeURIComponent(stamp)}`;

/** The style layers drawing catalog layer `id` (the server names them `<id>:<part>`). */
export const layersOf = (style: StyleSpecification, id: string): LayerSpecification[] =>
  style.layers.filter((l) => l.id.startsWith(`${id}:`));

export interface StyleOptions {
  /** Data layers (hazard, exposure) visible, bottom to top. */
  visible: string[];
  opacity: Record<string, number>;
  /** The exposure choropleth's tile URL, breaks, the tile field shaded and opacity,
   *  when a question is chosen. */
  choropleth: { url: string; breaks: number[]; field: string; opacity: number } | null;
  /** The unit drilled into, outlined: its level's boundary layer and its code. */
  selected: { layer: string; code: string } | null;
  /** Labels this many times their laptop size (a 4K screen, a briefing room). */
  labelScale?: number;
  /** The incident area being drawn or drawn (drawn on top of everything). */
  incident?: Incident | null;
  /** The alerts outlined (under the incident area). */
  alerts?: AlertOverlay;
}

/** An incident area: its corners in order (lon, lat), and whether it is closed. */
export interface Incident {
  points: [number, number][];
  closed: boolean;
}

/** The incident area as GeoJSON for the map: its polygon (or path while drawn) and its
 *  corners. */
export function incidentFeatures(incident: Incident | null | undefined): FeatureCollection {
  const points = incident?.points ?? [];
  const features: Feature[] = points.map((p) => ({ type: 'Feature', properties: { part: 'corner' }, geometry: { type: 'Point', coordinates: p } }));
  if (incident?.closed && points.length >= 3) {
    features.push({ type: 'Feature', properties: { part: 'area' }, geometry: { type: 'Polygon', coordinates: [[...points, points[0]]] } });
  } else if (points.length >= 2) {
    features.push({ type: 'Feature', properties: { part: 'path' }, geometry: { type: 'LineString', coordinates: points } });
  }
  return { type: 'FeatureCollection', features };
}

/** The alerts outlined on the map: those in force, and one being previewed. */
export interface AlertOverlay {
  inForce: AlertDoc[];
  preview: AlertDoc | null;
}

/** The alerts' units as GeoJSON: one polygon per unit of each alert in force (by
 *  severity) and of the alert previewed (`part` says which). */
export function alertFeatures(overlay: AlertOverlay | undefined): FeatureCollection {
  const features: Feature[] = [];
  const add = (a: AlertDoc, part: 'in-force' | 'preview') => {
    for (const u of a.areas) {
      if (u.polygon.length < 4) continue;
      features.push({
        type: 'Feature',
        properties: { part, alert: a.id, severity: a.severity, code: u.code, name: u.name },
        geometry: { type: 'Polygon', coordinates: [u.polygon] },
      });
    }
  };
  for (const a of overlay?.inForce ?? []) add(a, 'in-force');
  if (overlay?.preview) add(overlay.preview, 'preview');
  return { type: 'FeatureCollection', features };
}

const severityColour = ['match', ['get', 'severity'], ...Object.entries(SEVERITY_COLOURS).flat(), SEVERITY_COLOURS.Unknown] as unknown as ExpressionSpecification;

/** The alerts' layers, over the data and under the incident area. */
const ALERT_LAYERS: LayerSpecification[] = [
  { id: 'alerts:fill', type: 'fill', source: 'alerts', filter: ['==', ['get', 'part'], 'in-force'], paint: { 'fill-color': severityColour, 'fill-opacity': 0.12 } },
  { id: 'alerts:line', type: 'line', source: 'alerts', filter: ['==', ['get', 'part'], 'in-force'], paint: { 'line-color': severityColour, 'line-width': 2 } },
  { id: 'alerts:preview', type: 'line', source: 'alerts', filter: ['==', ['get', 'part'], 'preview'], paint: { 'line-color': ALERT_PREVIEW, 'line-width': 2.5, 'line-dasharray': [3, 1.5] } },
];

/** The incident area's layers, over everything else. */
const INCIDENT_LAYERS: LayerSpecification[] = [
  { id: 'incident:fill', type: 'fill', source: 'incident', filter: ['==', ['get', 'part'], 'area'], paint: { 'fill-color': INCIDENT, 'fill-opacity': 0.15 } },
  { id: 'incident:line', type: 'line', source: 'incident', filter: ['!=', ['get', 'part'], 'corner'], paint: { 'line-color': INCIDENT, 'line-width': 2.5, 'line-dasharray': [2, 1] } },
  { id: 'incident:corner', type: 'circle', source: 'incident', filter: ['==', ['get', 'part'], 'corner'], paint: { 'circle-radius': 4, 'circle-color': INCIDENT, 'circle-stroke-color': INCIDENT_HALO, 'circle-stroke-width': 1.5 } },
];

/** The filter outlining unit `code` of a boundary layer (official codes are in `id`);
 *  null matches nothing. */
export function selectedFilter(code: string | null): ExpressionSpecification {
  return ['==', ['to-string', ['get', 'id']], code ?? ''] as unknown as ExpressionSpecification;
}

/** The data layers in drawing order: hidden ones first (bottom), then the visible in
 *  the chosen order. */
export function drawingOrder(catalog: CatalogLayer[], visible: string[]): CatalogLayer[] {
  const data = catalog.filter((l) => !isBasemap(l));
  return [
    ...data.filter((l) => !visible.includes(l.id)),
    ...visible.map((id) => data.find((l) => l.id === id)).filter((l): l is CatalogLayer => !!l),
  ];
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** `spec` (as the server drew it, at the layer's default opacity `l.opacity`) shown or
 *  hidden and at `opacity`: every opacity of its paint scaled by the same ratio, so a
 *  part drawn lighter (the aggregates' fill) stays lighter. */
export function shownAt(spec: LayerSpecification, l: CatalogLayer, visible: boolean, opacity: number): LayerSpecification {
  const ratio = l.opacity > 0 ? opacity / l.opacity : 1;
  const paint: Record<string, unknown> = { ...('paint' in spec ? spec.paint : {}) };
  for (const [k, v] of Object.entries(paint)) if (k.endsWith('-opacity') && typeof v === 'number') paint[k] = round(v * ratio);
  return { ...spec, layout: { ...spec.layout, visibility: visible ? 'visible' : 'none' }, paint } as LayerSpecification;
}

/** The situation room's map: the server's situation style `base` with the data layers
 *  in the chosen order (below the first border), shown or hidden at their opacity, the
 *  choropleth over the land, the outline of the unit drilled into below the names, and
 *  labels scaled. The catalog lists only what the caller may read; later changes are
 *  applied to the map by MapView without building the style again. */
export function situationStyle(base: StyleSpecification, catalog: CatalogLayer[], o: StyleOptions): StyleSpecification {
  const ids = new Set(catalog.map((l) => l.id));
  const boundaries = catalog.filter((l) => l.kind === 'boundary');
  const owner = (spec: LayerSpecification) => spec.id.slice(0, spec.id.lastIndexOf(':'));
  const basemap = new Set(catalog.filter(isBasemap).map((l) => l.id));
  const contexts = new Set(catalog.filter((l) => l.kind === 'context').map((l) => l.id));
  const isData = (spec: LayerSpecification) => spec.type !== 'symbol' && ids.has(owner(spec)) && !basemap.has(owner(spec));
  const scale = o.labelScale ?? 1;
  const scaled = (spec: LayerSpecification): LayerSpecification => {
    const size = spec.type === 'symbol' ? spec.layout?.['text-size'] : undefined;
    if (scale === 1 || typeof size !== 'number' || !boundaries.some((b) => b.id === owner(spec))) return spec;
    return { ...spec, layout: { ...spec.layout, 'text-size': Math.round(size * scale) } } as LayerSpecification;
  };
  const lands = base.layers.filter((spec) => spec.type === 'background' || spec.id.endsWith(':land'));
  // Lakes and rivers over the choropleth (which would hide them) and under the data.
  const waters = base.layers.filter((spec) => spec.type !== 'symbol' && contexts.has(owner(spec)));
  const data = drawingOrder(catalog, o.visible).flatMap((l) =>
    layersOf(base, l.id)
      .filter((spec) => spec.type !== 'symbol')
      .map((spec) => shownAt(spec, l, o.visible.includes(l.id), o.opacity[l.id] ?? l.opacity)),
  );
  const byId = new Map(catalog.map((l) => [l.id, l]));
  // Names of places (camps) are shown and hidden with their layer.
  const named = (spec: LayerSpecification): LayerSpecification => {
    const l = byId.get(owner(spec));
    return l && !isBasemap(l) ? shownAt(spec, l, o.visible.includes(l.id), o.opacity[l.id] ?? l.opacity) : spec;
  };
  const rest = base.layers.filter((spec) => !lands.includes(spec) && !waters.includes(spec) && !isData(spec)).map(named);
  const firstLabel = rest.findIndex((spec) => spec.type === 'symbol');
  const selected: LayerSpecification[] = boundaries
    .filter((l) => l.theme !== 'country')
    .map((l) => ({
      id: `${l.id}:selected`,
      type: 'line',
      source: l.id,
      'source-layer': l.id,
      filter: selectedFilter(o.selected?.layer === l.id ? o.selected.code : null),
      paint: { 'line-color': SELECTED, 'line-width': 3 },
    }));
  const sources = { ...base.sources };
  const choropleth: LayerSpecification[] = [];
  if (o.choropleth) {
    sources.exposure = { type: 'vector', tiles: [o.choropleth.url], maxzoom: 14 };
    choropleth.push({
      id: 'exposure:fill',
      type: 'fill',
      source: 'exposure',
      'source-layer': 'exposure',
      paint: { 'fill-color': choroplethFill(o.choropleth.breaks, o.choropleth.field), 'fill-opacity': o.choropleth.opacity },
    });
  }
  sources.incident = { type: 'geojson', data: incidentFeatures(o.incident) };
  sources.alerts = { type: 'geojson', data: alertFeatures(o.alerts) };
  const at = firstLabel < 0 ? rest.length : firstLabel;
  return {
    ...base,
    sources,
    layers: [...lands, ...choropleth, ...waters, ...data, ...rest.slice(0, at), ...selected, ...rest.slice(at).map(scaled), ...ALERT_LAYERS, ...INCIDENT_LAYERS],
  };
}
