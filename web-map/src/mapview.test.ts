import { describe, expect, it } from 'vitest';
import { MapView, type StyledMap } from './mapview';
import { callsOf, fakeMap, report, serverStyle, store } from './test-support';

function setUp(hash = '') {
  const s = store(hash);
  s.setReport(report());
  const view = new MapView(s, 'http://127.0.0.1:8080');
  const map = fakeMap();
  map.setStyle(view.build());
  map.calls.length = 0;
  view.follow(map as StyledMap);
  return { s, map };
}

describe('label scale', () => {
  it('grows with the screen beyond 1920 px, and by half again in briefing mode', async () => {
    const { labelScale } = await import('./mapview');
    expect(labelScale(false, 1366)).toBe(1);
    expect(labelScale(false, 3840)).toBe(2);
    expect(labelScale(true, 1920)).toBe(1.5);
    expect(labelScale(true, 3840)).toBe(3);
  });
});

describe('map view', () => {
  it('shows and hides a layer without building the style again', () => {
    const { s, map } = setUp();
    s.set({ layers: ['flood-zones'] });
    expect(callsOf(map, 'setStyle')).toEqual([]);
    expect(callsOf(map, 'setLayoutProperty')).toContainEqual(['setLayoutProperty', 'camps:circle', 'visibility', 'none']);
    expect(callsOf(map, 'setLayoutProperty')).toContainEqual(['setLayoutProperty', 'flood-zones:high', 'visibility', 'visible']);
  });

  it('changes opacity in place, and the aggregates at their own share of it', () => {
    const { s, map } = setUp('#layers=flood-zones,returnees');
    s.set({ opacity: { 'flood-zones': 0.3, returnees: 0.5 } });
    expect(callsOf(map, 'setPaintProperty')).toContainEqual(['setPaintProperty', 'flood-zones:high', 'fill-opacity', 0.3]);
    expect(callsOf(map, 'setPaintProperty')).toContainEqual(['setPaintProperty', 'returnees:households-0', 'fill-opacity', 0.4]);
    expect(callsOf(map, 'moveLayer')).toEqual([]);
  });

  it('moves layers to the chosen order, below the boundaries', () => {
    const { s, map } = setUp('#layers=flood-zones,camps');
    s.set({ layers: ['camps', 'flood-zones'] });
    const moves = callsOf(map, 'moveLayer').map((c) => c[1]);
    // Bottom to top, each placed below the first boundary line.
    expect(moves.indexOf('camps:circle')).toBeLessThan(moves.indexOf('flood-zones:high'));
    expect(moves).not.toContain('camps:label');
    // The layer just above the data layers in the style built.
    const built = new MapView(s, 'http://127.0.0.1:8080').build().layers.map((l) => l.id);
    const above = built.slice(built.indexOf('flood-zones:high') + 1).find((id) => !id.startsWith('camps:') && !id.startsWith('returnees:') && !id.startsWith('population:') && !id.startsWith('landslide-zones:'));
    expect(new Set(callsOf(map, 'moveLayer').map((c) => c[2]))).toEqual(new Set([above]));
    expect(above).toMatch(/^rwa-.*:line$/);
  });

  it('points the choropleth at the new question and outlines the unit drilled into', () => {
    const { s, map } = setUp();
    s.set({ unit: '11' });
    expect(callsOf(map, 'setFilter')).toContainEqual(['setFilter', 'rwa-districts:selected', ['==', ['to-string', ['get', 'id']], '11']]);
    expect(callsOf(map, 'setFilter')).toContainEqual(['setFilter', 'rwa-sectors:selected', ['==', ['to-string', ['get', 'id']], '']]);
    s.setReport(report('sector', { hazard: { layer: 'flood-zones', version: 7, title: 'Flood zones', attribution: '' } }));
    const tiles = callsOf(map, 'setTiles');
    expect(tiles.length).toBe(1);
    expect(String((tiles[0][2] as string[])[0])).toMatch(/by=sector&v=7\.1\.4$/);
    expect(callsOf(map, 'setStyle')).toEqual([]);
    // The same report again asks for no new tiles.
    s.setReport(report('sector', { hazard: { layer: 'flood-zones', version: 7, title: 'Flood zones', attribution: '' } }));
    expect(callsOf(map, 'setTiles').length).toBe(1);
  });

  it('shades the share exposed when asked, with breaks of shares', () => {
    const { s, map } = setUp();
    s.set({ shade: 'share' });
    const fill = callsOf(map, 'setPaintProperty').find((c) => c[1] === 'exposure:fill' && c[2] === 'fill-color');
    expect(JSON.stringify(fill?.[3])).toContain('"exposed_share"');
    expect(s.breaks.every((b) => b > 0 && b <= 1)).toBe(true);
    expect(s.link.hash).toContain('shade=share');
  });

  it('builds the style again for a new catalog', () => {
    const { s, map } = setUp();
    const cleared = s.catalog.map((l) => (l.id === 'returnees' ? { ...l, detail: true } : l));
    s.setCatalog(cleared, serverStyle(cleared), true);
    expect(callsOf(map, 'setStyle').length).toBe(1);
    expect(map.ids.has('returnees:circle')).toBe(true);
  });
});
