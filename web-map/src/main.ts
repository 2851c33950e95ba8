// The situation room: map, layer panel, dashboard, briefing mode and print view, all fed
// by this server's tiles, features and exposure APIs, refreshed by its version events.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker ships as its own file; served by us like everything else.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './styles.css';

import * as api from './api';
import { el, replace } from './dom';
import {
  type Report,
  type SortKey,
  type UnitFigures,
  headline,
  needsOf,
  people,
  ranked,
  sortBy,
  toCsv,
} from './figures';
import {
  LEVELS,
  type Level,
  type State,
  ancestry,
  childLevel,
  levelOfCode,
  moveLayer,
  parseHash,
  toHash,
} from './state';
import {
  AGGREGATE_BREAKS,
  AGGREGATE_COLOURS,
  CHOROPLETH_COLOURS,
  CLASS_COLOURS,
  CLASS_LABELS,
  CLASS_ORDER,
  type CatalogLayer,
  buildStyle,
  choroplethUrl,
  defaultOpacity,
  quantileBreaks,
  WITHHELD_COLOUR,
} from './style';

declare global {
  interface Window {
    sitroom: { map: maplibregl.Map };
  }
}

let state: State = parseHash(window.location.hash);
let layers: CatalogLayer[] = [];
let report: Report | null = null;
let breaks: number[] = [];
let sort: { key: SortKey; descending: boolean } = { key: 'exposed', descending: true };
let map: maplibregl.Map;

const $ = (id: string) => document.getElementById(id) as HTMLElement;

function saveState() {
  const hash = toHash(state);
  if (hash !== window.location.hash) history.replaceState(null, '', hash);
}

/** Picks sensible defaults for what the link did not say. */
function completeState() {
  const ids = new Set(layers.map((l) => l.id));
  const hazards = layers.filter((l) => l.kind === 'hazard');
  const exposures = layers.filter((l) => l.kind === 'exposure' && (l.sensitivity === 'public' || api.token()));
  if (!state.hazard || !ids.has(state.hazard)) state.hazard = hazards.find((l) => l.theme === 'flood')?.id ?? hazards[0]?.id ?? null;
  if (!state.exposure || !ids.has(state.exposure))
    state.exposure = exposures.find((l) => l.theme === 'population')?.id ?? exposures[0]?.id ?? null;
  state.layers = state.layers.filter((id) => ids.has(id));
  if (state.layers.length === 0 && !window.location.hash.includes('layers=')) {
    state.layers = [state.hazard, ...layers.filter((l) => l.theme === 'camp').map((l) => l.id)].filter((x): x is string => !!x);
  }
}

function focusLevel(): Level {
  return state.unit ? (childLevel(levelOfCode(state.unit) ?? 'district') ?? 'village') : state.level;
}

function style() {
  const level = focusLevel();
  const stamp = report ? `${report.hazard.version}.${report.exposure.version}.${report.boundary.version}` : '0';
  return buildStyle(layers, {
    origin: api.origin(),
    visible: state.layers,
    opacity: state.opacity,
    choropleth:
      state.hazard && state.exposure
        ? { url: choroplethUrl(api.origin(), state.hazard, state.exposure, level, stamp), breaks, level }
        : null,
    selected: null,
  });
}

function restyle() {
  map.setStyle(style(), { diff: true });
}

// ---------- layer panel ----------

function renderLayers() {
  const data = layers.filter((l) => l.kind !== 'boundary');
  const order = [...state.layers].reverse();
  const rest = data.filter((l) => !state.layers.includes(l.id));
  const row = (l: CatalogLayer) => {
    const on = state.layers.includes(l.id);
    const aggregated = !l.detail;
    const opacity = state.opacity[l.id] ?? defaultOpacity(l);
    return el(
      'li',
      { class: `layer${on ? ' on' : ''}`, 'data-layer': l.id },
      el(
        'label',
        {},
        el('input', {
          type: 'checkbox',
          checked: on,
          'aria-label': `Show ${l.title}`,
          onchange: (e: Event) => {
            const checked = (e.target as HTMLInputElement).checked;
            state.layers = checked ? [...state.layers, l.id] : state.layers.filter((x) => x !== l.id);
            saveState();
            restyle();
            renderLayers();
            renderLegend();
          },
        }),
        ` ${l.title}`,
        el('span', { class: 'version' }, ` v${l.version}`),
      ),
      aggregated ? el('div', { class: 'note' }, 'Restricted: households per admin unit (under 5 withheld); an analyst token shows them') : null,
      on
        ? el(
            'div',
            { class: 'controls' },
            el('input', {
              type: 'range',
              min: 0,
              max: 1,
              step: 0.05,
              value: opacity,
              'aria-label': `Opacity of ${l.title}`,
              oninput: (e: Event) => {
                state.opacity[l.id] = Number((e.target as HTMLInputElement).value);
                saveState();
                restyle();
              },
            }),
            el('button', { type: 'button', title: 'Draw above', 'aria-label': `Move ${l.title} up`, onclick: () => reorder(l.id, true) }, '▲'),
            el('button', { type: 'button', title: 'Draw below', 'aria-label': `Move ${l.title} down`, onclick: () => reorder(l.id, false) }, '▼'),
          )
        : null,
    );
  };
  replace(
    $('layer-list'),
    ...order.map((id) => data.find((l) => l.id === id)).filter((l): l is CatalogLayer => !!l).map(row),
    ...rest.map(row),
  );
}

function reorder(id: string, up: boolean) {
  state.layers = moveLayer(state.layers, id, up);
  saveState();
  restyle();
  renderLayers();
}

function renderLegend() {
  const parts: Node[] = [];
  if (state.layers.some((id) => layers.find((l) => l.id === id)?.kind === 'hazard')) {
    parts.push(
      el('h3', {}, 'Hazard class'),
      ...CLASS_ORDER.map((c) => el('div', { class: 'key' }, el('span', { class: 'swatch', style: `background:${CLASS_COLOURS[c]}` }), CLASS_LABELS[c])),
    );
  }
  if (breaks.length > 0) {
    const bounds = [0, ...breaks];
    parts.push(
      el('h3', {}, `People exposed per ${focusLevel()}`),
      ...bounds.map((b, i) =>
        el(
          'div',
          { class: 'key' },
          el('span', { class: 'swatch', style: `background:${CHOROPLETH_COLOURS[i]}` }),
          i + 1 < bounds.length ? `${people(b)} – ${people(bounds[i + 1])}` : `${people(b)} or more`,
        ),
      ),
    );
  }
  for (const l of layers.filter((x) => !x.detail && state.layers.includes(x.id))) {
    const bounds = [1, ...AGGREGATE_BREAKS];
    parts.push(
      el('h3', {}, `${l.title}: households per unit`),
      el('div', { class: 'key' }, el('span', { class: 'swatch', style: `background:${WITHHELD_COLOUR}` }), 'Under 5: withheld'),
      ...bounds.slice(1).map((b, i) =>
        el(
          'div',
          { class: 'key' },
          el('span', { class: 'swatch', style: `background:${AGGREGATE_COLOURS[i + 1]}` }),
          i + 2 < bounds.length ? `${people(b)} – ${people(bounds[i + 2])}` : `${people(b)} or more`,
        ),
      ),
    );
  }
  replace($('legend'), ...parts);
}

// ---------- dashboard ----------

async function loadReport() {
  if (!state.hazard || !state.exposure) return;
  const level = focusLevel();
  $('dashboard').setAttribute('aria-busy', 'true');
  try {
    report = await api.exposure(state.hazard, state.exposure, level);
    for (const u of report.units) if (u.name) unitNames.set(u.code, u.name);
    await nameAncestors();
    const rows = ranked(report, state.unit);
    breaks = quantileBreaks(rows.map((r) => r.exposed));
    restyle();
    renderDashboard();
    renderLegend();
    renderBriefing();
  } catch (e) {
    replace($('figures'), el('p', { class: 'error', role: 'alert' }, `Could not compute exposure: ${(e as Error).message}`));
  } finally {
    $('dashboard').removeAttribute('aria-busy');
  }
}

function select(id: string, label: string, options: CatalogLayer[] | readonly string[], value: string | null, onchange: (v: string) => void) {
  return el(
    'label',
    { class: 'select' },
    label,
    el(
      'select',
      { id, onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) },
      ...options.map((o) =>
        typeof o === 'string'
          ? el('option', { value: o, selected: o === value }, o)
          : el('option', { value: o.id, selected: o.id === value }, o.title),
      ),
    ),
  );
}

function renderControls() {
  const hazards = layers.filter((l) => l.kind === 'hazard');
  const exposures = layers.filter((l) => l.kind === 'exposure');
  const levels = LEVELS.filter((l) => l !== 'country' && layers.some((b) => b.kind === 'boundary' && b.theme === l));
  replace(
    $('question'),
    select('hazard', 'Hazard', hazards, state.hazard, (v) => {
      state.hazard = v;
      changed();
    }),
    select('exposure', 'Exposure', exposures, state.exposure, (v) => {
      state.exposure = v;
      changed();
    }),
    select('level', 'By', levels, state.level, (v) => {
      state.level = v as Level;
      state.unit = null;
      changed();
    }),
  );
}

function changed() {
  saveState();
  void loadReport();
}

function drill(code: string | null) {
  state.unit = code;
  if (code) state.level = levelOfCode(code) ?? state.level;
  saveState();
  const row = report?.units.find((u) => u.code === code);
  if (row?.bbox) map.fitBounds(row.bbox as maplibregl.LngLatBoundsLike, { padding: 40, duration: 800 });
  else if (!code) map.flyTo({ center: [29.9, -1.95], zoom: 7.6 });
  void loadReport();
}

function renderDashboard() {
  if (!report) return;
  const rows = ranked(report, state.unit);
  const h = headline(rows);
  const needs = needsOf(h.displaced, report.needs_standard);
  const asOf = new Date(report.computed_at);
  const where = state.unit ? unitName(state.unit) : 'Rwanda';
  replace(
    $('breadcrumb'),
    ...ancestry(state.unit).flatMap((code, i, all) => [
      i > 0 ? ' › ' : '',
      i === all.length - 1
        ? el('strong', {}, code === '' ? 'Country' : unitName(code))
        : el('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), drill(code === '' ? null : code)) }, code === '' ? 'Country' : unitName(code)),
    ]),
  );
  replace(
    $('figures'),
    card('Exposed', h.exposed, 'people in hazard zones', 'exposed'),
    card('Affected', h.affected, 'in classes that count as affected', 'affected'),
    card('Displaced', h.displaced, 'expected to leave their homes', 'displaced'),
    el(
      'div',
      { class: 'needs', 'data-figure': 'needs' },
      el('h3', {}, 'Needs of the displaced, per day'),
      el('ul', {},
        el('li', {}, `${people(needs.food_kcal_per_day / 1e6)} million kcal of food`),
        el('li', {}, `${people(needs.water_litres_per_day)} litres of water`),
        el('li', {}, `${people(needs.shelter_m2)} m² of covered space`),
        el('li', {}, `${people(needs.latrines)} latrines`),
      ),
    ),
    el('p', { class: 'asof' },
      `${where}: as of ${asOf.toISOString().replace('T', ' ').slice(0, 16)} UTC, from ${report.hazard.title} v${report.hazard.version}, ${report.exposure.title} v${report.exposure.version}, ${report.boundary.title} v${report.boundary.version}.`,
      report.redacted ? ' Restricted layer: units under 5 households are withheld.' : '',
    ),
  );
  $('asof-top').textContent = `Figures as of ${asOf.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  renderChart(h, rows);
  renderTable(rows);
}

/** Names of units seen so far, by code (reports, searches). */
const unitNames = new Map<string, string>();

function unitName(code: string): string {
  return unitNames.get(code) ?? code;
}

/** Looks up the names of the units above the one drilled into (a shared link may open
 *  straight on a sector). */
async function nameAncestors() {
  for (const code of ancestry(state.unit)) {
    if (code === '' || unitNames.has(code)) continue;
    const { results } = await api.search(code);
    const hit = results.find((r) => r.code === code);
    if (hit) unitNames.set(code, hit.name);
  }
}

function card(title: string, value: number, note: string, key: string) {
  return el('div', { class: 'card', 'data-figure': key }, el('h3', {}, title), el('div', { class: 'value' }, people(value)), el('div', { class: 'note' }, note));
}

function renderChart(h: ReturnType<typeof headline>, rows: UnitFigures[]) {
  const byClass = CLASS_ORDER.map((c) => ({ c, v: rows.reduce((s, r) => s + r.byClass[c], 0) }));
  const max = Math.max(1, ...byClass.map((b) => b.v));
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 320 120');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `People exposed by hazard class: ${byClass.map((b) => `${CLASS_LABELS[b.c]} ${people(b.v)}`).join(', ')}`);
  byClass.forEach((b, i) => {
    const y = 8 + i * 28;
    const w = (b.v / max) * 200;
    const rect = document.createElementNS(svgNs, 'rect');
    Object.entries({ x: 90, y, width: Math.max(w, 1), height: 20, fill: CLASS_COLOURS[b.c] }).forEach(([k, v]) => rect.setAttribute(k, String(v)));
    const label = document.createElementNS(svgNs, 'text');
    Object.entries({ x: 84, y: y + 15, 'text-anchor': 'end' }).forEach(([k, v]) => label.setAttribute(k, String(v)));
    label.textContent = CLASS_LABELS[b.c];
    const value = document.createElementNS(svgNs, 'text');
    Object.entries({ x: 96 + w, y: y + 15 }).forEach(([k, v]) => value.setAttribute(k, String(v)));
    value.textContent = people(b.v);
    svg.append(rect, label, value);
  });
  replace($('chart'), el('h3', {}, `Exposed by class (of ${people(h.population)} people)`), svg);
}

function renderTable(rows: UnitFigures[]) {
  const sorted = sortBy(rows, sort.key, sort.descending);
  const header = (key: SortKey, label: string) =>
    el(
      'th',
      { scope: 'col', 'aria-sort': sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none' },
      el('button', { type: 'button', onclick: () => ((sort = { key, descending: sort.key === key ? !sort.descending : key !== 'name' }), renderTable(rows)) }, label),
    );
  const canDrill = childLevel(focusLevel()) !== null;
  replace(
    $('table'),
    el('div', { class: 'table-head' },
      el('h3', {}, `Worst ${focusLevel()}s`),
      el('button', { type: 'button', id: 'export-csv', onclick: () => exportCsv(sorted) }, 'Export CSV'),
    ),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, header('name', 'Unit'), header('exposed', 'Exposed'), header('affected', 'Affected'), header('displaced', 'Displaced'), header('population', 'Population'))),
      el(
        'tbody',
        {},
        ...sorted.map((r) =>
          el(
            'tr',
            { 'data-code': r.code },
            el('th', { scope: 'row' }, canDrill ? el('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), drill(r.code)) }, r.name) : r.name),
            ...(r.suppressed
              ? [el('td', { colspan: 4 }, 'withheld (fewer than 5 households)')]
              : [r.exposed, r.affected, r.displaced, r.population].map((v) => el('td', {}, people(v)))),
          ),
        ),
      ),
    ),
  );
}

function exportCsv(rows: UnitFigures[]) {
  if (!report) return;
  const blob = new Blob([toCsv(rows, report)], { type: 'text/csv' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `exposure-${report.hazard.layer}-${report.exposure.layer}-${focusLevel()}.csv` });
  a.click();
  URL.revokeObjectURL(a.href);
}

async function renderCamps() {
  const camps = layers.filter((l) => l.theme === 'camp' && l.detail);
  const hazard = state.hazard;
  if (!camps.length || !hazard) return;
  const items: Node[] = [];
  for (const layer of camps) {
    const fc = await api.features(layer.id);
    const rows = await Promise.all(
      fc.features.map(async (f) => {
        const [lon, lat] = f.geometry.coordinates;
        const at = await api.hazardsAt(lon, lat);
        const cls = at.hazards.find((h) => h.layer === hazard)?.class ?? null;
        const name = String(f.properties.name ?? f.properties.title ?? f.id);
        return { name, cls };
      }),
    );
    rows.sort((a, b) => rank(a.cls) - rank(b.cls));
    for (const r of rows) {
      items.push(el('li', { 'data-class': r.cls ?? 'none' }, el('span', { class: 'swatch', style: `background:${r.cls ? CLASS_COLOURS[r.cls as keyof typeof CLASS_COLOURS] : '#fff'}` }), `${r.name}: ${CLASS_LABELS[(r.cls ?? 'none') as keyof typeof CLASS_LABELS]}`));
    }
  }
  replace($('camps'), el('h3', {}, 'Camps and transit centres'), el('ul', {}, ...items));
}
const rank = (c: string | null) => (c ? CLASS_ORDER.indexOf(c as (typeof CLASS_ORDER)[number]) : 99);

// ---------- briefing mode ----------

let briefingTimer: number | undefined;
let briefingIndex = -1;

function renderBriefing() {
  document.body.classList.toggle('briefing', state.briefing);
  if (!state.briefing || !report) {
    window.clearInterval(briefingTimer);
    briefingTimer = undefined;
    return;
  }
  const worst = ranked(report, state.unit).slice(0, 5);
  const focus = briefingIndex >= 0 ? worst[briefingIndex] : null;
  const rows = focus ? [focus] : ranked(report, state.unit);
  const h = headline(rows);
  replace(
    $('briefing'),
    el('h2', {}, focus ? focus.name : state.unit ? unitName(state.unit) : 'Rwanda', el('span', { class: 'hazard' }, ` — ${report.hazard.title}`)),
    el('div', { class: 'big' },
      el('div', {}, el('span', { class: 'n' }, people(h.exposed)), el('span', { class: 'l' }, 'exposed')),
      el('div', {}, el('span', { class: 'n' }, people(h.affected)), el('span', { class: 'l' }, 'affected')),
      el('div', {}, el('span', { class: 'n' }, people(h.displaced)), el('span', { class: 'l' }, 'likely displaced')),
    ),
    el('ol', { class: 'worst' }, ...worst.map((w, i) => el('li', { class: i === briefingIndex ? 'current' : '' }, `${w.name}: ${people(w.exposed)} exposed`))),
    el('p', { class: 'asof' }, `As of ${report.computed_at.slice(0, 16).replace('T', ' ')} UTC · ${report.hazard.title} v${report.hazard.version} · ${report.exposure.title} v${report.exposure.version} · ← → to step, Esc to leave`),
  );
  if (focus?.bbox) map.fitBounds(focus.bbox as maplibregl.LngLatBoundsLike, { padding: 60, duration: 1000 });
  if (briefingTimer === undefined) {
    briefingTimer = window.setInterval(() => step(1), 10000);
  }
}

function step(by: number) {
  if (!report) return;
  const n = Math.min(5, ranked(report, state.unit).length);
  briefingIndex = ((briefingIndex + 1 + by + (n + 1)) % (n + 1)) - 1;
  renderBriefing();
}

function setBriefing(on: boolean) {
  state.briefing = on;
  briefingIndex = -1;
  saveState();
  renderBriefing();
  setTimeout(() => map.resize(), 50);
}

// ---------- print ----------

function preparePrint() {
  if (!report) return;
  const rows = ranked(report, state.unit).slice(0, 10);
  const h = headline(ranked(report, state.unit));
  const image = map.getCanvas().toDataURL('image/png');
  const attributions = [...new Set(layers.map((l) => l.attribution).filter(Boolean))];
  replace(
    $('print'),
    el('h1', {}, `${report.hazard.title}: exposure of ${report.exposure.title}`),
    el('p', {}, `${state.unit ? unitName(state.unit) : 'Rwanda'} · as of ${report.computed_at.slice(0, 16).replace('T', ' ')} UTC`),
    el('img', { src: image, alt: 'Map of the situation' }),
    el('p', { class: 'big' }, `${people(h.exposed)} exposed · ${people(h.affected)} affected · ${people(h.displaced)} likely displaced`),
    el('table', {},
      el('thead', {}, el('tr', {}, ...['Unit', 'Exposed', 'Affected', 'Displaced'].map((t) => el('th', {}, t)))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, el('td', {}, r.name), ...[r.exposed, r.affected, r.displaced].map((v) => el('td', {}, people(v)))))),
    ),
    el('p', { class: 'sources' }, `Sources: ${report.hazard.title} v${report.hazard.version}, ${report.exposure.title} v${report.exposure.version}, ${report.boundary.title} v${report.boundary.version}. ${attributions.join(' · ')}`),
  );
}

// ---------- map interaction, search, events ----------

async function showPlace(e: maplibregl.MapMouseEvent) {
  const { lng, lat } = e.lngLat;
  const at = await api.hazardsAt(Number(lng.toFixed(6)), Number(lat.toFixed(6)));
  const body = el(
    'div',
    { class: 'place' },
    el('h3', {}, at.units.length ? at.units.map((u) => u.name ?? u.code).join(' › ') : 'Outside Rwanda’s units'),
    el('ul', {}, ...at.hazards.map((h) => el('li', {}, `${h.title}: `, el('strong', {}, CLASS_LABELS[(h.class ?? 'none') as keyof typeof CLASS_LABELS])))),
  );
  new maplibregl.Popup({ maxWidth: '320px' }).setLngLat(e.lngLat).setDOMContent(body).addTo(map);
}

async function runSearch(q: string) {
  if (q.trim().length < 2) return replace($('search-results'));
  const { results } = await api.search(q);
  for (const r of results) if (r.code && r.kind === 'boundary') unitNames.set(r.code, r.name);
  replace(
    $('search-results'),
    ...results.slice(0, 12).map((r) =>
      el('li', {}, el('button', { type: 'button', onclick: () => { map.fitBounds(r.bbox, { padding: 60, maxZoom: 15 }); replace($('search-results')); } }, `${r.name}`, el('span', { class: 'kind' }, ` ${r.level}${r.code ? ` ${r.code}` : ''}`))),
    ),
  );
}

async function refresh() {
  layers = await api.catalog();
  completeState();
  restyle();
  renderLayers();
  renderControls();
  await loadReport();
}

async function start() {
  maplibregl.setWorkerUrl(workerUrl);
  layers = await api.catalog();
  completeState();
  map = new maplibregl.Map({
    container: 'map',
    style: style(),
    center: [state.view.lon, state.view.lat],
    zoom: state.view.zoom,
    attributionControl: { compact: true },
    canvasContextAttributes: { preserveDrawingBuffer: true },
    // The token goes to our own server only.
    transformRequest: (url) => (url.startsWith(api.origin()) ? { url, headers: api.authHeaders() } : { url }),
  });
  // For scripts and tests driving the page.
  window.sitroom = { map };
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  map.on('moveend', () => {
    const c = map.getCenter();
    state.view = { lon: c.lng, lat: c.lat, zoom: map.getZoom() };
    saveState();
  });
  map.on('click', (e) => void showPlace(e));
  // No view in the link: frame the country, whatever the screen size.
  if (!window.location.hash.includes('map=')) {
    const extent = layers.find((l) => l.kind === 'boundary' && l.theme !== 'country' && l.bounds)?.bounds;
    if (extent) map.fitBounds(extent, { padding: 20, animate: false });
  }
  map.on('idle', () => document.body.setAttribute('data-map-idle', 'true'));
  map.on('dataloading', () => document.body.removeAttribute('data-map-idle'));
  renderLayers();
  renderLegend();
  renderControls();
  await loadReport();
  saveState();
  void renderCamps();

  const tokenInput = $('token') as HTMLInputElement;
  tokenInput.value = api.token() ?? '';
  $('sign-in').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = tokenInput.value.trim();
    if (t) sessionStorage.setItem('sitroom-token', t);
    else sessionStorage.removeItem('sitroom-token');
    void refresh();
  });
  $('briefing-button').addEventListener('click', () => setBriefing(!state.briefing));
  $('print-button').addEventListener('click', () => {
    preparePrint();
    window.print();
  });
  window.addEventListener('beforeprint', preparePrint);
  window.addEventListener('keydown', (e) => {
    if (!state.briefing) return;
    if (e.key === 'ArrowRight') step(1);
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === 'Escape') setBriefing(false);
  });
  let pending: number | undefined;
  $('search').addEventListener('input', (e) => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => void runSearch((e.target as HTMLInputElement).value), 200);
  });
  const events = new EventSource('/events');
  // One event per new layer version; 'resync' when this page missed some.
  for (const name of ['layer', 'resync']) events.addEventListener(name, () => void refresh());
  if (state.briefing) setBriefing(true);
  document.body.setAttribute('data-ready', 'true');
}

void start().catch((e: Error) => {
  replace($('figures'), el('p', { class: 'error', role: 'alert' }, `The situation room could not start: ${e.message}`));
});
