// Shared by the unit tests (never imported by the pages): a small catalog and report,
// a store whose link is a string, and a map that records what is done to it.
import type { LayerSpecification, Map, StyleSpecification } from 'maplibre-gl';
import { Store } from './store';
import type { AlertDoc, CatalogLayer, LoadPreview, Report } from './types';

export const layer = (id: string, kind: CatalogLayer['kind'], theme: string, extra: Partial<CatalogLayer> = {}): CatalogLayer => ({
  id,
  title: id,
  kind,
  theme,
  sensitivity: 'public',
  anonymous: true,
  detail: true,
  version: 3,
  features: 1,
  geometry: kind === 'exposure' && theme === 'camp' ? 'point' : 'polygon',
  attribution: `${id} ©`,
  bounds: kind === 'boundary' ? [28.86, -2.84, 30.9, -1.05] : null,
  opacity: kind === 'hazard' ? 0.65 : kind === 'exposure' && theme !== 'camp' ? 0.55 : 1,
  style: `/styles/layers/${id}.json`,
  ...extra,
});

const LEVELS = ['country', 'province', 'district', 'sector', 'cell', 'village'];

/** The server's situation style for `cat` as /styles/situation.json draws it: the same
 *  layer ids, parts and order, the paint reduced to what the web map changes. */
export function serverStyle(cat: CatalogLayer[]): StyleSpecification {
  const on = (l: CatalogLayer, part: string, type: string, paint: Record<string, unknown> = {}, extra = {}) =>
    ({ id: `${l.id}:${part}`, type, source: l.id, 'source-layer': l.id, paint, ...extra }) as LayerSpecification;
  const boundaries = cat.filter((l) => l.kind === 'boundary').sort((a, b) => LEVELS.indexOf(a.theme) - LEVELS.indexOf(b.theme));
  const countries = boundaries.filter((l) => l.theme === 'country');
  const admin = boundaries.filter((l) => l.theme !== 'country');
  const data = cat.filter((l) => l.kind !== 'boundary' && l.kind !== 'context');
  const contexts = cat.filter((l) => l.kind === 'context').sort((a, b) => Number(a.geometry !== 'polygon') - Number(b.geometry !== 'polygon'));
  const drawn = (l: CatalogLayer): LayerSpecification[] => {
    if (!l.detail) return [on(l, 'withheld', 'fill', { 'fill-opacity': l.opacity * 0.8 }), on(l, 'households-0', 'fill', { 'fill-opacity': l.opacity * 0.8 }), on(l, 'outline', 'line', { 'line-opacity': l.opacity })];
    if (l.kind === 'hazard') return ['unclassified', 'low', 'medium', 'high'].map((c) => on(l, c, 'fill', { 'fill-opacity': l.opacity }));
    if (l.geometry === 'point') return [on(l, 'circle', 'circle', { 'circle-opacity': l.opacity }), on(l, 'label', 'symbol', {}, { layout: { 'text-size': 12 } })];
    return [on(l, 'population-0', 'fill', { 'fill-opacity': l.opacity })];
  };
  const shapes = data.flatMap(drawn);
  const label = (l: CatalogLayer) => on(l, 'label', 'symbol', {}, { 'source-layer': `${l.id}:labels`, layout: { 'text-size': 12 }, minzoom: l.theme === 'village' ? 14 : 0 });
  return {
    version: 8,
    glyphs: 'http://127.0.0.1:8080/fonts/{fontstack}/{range}.pbf',
    sources: Object.fromEntries(cat.map((l) => [l.id, { type: 'vector', tiles: [`http://127.0.0.1:8080/tiles/${l.id}/{z}/{x}/{y}.mvt?v=${l.version}${l.detail ? '' : '&agg=1'}`] }])),
    layers: [
      { id: 'background', type: 'background' },
      ...countries.map((l) => on(l, 'land', 'fill')),
      ...contexts.map((l) => (l.geometry === 'polygon' ? on(l, 'fill', 'fill') : on(l, 'line', 'line'))),
      ...shapes.filter((x) => x.type !== 'symbol'),
      ...admin.map((l) => on(l, 'line', 'line')),
      ...countries.map((l) => on(l, 'line', 'line')),
      ...[...admin].reverse().map(label),
      ...countries.map(label),
      ...contexts.filter((l) => l.geometry === 'polygon').map((l) => on(l, 'label', 'symbol', {}, { layout: { 'text-size': 12 } })),
      ...shapes.filter((x) => x.type === 'symbol'),
    ],
  };
}

export const catalog: CatalogLayer[] = [
  layer('countries', 'boundary', 'country'),
  layer('rwa-districts', 'boundary', 'district'),
  layer('rwa-sectors', 'boundary', 'sector'),
  layer('flood-zones', 'hazard', 'flood', {
    title: 'Flood depth',
    classification: {
      name: 'flood-depth',
      unit: 'm',
      rules: [
        { class: 'high', min: 1.5, affected: true, displacement_rate: 0.8 },
        { class: 'medium', min: 0.7, max: 1.5, affected: true, displacement_rate: 0.3 },
        { class: 'low', min: 0.1, max: 0.7, affected: false, displacement_rate: 0 },
      ],
    },
  }),
  layer('landslide-zones', 'hazard', 'landslide'),
  layer('population', 'exposure', 'population'),
  layer('camps', 'exposure', 'camp'),
  layer('returnees', 'exposure', 'returnee', { sensitivity: 'restricted', anonymous: false, geometry: 'point', detail: false }),
];

const row = (cls: string, population: number, affected = 0, displaced = 0) =>
  ({ class: cls, count: 1, population, households: population / 4, affected, displaced }) as Report['total'][number];

export function report(by = 'district', extra: Partial<Report> = {}): Report {
  return {
    hazard: { layer: 'flood-zones', version: 2, title: 'Flood zones', attribution: '' },
    exposure: { layer: 'population', version: 1, title: 'Population', attribution: '' },
    boundary: { layer: 'rwa-sectors', version: 4, title: 'Sectors', attribution: '' },
    by,
    computed_at: '2026-11-27T03:00:00.000Z',
    compute_ms: 12,
    redacted: false,
    needs_standard: { kcal: 2100, water_l: 15, shelter_m2: 3.5, people_per_latrine: 20, ration_kcal_per_kg: 2100 / 0.555 },
    units: [
      { code: '11', name: 'Nyarugenge', bbox: [29.9, -2.1, 30.1, -1.9], classes: [row('high', 100, 100, 100), row('none', 50)] },
      { code: '12', name: 'Gasabo', bbox: [30.0, -2.0, 30.3, -1.8], classes: [row('low', 300, 300, 30), row('medium', 20, 20, 10), row('none', 700)] },
      { code: '21', name: 'Nyanza', bbox: [29.6, -2.5, 29.9, -2.2], classes: [row('none', 900)] },
    ],
    total: [],
    ...extra,
  };
}

/** The same question at version 1 of the hazard layer: 40 fewer exposed (and affected
 *  and displaced) in Nyarugenge. */
export function earlierReport(by = 'district'): Report {
  const now = report(by);
  return {
    ...now,
    hazard: { ...now.hazard, version: 1 },
    units: [{ ...now.units[0], classes: [row('high', 60, 60, 60), row('none', 90)] }, ...now.units.slice(1)],
  };
}

/** A store reading and writing `hash`. */
export function store(hash = '', cat: CatalogLayer[] = catalog): Store {
  const link = { hash, write: (h: string) => (link.hash = h) };
  const s = new Store(link);
  if (cat.length) s.setCatalog(cat, serverStyle(cat), false);
  return s;
}

export type Call = [string, ...unknown[]];

/** A map recording the calls made to it; `layers` are the ids it holds. */
export function fakeMap(layers: string[] = []) {
  const calls: Call[] = [];
  const handlers: Record<string, ((e: unknown) => void)[]> = {};
  const ids = new Set(layers);
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  const map = {
    calls,
    ids,
    setStyle: (style: { layers: { id: string }[] }, ...rest: unknown[]) => {
      calls.push(['setStyle', style, ...rest]);
      ids.clear();
      for (const l of style.layers) ids.add(l.id);
    },
    setLayoutProperty: record('setLayoutProperty'),
    setPaintProperty: record('setPaintProperty'),
    moveLayer: record('moveLayer'),
    setFilter: record('setFilter'),
    getLayer: (id: string) => (ids.has(id) ? { id } : undefined),
    getSource: (id: string) => ({ setTiles: (tiles: string[]) => calls.push(['setTiles', id, tiles]) }),
    fitBounds: record('fitBounds'),
    resize: record('resize'),
    getCanvas: () => ({ toDataURL: () => 'data:image/png;base64,AAAA' }),
    on: (event: string, f: (e: unknown) => void) => (handlers[event] ??= []).push(f),
    off: (event: string, f: (e: unknown) => void) => (handlers[event] = (handlers[event] ?? []).filter((g) => g !== f)),
    fire: (event: string, e: unknown) => (handlers[event] ?? []).forEach((f) => f(e)),
  };
  // Where the map looks (as a LngLat and zoom would say it).
  const container = document.createElement('div');
  const view = { getCenter: () => ({ lng: 29.9, lat: -1.95 }), getZoom: () => 7.6, getCanvasContainer: () => container };
  return Object.assign(map, view) as unknown as typeof map & Map;
}

/** The calls named `name`. */
export const callsOf = (map: { calls: Call[] }, name: string) => map.calls.filter((c) => c[0] === name);

/** The words of `text` that no catalogue message holds: every message is wrapped in ⟦⟧,
 *  and the data the fixtures put in (names, titles, codes) are not interface strings. */
export function unmarked(text: string, data: string[]): string[] {
  let rest = text;
  for (let before = ''; before !== rest; ) {
    before = rest;
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  for (const d of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(d).join(' ');
  return rest.match(/\p{L}{2,}/gu)?.filter((w) => !/^v\d/.test(w)) ?? [];
}

/** A preview of a GeoPackage of flood zones with no hazard field chosen. */
export const loadPreview = (over: Partial<LoadPreview> = {}): LoadPreview => ({
  layer: { id: 'zones', title: 'Zones', kind: 'hazard', theme: 'flood', sensitivity: 'public', anonymous: false, fields: { hazard: null } },
  would_load: true,
  report: { source_name: 'zones.gpkg', driver: 'GPKG', source_crs: 'EPSG:32735', read: 1200, loaded: 1200, repaired: 0, dropped: 0, rejected: 0, unclassified: 0, issues: [] },
  bbox: [28.86, -2.84, 30.9, -1.05],
  fields: [
    { name: 'depth_m', type: 'number', filled: 1200, examples: [0.4, 1.2, 2.5] },
    { name: 'zone', type: 'text', filled: 1100, examples: ['A', 'B'] },
  ],
  mapped: { name: 0, code: 0, population: 0, population_total: 0, households: 0, hazard_class: 0 },
  rows: [{ fid: 1, properties: { depth_m: 0.4, zone: 'A' }, name: null, code: null, population: null, households: null, hazard_class: null }],
  sample: { type: 'FeatureCollection', features: [] },
  sampled: 400,
  ...over,
});

/** A small closed ring at longitude `x`. */
export const ring = (x: number): [number, number][] => [[x, -2], [x + 0.1, -2], [x + 0.1, -1.9], [x, -2]];

/** An alert as /api/alerts gives it: two sectors of Kigali, Severe, public. */
export function alertDoc(id: number, state: AlertDoc['state'], extra: Partial<AlertDoc> = {}): AlertDoc {
  return {
    id,
    identifier: `urn:oid:2.49.0.0.646.0.${id}`,
    status: 'Actual',
    msg_type: 'Alert',
    scope: 'Public',
    severity: 'Severe',
    urgency: 'Expected',
    certainty: 'Likely',
    hazard: { layer: 'flood-forecast', version: 2, title: 'Flood forecast' },
    exposure: { layer: 'population', version: 1, title: 'Population' },
    hours: 72,
    info: [
      { language: 'en', event: 'Flood', headline: `Flood warning ${id}`, description: '', instruction: 'Move to higher ground.' },
      { language: 'fr', event: 'Inondation', headline: `Alerte ${id}`, description: '', instruction: 'Gagnez les hauteurs.' },
    ],
    areas: [
      { code: '1101', name: 'Gitega', level: 'sector', exposed: 2500, affected: 2500, displaced: 800, population: 30000, polygon: ring(30) },
      { code: '1102', name: 'Kanyinya', level: 'sector', exposed: 2100, affected: 2100, displaced: 700, population: 20000, polygon: ring(30.2) },
    ],
    published_figures: false,
    state,
    drafted_by: 'rule:floods',
    drafted_at: '2026-12-03T08:00:00Z',
    author: 'gis',
    ...(state === 'issued' ? { sent: '2026-12-03T09:00:00Z' } : {}),
    ...extra,
  };
}

