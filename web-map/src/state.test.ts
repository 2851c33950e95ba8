import { describe, expect, it } from 'vitest';
import { ancestry, childLevel, defaults, levelOfCode, moveLayer, parseHash, toHash } from './state';

describe('state in the URL', () => {
  it('round-trips through the hash', () => {
    const s = {
      ...defaults(),
      view: { lon: 29.25, lat: -1.68, zoom: 10.5 },
      layers: ['flood-zones', 'camps'],
      opacity: { 'flood-zones': 0.4 },
      hazard: 'flood-zones',
      exposure: 'population-2022',
      level: 'sector' as const,
      unit: '34',
      briefing: true,
      lang: 'rw' as const,
    };
    expect(parseHash(toHash(s))).toEqual(s);
  });

  it('names the language only when it is not English, and ignores one we lack', () => {
    expect(toHash(defaults())).not.toContain('lang=');
    expect(toHash({ ...defaults(), lang: 'fr' })).toContain('lang=fr');
    expect(parseHash('#lang=de').lang).toBe('en');
    expect(parseHash('#by=sector', { ...defaults(), lang: 'fr' }).lang).toBe('fr');
  });

  it('keeps defaults for what is missing or malformed', () => {
    const s = parseHash('#map=99/abc/1&by=parish&unit=12x&opacity=a:7,b:0.5&layers=ok,../bad');
    expect(s.view).toEqual(defaults().view);
    expect(s.level).toBe('district');
    expect(s.unit).toBeNull();
    expect(s.opacity).toEqual({ b: 0.5 });
    expect(s.layers).toEqual(['ok']);
  });

  it('knows the admin hierarchy by code length', () => {
    expect(levelOfCode('34')).toBe('district');
    expect(levelOfCode('3401')).toBe('sector');
    expect(levelOfCode('340101')).toBe('cell');
    expect(levelOfCode('123')).toBeNull();
    expect(childLevel('district')).toBe('sector');
    expect(childLevel('village')).toBeNull();
    expect(ancestry('34010203')).toEqual(['', '3', '34', '3401', '340102', '34010203']);
    expect(ancestry(null)).toEqual(['']);
  });

  it('moves layers in the drawing order', () => {
    expect(moveLayer(['a', 'b', 'c'], 'a', true)).toEqual(['b', 'a', 'c']);
    expect(moveLayer(['a', 'b', 'c'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(moveLayer(['a', 'b', 'c'], 'b', false)).toEqual(['b', 'a', 'c']);
  });
});
