// The controls that ask the server or the browser: camps, search, place info, token,
// briefing and print.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestError, type Versions } from '../api';
import { callsOf, earlierReport, fakeMap, report, store } from '../test-support';
import type { HazardsAt, PointFeature } from '../types';
import { Briefing } from './briefing';
import { Camps } from './camps';
import { PlaceInfo } from './place-info';
import { PrintView } from './print-view';
import { Search } from './search';
import { TokenForm } from './token-form';

const camp = (name: string, lon: number): PointFeature => ({ id: name, properties: { name }, geometry: { type: 'Point', coordinates: [lon, -2] } });

function hazardsAt(classes: Record<number, string | null>) {
  return async (lon: number): Promise<HazardsAt> => ({
    hazards: [{ layer: 'flood-zones', title: 'Flood zones', class: classes[lon] ?? null, version: 2 }],
    units: [],
  });
}

afterEach(() => vi.useRealTimers());

describe('camps', () => {
  it('lists only the camps of the unit drilled into, with their people', async () => {
    const s = store('');
    const site = (name: string, lon: number, code: string, population: number): PointFeature => ({
      id: name,
      properties: { name, sector_code: code, population },
      geometry: { type: 'Point', coordinates: [lon, -2] },
    });
    s.catalog = s.catalog.map((l) => (l.id === 'camps' ? { ...l, fields: { name: 'name', code: 'sector_code', population: 'population' } } : l));
    const server = {
      features: async () => ({ features: [site('Mahama', 1, '5307', 55240), site('Kigeme', 2, '2203', 16872), site('Nyabiheke', 3, '5104', 14342)] }),
      hazardsAt: hazardsAt({ 2: 'high' }),
    };
    const camps = new Camps(s, server);
    const box = camps.onAdd(fakeMap());
    await camps.done;
    const items = () => [...box.querySelectorAll('li')].map((li) => li.textContent);
    expect(items()).toEqual(['Kigeme (16,872 people): High', 'Mahama (55,240 people): Outside hazard zones', 'Nyabiheke (14,342 people): Outside hazard zones']);
    expect(box.querySelector('h3')?.textContent).toBe('Camps and transit centres: 86,454 people');
    s.names.set('53', 'Kirehe');
    s.set({ unit: '53' });
    await camps.done;
    expect(items()).toEqual(['Mahama (55,240 people): Outside hazard zones']);
    expect(box.querySelector('h3')?.textContent).toBe('Camps and transit centres in Kirehe: 55,240 people');
    // A cell of the sector: the site is known to its sector only, and it says so.
    s.set({ unit: '530701' });
    await camps.done;
    expect(items()).toEqual(['Mahama (55,240 people): Outside hazard zones — in the same sector']);
    s.set({ unit: '41' });
    await camps.done;
    expect(box.textContent).toContain('No camp or transit centre in');
  });

  it('lists every camp with the class of the hazard asked about, worst first', async () => {
    const s = store('');
    const server = { features: async () => ({ features: [camp('Mahama', 1), camp('Kiziba', 2), camp('Nyabiheke', 3)] }), hazardsAt: hazardsAt({ 1: 'low', 2: 'high' }) };
    const camps = new Camps(s, server);
    const box = camps.onAdd(fakeMap());
    await camps.done;
    expect([...box.querySelectorAll('li')].map((li) => [li.getAttribute('data-class'), li.textContent])).toEqual([
      ['high', 'Kiziba: High'],
      ['low', 'Mahama: Low'],
      ['none', 'Nyabiheke: Outside hazard zones'],
    ]);
  });

  it('draws the answer to the last question only', async () => {
    const s = store('');
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const server = {
      features: async () => ({ features: [camp('Mahama', 1)] }),
      hazardsAt: async (): Promise<HazardsAt> => {
        const hazard = s.state.hazard;
        if (hazard === 'flood-zones') await slow;
        return { hazards: [{ layer: hazard ?? '', title: '', class: hazard === 'flood-zones' ? 'high' : 'low', version: 1 }], units: [] };
      },
    };
    const camps = new Camps(s, server);
    const box = camps.onAdd(fakeMap());
    const first = camps.done;
    s.set({ hazard: 'landslide-zones' });
    await camps.done;
    release();
    await first;
    expect(box.querySelector('li')?.getAttribute('data-class')).toBe('low');
  });
});

describe('search', () => {
  it('lists what matches, learns unit names and frames the one chosen', async () => {
    const s = store('');
    const hits = [
      { kind: 'boundary', layer: 'rwa-districts', level: 'district', code: '43', name: 'Rubavu', bbox: [29.2, -1.8, 29.5, -1.6] as [number, number, number, number] },
      { kind: 'feature', layer: 'camps', level: 'camp', code: null, name: 'Rubavu transit centre', bbox: [29.3, -1.7, 29.3, -1.7] as [number, number, number, number] },
    ];
    const drilled: string[] = [];
    const search = new Search(s, { search: async () => ({ results: hits }) }, (code) => drilled.push(code));
    const map = fakeMap();
    const box = search.onAdd(map);
    await search.run('r');
    expect(box.querySelectorAll('#search-results li').length).toBe(0);
    await search.run('Rubavu');
    expect([...box.querySelectorAll('#search-results li')].map((li) => li.textContent)).toEqual(['Rubavu district 43', 'Rubavu transit centre camp']);
    expect(s.unitName('43')).toBe('Rubavu');
    box.querySelector<HTMLButtonElement>('#search-results button')!.click();
    expect(callsOf(map, 'fitBounds')[0][1]).toEqual(hits[0].bbox);
    expect(drilled).toEqual(['43']);
    expect(box.querySelectorAll('#search-results li').length).toBe(0);
    // A camp is framed, not drilled into.
    await search.run('Rubavu');
    box.querySelectorAll<HTMLButtonElement>('#search-results button')[1].click();
    expect(callsOf(map, 'fitBounds')[1][1]).toEqual(hits[1].bbox);
    expect(drilled).toEqual(['43']);
  });
});

describe('place info', () => {
  it('tells what is where the map is clicked', async () => {
    const s = store('');
    const shown: [{ lng: number; lat: number }, HTMLElement][] = [];
    const server = {
      hazardsAt: vi.fn(async () => ({
        hazards: [{ layer: 'flood-zones', title: 'Flood zones', class: 'medium', version: 2 }, { layer: 'landslide-zones', title: 'Landslides', class: null, version: 1 }],
        units: [{ layer: 'rwa-districts', level: 'district', code: '43', name: 'Rubavu' }, { layer: 'rwa-sectors', level: 'sector', code: '4301', name: null }],
      })),
    };
    const info = new PlaceInfo(s, server, (at, content) => shown.push([at, content]));
    const map = fakeMap();
    const live = info.onAdd(map);
    map.fire('click', { lngLat: { lng: 29.123456789, lat: -1.7 } });
    await info.done;
    expect(server.hazardsAt).toHaveBeenCalledWith(29.123457, -1.7);
    expect(shown[0][1].querySelector('h3')?.textContent).toBe('Rubavu district › 4301 sector');
    expect([...shown[0][1].querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Flood zones: Medium', 'Landslides: Outside hazard zones']);
    expect(live.textContent).toBe('Rubavu district › 4301 sector. Flood zones: Medium. Landslides: Outside hazard zones');
    info.onRemove();
    map.fire('click', { lngLat: { lng: 1, lat: 1 } });
    expect(server.hazardsAt).toHaveBeenCalledTimes(1);
  });

  it('drills into the unit clicked at the level the dashboard shows', async () => {
    const s = store('#by=district');
    const drilled: string[] = [];
    const server = {
      hazardsAt: async () => ({
        hazards: [],
        units: [{ layer: 'rwa-districts', level: 'district', code: '43', name: 'Rubavu' }, { layer: 'rwa-sectors', level: 'sector', code: '4301', name: 'Gisenyi' }],
      }),
    };
    const info = new PlaceInfo(s, server, () => {}, (code) => drilled.push(code));
    info.onAdd(fakeMap());
    await info.show(29.3, -1.7);
    expect(drilled).toEqual(['43']);
    // Drilled into Rubavu, the dashboard shows its sectors: a click drills into one.
    s.set({ unit: '43' });
    await info.show(29.3, -1.7);
    expect(drilled).toEqual(['43', '4301']);
  });
});

describe('token form', () => {
  it('keeps the token for the tab and reloads what the caller may see', () => {
    let kept: string | null = 'old';
    const changed = vi.fn();
    const form = new TokenForm(store(''), { token: () => kept, setToken: (t) => (kept = t.trim() || null) }, changed);
    const box = form.onAdd(fakeMap());
    expect(form.input.value).toBe('old');
    form.input.value = '  new-token ';
    box.dispatchEvent(new Event('submit'));
    expect(kept).toBe('new-token');
    expect(changed).toHaveBeenCalledOnce();
  });
});

describe('briefing', () => {
  it('steps through the worst units and back to the whole, and Esc leaves', () => {
    vi.useFakeTimers();
    const s = store('#briefing=1');
    const briefing = new Briefing(s);
    const map = fakeMap();
    const box = briefing.onAdd(map);
    s.setReport(report());
    expect(document.body.classList.contains('briefing')).toBe(true);
    expect(box.querySelector('h2')?.textContent).toBe('Rwanda — Flood zones');
    expect(box.querySelector('.big .n')?.textContent).toBe('420');
    briefing.step(1);
    expect(box.querySelector('h2')?.textContent).toBe('Gasabo — Flood zones');
    expect(box.querySelector('.big .n')?.textContent).toBe('320');
    expect(callsOf(map, 'fitBounds').at(-1)?.[1]).toEqual([30.0, -2.0, 30.3, -1.8]);
    vi.advanceTimersByTime(10_000);
    expect(box.querySelector('.worst .current')?.textContent).toBe('Nyarugenge: 100 exposed');
    briefing.step(1);
    briefing.step(1);
    expect(box.querySelector('h2')?.textContent).toBe('Rwanda — Flood zones');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(s.state.briefing).toBe(false);
    expect(document.body.classList.contains('briefing')).toBe(false);
    briefing.onRemove();
  });

  it('carries the legend, the needs and why affected is or is not exposed', async () => {
    const { whyAffected } = await import('./briefing');
    const s = store('#briefing=1&layers=flood-zones');
    const briefing = new Briefing(s);
    const box = briefing.onAdd(fakeMap());
    s.setReport(report());
    expect([...box.querySelectorAll('.legend h3')].map((h) => h.textContent)).toEqual(['Flood depth', 'People exposed per district']);
    expect(box.querySelector('.needs')?.textContent).toMatch(/^Needs of the displaced: [\d.,]+ t of food and [\d,]+ litres of water a day/);
    expect(box.querySelector('.why')?.textContent).toBe(whyAffected(420, 420));
    expect(whyAffected(420, 420)).toBe('Affected equals exposed: every class of this hazard layer counts as affected.');
    expect(whyAffected(420, 300)).toBe('120 of the exposed live in classes not counted as affected.');
    s.set({ briefing: false });
    briefing.onRemove();
  });
});

describe('print view (the flash update)', () => {
  /** The versions the brief asked figures at. */
  let asked: Versions[] = [];
  const server = (header?: string[], refuse = false) => ({
    exposure: async (_hazard: string, _exposure: string, by: string, versions: Versions) => {
      asked.push(versions);
      if (refuse) throw new RequestError("figures at an earlier version of 'population' are given only to …", 403);
      return earlierReport(by);
    },
    features: async () => ({ features: [{ id: 'k', properties: { name: 'Kigeme', population: 16872, code: '2203' }, geometry: { type: 'Point' as const, coordinates: [1, -2] as [number, number] } }] }),
    hazardsAt: hazardsAt({ 1: 'high' }),
    briefConfig: async () => (header ? { header: { en: header } } : {}),
    layerRecord: async (id: string) => {
      const version = (n: number, file: string, at: string, count: number | null) => ({ version: n, source_name: file, feature_count: count, loaded_by: 'gis', loaded_at: at, report: {} as never });
      if (id === 'flood-zones') return { ...record(id), versions: [version(2, 'flood_v2.geojson', '2026-11-27T02:00:00Z', 120), version(1, 'flood_v1.geojson', '2026-11-20T02:00:00Z', 100)] };
      if (id === 'population') return { ...record(id), versions: [version(1, 'population.csv', '2026-11-01T00:00:00Z', 30)] };
      throw new Error('401 Unauthorized');
    },
  });
  const record = (id: string) => ({ id, title: id, kind: 'hazard' as const, theme: 'flood', sensitivity: 'public' as const, anonymous: true, current_version: 2, feature_count: 0 });

  it('is filled from the screen when the browser prints without the button', () => {
    const s = store('');
    const print = new PrintView(s, server());
    const box = print.onAdd(fakeMap());
    s.setReport(report());
    expect(box.children.length).toBe(0);
    window.dispatchEvent(new Event('beforeprint'));
    expect(box.querySelector('.print-map img')?.getAttribute('src')).toMatch(/^data:image\/png/);
    expect(box.querySelectorAll('.units tbody tr').length).toBe(3);
    const value = (k: string) => box.querySelector(`[data-figure=${k}] .value`)?.textContent;
    expect([value('exposed'), value('affected'), value('displaced')]).toEqual(['420', '420', '140']);
    // Sources of what is shown and counted only: the districts are neither.
    const sources = box.querySelector('.sources')?.textContent ?? '';
    expect(sources).toContain('flood-zones ©');
    expect(sources).toContain('population ©');
    expect(sources).not.toContain('rwa-districts ©');
    print.onRemove();
  });

  it('prints the map at print resolution with a scale bar, the header, camps and key messages', async () => {
    const s = store('');
    const printer = async (width: number, height: number) => ({ image: 'data:image/png;base64,BBBB', width, height, metresPerPx: 400 });
    const print = new PrintView(s, server(['Republic of Rwanda', 'Ministry in charge of Emergency Management']), printer, () => new Date('2026-12-02T08:30:00Z'));
    const box = print.onAdd(fakeMap());
    s.setReport(report());
    await print.prepare();
    expect(box.querySelector('.print-map img')?.getAttribute('src')).toBe('data:image/png;base64,BBBB');
    // 460 px at 400 m a pixel: the longest round bar within a quarter of it is 20 km.
    const bar = box.querySelector('[data-metres]');
    expect(bar?.getAttribute('data-metres')).toBe('20000');
    expect(box.querySelector('.overlay')?.textContent).toContain('20 km');
    expect(box.querySelector('.overlay')?.textContent).toContain('N');
    expect(box.querySelector('.ministry')?.textContent).toBe('Republic of RwandaMinistry in charge of Emergency Management');
    expect(box.querySelector('h1')?.textContent).toBe('Flood zones: Rwanda, 27 Nov 2026');
    const messages = [...box.querySelectorAll('.messages li')].map((li) => li.textContent ?? '');
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages.length).toBeLessThanOrEqual(5);
    expect(messages[0]).toContain('420 people');
    expect(messages.join(' ')).toContain('Kigeme (High)');
    expect([...box.querySelectorAll('.sites tbody tr')].map((r) => r.textContent)).toEqual(['Kigeme16,872High']);
    expect(box.querySelector('.legend h3')?.textContent).toBe('Flood depth');
    expect(box.querySelector('.printed')?.textContent).toBe('Printed 2 Dec 2026, 08:30 UTC from sitroom.');
    // The figures at the previous inputs (flood v1; population has no other version),
    // for the same unit, and what changed in each input since, as the versions say.
    expect(asked).toEqual([{ hazard_version: 1, exposure_version: 1 }]);
    const delta = (k: string) => box.querySelector(`[data-figure=${k}] .delta`);
    expect([delta('exposed'), delta('affected'), delta('displaced')].map((d) => d?.getAttribute('data-delta'))).toEqual(['40', '40', '40']);
    expect(delta('exposed')?.textContent).toBe('+40 since the previous inputs');
    const changes = [...box.querySelectorAll('.changes li')].map((li) => li.textContent);
    expect(changes).toEqual([
      'With the previous inputs (Flood zones v1, Population v1) the figures were: 380 exposed (+40 since), 380 affected (+40), 100 likely displaced (+40).',
      'Flood zones: v2 (flood_v2.geojson, loaded 27 Nov 2026) replaced v1 (flood_v1.geojson, 20 Nov 2026). 120 features, 100 before.',
      'Population: v1 (population.csv, loaded 1 Nov 2026) is the first version.',
      'Sectors v4: its versions are not open to this reader.',
    ]);
    // No synthetic layer is used: no marking.
    expect(box.querySelector('[data-synthetic]')).toBeNull();
    print.onRemove();
  });

  it('says when the figures at the previous inputs are withheld from this reader, and shows no change', async () => {
    asked = [];
    const s = store('');
    const print = new PrintView(s, server(undefined, true));
    const box = print.onAdd(fakeMap());
    s.setReport(report());
    await print.prepare();
    expect(asked).toEqual([{ hazard_version: 1, exposure_version: 1 }]);
    expect(box.querySelector('[data-figure=exposed] .delta')).toBeNull();
    expect(box.querySelector('.changes li')?.textContent).toBe(
      'The figures at the previous inputs are not shown to this reader: for a restricted layer they are given to the analyst role only, since the difference would single out what changed.',
    );
    print.onRemove();
  });

  it('marks the brief SYNTHETIC whenever a synthetic layer is shown or counted', async () => {
    const s = store('');
    s.catalog = s.catalog.map((l) => (l.id === 'flood-zones' ? { ...l, attribution: 'SYNTHETIC, not an official map: seeded noise' } : l));
    const print = new PrintView(s, server());
    const box = print.onAdd(fakeMap());
    s.setReport(report());
    await print.prepare();
    expect(box.querySelector('[data-synthetic]')?.textContent).toBe('SYNTHETIC DATA — NOT OFFICIAL. Invented for demonstration, not observed: Flood depth.');
    print.onRemove();
  });
});
