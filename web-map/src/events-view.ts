// What the losses page draws of the disaster events from the server's answers — a
// timeline (one mark per event, placed by its date, sized by its deaths, marked as
// reported or synthetic by what its records cite), the table of events, and an event's
// calibration (displaced as recorded against the model's, and the rates they suggest) —
// with no request of its own.
import { el } from './dom';
import { number, t } from './i18n';
import { figure } from './records-view';
import type { EventCalibration, EventPlaces, LossEvent } from './types';
import type { FeatureCollection, Point } from 'geojson';
import type { ExpressionSpecification } from 'maplibre-gl';
import { UI } from './palette';

const SVG = 'http://www.w3.org/2000/svg';

/** Where an event's figures come from, as its records' sources say. */
export type Provenance = 'reported' | 'synthetic' | 'recorded';

export function provenance(e: Pick<LossEvent, 'sources'>): Provenance {
  if (e.sources.some((s) => /synthetic/i.test(s))) return 'synthetic';
  if (e.sources.some((s) => /^reported/i.test(s))) return 'reported';
  return 'recorded';
}

/** The timeline's width and height in its own units. */
export const TIMELINE = { width: 1000, height: 110, axis: 90, margin: 20 };

/** One event's mark: across by its date, its radius growing with the square root of its
 *  deaths (an event without deaths: the smallest). */
export interface Mark {
  key: string;
  x: number;
  r: number;
  provenance: Provenance;
}

/** A mark's radius (pixels) for `deaths` deaths, on the timeline and the map alike: it
 *  grows with their square root, from 3 for none to at most 18. */
export const markRadius = (deaths: number) => Math.min(18, 3 + 1.5 * Math.sqrt(Math.max(0, deaths)));

const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

/** The marks of `events` and the years along the axis. */
export function timeline(events: LossEvent[]): { marks: Mark[]; years: { year: number; x: number }[] } {
  if (!events.length) return { marks: [], years: [] };
  const first = new Date(Math.min(...events.map((e) => day(e.first))) * 86_400_000).getUTCFullYear();
  const last = new Date(Math.max(...events.map((e) => day(e.first))) * 86_400_000).getUTCFullYear();
  const from = day(`${first}-01-01`);
  const to = day(`${last + 1}-01-01`);
  const { width, margin } = TIMELINE;
  const x = (d: number) => margin + ((d - from) / (to - from)) * (width - 2 * margin);
  const marks = events.map((e) => ({
    key: e.key,
    x: x(day(e.first)),
    r: markRadius(e.toll.deaths ?? 0),
    provenance: provenance(e),
  }));
  const years = [];
  for (let y = first; y <= last; y++) years.push({ year: y, x: x(day(`${y}-01-01`)) });
  return { marks, years };
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

/** The units of the level whose codes have `digits` digits that hold the event's
 *  units (a unit coded coarser than the level is in none of them). */
export const unitsAt = (e: LossEvent, digits: number): string[] => [...new Set(e.codes.filter((c) => c.length >= digits).map((c) => c.slice(0, digits)))].sort();

/** An event's title: its name as recorded, else its key. */
export const eventTitle = (e: LossEvent) => e.name ?? e.key;

/** The timeline drawn: the biggest marks first, so that small ones stay on top. */
export function timelineView(events: LossEvent[], pick: (e: LossEvent) => void): SVGSVGElement {
  const { marks, years } = timeline(events);
  const { width, height, axis } = TIMELINE;
  const byKey = new Map(events.map((e) => [e.key, e]));
  const view = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'events-timeline', role: 'img', 'aria-label': t('rec.events_timeline') });
  view.append(svg('line', { x1: 0, x2: width, y1: axis, y2: axis, class: 'axis' }));
  for (const y of years) {
    view.append(svg('line', { x1: y.x, x2: y.x, y1: axis, y2: axis + 5, class: 'tick' }), svg('text', { x: y.x + 3, y: axis + 16, class: 'year' }, String(y.year)));
  }
  for (const m of [...marks].sort((a, b) => b.r - a.r)) {
    const e = byKey.get(m.key) as LossEvent;
    const c = svg(
      'circle',
      { cx: m.x.toFixed(1), cy: axis - 4 - m.r, r: m.r.toFixed(1), class: `event ${m.provenance}`, 'data-key': m.key, 'data-deaths': e.toll.deaths ?? 0, tabindex: 0 },
      svg('title', {}, `${eventTitle(e)} — ${e.first}: ${t('rec.events_deaths', { deaths: number(e.toll.deaths ?? 0) })}`),
    );
    c.addEventListener('click', () => pick(e));
    c.addEventListener('keydown', (k) => {
      if ((k as KeyboardEvent).key === 'Enter') pick(e);
    });
    view.append(c);
  }
  return view;
}

/** The events, the latest first: dates, title, hazards, toll, where the figures come
 *  from and what the event is linked to, with a button to calibrate a linked one. */
export function eventsTable(events: LossEvent[], calibrate: (e: LossEvent) => void, selected = ''): HTMLElement {
  const head = ['rec.ev.dates', 'rec.ev.event', 'rec.ev.hazards', 'rec.ev.deaths', 'rec.ev.displaced', 'rec.ev.units', 'rec.ev.source', 'rec.ev.linked', 'rec.ev.calibrate'] as const;
  const num = new Set(['rec.ev.deaths', 'rec.ev.displaced', 'rec.ev.units']);
  return el(
    'table',
    { class: 'data records-events' },
    el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col', class: num.has(k) ? 'num' : undefined }, t(k))))),
    el(
      'tbody',
      {},
      ...events.map((e) =>
        el(
          'tr',
          { 'data-key': e.key, class: e.key === selected ? 'selected' : undefined },
          el('td', {}, e.first === e.last ? e.first : `${e.first} – ${e.last}`),
          el('td', {}, eventTitle(e), e.glide ? el('div', { class: 'note' }, `GLIDE ${e.glide}`) : ''),
          el('td', {}, e.hazards.join(', ')),
          el('td', { class: 'num' }, figure(e.toll.deaths ?? null)),
          el('td', { class: 'num' }, figure(e.displaced ?? null)),
          el('td', { class: 'num' }, number(e.units)),
          // A synthetic event's source only says so: kept for the tooltip.
          el(
            'td',
            { class: `provenance ${provenance(e)}`, title: e.sources.join('; ') },
            t(`rec.ev.${provenance(e)}`),
            provenance(e) === 'synthetic' ? '' : el('div', { class: 'note' }, e.sources.join('; ')),
          ),
          el('td', {}, [...e.hazard_layers, ...e.alerts].join(', ') || t('rec.ev.unlinked')),
          el('td', {}, e.hazard_layers.length ? el('button', { type: 'button', class: 'link', onclick: () => calibrate(e) }, t('rec.ev.calibrate')) : ''),
        ),
      ),
    ),
  );
}

const rate = (v: number | undefined) => (v === undefined ? '–' : number(v, 3));

/** An event's calibration: the totals, then per class the rate in use beside the
 *  suggested one, then per unit observed against modelled. */
export function calibrationView(c: EventCalibration): HTMLElement {
  const k = c.calibration;
  const names = (code: string) => c.names[code] ?? (code || t('rec.country'));
  return el(
    'div',
    { class: 'calibration', 'data-key': c.event.key },
    el('h3', {}, t('rec.cal.title', { event: eventTitle(c.event), hazard: `${c.hazard.title} (${c.hazard.layer}@${c.hazard.version})` })),
    el(
      'p',
      { class: 'note' },
      t(`rec.cal.${k.method}`, {
        units: k.units,
        observed: figure(k.observed),
        modelled: figure(Math.round(k.modelled)),
        suggested: figure(Math.round(k.modelled_with_suggested ?? 0)),
        exposure: c.exposure.title,
      }),
      k.observed_outside_zones ? ` ${t('rec.cal.outside', { people: figure(k.observed_outside_zones) })}` : '',
      c.redacted ? ` ${t('rec.cal.redacted')}` : '',
    ),
    el(
      'table',
      { class: 'data calibration-classes' },
      el(
        'thead',
        {},
        el('tr', {}, ...(['rec.cal.class', 'rec.cal.people', 'rec.cal.in_use', 'rec.cal.modelled', 'rec.cal.suggested'] as const).map((h, i) => el('th', { scope: 'col', class: i ? 'num' : undefined }, t(h)))),
      ),
      el(
        'tbody',
        {},
        ...k.classes.map((x) =>
          el(
            'tr',
            { 'data-class': x.class },
            el('th', { scope: 'row' }, x.class, x.affected ? '' : el('div', { class: 'note' }, t('rec.cal.not_affected'))),
            el('td', { class: 'num' }, figure(Math.round(x.people))),
            el('td', { class: 'num' }, rate(x.affected ? x.rate_in_use : 0)),
            el('td', { class: 'num' }, figure(Math.round(x.modelled_displaced))),
            el('td', { class: 'num suggested' }, rate(x.suggested_rate)),
          ),
        ),
      ),
    ),
    el(
      'details',
      {},
      el('summary', {}, t('rec.cal.units', { units: k.fits.length })),
      el(
      'table',
      { class: 'data calibration-units' },
      el('thead', {}, el('tr', {}, ...(['rec.col.unit', 'rec.cal.observed', 'rec.cal.modelled', 'rec.cal.with_suggested'] as const).map((h, i) => el('th', { scope: 'col', class: i ? 'num' : undefined }, t(h))))),
      el(
        'tbody',
        {},
        ...k.fits.map((f) =>
          el(
            'tr',
            { 'data-code': f.code },
            el('td', {}, names(f.code)),
            el('td', { class: 'num' }, figure(f.observed)),
            el('td', { class: 'num' }, figure(Math.round(f.modelled))),
            el('td', { class: 'num' }, f.with_suggested === undefined ? '–' : figure(Math.round(f.with_suggested))),
          ),
        ),
      ),
      ),
    ),
    ...c.notes.map((n) => el('p', { class: 'note' }, n)),
  );
}

/** The events layer as the map draws it: each place with its mark's radius (by the
 *  deaths its records there count) and where its figures come from. */
export function placesData(p: EventPlaces): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: p.features.map((f) => ({
      ...f,
      properties: { ...f.properties, radius: markRadius(f.properties.deaths ?? 0), provenance: provenance(f.properties) },
    })),
  };
}

/** The colour of a mark whose figures come from `p`. */
export const provenanceColour = (p: Provenance) => UI[`event-${p}`];

/** The marks' fill: by where the figures come from, as the timeline draws them. */
export const placeColour = (): ExpressionSpecification => [
  'match',
  ['get', 'provenance'],
  'reported',
  provenanceColour('reported'),
  'synthetic',
  provenanceColour('synthetic'),
  provenanceColour('recorded'),
];

/** The marks' outline: thicker for the places of event `key` (the one chosen). */
export const placeOutline = (key: string): ExpressionSpecification => ['case', ['==', ['get', 'event'], key], 3, 1];

/** The legend of the events layer: a mark per kind of figures shown, and what the size
 *  means. */
export function placesLegend(p: EventPlaces): HTMLElement {
  const shown = new Set(p.features.map((f) => provenance(f.properties)));
  const kinds = (['reported', 'recorded', 'synthetic'] as const).filter((k) => shown.has(k));
  return el(
    'div',
    { class: 'events-legend' },
    el('h3', {}, t('rec.events_map', { places: number(p.features.length) })),
    ...kinds.map((k) => el('div', { class: 'key', 'data-provenance': k }, el('span', { class: 'mark', style: `background:${provenanceColour(k)}` }), t(`rec.ev.${k}`))),
    el('p', { class: 'note' }, t('rec.events_map_size')),
  );
}
