// The losses and funding page: a register's figure (any numeric field, as the server
// rolls it up) by unit and period, drawn on a map from the server's own tiles and listed
// in a table from the same roll-up, with drill-down from a unit into the units in it and
// its figures over time; for losses the Sendai Framework indicators and the disaster
// events (a timeline, each event's displaced against the model's, links to the hazard
// layer versions that concerned them, drafts from the model for field teams), for
// disbursements funding against the needs of the displaced; every table as CSV with HXL tags. In
// English, French or Kinyarwanda; a register imported from a synthetic file is marked so.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker ships as its own file; served by us like everything else.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './styles.css';
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import * as api from './api';
import { foldAttribution } from './attribution';
import { el, replace } from './dom';
import { calibrationView, eventTitle, eventsTable, placeColour, placeOutline, placesData, placesLegend, timelineView, unitsAt } from './events-view';
import { fieldName, isLang, languageMenu, levelName, levelsName, preferredLanguage, setLanguage, t, translatePage, utc } from './i18n';
import { RECORD_OPACITY, SELECTED, UI, installPalette } from './palette';
import { breaksOf, fundingTable, gapBreaks, gapFill, gapLegend, gapValues, legendTitle, legendView, periodsOf, recordFill, sendaiTable, seriesTable, type UnitValue, unitValues, unitsTable } from './records-view';
import type { CatalogLayer, EventCalibration, EventPlaces, FundingAnswer, LossEvent, RegisterInfo, RollUp, SendaiAnswer } from './types';
import { isBasemap } from './types';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
installPalette();
maplibregl.setWorkerUrl(workerUrl);
const linked = new URLSearchParams(window.location.search).get('lang');
setLanguage(isLang(linked) ? linked : preferredLanguage());

const LEVELS = ['province', 'district', 'sector', 'cell', 'village'];
/** Rwanda's extent, where the map opens. */
const RWANDA: [number, number, number, number] = [28.86, -2.84, 30.9, -1.05];
const CODE_DIGITS: Record<string, number> = { province: 1, district: 2, sector: 4, cell: 6, village: 8 };
const question = $('question') as HTMLFormElement;
const input = (name: string) => question.elements.namedItem(name) as HTMLSelectElement;

/** What the page shows, and what it last read. */
const state = {
  info: null as RegisterInfo | null,
  rollup: null as RollUp | null,
  values: [] as UnitValue[],
  breaks: [] as number[],
  /** The unit drilled into (its code), with the names of those above it. */
  within: [] as { code: string; name: string; level: string }[],
  picked: null as UnitValue | null,
  series: null as RollUp | null,
  sendai: null as SendaiAnswer | string | null,
  funding: null as FundingAnswer | string | null,
  events: null as LossEvent[] | string | null,
  /** The events layer of the period shown. */
  places: null as EventPlaces | null,
  /** The event calibrated (its key), and what the server answered. */
  calibrated: '',
  calibration: null as EventCalibration | string | null,
  catalog: [] as CatalogLayer[],
  error: '',
};

const kind = () => input('kind').value;
const fieldTitle = () => fieldName(input('field').value, state.info?.schema.fields.find((f) => f.name === input('field').value)?.title ?? input('field').value);
const withinCode = () => state.within.at(-1)?.code ?? '';
const roll = (): api.RollQuery => ({
  field: input('field').value,
  level: input('level').value,
  period: input('period').value,
  where: kind() === 'disbursements' ? `transaction:${input('transaction').value}` : undefined,
});

// ---------- the map ----------

let map: maplibregl.Map | null = null;
/** Whether the map is to frame the unit drilled into once its tiles are drawn. */
let fitPending = false;
/** The unit the map frames ('': the country). */
let framed = '';

/** Frames the units within the unit drilled into (the whole country when none); false
 *  when there is nothing to move to. */
function fitWithin(m: maplibregl.Map): boolean {
  const within = withinCode();
  if (!within) {
    m.fitBounds(RWANDA, { padding: 10, duration: 0 });
    m.triggerRepaint();
    return true;
  }
  const parts = m.querySourceFeatures('records', { sourceLayer: 'records', filter: ['==', ['slice', ['get', 'code'], 0, within.length], within] });
  const bounds = new maplibregl.LngLatBounds();
  const add = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') bounds.extend(c as [number, number]);
    else if (Array.isArray(c)) c.forEach(add);
  };
  for (const f of parts) if ('coordinates' in f.geometry) add(f.geometry.coordinates);
  if (bounds.isEmpty()) return false;
  m.fitBounds(bounds, { padding: 30, duration: 0, maxZoom: 13 });
  m.triggerRepaint();
  return true;
}

/** The address of the tiles drawn. */
let mapTiles = '';

/** The situation style's basemap (boundaries, lakes, rivers) under the figure's units. */
function recordsStyle(style: StyleSpecification, catalog: CatalogLayer[], tiles: string): StyleSpecification {
  const basemap = new Set(catalog.filter(isBasemap).map((l) => l.id));
  const keep = (l: LayerSpecification) => l.type === 'background' || basemap.has(l.id.split(':')[0]);
  const below = style.layers.filter((l) => keep(l) && l.type !== 'symbol' && l.type !== 'line');
  const above = style.layers.filter((l) => keep(l) && (l.type === 'symbol' || l.type === 'line'));
  aboveFirst = above[0]?.id;
  return {
    ...style,
    sources: { ...style.sources, records: recordSource(tiles), events: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } },
    layers: [...below, ...figureLayers(), ...above, eventsLayer()],
  };
}

/** The first basemap layer drawn over the figures (lines and labels). */
let aboveFirst: string | undefined;

// Units are known by their codes, so that the gap map can give each its funding.
const recordSource = (tiles: string): maplibregl.SourceSpecification => ({ type: 'vector', tiles: [tiles], minzoom: 0, maxzoom: 14, promoteId: 'code' });

/** Whether the map draws funding against need (the gap) instead of the register's figure. */
const gapShown = () => kind() === 'disbursements' && ($('gap-map') as HTMLInputElement).checked && !!state.funding && typeof state.funding !== 'string';

/** The gap of each unit, and its classes (none unless the gap map is shown). */
function gap(): { values: Map<string, number>; breaks: number[] } {
  const f = state.funding;
  const values = gapShown() && f && typeof f !== 'string' ? gapValues(f) : new Map<string, number>();
  return { values, breaks: gapBreaks(values) };
}

/** The fill of the units: the gap's, or the figure's. */
const fillNow = () => (gapShown() ? gapFill(gap().breaks) : recordFill(state.breaks));

/** Gives each unit drawn its dollars per displaced person (as feature state), or none. */
function applyGap(m: maplibregl.Map) {
  if (!m.getSource('records')) return;
  m.removeFeatureState({ source: 'records', sourceLayer: 'records' });
  for (const [code, usd] of gap().values) m.setFeatureState({ source: 'records', sourceLayer: 'records', id: code }, { gap: usd });
  m.setPaintProperty('records:fill', 'fill-color', fillNow());
}

const figureLayers = (): LayerSpecification[] => [
  { id: 'records:fill', type: 'fill', source: 'records', 'source-layer': 'records', paint: { 'fill-color': fillNow(), 'fill-opacity': RECORD_OPACITY } },
  { id: 'records:selected', type: 'line', source: 'records', 'source-layer': 'records', filter: ['==', ['get', 'code'], ''], paint: { 'line-color': SELECTED, 'line-width': 2.5 } },
  { id: 'records:event', type: 'line', source: 'records', 'source-layer': 'records', filter: eventFilter(), paint: { 'line-color': UI['event-recorded'], 'line-width': 3, 'line-dasharray': [2, 1] } },
];

/** Whether the map draws the disaster events (the losses register, and the reader wants them). */
const placesShown = () => kind() === 'losses' && ($('events-map') as HTMLInputElement).checked && !!state.places;

/** The events layer: a circle per event and unit, over everything else. */
const eventsLayer = (): LayerSpecification => ({
  id: 'records:events',
  type: 'circle',
  source: 'events',
  layout: { visibility: placesShown() ? 'visible' : 'none', 'circle-sort-key': ['-', 0, ['get', 'radius']] },
  paint: {
    'circle-radius': ['get', 'radius'],
    'circle-color': placeColour(),
    'circle-opacity': 0.8,
    'circle-stroke-color': UI.surface,
    'circle-stroke-width': placeOutline(state.calibrated),
  },
});

/** The events layer drawn as read: its places, shown or not, the chosen event's outlined. */
function applyPlaces(m: maplibregl.Map) {
  const source = m.getSource('events') as maplibregl.GeoJSONSource | undefined;
  if (!source) return;
  source.setData(state.places ? placesData(state.places) : { type: 'FeatureCollection', features: [] });
  m.setLayoutProperty('records:events', 'visibility', placesShown() ? 'visible' : 'none');
  m.setPaintProperty('records:events', 'circle-stroke-width', placeOutline(state.calibrated));
}

/** The units of the level shown that hold the event calibrated (none when none is). */
function eventFilter(): maplibregl.FilterSpecification {
  const e = Array.isArray(state.events) ? state.events.find((x) => x.key === state.calibrated) : undefined;
  return ['in', ['get', 'code'], ['literal', e ? unitsAt(e, CODE_DIGITS[input('level').value] ?? 0) : []]];
}

/** Other figures: a new source, so that no tile of the former ones is drawn again (a
 *  source given new addresses re-reads the tiles it holds). */
function replaceSource(m: maplibregl.Map, tiles: string) {
  for (const l of figureLayers()) if (m.getLayer(l.id)) m.removeLayer(l.id);
  if (m.getSource('records')) m.removeSource('records');
  m.addSource('records', recordSource(tiles));
  for (const l of figureLayers()) m.addLayer(l, aboveFirst);
}

function tilesUrl(): string {
  return api.recordTilesUrl(kind(), roll(), input('at').value, state.rollup?.version ?? 0);
}

async function drawMap() {
  const url = tilesUrl();
  if (!map) {
    const [catalog, style] = await Promise.all([api.catalog(), api.situationStyle()]);
    state.catalog = catalog;
    fillNeedSelects();
    document.body.dataset.mapIdle = 'false';
    map = new maplibregl.Map({
      container: $('records-map'),
      style: recordsStyle(style, catalog, url),
      bounds: RWANDA,
      fitBoundsOptions: { padding: 10 },
      attributionControl: { compact: true },
      canvasContextAttributes: { preserveDrawingBuffer: true },
      transformRequest: (u) => (u.startsWith(api.origin()) ? { url: u, headers: api.authHeaders() } : { url: u }),
    });
    foldAttribution(map);
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 100 }), 'bottom-left');
    map.on('idle', () => {
      if (fitPending && map) {
        fitPending = false;
        if (fitWithin(map)) return;
      }
      document.body.dataset.mapIdle = 'true';
    });
    map.on('click', 'records:events', (e) => {
      const key = e.features?.[0]?.properties?.event;
      const chosen = Array.isArray(state.events) ? state.events.find((x) => x.key === key) : undefined;
      if (chosen) void calibrate(chosen);
    });
    map.on('mouseenter', 'records:events', () => map && (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', 'records:events', () => map && (map.getCanvas().style.cursor = ''));
    map.on('click', 'records:fill', (e) => {
      // A click on an event's circle chooses the event, not the unit under it.
      if (map?.getLayer('records:events') && map.queryRenderedFeatures(e.point, { layers: ['records:events'] }).length) return;
      const code = e.features?.[0]?.properties?.code;
      const unit = state.values.find((v) => v.code === code);
      if (unit) void drill(unit);
    });
    map.once('load', () => map && applyPlaces(map));
    (window as unknown as { sitroom: unknown }).sitroom = { map, state };
    mapTiles = url;
    return;
  }
  document.body.dataset.mapIdle = 'false';
  if (url !== mapTiles) replaceSource(map, url);
  mapTiles = url;
  applyGap(map);
  applyPlaces(map);
  const within = withinCode();
  if (within !== framed) {
    framed = within;
    fitPending = true;
  }
  map.setFilter('records:fill', within ? ['==', ['slice', ['get', 'code'], 0, within.length], within] : null);
  map.setFilter('records:selected', ['==', ['get', 'code'], state.picked?.code ?? '']);
  map.setFilter('records:event', eventFilter());
  map.triggerRepaint();
}

// ---------- reading ----------

function fillFields() {
  const fields = state.info?.schema.fields.filter((f) => f.aggregate) ?? [];
  const chosen = input('field').value;
  const preferred = kind() === 'losses' ? 'deaths' : 'value_usd';
  replace(input('field'), ...fields.map((f) => el('option', { value: f.name, selected: f.name === (fields.some((x) => x.name === chosen) ? chosen : preferred) }, fieldName(f.name, f.title))));
}

/** Whether the reader chose a period (else the latest is shown). */
let periodChosen = false;

function fillPeriods() {
  const periods = state.rollup ? periodsOf(state.rollup) : [];
  const chosen = input('at').value;
  const at = periodChosen && (periods.includes(chosen) || chosen === '') ? chosen : (periods.at(-1) ?? '');
  replace(input('at'), el('option', { value: '' }, t('rec.all_periods')), ...[...periods].reverse().map((p) => el('option', { value: p, selected: p === at }, p)));
  input('at').value = at;
}

function fillNeedSelects() {
  const options = (k: string, prefer: (l: CatalogLayer) => boolean) => {
    const layers = state.catalog.filter((l) => l.kind === k);
    const first = layers.find(prefer) ?? layers[0];
    return layers.map((l) => el('option', { value: l.id, selected: l === first }, l.title));
  };
  for (const id of ['need-hazard', 'link-layer', 'draft-hazard']) replace($(id), ...options('hazard', (l) => l.theme === 'flood'));
  for (const id of ['need-exposure', 'cal-exposure', 'draft-exposure']) replace($(id), ...options('exposure', (l) => l.theme === 'population'));
  fillLinkVersion();
}

/** The link form's version: the chosen hazard layer's current one. */
function fillLinkVersion() {
  const layer = state.catalog.find((l) => l.id === ($('link-layer') as HTMLSelectElement).value);
  if (layer) ($('link-version') as HTMLInputElement).value = String(layer.version);
}

async function readRegister() {
  state.info = await api.registerInfo(kind());
  fillFields();
}

async function readRollup() {
  state.rollup = await api.rollup(kind(), roll());
  fillPeriods();
  state.values = unitValues(state.rollup, input('at').value, withinCode());
  state.breaks = breaksOf(state.values);
}

async function readSendai() {
  if (kind() !== 'losses') return;
  try {
    state.sendai = await api.sendai(input('level').value);
  } catch (e) {
    state.sendai = (e as Error).message;
  }
}

async function readFunding() {
  if (kind() !== 'disbursements') return;
  const hazard = ($('need-hazard') as HTMLSelectElement).value;
  const exposure = ($('need-exposure') as HTMLSelectElement).value;
  try {
    state.funding = await api.againstNeed(hazard, exposure, input('level').value);
  } catch (e) {
    state.funding = (e as Error).message;
  }
}

async function readEvents() {
  if (kind() !== 'losses') return;
  try {
    const [events, places] = await Promise.all([api.lossEvents(), api.eventPlaces(input('period').value, input('at').value)]);
    state.events = events.events;
    state.places = places;
  } catch (e) {
    state.events = (e as Error).message;
    state.places = null;
  }
}

async function readCalibration() {
  if (!state.calibrated || kind() !== 'losses') return;
  try {
    state.calibration = await api.calibration(state.calibrated, ($('cal-exposure') as HTMLSelectElement).value);
  } catch (e) {
    state.calibration = (e as Error).message;
  }
}

async function readSeries() {
  const u = state.picked;
  const level = state.within.at(-1)?.level;
  state.series = u && level ? await api.rollup(kind(), { ...roll(), level, code: u.code }) : null;
}

/** Reads what the question asks and draws it all. */
async function load(what: { register?: boolean } = {}) {
  document.body.dataset.ready = 'false';
  state.error = '';
  try {
    if (what.register || !state.info) await readRegister();
    if (!state.info?.register) {
      state.rollup = null;
      state.values = [];
    } else {
      await readRollup();
      await Promise.all([readSendai(), readFunding(), readSeries(), readEvents()]);
    }
    if (state.rollup) await drawMap();
    await readCalibration();
  } catch (e) {
    state.error = (e as Error).message;
  }
  draw();
  document.body.dataset.ready = 'true';
}

// ---------- drawing ----------

function drawSource() {
  const reg = state.info?.register;
  const current = reg?.versions.find((v) => v.version === reg.current_version);
  $('synthetic').hidden = !current || !/synthetic/i.test(current.source_name);
  replace(
    $('register-source'),
    current
      ? t('rec.source', { version: current.version, file: current.source_name, who: current.imported_by, when: utc(current.imported_at), records: current.record_count })
      : state.info
        ? t('rec.empty')
        : '',
  );
}

function drawWithin() {
  const crumbs = [{ code: '', name: t('rec.country'), level: 'country' }, ...state.within];
  const parts: (HTMLElement | string)[] = crumbs.flatMap((c, i): (HTMLElement | string)[] =>
    i + 1 < crumbs.length
      ? [el('button', { type: 'button', class: 'link', 'data-code': c.code, onclick: () => void up(i), title: t('rec.up', { unit: c.name }) }, c.name), ' › ']
      : [el('strong', {}, state.within.length ? t('rec.within', { unit: c.name }) : c.name)],
  );
  replace($('within'), ...parts);
}

function draw() {
  translatePage();
  drawSource();
  drawWithin();
  $('transaction-box').hidden = kind() !== 'disbursements';
  $('sendai-section').hidden = kind() !== 'losses';
  $('events-section').hidden = kind() !== 'losses';
  $('funding-section').hidden = kind() !== 'disbursements';
  replace($('status'), state.error ? el('p', { class: 'error', role: 'alert' }, t(api.token() ? 'rec.failed' : 'rec.no_token', { error: state.error })) : '');
  const r = state.rollup;
  const level = input('level').value;
  const g = gap();
  replace(
    $('records-legend'),
    gapShown() ? gapLegend(t('rec.gap_legend', { level: levelName(level) }), g.breaks) : r ? legendView(legendTitle(fieldTitle(), level, input('at').value), state.breaks) : '',
  );
  $('events-map-box').hidden = kind() !== 'losses';
  replace($('places-legend'), placesShown() && state.places ? placesLegend(state.places) : '');
  const finer = LEVELS[LEVELS.indexOf(level) + 1];
  const hint = (u: UnitValue) => (finer ? t('rec.drill', { unit: u.name, units: levelsName(finer) }) : '');
  replace($('units'), r ? unitsTable(state.values, fieldTitle(), (u) => void drill(u), hint) : '');
  const coarser = r?.coarser.filter((c) => !input('at').value || c.period === input('at').value).reduce((s, c) => s + c.value, 0) ?? 0;
  replace($('coarser'), coarser ? t('rec.coarser', { value: coarser }) : '');
  const picked = state.picked;
  replace(
    $('series'),
    picked && state.series
      ? el('div', {}, el('h3', {}, t('rec.series_of', { field: fieldTitle(), unit: picked.name })), seriesTable(state.series, picked.code))
      : el('p', { class: 'note' }, t('rec.series_pick')),
  );
  drawSendai();
  drawFunding();
  drawEvents();
}

function drawSendai() {
  const a = state.sendai;
  const years = a && typeof a !== 'string' ? [...new Set(a.report.rows.map((r) => r.year))].sort((x, y) => y - x) : [];
  const select = $('sendai-year') as HTMLSelectElement;
  const at = input('period').value === 'year' ? Number(input('at').value) : NaN;
  const chosen = years.includes(at) ? at : years.includes(Number(select.value)) ? Number(select.value) : years[0];
  replace(select, ...years.map((y) => el('option', { value: y, selected: y === chosen }, y)));
  replace(
    $('sendai'),
    typeof a === 'string'
      ? el('p', { class: 'note' }, t('rec.sendai_none', { error: a }))
      : a && chosen
        ? el('div', {}, el('p', { class: 'note' }, t('rec.sendai_intro', { level: levelName(a.level), year: chosen, population: a.report.population[0] })), sendaiTable(a, chosen, withinCode()))
        : '',
  );
}

function drawEvents() {
  const ev = state.events;
  const list = Array.isArray(ev) ? ev : [];
  replace($('events-timeline'), list.length ? timelineView(list, (e) => void calibrate(e)) : '');
  // The events of the year shown above (else the latest), and the one calibrated.
  const year = input('period').value === 'year' ? input('at').value : '';
  const shown = list.filter((e, i) => (year ? e.first.startsWith(year) : i < LATEST_EVENTS) || e.key === state.calibrated);
  const intro = year ? t('rec.events_in_year', { shown: shown.length, all: list.length, year }) : t('rec.events_latest', { shown: shown.length, all: list.length });
  replace(
    $('events'),
    typeof ev === 'string'
      ? el('p', { class: 'note' }, t('rec.events_none', { error: ev }))
      : list.length
        ? el('div', {}, el('p', { class: 'note' }, intro), eventsTable(shown, (e) => void calibrate(e), state.calibrated))
        : ev
          ? el('p', { class: 'note' }, t('rec.events_empty'))
          : '',
  );
  const chosen = ($('link-event') as HTMLSelectElement).value;
  replace($('link-event'), ...list.map((e) => el('option', { value: e.key, selected: e.key === chosen }, `${e.first} — ${eventTitle(e)}`)));
  const c = state.calibration;
  replace($('calibration'), typeof c === 'string' ? el('p', { class: 'note' }, t('rec.cal.failed', { error: c })) : c ? el('div', {}, calibrationView(c), el('p', { class: 'actions' }, el('button', { type: 'button', id: 'calibration-csv', onclick: () => void download(api.csvPaths.calibration(c.event.key, ($('cal-exposure') as HTMLSelectElement).value), 'calibration.csv') }, t('rec.cal.csv')))) : '');
}

/** How many events the table lists when no year is chosen. */
const LATEST_EVENTS = 30;

/** Event `e` set against the model: its calibration read and shown. */
async function calibrate(e: LossEvent) {
  state.calibrated = e.key;
  ($('link-event') as HTMLSelectElement).value = e.key;
  await readCalibration();
  drawEvents();
  map?.setFilter('records:event', eventFilter());
  if (map) applyPlaces(map);
  $('calibration').scrollIntoView({ block: 'nearest' });
}

function drawFunding() {
  const f = state.funding;
  const hazard = ($('need-hazard') as HTMLSelectElement).selectedOptions[0]?.textContent ?? '';
  const exposure = ($('need-exposure') as HTMLSelectElement).selectedOptions[0]?.textContent ?? '';
  replace(
    $('funding'),
    typeof f === 'string'
      ? el('p', { class: 'note' }, t('rec.funding_none', { error: f }))
      : f
        ? el('div', {}, el('p', { class: 'note' }, t('rec.funding_intro', { level: levelName(input('level').value), hazard, exposure })), fundingTable(f, withinCode()))
        : '',
  );
}

// ---------- drill-down ----------

/** Into `u`: its figures over time, and the units of the next level in it. */
async function drill(u: UnitValue) {
  const level = input('level').value;
  state.within.push({ code: u.code, name: u.name, level });
  state.picked = u;
  const finer = LEVELS[LEVELS.indexOf(level) + 1];
  if (finer) input('level').value = finer;
  await load();
}

/** Back to the unit at `i` in the trail (0: the country). */
async function up(i: number) {
  // The level the unit after it was chosen at: that of the units in it.
  input('level').value = state.within[i]?.level ?? 'district';
  state.within = state.within.slice(0, i);
  state.picked = state.within.length ? { code: withinCode(), name: state.within[i - 1].name, value: null, records: 0 } : null;
  await load();
}

// ---------- downloads ----------

async function download(path: string, file: string) {
  try {
    await api.downloadCsv(path, file);
  } catch (e) {
    replace($('status'), el('p', { class: 'error', role: 'alert' }, (e as Error).message));
  }
}

$('units-csv').addEventListener('click', () => void download(api.csvPaths.rollup(kind(), roll()), `${kind()}-${input('field').value}-by-${input('level').value}.csv`));
$('records-csv').addEventListener('click', () => void download(api.csvPaths.records(kind()), `${kind()}-records.csv`));
$('sendai-csv').addEventListener('click', () => {
  const year = Number(($('sendai-year') as HTMLSelectElement).value);
  void download(api.csvPaths.sendai(input('level').value, year), `sendai-${input('level').value}-${year}.csv`);
});
$('funding-csv').addEventListener('click', () =>
  void download(api.csvPaths.funding(($('need-hazard') as HTMLSelectElement).value, ($('need-exposure') as HTMLSelectElement).value, input('level').value), `funding-against-need-${input('level').value}.csv`),
);

// ---------- wiring ----------

question.addEventListener('change', (e) => {
  const name = (e.target as HTMLSelectElement).name;
  if (name === 'at') periodChosen = true;
  if (name === 'kind' || name === 'period') periodChosen = false;
  if (name === 'kind') {
    state.within = [];
    state.picked = null;
    input('at').value = '';
  }
  if (name === 'level') {
    // A level above the unit drilled into leaves it.
    const digits = CODE_DIGITS[input('level').value] ?? 0;
    state.within = state.within.filter((w) => w.code.length < digits);
  }
  void load({ register: name === 'kind' });
});
const redrawFunding = () => {
  draw();
  if (map) {
    document.body.dataset.mapIdle = 'false';
    applyGap(map);
    map.triggerRepaint();
  }
};
for (const id of ['need-hazard', 'need-exposure']) $(id).addEventListener('change', () => void readFunding().then(redrawFunding));
$('gap-map').addEventListener('change', redrawFunding);
$('events-map').addEventListener('change', () => {
  draw();
  if (map) applyPlaces(map);
});
$('sendai-year').addEventListener('change', drawSendai);
$('events-csv').addEventListener('click', () => void download(api.csvPaths.events(), 'loss-events.csv'));
$('cal-exposure').addEventListener('change', () => void readCalibration().then(drawEvents));
$('link-layer').addEventListener('change', fillLinkVersion);
$('link-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const event = ($('link-event') as HTMLSelectElement).value;
  const layer = `${($('link-layer') as HTMLSelectElement).value}@${($('link-version') as HTMLInputElement).value}`;
  const alerts = ($('link-alerts') as HTMLInputElement).value.split(/\s+/).filter(Boolean);
  api
    .linkEvent(event, layer, alerts)
    .then(async (answer) => {
      const version = (answer as { version: { version: number } }).version.version;
      replace($('link-status'), t('rec.link_done', { event, version }));
      state.calibrated = event;
      await load({ register: true });
    })
    .catch((err: Error) => replace($('link-status'), el('span', { class: 'error' }, t('rec.link_failed', { error: err.message }))));
});
$('drafts-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const v = (id: string) => ($(id) as HTMLInputElement).value.trim();
  const q: api.DraftQuery = { hazard: v('draft-hazard'), exposure: v('draft-exposure'), by: v('draft-level'), date: v('draft-date'), event: v('draft-name'), glide: v('draft-glide') };
  void download(api.csvPaths.drafts(q), `loss-drafts-${q.date}.csv`);
});
const tokenInput = $('token') as HTMLInputElement;
tokenInput.value = api.token() ?? '';
tokenInput.addEventListener('change', () => {
  // The browser sends change again when the field loses focus (a click on the map): the
  // same token keeps the map, and the click.
  if (tokenInput.value.trim() === (api.token() ?? '')) return;
  api.setToken(tokenInput.value);
  map?.remove();
  map = null;
  void load({ register: true });
});
languageMenu($('language') as HTMLSelectElement, (lang) => {
  setLanguage(lang);
  fillFields();
  fillPeriods();
  draw();
});
translatePage();
void load({ register: true });
