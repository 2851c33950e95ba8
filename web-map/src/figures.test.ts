import { describe, expect, it } from 'vitest';
import type { Report } from './types';
import { headline, needsOf, people, ranked, sortBy, toCsv } from './figures';

const row = (cls: string, population: number, affected = 0, displaced = 0) => ({ class: cls, count: 1, population, households: population / 4, affected, displaced }) as Report['total'][number];

const report: Report = {
  hazard: { layer: 'flood-zones', version: 2, title: 'Flood', attribution: '' },
  exposure: { layer: 'population-2022', version: 1, title: 'Population', attribution: '' },
  boundary: { layer: 'rwa-villages', version: 1, title: 'Villages', attribution: '' },
  by: 'sector',
  computed_at: '2026-11-27T03:00:00.000Z',
  compute_ms: 12,
  redacted: false,
  needs_standard: { kcal: 2100, water_l: 15, shelter_m2: 3.5, people_per_latrine: 20, ration_kcal_per_kg: 2100 / 0.555 },
  units: [
    { code: '1101', name: 'Gitega', classes: [row('high', 100, 100, 100), row('none', 50)] },
    { code: '1102', name: 'Kanyinya', classes: [row('low', 300, 300, 30), row('none', 700)] },
    { code: '2101', name: 'Busasamana, "west"', classes: [row('medium', 10, 10, 5)] },
  ],
  total: [],
};

describe('figures', () => {
  it('ranks units by people exposed, within the unit drilled into', () => {
    expect(ranked(report, null).map((r) => r.code)).toEqual(['1102', '1101', '2101']);
    expect(ranked(report, '11').map((r) => r.code)).toEqual(['1102', '1101']);
    const g = ranked(report, '1101')[0];
    expect(g).toMatchObject({ population: 150, exposed: 100, affected: 100, displaced: 100 });
    expect(g.byClass.high).toBe(100);
  });

  it('sums headline figures and needs from unrounded values', () => {
    const h = headline(ranked(report, null));
    expect(h).toEqual({ population: 1160, exposed: 410, affected: 410, displaced: 135, withheld: 0 });
    const needs = needsOf(135, report.needs_standard);
    expect(needs).toMatchObject({ food_kcal_per_day: 283500, water_litres_per_day: 2025, shelter_m2: 472.5, latrines: 7 });
    // 135 people eat 135 × 555 g of WFP's general ration a day.
    expect(needs.food_tonnes_per_day).toBeCloseTo(0.074925, 9);
  });

  it('sorts by any column', () => {
    const rows = ranked(report, null);
    expect(sortBy(rows, 'name', false).map((r) => r.code)).toEqual(['2101', '1101', '1102']);
    expect(sortBy(rows, 'displaced', true).map((r) => r.code)).toEqual(['1101', '1102', '2101']);
  });

  it('exports CSV with the sources on every row', () => {
    const csv = toCsv(ranked(report, null), report).split('\n');
    expect(csv[0]).toBe('code,name,population,exposed,affected,displaced,high,medium,low,very_low,withheld,hazard_layer,hazard_version,exposure_layer,exposure_version,computed_at');
    expect(csv[1]).toBe('1102,Kanyinya,1000.0,300.0,300.0,30.0,0.0,0.0,300.0,0.0,0.0,flood-zones,2,population-2022,1,2026-11-27T03:00:00.000Z');
    expect(csv[3]).toContain('2101,"Busasamana, ""west""",');
  });

  it('counts people withheld from the split by class in the population, and in no class', () => {
    const restricted: Report = {
      ...report,
      redacted: true,
      units: [
        { code: '1101', name: 'Gitega', classes: [row('high', 40, 40, 40)], withheld: { count: 3, population: 12, households: 3 } },
        { code: '1102', name: 'Kanyinya', suppressed: true },
      ],
    };
    const rows = ranked(restricted, null);
    expect(rows[0]).toMatchObject({ code: '1101', population: 52, exposed: 40, withheld: 12 });
    expect(rows[1]).toMatchObject({ code: '1102', suppressed: true, population: 0, exposed: 0 });
    expect(headline(rows)).toEqual({ population: 52, exposed: 40, affected: 40, displaced: 40, withheld: 12 });
    const csv = toCsv(rows, restricted).split('\n');
    expect(csv[1]).toMatch(/^1101,Gitega,52\.0,40\.0,40\.0,40\.0,40\.0,0\.0,0\.0,0\.0,12\.0,/);
    // A unit withheld whole shows no figure at all, not a zero.
    expect(csv[2]).toMatch(/^1102,Kanyinya,,,,,,,,,,flood-zones,/);
  });

  it('writes people legibly', () => {
    expect(people(1234.4)).toBe('1,234');
    expect(people(2_345_678)).toBe('2.35 M');
    expect(people(13_246_394)).toBe('13.2 M');
  });
});
