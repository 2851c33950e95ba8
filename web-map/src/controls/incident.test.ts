// The incident area tool: corners drawn on the map, the closed ring sent to the ad hoc
// area API, and its answer written as the dashboard writes figures.
import { describe, expect, it } from 'vitest';
import { fakeMap, store } from '../test-support';
import type { AreaReport } from '../types';
import { IncidentArea } from './incident';
import { PlaceInfo } from './place-info';

const answer = (extra: Partial<AreaReport> = {}): AreaReport => ({
  hazard: { layer: 'flood-zones', version: 2, title: 'Flood zones', attribution: '' },
  exposure: { layer: 'population', version: 1, title: 'Population', attribution: '' },
  computed_at: '2026-12-02T10:00:00Z',
  redacted: false,
  needs_standard: { kcal: 2100, water_l: 15, shelter_m2: 3.5, people_per_latrine: 20, ration_kcal_per_kg: 2100 / 0.555 },
  area: {
    code: 'area',
    name: null,
    classes: [
      { class: 'high', count: 3, population: 1200, households: 300, affected: 1200, displaced: 960 },
      { class: 'none', count: 2, population: 800, households: 200, affected: 0, displaced: 0 },
    ],
  },
  total: [],
  ...extra,
});

function setUp(reply: () => Promise<AreaReport>) {
  const s = store('');
  const sent: { hazard: string; exposure: string; polygon: unknown }[] = [];
  const tool = new IncidentArea(s, {
    exposureArea: (hazard, exposure, polygon) => {
      sent.push({ hazard, exposure, polygon });
      return reply();
    },
  });
  const map = fakeMap();
  const box = tool.onAdd(map);
  return { s, tool, box, sent, map };
}

describe('incident area', () => {
  it('is drawn corner by corner, closed into a ring and counted by the server', async () => {
    const { s, tool, box, sent } = setUp(async () => answer());
    (box.querySelector('#incident-draw') as HTMLButtonElement).click();
    expect(tool.drawing()).toBe(true);
    tool.add(30.0, -1.9);
    tool.add(30.1, -1.9);
    expect(box.querySelector('#incident-close')).toBeNull();
    tool.add(30.1, -2.0);
    expect(s.incident?.points.length).toBe(3);
    (box.querySelector('#incident-close') as HTMLButtonElement).click();
    await tool.done;
    expect(sent).toEqual([
      {
        hazard: 'flood-zones',
        exposure: 'population',
        polygon: { type: 'Polygon', coordinates: [[[30, -1.9], [30.1, -1.9], [30.1, -2], [30, -1.9]]] },
      },
    ]);
    expect(box.querySelector('[data-figure=incident]')?.textContent).toBe('In the area: 1,200 exposed, 1,200 affected, 960 likely displaced, of 2,000 people counted.');
    expect(box.querySelector('.needs')?.textContent).toContain('48 latrines');
    // A new question counts the same area again.
    s.set({ hazard: 'landslide-zones' });
    await tool.done;
    expect(sent.at(-1)?.hazard).toBe('landslide-zones');
    (box.querySelector('#incident-clear') as HTMLButtonElement).click();
    expect(s.incident).toBeNull();
    expect(box.querySelector('#incident-draw')).not.toBeNull();
  });

  it('says what a restricted answer stands for, and what went wrong', async () => {
    const restricted = answer({ redacted: true, units_in_area: 12, disclosure: { counts: true, places: true, min_households: 5, method: '' } });
    const { tool, box } = setUp(async () => restricted);
    tool.start();
    for (const [lon, lat] of [[30, -1.9], [30.1, -1.9], [30.1, -2]]) tool.add(lon, lat);
    tool.close();
    await tool.done;
    expect(box.querySelector('.note')?.textContent).toContain('whole villages whose centre lies in it (12)');
    // Nothing published is not "nobody lives there".
    const nothing = setUp(async () => ({ ...restricted, area: null }));
    nothing.tool.start();
    for (const [lon, lat] of [[30, -1.9], [30.1, -1.9], [30.1, -2]]) nothing.tool.add(lon, lat);
    nothing.tool.close();
    await nothing.tool.done;
    expect(nothing.box.querySelector('[data-figure=incident]')?.textContent).toBe('No figure can be published for this area: it holds no group of at least 5 households (there may be fewer, or none).');
    const failing = setUp(async () => {
      throw new Error('the area crosses the antimeridian');
    });
    failing.tool.start();
    for (const [lon, lat] of [[179.9, 0], [-179.9, 0], [-179.9, 1]]) failing.tool.add(lon, lat);
    failing.tool.close();
    await failing.tool.done;
    expect(failing.box.querySelector('[role=alert]')?.textContent).toBe('The area could not be counted: the area crosses the antimeridian');
  });

  it('cancels with Esc, and map clicks draw instead of asking what is there', async () => {
    const { s, tool } = setUp(async () => answer());
    const shown: unknown[] = [];
    const place = new PlaceInfo(s, { hazardsAt: async () => ({ hazards: [], units: [] }) }, (at) => shown.push(at));
    const map = fakeMap();
    place.onAdd(map);
    tool.start();
    map.fire('click', { lngLat: { lng: 30, lat: -2 } });
    await place.done;
    expect(shown).toEqual([]);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(s.incident).toBeNull();
    map.fire('click', { lngLat: { lng: 30, lat: -2 } });
    await place.done;
    expect(shown.length).toBe(1);
  });
});
