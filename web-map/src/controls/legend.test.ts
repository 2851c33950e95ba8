import { describe, expect, it } from 'vitest';
import { AGGREGATE_COLOURS, CHOROPLETH_COLOURS, CLASS_COLOURS, WITHHELD_COLOUR } from '../palette';
import { fakeMap, report, store } from '../test-support';
import { Legend } from './legend';

const swatches = (e: HTMLElement) => [...e.querySelectorAll<HTMLElement>('.swatch')].map((s) => s.getAttribute('style'));

describe('legend', () => {
  it('keys the classes of each hazard layer shown, under its name, with its thresholds', () => {
    const s = store('#layers=flood-zones');
    const legend = new Legend(s).onAdd(fakeMap());
    expect(legend.querySelector('h3')?.textContent).toBe('Flood depth');
    expect(swatches(legend)).toEqual([CLASS_COLOURS.high, CLASS_COLOURS.medium, CLASS_COLOURS.low].map((c) => `background:${c}`));
    expect([...legend.querySelectorAll('.key')].map((k) => k.textContent)).toEqual(['High (over 1.5 m)', 'Medium (0.7 – 1.5 m)', 'Low (0.1 – 0.7 m)']);
    s.set({ layers: ['camps'] });
    expect(legend.hidden).toBe(true);
    // A layer whose classification the catalog does not give: the four classes.
    s.set({ layers: ['landslide-zones'] });
    expect(legend.querySelector('h3')?.textContent).toBe('landslide-zones');
    expect(swatches(legend)).toEqual(Object.values(CLASS_COLOURS).map((c) => `background:${c}`));
  });

  it('writes a categorical class by its values, not its own name again', async () => {
    const { ruleText } = await import('./legend');
    expect(ruleText({ class: 'very_low', values: ['1', 'very_low', 'Very low'], affected: false, displacement_rate: 0 })).toBe('1');
    expect(ruleText({ class: 'high', values: ['high'], affected: true, displacement_rate: 0.5 })).toBe('');
  });

  it('keys the choropleth with the breaks the map is drawn with', () => {
    const s = store('#layers=');
    const legend = new Legend(s).onAdd(fakeMap());
    s.setReport(report());
    expect(s.breaks.length).toBeGreaterThan(0);
    const keys = [...legend.querySelectorAll('.key')].map((k) => k.textContent);
    expect(keys.length).toBe(s.breaks.length + 1);
    expect(keys[keys.length - 1]).toMatch(/or more$/);
    expect(swatches(legend)).toEqual(CHOROPLETH_COLOURS.slice(0, keys.length).map((c) => `background:${c}`));
    expect(legend.querySelector('h3')?.textContent).toBe('People exposed per district');
  });

  it('keys a restricted layer drawn as aggregates, withheld units grey', () => {
    const s = store('#layers=returnees');
    const legend = new Legend(s).onAdd(fakeMap());
    expect(legend.textContent).toContain('returnees: households per unit');
    expect(swatches(legend)).toEqual([WITHHELD_COLOUR, ...AGGREGATE_COLOURS.slice(1)].map((c) => `background:${c}`));
    expect(legend.textContent).toContain('Under 5: withheld');
  });
});
