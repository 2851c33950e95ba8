// The map style, built from the server's catalog: an offline basemap from our own
// boundary layers (labels appear by zoom, glyphs from our server), hazard layers
// coloured by class, exposure layers, and the exposure choropleth.
import type {
  ExpressionSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';

export type Kind = 'hazard' | 'exposure' | 'boundary';
export type GeometryKind = 'polygon' | 'point' | 'line' | null;

export interface CatalogLayer {
  id: string;
  title: string;
  kind: Kind;
  theme: string;
  sensitivity: 'public' | 'restricted';
  /** Readable without a token. */
  anonymous: boolean;
  /** Whether this caller gets the features themselves; false: aggregates by admin unit
   *  (restricted layers without clearance). */
  detail: boolean;
  version: number;
  features: number;
  geometry: GeometryKind;
  attribution: string;
  bounds: [number, number, number, number] | null;
}

export const CLASS_ORDER = ['high', 'medium', 'low', 'very_low'] as const;
export type HazardClass = (typeof CLASS_ORDER)[number];

/** ColorBrewer YlOrRd: ordered in lightness, so still readable without colour vision. */
export const CLASS_COLOURS: Record<HazardClass, string> = {
  high: '#bd0026',
  medium: '#f03b20',
  low: '#fd8d3c',
  very_low: '#fecc5c',
};

export const CLASS_LABELS: Record<HazardClass | 'none', string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  very_low: 'Very low',
  none: 'Outside hazard zones',
};

/** ColorBrewer Purples (colour-blind safe, sequential) for exposed people. */
export const CHOROPLETH_COLOURS = ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#756bb1', '#54278f'];

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
  ['match', ['get', 'hazard_class'], ...CLASS_ORDER.flatMap((c) => [c, CLASS_COLOURS[c]]), '#bdbdbd'] as unknown as ExpressionSpecification;

/** Thresholds splitting `values` into `n` groups of about equal size (ascending,
 *  distinct, above zero). */
export function quantileBreaks(values: number[], n = CHOROPLETH_COLOURS.length): number[] {
  const sorted = values.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const out: number[] = [];
  for (let i = 1; i < n; i++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / n))];
    const nice = niceRound(v);
    if (nice > 0 && (out.length === 0 || nice > out[out.length - 1])) out.push(nice);
  }
  return out;
}

/** Rounds to two significant figures, for legible legend breaks. */
export function niceRound(v: number): number {
  if (v <= 0) return 0;
  const p = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Math.round(v / p) * p;
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

/** Default opacity of a data layer. */
export function defaultOpacity(l: CatalogLayer): number {
  if (l.kind === 'hazard') return 0.65;
  if (l.kind === 'exposure' && l.geometry === 'polygon') return 0.55;
  return 1;
}

const nameField: ExpressionSpecification = ['coalesce', ['get', 'name'], ['get', 'NAME'], ['get', 'title'], ''];

/** Households per unit at which the aggregate fill steps to the next colour. */
export const AGGREGATE_BREAKS = [5, 20, 50, 100];

/** ColorBrewer Blues (sequential, colour-blind safe), apart from the exposure purples;
 *  grey for units withheld. */
export const AGGREGATE_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
export const WITHHELD_COLOUR = '#bdbdbd';

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
      paint: { 'line-color': '#08519c', 'line-width': 0.8, 'line-opacity': opacity },
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
          'circle-color': l.theme === 'camp' ? '#1b7837' : '#2166ac',
          'circle-stroke-color': '#ffffff',
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
        paint: { 'text-color': '#1b3a1b', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
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
          '#f7fbff', 500, '#c6dbef', 1000, '#6baed6', 2000, '#2171b5', 4000, '#08306b',
        ],
        'fill-opacity': opacity,
      },
    },
  ];
}

/** Basemap layers of one boundary layer: fill (countries only), lines and labels. */
export function boundaryLayers(l: CatalogLayer): LayerSpecification[] {
  const z = ADMIN_ZOOMS[l.theme] ?? ADMIN_ZOOMS.village;
  const base = { source: l.id, 'source-layer': l.id };
  const out: LayerSpecification[] = [];
  if (l.theme === 'country') {
    out.push({ id: `${l.id}:land`, type: 'fill', ...base, paint: { 'fill-color': '#f4f1ea' } });
  }
  out.push({
    id: `${l.id}:line`,
    type: 'line',
    ...base,
    minzoom: z.line,
    paint: {
      'line-color': l.theme === 'country' ? '#7a7367' : '#8c8c8c',
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
      'text-size': z.text,
      'text-max-width': 8,
      'text-padding': 4,
    },
    paint: { 'text-color': '#333333', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
  });
  return out;
}

export interface StyleOptions {
  origin: string;
  /** Data layers (hazard, exposure) visible, bottom to top. */
  visible: string[];
  opacity: Record<string, number>;
  /** The exposure choropleth's tile URL and breaks, when a question is chosen. */
  choropleth: { url: string; breaks: number[]; level: string } | null;
  /** Code of the unit drilled into, outlined. */
  selected: string | null;
}

const BOUNDARY_ORDER = ['country', 'province', 'district', 'sector', 'cell', 'village'];

/** The whole style: land, choropleth, data layers in the chosen order, boundaries and
 *  labels on top. The catalog lists only what the caller may read; restricted layers
 *  without clearance are drawn as their aggregates. */
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
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#dfe8ec' } },
  ];
  for (const l of countries) layers.push(boundaryLayers(l)[0]);
  if (o.choropleth) {
    sources.exposure = { type: 'vector', tiles: [o.choropleth.url], maxzoom: 14 };
    layers.push({
      id: 'exposure:fill',
      type: 'fill',
      source: 'exposure',
      'source-layer': 'exposure',
      paint: { 'fill-color': choroplethFill(o.choropleth.breaks), 'fill-opacity': o.opacity['exposure'] ?? 0.8 },
    });
  }
  const data = catalog.filter((l) => l.kind !== 'boundary');
  const ordered = [
    ...data.filter((l) => !o.visible.includes(l.id)),
    ...o.visible.map((id) => data.find((l) => l.id === id)).filter((l): l is CatalogLayer => !!l),
  ];
  for (const l of ordered) {
    layers.push(...dataLayers(l, o.opacity[l.id] ?? defaultOpacity(l), o.visible.includes(l.id)));
  }
  for (const l of [...admin].reverse()) layers.push(...boundaryLayers(l).filter((x) => x.type === 'line'));
  for (const l of countries) layers.push(...boundaryLayers(l).filter((x) => x.type === 'line'));
  if (o.selected !== null && o.choropleth) {
    layers.push({
      id: 'selected:line',
      type: 'line',
      source: 'exposure',
      'source-layer': 'exposure',
      filter: ['==', ['get', 'code'], o.selected],
      paint: { 'line-color': '#000000', 'line-width': 3 },
    });
  }
  for (const l of [...admin, ...countries]) layers.push(...boundaryLayers(l).filter((x) => x.type === 'symbol'));
  // Point labels (camps) above everything.
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
