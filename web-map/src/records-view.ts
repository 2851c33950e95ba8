// What the losses and funding page draws from the server's answers — each unit's figure
// for a period (as the server's tiles draw it), the legend's classes and the map's fill,
// the tables by unit, over time, of the Sendai indicators and of funding against need —
// with no request of its own.
import type { ExpressionSpecification } from 'maplibre-gl';
import { el } from './dom';
import { levelName, number, sendaiText, t } from './i18n';
import { RECORD_COLOURS, RECORD_NONE } from './palette';
import { quantileBreaks } from './style';
import type { FundingAnswer, RollUp, SendaiAnswer, SendaiDefinition } from './types';

/** One unit's figure in the period shown. */
export interface UnitValue {
  code: string;
  name: string;
  /** Null: a mean without records. */
  value: number | null;
  records: number;
}

/** Each unit's figure in period `at` (every period when empty), of the units in
 *  `within` (a code; every unit when empty), largest first: a sum's total, a mean's mean
 *  over its records — what the server's tiles hold for the same question. */
export function unitValues(r: RollUp, at: string, within = ''): UnitValue[] {
  const by = new Map<string, { total: number; n: number }>();
  for (const row of r.rows) {
    if ((at && row.period !== at) || !row.code.startsWith(within)) continue;
    const acc = by.get(row.code) ?? { total: 0, n: 0 };
    acc.total += r.aggregate === 'mean' ? row.value * row.records : row.value;
    acc.n += row.records;
    by.set(row.code, acc);
  }
  const value = (a: { total: number; n: number }) => (r.aggregate === 'mean' ? (a.n ? a.total / a.n : null) : a.total);
  return [...by]
    .map(([code, a]) => ({ code, name: r.names[code] ?? code, value: value(a), records: a.n }))
    .sort((a, b) => (b.value ?? -1) - (a.value ?? -1) || a.name.localeCompare(b.name));
}

/** The periods of a roll-up that hold records, in order. */
export const periodsOf = (r: RollUp): string[] => [...new Set(r.rows.map((x) => x.period))].sort();

/** A figure as the language writes it: whole, or with one decimal. */
export const figure = (v: number | null): string => (v === null ? '–' : number(v, Number.isInteger(v) ? 0 : 1));

/** The classes of the map: thresholds splitting the units' figures into groups of about
 *  equal size. */
export const breaksOf = (values: UnitValue[]): number[] => quantileBreaks(values.map((v) => v.value ?? 0), RECORD_COLOURS.length);

/** The map's fill of the tiles' units: grey where nothing was recorded, else the colour of
 *  the figure's class (the same as the legend's). */
export function recordFill(breaks: number[]): ExpressionSpecification {
  const steps: (string | number)[] = [RECORD_COLOURS[0]];
  breaks.forEach((b, i) => steps.push(b, RECORD_COLOURS[Math.min(i + 1, RECORD_COLOURS.length - 1)]));
  const step = breaks.length ? ['step', ['coalesce', ['get', 'value'], 0], ...steps] : RECORD_COLOURS[0];
  return ['case', ['==', ['coalesce', ['get', 'records'], 0], 0], RECORD_NONE, step] as unknown as ExpressionSpecification;
}

/** The colour the map gives a unit with `value` over `records` records. */
export function colourOf(breaks: number[], value: number | null, records: number): string {
  if (records === 0) return RECORD_NONE;
  const i = breaks.filter((b) => (value ?? 0) >= b).length;
  return RECORD_COLOURS[Math.min(i, RECORD_COLOURS.length - 1)];
}

const key = (colour: string, label: string) => el('div', { class: 'key' }, el('span', { class: 'swatch', style: `background:${colour}` }), label);

/** The legend: what the colours stand for, from `lead` (a class of its own, drawn first)
 *  through the classes at `breaks` to the units without a figure (`none`). */
export function legendView(title: string, breaks: number[], opts: { colours?: readonly string[]; none?: string; lead?: [string, string] } = {}): HTMLElement {
  const colours = opts.colours ?? RECORD_COLOURS;
  const bounds = [0, ...breaks];
  const rows = bounds.map((b, i) =>
    key(colours[i], i + 1 < bounds.length ? t('legend.range', { from: figure(b), to: figure(bounds[i + 1]) }) : t('legend.or_more', { from: figure(b) })),
  );
  const lead = opts.lead ? [key(...opts.lead)] : [];
  return el('div', { class: 'legend records-legend', role: 'group', 'aria-label': t('legend.label') }, el('h3', {}, title), ...lead, ...rows, key(RECORD_NONE, opts.none ?? t('rec.none_recorded')));
}

/** The gap map's colours: the fewest dollars per displaced person the darkest; the first,
 *  darkest of all, for units where people are displaced and nothing was disbursed. */
export const GAP_COLOURS: readonly string[] = [...RECORD_COLOURS].reverse();
const FUNDED_COLOURS = GAP_COLOURS.slice(1);

/** Each unit's dollars per displaced person, by code (a unit where nobody is displaced
 *  has none). */
export const gapValues = (f: FundingAnswer): Map<string, number> =>
  new Map(f.units.filter((u) => u.usd_per_displaced != null).map((u) => [u.code, u.usd_per_displaced as number]));

/** The gap map's classes of the units that received something: thresholds splitting their
 *  dollars per displaced person into groups of about equal size (units that received
 *  nothing are a class of their own). */
export const gapBreaks = (values: Map<string, number>): number[] => quantileBreaks([...values.values()], FUNDED_COLOURS.length);

/** The gap map's fill: from each unit's feature state `gap` (its dollars per displaced
 *  person), the darkest where nothing was disbursed, grey where nobody is displaced. */
export function gapFill(breaks: number[]): ExpressionSpecification {
  const steps: (string | number)[] = [FUNDED_COLOURS[0]];
  breaks.forEach((b, i) => steps.push(b, FUNDED_COLOURS[Math.min(i + 1, FUNDED_COLOURS.length - 1)]));
  const gap = ['feature-state', 'gap'];
  const step = breaks.length ? ['step', gap, ...steps] : FUNDED_COLOURS[0];
  return ['case', ['!=', ['typeof', gap], 'number'], RECORD_NONE, ['<=', gap, 0], GAP_COLOURS[0], step] as unknown as ExpressionSpecification;
}

/** The colour the gap map gives a unit with `usd` dollars per displaced person. */
export function gapColourOf(breaks: number[], usd: number | undefined): string {
  if (usd === undefined) return RECORD_NONE;
  if (usd <= 0) return GAP_COLOURS[0];
  return FUNDED_COLOURS[Math.min(breaks.filter((b) => usd >= b).length, FUNDED_COLOURS.length - 1)];
}

/** The gap map's legend: nothing disbursed, the classes of what was, nobody displaced. */
export const gapLegend = (title: string, breaks: number[]): HTMLElement =>
  legendView(title, breaks, { colours: FUNDED_COLOURS, none: t('rec.gap_none'), lead: [GAP_COLOURS[0], t('rec.unfunded')] });

/** The table of units, largest first; choosing a unit calls `pick`. */
export function unitsTable(values: UnitValue[], fieldTitle: string, pick: (u: UnitValue) => void, hint: (u: UnitValue) => string = () => ''): HTMLElement {
  return el(
    'table',
    { class: 'data records-units' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('rec.col.unit')), el('th', { scope: 'col' }, t('rec.col.code')), el('th', { scope: 'col', class: 'num' }, fieldTitle), el('th', { scope: 'col', class: 'num' }, t('rec.col.records')))),
    el(
      'tbody',
      {},
      ...values.map((u) =>
        el(
          'tr',
          { 'data-code': u.code },
          el('td', {}, el('button', { type: 'button', class: 'link', title: hint(u) || undefined, onclick: () => pick(u) }, u.name)),
          el('td', {}, u.code),
          el('td', { class: 'num', 'data-value': u.value ?? '' }, figure(u.value)),
          el('td', { class: 'num' }, number(u.records)),
        ),
      ),
    ),
  );
}

/** One unit's figure by period. */
export function seriesTable(r: RollUp, code: string): HTMLElement {
  const rows = r.rows.filter((x) => x.code === code);
  return el(
    'table',
    { class: 'data records-series' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('rec.col.period')), el('th', { scope: 'col', class: 'num' }, t('rec.col.value')), el('th', { scope: 'col', class: 'num' }, t('rec.col.records')))),
    el('tbody', {}, ...rows.map((x) => el('tr', { 'data-period': x.period }, el('td', {}, x.period), el('td', { class: 'num' }, figure(x.value)), el('td', { class: 'num' }, number(x.records))))),
  );
}

/** A Sendai indicator as the page names it: its title and unit, in the language shown. */
const sendaiLabel = (d: SendaiDefinition) => {
  const { title, unit } = sendaiText(d);
  return `${title} (${unit})`;
};

/** The Sendai indicators of `year`, one row per unit (of `within`), one column per
 *  indicator the records allow; a rate per 100,000 beside each A and B figure. */
export function sendaiTable(a: SendaiAnswer, year: number, within = ''): HTMLElement {
  const name = (code: string) => a.names[code] ?? code;
  const rows = a.report.rows.filter((r) => r.year === year && r.code.startsWith(within)).sort((x, y) => name(x.code).localeCompare(name(y.code)));
  // The indicators the records allow and the settings give (C-1 needs a GDP): the others
  // are listed below with why.
  const defs = a.report.definitions.filter((d) => !d.not_recorded && rows.some((r) => r.figures.some((f) => f.code === d.code && f.value !== null)));
  const cell = (r: (typeof rows)[number], code: string) => {
    const f = r.figures.find((x) => x.code === code);
    return el('td', { class: 'num', 'data-indicator': code }, f?.value === null || f?.value === undefined ? '–' : figure(f.value), f?.per_100k !== undefined ? el('small', {}, t('rec.per_100k', { value: number(f.per_100k, 1) })) : null);
  };
  return el(
    'div',
    {},
    el(
      'table',
      { class: 'data records-sendai' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('rec.col.unit')), el('th', { scope: 'col', class: 'num' }, t('rec.col.population')), ...defs.map((d) => el('th', { scope: 'col', class: 'num', title: sendaiLabel(d) }, d.code)))),
      el('tbody', {}, ...rows.map((r) => el('tr', { 'data-code': r.code }, el('td', {}, a.names[r.code] ?? r.code), el('td', { class: 'num' }, r.population === undefined ? '–' : number(r.population)), ...defs.map((d) => cell(r, d.code))))),
    ),
    el(
      'dl',
      { class: 'definitions' },
      ...a.report.definitions.flatMap((d) => [
        el('dt', {}, d.code),
        el('dd', {}, sendaiLabel(d), d.not_recorded ? ` — ${t('rec.not_recorded', { why: sendaiText(d).notRecorded ?? d.not_recorded })}` : defs.includes(d) ? '' : ` — ${t('rec.no_value')}`),
      ]),
    ),
  );
}

/** Funding against need, least funded per displaced person first. */
export function fundingTable(f: FundingAnswer, within = ''): HTMLElement {
  const units = f.units.filter((u) => u.code.startsWith(within));
  return el(
    'table',
    { class: 'data records-funding' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', class: 'num' }, t('rec.col.rank')),
        el('th', { scope: 'col' }, t('rec.col.unit')),
        el('th', { scope: 'col', class: 'num' }, t('rec.col.displaced')),
        el('th', { scope: 'col', class: 'num' }, t('rec.col.needs')),
        el('th', { scope: 'col', class: 'num' }, t('rec.col.disbursed')),
        el('th', { scope: 'col', class: 'num' }, t('rec.col.per_displaced')),
      ),
    ),
    el(
      'tbody',
      {},
      ...units.map((u) =>
        el(
          'tr',
          { 'data-code': u.code },
          el('td', { class: 'num' }, u.rank ?? '–'),
          el('td', {}, u.name ?? u.code),
          el('td', { class: 'num' }, number(u.displaced)),
          el('td', { class: 'num' }, u.needs_of_displaced ? number(u.needs_of_displaced.food_tonnes_per_day, 1) : '–'),
          el('td', { class: 'num' }, u.disbursed_usd ? number(u.disbursed_usd) : t('rec.unfunded')),
          el('td', { class: 'num' }, u.usd_per_displaced == null ? '–' : number(u.usd_per_displaced, 2)),
        ),
      ),
    ),
  );
}

/** The legend's title: the field per level, in the period shown. */
export const legendTitle = (fieldTitle: string, level: string, at: string) => t('rec.legend', { field: fieldTitle, level: levelName(level), period: at || t('rec.all_periods') });
