import { describe, expect, it } from 'vitest';
import { CHOROPLETH_COLOURS } from './palette';
import { choroplethFill, drawingOrder, niceRound, quantileBreaks, situationStyle } from './style';
import { catalog, layer, serverStyle } from './test-support';

describe('style', () => {
  it('makes legible quantile breaks', () => {
    expect(niceRound(12345)).toBe(12000);
    expect(niceRound(0.0456)).toBeCloseTo(0.046);
    const values = Array.from({ length: 100 }, (_, i) => i * 100);
    const breaks = quantileBreaks(values);
    expect(breaks).toEqual([2000, 4000, 6000, 8000]);
    expect(quantileBreaks([0, 0, 0])).toEqual([]);
    expect(choroplethFill([10, 20])).toEqual(['step', ['coalesce', ['get', 'exposed'], 0], CHOROPLETH_COLOURS[0], 10, CHOROPLETH_COLOURS[1], 20, CHOROPLETH_COLOURS[2]]);
  });

  it("puts the server's data layers in the chosen order, over the choropleth and below the borders", () => {
    const s = situationStyle(serverStyle(catalog), catalog, {
      visible: ['camps', 'flood-zones'],
      opacity: { 'flood-zones': 0.3 },
      choropleth: { url: 'http://127.0.0.1:8080/api/exposure/tiles/{z}/{x}/{y}.mvt', breaks: [5, 10], field: 'exposed', opacity: 0.8 },
      selected: { layer: 'rwa-districts', code: '34' },
    });
    const ids = s.layers.map((l) => l.id);
    expect(ids.slice(0, 3)).toEqual(['background', 'countries:land', 'exposure:fill']);
    expect(ids.indexOf('camps:circle')).toBeLessThan(ids.indexOf('flood-zones:high'));
    expect(ids.indexOf('rwa-districts:line')).toBeGreaterThan(ids.indexOf('flood-zones:high'));
    expect(ids.indexOf('rwa-districts:selected')).toBeLessThan(ids.indexOf('rwa-sectors:label'));
    expect(ids.indexOf('rwa-districts:selected')).toBeGreaterThan(ids.indexOf('countries:line'));
    // The incident area is drawn over everything; below it, the alerts' units, and
    // below them the camps' names.
    expect(ids.slice(-6)).toEqual(['alerts:fill', 'alerts:line', 'alerts:preview', 'incident:fill', 'incident:line', 'incident:corner']);
    expect(ids[ids.length - 7]).toBe('camps:label');
    const flood = s.layers.find((l) => l.id === 'flood-zones:high');
    expect(flood && 'paint' in flood && flood.paint).toMatchObject({ 'fill-opacity': 0.3 });
    const hidden = s.layers.find((l) => l.id === 'landslide-zones:high');
    expect(hidden?.layout?.visibility).toBe('none');
    expect(s.sources.exposure).toMatchObject({ tiles: ['http://127.0.0.1:8080/api/exposure/tiles/{z}/{x}/{y}.mvt'] });
  });

  it('draws lakes and rivers as the basemap: over the land, under the data, never hidden or listed', () => {
    const cat = [...catalog, layer('lakes', 'context', 'lake'), layer('rivers', 'context', 'river', { geometry: 'line' })];
    const choropleth = { url: 'http://127.0.0.1:8080/api/exposure/tiles/{z}/{x}/{y}.mvt', breaks: [5, 10], field: 'exposed', opacity: 0.8 };
    const s = situationStyle(serverStyle(cat), cat, { visible: ['flood-zones'], opacity: {}, choropleth, selected: null });
    const ids = s.layers.map((l) => l.id);
    expect(ids.slice(0, 5)).toEqual(['background', 'countries:land', 'exposure:fill', 'lakes:fill', 'rivers:line']);
    expect(ids.indexOf('rivers:line')).toBeLessThan(ids.indexOf('flood-zones:high'));
    expect(ids.indexOf('lakes:label')).toBeGreaterThan(ids.indexOf('countries:label'));
    for (const id of ['lakes:fill', 'rivers:line', 'lakes:label']) expect(s.layers.find((l) => l.id === id)?.layout?.visibility).not.toBe('none');
    expect(drawingOrder(cat, []).map((l) => l.id)).not.toContain('lakes');
  });

  it('hides the names of places with their layer, and scales only unit names', () => {
    const s = situationStyle(serverStyle(catalog), catalog, { visible: ['flood-zones'], opacity: {}, choropleth: null, selected: null, labelScale: 2 });
    const byId = (id: string) => s.layers.find((l) => l.id === id);
    expect(byId('camps:label')?.layout?.visibility).toBe('none');
    expect(byId('rwa-districts:label')?.layout).toMatchObject({ 'text-size': 24 });
    expect(byId('camps:label')?.layout).toMatchObject({ 'text-size': 12 });
    expect(byId('exposure:fill')).toBeUndefined();
  });

  it('keeps the aggregates of a restricted layer lighter at any opacity', () => {
    const s = situationStyle(serverStyle(catalog), catalog, { visible: ['returnees'], opacity: { returnees: 0.5 }, choropleth: null, selected: null });
    const fill = s.layers.find((l) => l.id === 'returnees:households-0');
    const outline = s.layers.find((l) => l.id === 'returnees:outline');
    expect(fill && 'paint' in fill && fill.paint).toMatchObject({ 'fill-opacity': 0.4 });
    expect(outline && 'paint' in outline && outline.paint).toMatchObject({ 'line-opacity': 0.5 });
    expect(s.sources.returnees).toMatchObject({ tiles: ['http://127.0.0.1:8080/tiles/returnees/{z}/{x}/{y}.mvt?v=3&agg=1'] });
  });
});
