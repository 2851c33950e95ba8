// The flash update's words, checked against the figures they are written from.
import { describe, expect, it } from 'vitest';
import { isSynthetic, keyMessages, metresPerPixel, scaleBar } from './brief';
import { ranked } from './figures';
import { report } from './test-support';

describe('key messages', () => {
  const base = () => ({ report: report(), unit: 'Rwanda', rows: ranked(report(), null), level: 'district' as const, sites: [] });

  it('say who is exposed, where most are, who is displaced and what they need', () => {
    const m = keyMessages(base());
    expect(m[0]).toBe('420 people (20% of those counted) live in zones of Flood zones in Rwanda; 420 of them in classes counted as affected.');
    // Gasabo 320 and Nyarugenge 100 of 420: the third district holds none and is not named.
    expect(m[1]).toBe('The most exposed districts are Gasabo, Nyarugenge: together 100% of the people exposed.');
    expect(m[2]).toMatch(/^140 people are likely to be displaced; they need [\d.]+ t of food and 2,100 litres of water a day\.$/);
    expect(m.length).toBe(3);
  });

  it('name the camps in hazard zones with their people, or say none is', () => {
    const sites = [
      { name: 'Kigeme', cls: 'high', people: 16872, coarse: false },
      { name: 'Mahama', cls: null, people: 55240, coarse: false },
    ];
    expect(keyMessages({ ...base(), sites })).toContain('One camp or transit centre stands in a hazard zone: Kigeme (High), with 16,872 people.');
    const both = [sites[0], { ...sites[0], name: 'Kiziba', cls: 'medium', people: 1000 }];
    expect(keyMessages({ ...base(), sites: both })).toContain('2 camps and transit centres with 17,872 people stand in hazard zones; the most exposed is Kigeme (High).');
    expect(keyMessages({ ...base(), sites: [sites[1]] })).toContain('The one camp or transit centre, Mahama, stands in no hazard zone.');
    expect(keyMessages({ ...base(), sites: [sites[1], sites[1]] })).toContain('None of the 2 camps and transit centres stands in a hazard zone.');
    // People not known: no count of zero.
    const unknown = [{ ...sites[0], people: null }, { ...sites[0], name: 'Nkamira', people: null }];
    expect(keyMessages({ ...base(), sites: unknown })).toContain('2 camps and transit centres stand in hazard zones; the most exposed is Kigeme (High).');
  });

  it('begin with a capital whatever the language puts first', async () => {
    const { setLanguage } = await import('./i18n');
    setLanguage('rw');
    try {
      expect(keyMessages(base())[1]).toMatch(/^Uturere /);
    } finally {
      setLanguage('en');
    }
  });

  it('say when nobody is exposed, and what a restricted layer withholds; never more than five', () => {
    const r = report('district', { units: [{ code: '21', name: 'Nyanza', classes: [{ class: 'none', count: 1, population: 900, households: 225, affected: 0, displaced: 0 }] }] });
    expect(keyMessages({ ...base(), report: r, rows: ranked(r, null) })).toEqual(['Nobody counted lives in a zone of Flood zones in Rwanda.']);
    const restricted = report('district', { redacted: true, disclosure: { counts: true, places: false, min_households: 5, method: '' } });
    const sites = [{ name: 'Kigeme', cls: 'high', people: 10, coarse: false }];
    const m = keyMessages({ ...base(), report: restricted, rows: ranked(restricted, null), sites });
    expect(m.length).toBe(5);
    expect(m[4]).toContain('at least 5 households');
  });
});

describe('the printed map', () => {
  it('has a scale bar of a round length within the length allowed', () => {
    for (const [mpp, max, metres] of [
      [400, 115, 20_000],
      [30, 115, 2_000],
      [1, 115, 100],
      [123, 50, 5_000],
    ] as const) {
      const bar = scaleBar(mpp, max);
      expect(bar.metres).toBe(metres);
      expect(bar.px).toBeLessThanOrEqual(max);
      expect(bar.px * mpp).toBeCloseTo(metres);
    }
    expect(scaleBar(1, 115).label).toBe('100 m');
  });

  it('measures the ground a pixel covers at a latitude and zoom', () => {
    // At zoom 0 a 512 px world: 78 km a pixel at the equator, half at 60°.
    expect(metresPerPixel(0, 0)).toBeCloseTo(78_271.5, 0);
    expect(metresPerPixel(60, 0)).toBeCloseTo(39_135.8, 0);
  });

  it('knows a synthetic layer by its attribution', () => {
    expect(isSynthetic({ attribution: 'SYNTHETIC, not an official map' })).toBe(true);
    expect(isSynthetic({ attribution: 'NISR 2022 census' })).toBe(false);
  });
});
