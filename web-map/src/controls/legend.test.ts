import { describe, expect, it } from 'vitest';
import { AGGREGATE_COLOURS, CHOROPLETH_COLOURS, CLASS_COLOURS, WITHHELD_COLOUR } from '../palette';
import { fakeMap, report, store } from '../test-support';
import { Legend } from './legend';

const swatches = (e: HTMLElement) => [...e.querySelectorAll<HTMLElement>('.swatch')].map((s) => s.getAttribute('style'));

describe('legend', () => {
  it('keys the hazard classes only while a hazard layer is shown', () => {
    const s = store('#layers=flood-zones');
    const legend = new Legend(s).onAdd(fakeMap());
    expect(swatches(legend)).toEqual(Object.values(CLASS_COLOURS).map((c) => `background:${c}`));
    s.set({ layers: ['camps'] });
    expect(legend.hidden).toBe(true);
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
