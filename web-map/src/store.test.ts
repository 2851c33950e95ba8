import { describe, expect, it } from 'vitest';
import { complete, linkParams } from './store';
import { catalog, report, store } from './test-support';
import { defaults } from './state';

describe('store', () => {
  it('completes what the link did not say from the catalog', () => {
    const s = store('');
    expect(s.state.hazard).toBe('flood-zones');
    expect(s.state.exposure).toBe('population');
    expect(s.state.layers).toEqual(['flood-zones', 'camps']);
    expect(s.link.hash).toContain('hazard=flood-zones');
  });

  it('keeps what the link said, dropping layers that are gone', () => {
    const s = store('#layers=camps,gone&hazard=landslide-zones&by=sector');
    expect(s.state.layers).toEqual(['camps']);
    expect(s.state.hazard).toBe('landslide-zones');
    expect(s.state.level).toBe('sector');
  });

  it('draws the hazard asked about in place of the one asked before', () => {
    const s = store('');
    expect(s.state.layers).toEqual(['flood-zones', 'camps']);
    s.set({ hazard: 'landslide-zones' });
    expect(s.state.layers).toEqual(['landslide-zones', 'camps']);
    expect(s.link.hash).toContain('layers=landslide-zones,camps');
    // Hidden by the user: the new hazard is drawn all the same, at the bottom.
    s.set({ layers: ['camps'] });
    s.set({ hazard: 'flood-zones' });
    expect(s.state.layers).toEqual(['flood-zones', 'camps']);
    // Already shown besides the question: it takes the old question's place.
    s.set({ layers: ['flood-zones', 'landslide-zones', 'camps'] });
    s.set({ hazard: 'landslide-zones' });
    expect(s.state.layers).toEqual(['landslide-zones', 'camps']);
  });

  it('reads the state from the query as well as the hash, the hash first', () => {
    expect(linkParams('', '?briefing=1')).toBe('#briefing=1');
    expect(store(linkParams('#by=sector', '?briefing=1&by=cell')).state).toMatchObject({ briefing: true, level: 'sector' });
    expect(linkParams('', '')).toBe('');
  });

  it('does not pick a restricted exposure without a token', () => {
    const only = catalog.filter((l) => l.id !== 'population');
    expect(complete(defaults(), only, false, false).exposure).toBe('camps');
    const restrictedOnly = catalog.filter((l) => l.kind !== 'exposure' || l.sensitivity === 'restricted');
    expect(complete(defaults(), restrictedOnly, false, false).exposure).toBeNull();
    expect(complete(defaults(), restrictedOnly, true, false).exposure).toBe('returnees');
  });

  it('tells listeners what changed, and only that', () => {
    const s = store('');
    const seen: string[][] = [];
    s.subscribe((c) => seen.push([...c]));
    s.set({ opacity: { 'flood-zones': 0.3 } });
    s.set({ opacity: { 'flood-zones': 0.3 } });
    s.set({ unit: '11', level: 'district' });
    expect(seen).toEqual([['opacity'], ['unit']]);
    expect(s.link.hash).toContain('unit=11');
    expect(s.link.hash).toContain('opacity=flood-zones:0.3');
  });

  it('derives the level shown and the rows from the unit drilled into', () => {
    const s = store('#unit=1');
    s.setReport(report());
    expect(s.focusLevel()).toBe('district');
    expect(s.rows().map((r) => r.code)).toEqual(['12', '11']);
    expect(s.unitName('12')).toBe('Gasabo');
    expect(s.unitName(null)).toBe('Rwanda');
    expect(s.breaks.length).toBeGreaterThan(0);
  });

  it('keeps the last report when a new one fails, with the reason', () => {
    const s = store('');
    s.setReport(report());
    s.setReport(null, 'the hazard layer is gone');
    expect(s.report).not.toBeNull();
    expect(s.error).toBe('the hazard layer is gone');
  });
});
