import { describe, expect, it, vi } from 'vitest';
import { Situation } from './situation';
import { catalog, report, serverStyle, store } from './test-support';
import type { Report } from './types';

function server(answers: Record<string, () => Promise<Report>>) {
  return {
    catalog: vi.fn(async () => catalog),
    situationStyle: vi.fn(async () => serverStyle(catalog)),
    exposure: vi.fn((_hazard: string, _exposure: string, by: string) => (answers[by] ?? (async () => report(by)))()),
    search: vi.fn(async (q: string) => ({ results: [{ kind: 'boundary', layer: 'x', level: 'district', code: q, name: `Unit ${q}`, bbox: [0, 0, 1, 1] as [number, number, number, number] }] })),
    token: () => null,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('situation', () => {
  it('asks for the report of the question, by the level shown', async () => {
    const s = store('#by=sector');
    const api = server({});
    const situation = new Situation(s, api);
    await situation.loadReport();
    expect(api.exposure).toHaveBeenLastCalledWith('flood-zones', 'population', 'sector');
    expect(s.report?.by).toBe('sector');
    s.set({ hazard: 'landslide-zones' });
    await settle();
    expect(api.exposure).toHaveBeenLastCalledWith('landslide-zones', 'population', 'sector');
  });

  it('drops the answer to a question no longer asked', async () => {
    const s = store('');
    let release: () => void = () => {};
    const late = new Promise<void>((r) => (release = r));
    const api = server({ district: async () => (await late, report('district')) });
    const situation = new Situation(s, api);
    const first = situation.loadReport();
    s.set({ level: 'sector' });
    await settle();
    expect(s.report?.by).toBe('sector');
    release();
    await first;
    expect(s.report?.by).toBe('sector');
    expect(s.busy).toBe(false);
  });

  it('drills into a unit, names its parents and frames it', async () => {
    const s = store('');
    const frame = vi.fn();
    const api = server({});
    const situation = new Situation(s, api, frame);
    await situation.loadReport();
    situation.drill('11');
    expect(s.state).toMatchObject({ unit: '11', level: 'district' });
    expect(frame).toHaveBeenCalledWith([29.9, -2.1, 30.1, -1.9]);
    await settle();
    expect(api.exposure).toHaveBeenLastCalledWith('flood-zones', 'population', 'sector');
    expect(s.unitName('1')).toBe('Unit 1');
    situation.drill(null);
    expect(frame).toHaveBeenLastCalledWith(null);
  });

  it('keeps the figures and says why when the server refuses', async () => {
    const s = store('');
    const api = server({ sector: async () => Promise.reject(new Error('no sector boundaries')) });
    const situation = new Situation(s, api);
    await situation.loadReport();
    s.set({ level: 'sector' });
    await settle();
    await settle();
    expect(s.error).toBe('no sector boundaries');
    expect(s.report?.by).toBe('district');
  });
});
