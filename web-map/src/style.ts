// The map style, built from the server's catalog: an offline basemap from our own
// boundary layers (labels appear by zoom, glyphs from our server), hazard layers
// coloured by class, exposure layers, and the exposure choropleth.
import type {
  ExpressionSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import {
  AGGREGATE_COLOURS,
  AGGREGATE_OUTLINE,
  BASEMAP,
  CHOROPLETH_COLOURS,
  CLASS_COLOURS,
  POINT,
  POPULATION_COLOURS,
  UNCLASSIFIED,
  WITHHELD_COLOUR,
} from './palette';
import { type CatalogLayer, CLASS_ORDER, type HazardClass } from './types';

export const CLASS_LABELS: Record<HazardClass | 'none', string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  very_low: 'Very low',
  none: 'Outside hazard zones',
};


export const FONT = ['DejaVu Sans Book'];
export const FONT_BOLD = ['DejaVu Sans Bold'];

/** Zoom at which each admin level's lines and labels appear. */
export const ADMIN_ZOOMS: Record<string, { line: number; labels: [number, number]; width: number; text: number }> = {
  country: { line: 0, labels: [0, 7], width: 1.8, text: 15 },
  province: { line: 0, labels: [7, 8.5], width: 1.6, text: 14 },
  district: { line: 6, labels: [8.5, 10.5], width: 1.2, text: 13 },
  sector: { line: 9.5, labels: [10.5, 12.5], width: 0.9, text: 12 },
  cell: { line: 11.5, labels: [12.5, 14], width: 0.6, text: 11 },
  village: { line: 13, labels: [14, 23], width: 0.4, text: 11 },
};

export const hazardColour = (): ExpressionSpecification =>
  ['match', ['get', 'hazard_class'], ...CLASS_ORDER.flatMap((c) => [c, CLASS_COLOURS[c]]), UNCLASSIFIED] as unknown as ExpressionSpecification;

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

/** Tiles of a layer; the address changes with the version and with whether the caller
 *  gets detail, so no cache mixes aggregates and features. */
export const tileUrl = (origin: string, l: CatalogLayer) =>
  `${origin}/tiles/${l.id}/{z}/{x}/{y}.mvt?v=${l.version}${l.detail ? '' : '&agg=1'}`;

export const choroplethUrl = (origin: string, hazard: string, exposure: string, by: string, stamp: string) =>
  `${origin}/api/exposure/tiles/{z}/{x}/{y}.mvt?hazard=${hazard}&exposure=${exposure}&by=${by}&v=${encodeURIComponent(stamp)}`;

/** People per polygon at which an exposure layer's fill steps to the next colour. */
export const POPULATION_BREAKS = [500, 1000, 2000, 4000];

/** Default opacity of a data layer. */
export function defaultOpacity(l: CatalogLayer): number {
  if (l.kind === 'hazard') return 0.65;
  if (l.kind === 'exposure' && l.geometry === 'polygon') return 0.55;
  return 1;
}

const nameField: ExpressionSpecification = ['coalesce', ['get', 'name'], ['get', 'NAME'], ['get', 'title'], ''];

/** Households per unit at which the aggregate fill steps to the next colour. */
export const AGGREGATE_BREAKS = [5, 20, 50, 100];


/** A restricted layer without clearance: admin units shaded by households, units
 *  withheld for having fewer than 5 hatched in grey. */
export function aggregateLayers(l: CatalogLayer, opacity: number, visible: boolean): LayerSpecification[] {
  const layout = { visibility: visible ? 'visible' : 'none' } as const;
  const base = { source: l.id, 'source-layer': l.id };
  const steps: (string | number)[] = [AGGREGATE_COLOURS[0]];
  AGGREGATE_BREAKS.forEach((b, i) => steps.push(b, AGGREGATE_COLOURS[i + 1]));
  return [
    {
      id: `${l.id}:fill`,
      type: 'fill',
      ...base,
      layout,
      paint: {
        'fill-color': ['case', ['==', ['get', 'suppressed'], true], WITHHELD_COLOUR, ['step', ['coalesce', ['get', 'households'], 0], ...steps]] as unknown as ExpressionSpecification,
        'fill-opacity': opacity * 0.8,
      },
    },
    {
      id: `${l.id}:outline`,
      type: 'line',
      ...base,
      layout,
      paint: { 'line-color': AGGREGATE_OUTLINE, 'line-width': 0.8, 'line-opacity': opacity },
    },
  ];
}

/** The map layers drawing one catalog layer (ids start with the layer id). */
export function dataLayers(l: CatalogLayer, opacity: number, visible: boolean): LayerSpecification[] {
  const layout = { visibility: visible ? 'visible' : 'none' } as const;
  const base = { source: l.id, 'source-layer': l.id };
  if (!l.detail) return aggregateLayers(l, opacity, visible);
  if (l.kind === 'hazard') {
    return [
      {
        id: `${l.id}:fill`,
        type: 'fill',
        ...base,
        layout,
        paint: { 'fill-color': hazardColour(), 'fill-opacity': opacity },
      },
    ];
  }
  if (l.geometry === 'point') {
    return [
      {
        id: `${l.id}:circle`,
        type: 'circle',
        ...base,
        layout,
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 4, 12, 8],
          'circle-color': l.theme === 'camp' ? POINT.camp : POINT.other,
          'circle-stroke-color': POINT.ring,
          'circle-stroke-width': 1.5,
          'circle-opacity': opacity,
        },
      },
      {
        id: `${l.id}:label`,
        type: 'symbol',
        ...base,
        minzoom: 8,
        layout: {
          ...layout,
          'text-field': nameField,
          'text-font': FONT_BOLD,
          'text-size': 12,
          'text-offset': [0, 1.1],
          'text-anchor': 'top',
          'text-optional': true,
        },
        paint: { 'text-color': POINT.label, 'text-halo-color': POINT.halo, 'text-halo-width': 1.5 },
      },
    ];
  }
  // Polygons of people: graduated by population.
  return [
    {
      id: `${l.id}:fill`,
      type: 'fill',
      ...base,
      layout,
      paint: {
        'fill-color': [
          'step',
          ['coalesce', ['get', 'population'], 0],
          POPULATION_COLOURS[0],
          ...POPULATION_BREAKS.flatMap((b, i) => [b, POPULATION_COLOURS[i + 1]]),
        ],
        'fill-opacity': opacity,
      },
    },
  ];
}

/** Basemap layers of one boundary layer: fill (countries only), lines and labels. */
export function boundaryLayers(l: CatalogLayer, labelScale = 1): LayerSpecification[] {
  const z = ADMIN_ZOOMS[l.theme] ?? ADMIN_ZOOMS.village;
  const base = { source: l.id, 'source-layer': l.id };
  const out: LayerSpecification[] = [];
  if (l.theme === 'country') {
    out.push({ id: `${l.id}:land`, type: 'fill', ...base, paint: { 'fill-color': BASEMAP.land } });
  }
  out.push({
    id: `${l.id}:line`,
    type: 'line',
    ...base,
    minzoom: z.line,
    paint: {
      'line-color': l.theme === 'country' ? BASEMAP.countryLine : BASEMAP.adminLine,
      'line-width': z.width,
      ...(l.theme === 'village' || l.theme === 'cell' ? { 'line-dasharray': [2, 1] } : {}),
    },
  });
  out.push({
    id: `${l.id}:label`,
    type: 'symbol',
    ...base,
    minzoom: z.labels[0],
    maxzoom: z.labels[1],
    layout: {
      'text-field': nameField,
      'text-font': l.theme === 'country' || l.theme === 'province' ? FONT_BOLD : FONT,
      'text-size': Math.round(z.text * labelScale),
      'text-max-width': 8,
      'text-padding': 4,
    },
    paint: { 'text-color': BASEMAP.label, 'text-halo-color': BASEMAP.halo, 'text-halo-width': 1.6 },
  });
  return out;
}

export interface StyleOptions {
  origin: string;
  /** Data layers (hazard, exposure) visible, bottom to top. */
  visible: string[];
  opacity: Record<string, number>;
  /** The exposure choropleth's tile URL, breaks and the tile field shaded, when a
   *  question is chosen. */
  choropleth: { url: string; breaks: number[]; field: string } | null;
  /** The unit drilled into, outlined: its level's boundary layer and its code. */
  selected: { layer: string; code: string } | null;
  /** Labels this many times their laptop size (a 4K screen, a briefing room). */
  labelScale?: number;
}

const BOUNDARY_ORDER = ['country', 'province', 'district', 'sector', 'cell', 'village'];

/** Opacity of the choropleth when the link does not say. */
export const CHOROPLETH_OPACITY = 0.8;

/** The filter outlining unit `code` of a boundary layer (official codes are in `id`);
 *  null matches nothing. */
export function selectedFilter(code: string | null): ExpressionSpecification {
  return ['==', ['to-string', ['get', 'id']], code ?? ''] as unknown as ExpressionSpecification;
}

/** The data layers in drawing order: hidden ones first (bottom), then the visible in
 *  the chosen order. */
export function drawingOrder(catalog: CatalogLayer[], visible: string[]): CatalogLayer[] {
  const data = catalog.filter((l) => l.kind !== 'boundary');
  return [
    ...data.filter((l) => !visible.includes(l.id)),
    ...visible.map((id) => data.find((l) => l.id === id)).filter((l): l is CatalogLayer => !!l),
  ];
}

/** The whole style: land, choropleth, data layers in the chosen order, boundaries and
 *  labels on top. The catalog lists only what the caller may read; restricted layers
 *  without clearance are drawn as their aggregates. Later changes (visibility, opacity,
 *  order, the question, the unit drilled into) are applied to the map by MapView
 *  without building the style again. */
export function buildStyle(catalog: CatalogLayer[], o: StyleOptions): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  for (const l of catalog) {
    sources[l.id] = {
      type: 'vector',
      tiles: [tileUrl(o.origin, l)],
      maxzoom: 14,
      attribution: l.attribution,
      ...(l.bounds ? { bounds: l.bounds } : {}),
    };
  }
  const boundaries = catalog
    .filter((l) => l.kind === 'boundary')
    .sort((a, b) => BOUNDARY_ORDER.indexOf(b.theme) - BOUNDARY_ORDER.indexOf(a.theme));
  const countries = boundaries.filter((l) => l.theme === 'country');
  const admin = boundaries.filter((l) => l.theme !== 'country');
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': BASEMAP.background } }];
  for (const l of countries) layers.push(boundaryLayers(l)[0]);
  if (o.choropleth) {
    sources.exposure = { type: 'vector', tiles: [o.choropleth.url], maxzoom: 14 };
    layers.push({
      id: 'exposure:fill',
      type: 'fill',
      source: 'exposure',
      'source-layer': 'exposure',
      paint: { 'fill-color': choroplethFill(o.choropleth.breaks, o.choropleth.field), 'fill-opacity': o.opacity['exposure'] ?? CHOROPLETH_OPACITY },
    });
  }
  for (const l of drawingOrder(catalog, o.visible)) {
    layers.push(...dataLayers(l, o.opacity[l.id] ?? defaultOpacity(l), o.visible.includes(l.id)));
  }
  for (const l of [...admin].reverse()) layers.push(...boundaryLayers(l).filter((x) => x.type === 'line'));
  for (const l of countries) layers.push(...boundaryLayers(l).filter((x) => x.type === 'line'));
  for (const l of admin) {
    layers.push({
      id: `${l.id}:selected`,
      type: 'line',
      source: l.id,
      'source-layer': l.id,
      filter: selectedFilter(o.selected?.layer === l.id ? o.selected.code : null),
      paint: { 'line-color': BASEMAP.selected, 'line-width': 3 },
    });
  }
  for (const l of [...admin, ...countries]) layers.push(...boundaryLayers(l, o.labelScale).filter((x) => x.type === 'symbol'));
  // Point labels (camps) above everything.
  const data = catalog.filter((l) => l.kind !== 'boundary');
  const labels = layers.filter((x) => x.type === 'symbol' && x.id.endsWith(':label') && data.some((d) => x.id.startsWith(`${d.id}:`)));
  const rest = layers.filter((x) => !labels.includes(x));
  return {
    version: 8,
    name: 'sitroom situation room',
    glyphs: `${o.origin}/fonts/{fontstack}/{range}.pbf`,
    sources,
    layers: [...rest, ...labels],
  };
}
