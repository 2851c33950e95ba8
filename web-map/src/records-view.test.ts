// The losses and funding page's figures: each unit's value is the roll-up's (a sum's
// total, a mean's mean over its records) for the period shown, the map's colour for a
// unit is its legend class's, and the tables hold what the answers say.
import { describe, expect, it } from 'vitest';
import { setLanguage } from './i18n';
import { RECORD_COLOURS, RECORD_NONE } from './palette';
import { GAP_COLOURS, breaksOf, colourOf, fundingTable, gapBreaks, gapColourOf, gapFill, gapLegend, gapValues, periodsOf, recordFill, sendaiTable, unitValues, unitsTable } from './records-view';
import { FUNDING, ROLLUP, SENDAI } from './records-view.test-data';
import type { RollUp } from './types';

describe('units and periods', () => {
  it('sums a period, or every period, for the units within a unit', () => {
    expect(unitValues(ROLLUP, '2023').map((u) => [u.code, u.value, u.records])).toEqual([
      ['36', 12, 3],
      ['34', 8, 2],
      ['43', 0, 1],
    ]);
    expect(unitValues(ROLLUP, '').find((u) => u.code === '34')).toMatchObject({ name: 'Karongi', value: 9, records: 3 });
    expect(unitValues(ROLLUP, '', '3').map((u) => u.code)).toEqual(['36', '34']);
    expect(periodsOf(ROLLUP)).toEqual(['2022', '2023']);
  });

  it('averages a mean field over its records, not over its rows', () => {
    const mean: RollUp = { ...ROLLUP, aggregate: 'mean', rows: [{ code: '34', period: '2022', value: 10, records: 1 }, { code: '34', period: '2023', value: 4, records: 3 }] };
    expect(unitValues(mean, '')[0].value).toBe(5.5);
  });
});

describe('the map and its legend agree', () => {
  it('gives each unit the colour of its class, and grey where nothing was recorded', () => {
    const values = unitValues(ROLLUP, '2023');
    const breaks = breaksOf(values);
    expect(breaks.length).toBeGreaterThan(0);
    const fill = recordFill(breaks) as unknown[];
    expect(fill[0]).toBe('case');
    expect(fill[2]).toBe(RECORD_NONE);
    // The expression's steps, evaluated by hand, give colourOf's colour for every value.
    const step = fill[3] as unknown[];
    const evaluate = (v: number) => {
      let colour = step[2] as string;
      for (let i = 3; i < step.length; i += 2) if (v >= (step[i] as number)) colour = step[i + 1] as string;
      return colour;
    };
    for (const v of [0, 0.5, ...breaks, 11, 12, 1000]) expect(evaluate(v), String(v)).toBe(colourOf(breaks, v, 1));
    expect(colourOf(breaks, 0, 0)).toBe(RECORD_NONE);
    expect(colourOf(breaks, 12, 3)).toBe(RECORD_COLOURS[Math.min(breaks.length, RECORD_COLOURS.length - 1)]);
  });
});

describe('tables', () => {
  it('lists the units largest first, each a button to drill into', () => {
    const picked: string[] = [];
    const table = unitsTable(unitValues(ROLLUP, '2023'), 'Deaths', (u) => picked.push(u.code));
    const rows = [...table.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-code'));
    expect(rows).toEqual(['36', '34', '43']);
    (table.querySelector('tbody tr button') as HTMLButtonElement).click();
    expect(picked).toEqual(['36']);
    expect(table.querySelector('tr[data-code="34"] td[data-value]')?.getAttribute('data-value')).toBe('8');
  });

  it('shows only the Sendai indicators the records allow, with their rates', () => {
    const t = sendaiTable(SENDAI, 2023);
    expect([...t.querySelectorAll('thead th')].map((h) => h.textContent)).toEqual(['Unit', 'Population', 'A-1', 'A-2']);
    expect(t.querySelector('td[data-indicator="A-2"]')?.textContent).toContain('8');
    expect(t.querySelector('td[data-indicator="A-2"] small')?.textContent).toBe('2.4 per 100,000');
    expect(t.querySelector('dl')?.textContent).toContain('not computable: the datacard records crops');
  });

  it('names the Sendai indicators in the language shown, and an indicator it does not know as the server does', () => {
    setLanguage('fr');
    try {
      const t = sendaiTable({ ...SENDAI, report: { ...SENDAI.report, definitions: [...SENDAI.report.definitions, { code: 'E-9', title: 'A future indicator', unit: 'people' }] } }, 2023);
      expect(t.querySelector('th[title]')?.getAttribute('title')).toBe('Personnes décédées et disparues (personnes)');
      const terms = t.querySelector('dl')?.textContent ?? '';
      expect(terms).toContain('Pertes agricoles directes (USD)');
      expect(terms).toContain('la fiche relève les cultures en hectares');
      expect(terms).toContain('A future indicator (personnes)');
      expect(terms).not.toContain('Deaths');
    } finally {
      setLanguage('en');
    }
  });

  it('ranks funding against need, naming the units that got nothing', () => {
    const t = fundingTable(FUNDING);
    expect([...t.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-code'))).toEqual(['36', '34', '43']);
    expect(t.querySelector('tr[data-code="36"]')?.textContent).toContain('nothing disbursed');
    expect(t.querySelector('tr[data-code="43"] td:last-child')?.textContent).toBe('–');
  });
});

describe('the gap map', () => {
  it('colours each unit by its dollars per displaced person, nothing disbursed darkest of all, then the least funded', () => {
    const values = gapValues(FUNDING);
    expect([...values.keys()].length).toBe(FUNDING.units.filter((u) => u.usd_per_displaced != null).length);
    const breaks = gapBreaks(values);
    const fill = gapFill(breaks) as unknown[];
    expect(fill.slice(0, 2)).toEqual(['case', ['!=', ['typeof', ['feature-state', 'gap']], 'number']]);
    const step = fill[5] as unknown[];
    // What MapLibre would draw for a unit with `v` dollars per displaced person.
    const evaluate = (v: number) => {
      if (v <= 0) return fill[4] as string;
      let colour = step[2] as string;
      for (let i = 3; i < step.length; i += 2) if (v >= (step[i] as number)) colour = step[i + 1] as string;
      return colour;
    };
    for (const v of values.values()) expect(evaluate(v)).toBe(gapColourOf(breaks, v));
    const unfunded = [...values.values()].filter((v) => v === 0);
    expect(unfunded.length).toBeGreaterThan(0);
    expect(gapColourOf(breaks, 0)).toBe(GAP_COLOURS[0]);
    // Among units that received something, the least funded take the next darkest.
    const many = new Map(['0', '0', '0', '4.7', '7.1', '18', '22', '32', '42', '67', '75', '96', '146'].map((v, i) => [String(10 + i), Number(v)]));
    const manyBreaks = gapBreaks(many);
    expect(gapColourOf(manyBreaks, 4.7)).toBe(GAP_COLOURS[1]);
    expect(gapColourOf(manyBreaks, 146)).toBe(GAP_COLOURS.at(-1));
    expect(gapColourOf(breaks, undefined)).toBe(fill[2]);
  });

  it('says in its legend which colour is nothing disbursed and which is nobody displaced', () => {
    const values = gapValues(FUNDING);
    const legend = gapLegend('Gap', gapBreaks(values));
    const rows = [...legend.querySelectorAll('.key')].map((k) => [k.querySelector<HTMLElement>('.swatch')?.style.background, k.textContent]);
    expect(rows[0][1]).toBe('nothing disbursed');
    expect(rows.at(-1)?.[1]).toBe('nobody displaced');
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
  });
});
