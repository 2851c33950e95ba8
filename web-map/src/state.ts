// The state of the situation room, kept in the URL so that a shared link opens the same
// picture: view, visible layers and their opacity, the exposure question and the unit
// drilled into, the interface's language.
import { isLang, type Lang } from './i18n';

export const LEVELS = ['country', 'province', 'district', 'sector', 'cell', 'village'] as const;
export type Level = (typeof LEVELS)[number];

/** Length of the official codes of each level (a unit's code starts with its parent's). */
export const CODE_LENGTH: Record<Level, number> = {
  country: 0,
  province: 1,
  district: 2,
  sector: 4,
  cell: 6,
  village: 8,
};

export interface View {
  lon: number;
  lat: number;
  zoom: number;
}

export interface State {
  view: View;
  /** Visible layers, bottom to top. */
  layers: string[];
  /** Opacity per layer (0-1); absent means the layer's default. */
  opacity: Record<string, number>;
  hazard: string | null;
  exposure: string | null;
  /** Level whose units the table and choropleth show. */
  level: Level;
  /** Unit drilled into (its children are shown), or null for the country. */
  unit: string | null;
  briefing: boolean;
  /** What the choropleth shades: people exposed, or their share of the population. */
  shade: Shade;
  /** The interface's language. */
  lang: Lang;
}

export type Shade = 'exposed' | 'share';

export const DEFAULT_VIEW: View = { lon: 29.9, lat: -1.95, zoom: 7.6 };

export function defaults(): State {
  return {
    view: { ...DEFAULT_VIEW },
    layers: [],
    opacity: {},
    hazard: null,
    exposure: null,
    level: 'district',
    unit: null,
    briefing: false,
    shade: 'exposed',
    lang: 'en',
  };
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

function isLevel(v: string): v is Level {
  return (LEVELS as readonly string[]).includes(v);
}

/** The level whose codes have the length of `code`. */
export function levelOfCode(code: string): Level | null {
  return LEVELS.find((l) => CODE_LENGTH[l] === code.length) ?? null;
}

/** The level below `level` (village has none). */
export function childLevel(level: Level): Level | null {
  const i = LEVELS.indexOf(level);
  return i >= 0 && i < LEVELS.length - 1 ? LEVELS[i + 1] : null;
}

/** The units leading to `code`, country first: '' , '1', '11', '1101'. */
export function ancestry(code: string | null): string[] {
  if (!code) return [''];
  return LEVELS.map((l) => CODE_LENGTH[l])
    .filter((n) => n <= code.length)
    .map((n) => code.slice(0, n));
}

/** Reads the state from a location hash (`#map=z/lat/lon&layers=…`), keeping defaults
 *  for anything missing or malformed. */
export function parseHash(hash: string, base: State = defaults()): State {
  const s: State = { ...base, view: { ...base.view }, opacity: { ...base.opacity } };
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const map = params.get('map')?.split('/').map(Number);
  if (map && map.length === 3 && map.every(Number.isFinite)) {
    const [zoom, lat, lon] = map;
    if (zoom >= 0 && zoom <= 22 && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) {
      s.view = { zoom, lat, lon };
    }
  }
  const layers = params.get('layers');
  if (layers !== null) s.layers = layers.split(',').filter((l) => /^[a-z0-9][a-z0-9_-]*$/.test(l));
  const op = params.get('opacity');
  if (op) {
    for (const pair of op.split(',')) {
      const [id, v] = pair.split(':');
      const n = Number(v);
      if (id && Number.isFinite(n) && n >= 0 && n <= 1) s.opacity[id] = n;
    }
  }
  s.hazard = params.get('hazard') ?? s.hazard;
  s.exposure = params.get('exposure') ?? s.exposure;
  const by = params.get('by');
  if (by && isLevel(by)) s.level = by;
  const unit = params.get('unit');
  if (unit !== null) s.unit = /^\d{1,8}$/.test(unit) ? unit : null;
  s.briefing = params.get('briefing') === '1';
  if (params.get('shade') === 'share') s.shade = 'share';
  const lang = params.get('lang');
  if (isLang(lang)) s.lang = lang;
  return s;
}

/** The state as a location hash; parseHash(toHash(s)) gives back s. */
export function toHash(s: State): string {
  const p: string[] = [];
  p.push(`map=${round(s.view.zoom, 2)}/${round(s.view.lat, 5)}/${round(s.view.lon, 5)}`);
  p.push(`layers=${s.layers.join(',')}`);
  const op = Object.entries(s.opacity)
    .map(([id, v]) => `${id}:${round(v, 2)}`)
    .join(',');
  if (op) p.push(`opacity=${op}`);
  if (s.hazard) p.push(`hazard=${s.hazard}`);
  if (s.exposure) p.push(`exposure=${s.exposure}`);
  p.push(`by=${s.level}`);
  if (s.unit) p.push(`unit=${s.unit}`);
  if (s.briefing) p.push('briefing=1');
  if (s.shade === 'share') p.push('shade=share');
  if (s.lang !== 'en') p.push(`lang=${s.lang}`);
  return `#${p.join('&')}`;
}

/** Moves a layer one step up (towards the top) or down in the drawing order. */
export function moveLayer(layers: string[], id: string, up: boolean): string[] {
  const i = layers.indexOf(id);
  const j = up ? i + 1 : i - 1;
  if (i < 0 || j < 0 || j >= layers.length) return layers;
  const out = [...layers];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}
