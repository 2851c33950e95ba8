import { describe, expect, it } from 'vitest';
import { CHOROPLETH_COLOURS, CLASS_COLOURS, UNCLASSIFIED } from './palette';
import type { CatalogLayer } from './types';
import {
  buildStyle,
  choroplethFill,
  hazardColour,
  niceRound,
  quantileBreaks,
} from './style';
import { layer as baseLayer } from './test-support';

// The shared test layer, without extents (the style takes them from the catalog as given).
const layer = (id: string, kind: CatalogLayer['kind'], theme: string, extra: Partial<CatalogLayer> = {}): CatalogLayer =>
  baseLayer(id, kind, theme, { bounds: null, ...extra });

const catalog = [
  layer('countries', 'boundary', 'country'),
  layer('rwa-districts', 'boundary', 'district'),
  layer('rwa-villages', 'boundary', 'village'),
  layer('flood-zones', 'hazard', 'flood'),
  layer('camps', 'exposure', 'camp'),
  layer('returnees', 'exposure', 'returnee', { sensitivity: 'restricted', geometry: 'point', detail: false }),
];

describe('style', () => {
  it('colours hazard classes darkest for the most severe', () => {
    expect(hazardColour()).toEqual(['match', ['get', 'hazard_class'], 'high', CLASS_COLOURS.high, 'medium', CLASS_COLOURS.medium, 'low', CLASS_COLOURS.low, 'very_low', CLASS_COLOURS.very_low, UNCLASSIFIED]);
  });

  it('makes legible quantile breaks', () => {
    expect(niceRound(12345)).toBe(12000);
    expect(niceRound(0.0456)).toBeCloseTo(0.046);
    const values = Array.from({ length: 100 }, (_, i) => i * 100);
    const breaks = quantileBreaks(values);
    expect(breaks).toEqual([2000, 4000, 6000, 8000]);
    expect(quantileBreaks([0, 0, 0])).toEqual([]);
    expect(choroplethFill([10, 20])).toEqual(['step', ['coalesce', ['get', 'exposed'], 0], CHOROPLETH_COLOURS[0], 10, CHOROPLETH_COLOURS[1], 20, CHOROPLETH_COLOURS[2]]);
  });

  it('builds an offline style from the catalog, in the chosen order', () => {
    const s = buildStyle(catalog, {
      origin: 'http://127.0.0.1:8080',
      visible: ['camps', 'flood-zones'],
      opacity: { 'flood-zones': 0.3 },
      choropleth: { url: 'http://127.0.0.1:8080/api/exposure/tiles/{z}/{x}/{y}.mvt', breaks: [5, 10], field: 'exposed' },
      selected: { layer: 'rwa-districts', code: '34' },
    });
    expect(s.glyphs).toBe('http://127.0.0.1:8080/fonts/{fontstack}/{range}.pbf');
    const urls = Object.values(s.sources).flatMap((src) => ('tiles' in src && src.tiles) || []);
    expect(urls.every((u) => u.startsWith('http://127.0.0.1:8080/'))).toBe(true);
    const ids = s.layers.map((l) => l.id);
    expect(ids[0]).toBe('background');
    expect(ids.indexOf('exposure:fill')).toBeLessThan(ids.indexOf('flood-zones:fill'));
    expect(ids.indexOf('camps:circle')).toBeLessThan(ids.indexOf('flood-zones:fill'));
    expect(ids.indexOf('rwa-districts:line')).toBeGreaterThan(ids.indexOf('flood-zones:fill'));
    expect(ids[ids.length - 1]).toBe('camps:label');
    const flood = s.layers.find((l) => l.id === 'flood-zones:fill');
    expect(flood && 'paint' in flood && flood.paint).toMatchObject({ 'fill-opacity': 0.3 });
    const village = s.layers.find((l) => l.id === 'rwa-villages:label');
    expect(village?.minzoom).toBe(14);
  });

  it('draws restricted layers as aggregates by unit unless the caller has clearance', () => {
    const opts = { origin: 'http://127.0.0.1:8080', visible: ['returnees'], opacity: {}, choropleth: null, selected: null };
    const url = (s: ReturnType<typeof buildStyle>) => {
      const src = s.sources.returnees;
      return 'tiles' in src ? src.tiles?.[0] : undefined;
    };
    const aggregated = buildStyle(catalog, opts);
    expect(url(aggregated)).toBe('http://127.0.0.1:8080/tiles/returnees/{z}/{x}/{y}.mvt?v=3&agg=1');
    const ids = aggregated.layers.map((l) => l.id);
    expect(ids).toContain('returnees:fill');
    expect(ids).not.toContain('returnees:circle');
    const cleared = buildStyle(catalog.map((l) => ({ ...l, detail: true })), opts);
    expect(url(cleared)).toBe('http://127.0.0.1:8080/tiles/returnees/{z}/{x}/{y}.mvt?v=3');
    expect(cleared.layers.map((l) => l.id)).toContain('returnees:circle');
  });
});
