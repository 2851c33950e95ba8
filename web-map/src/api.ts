// The server's APIs the situation room uses. Every request goes to the server that
// served the page: nothing leaves the briefing room's network.
import type { CatalogLayer } from './style';
import type { Report } from './figures';

export const origin = () => window.location.origin;

/** The caller's token, if they gave one (kept for this browser tab only). */
export const token = (): string | null => sessionStorage.getItem('sitroom-token') || null;

/** Headers that carry the token, for our own server only. */
export const authHeaders = (): Record<string, string> => {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
};

async function json<T>(path: string): Promise<T> {
  const r = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() } });
  if (!r.ok) {
    let detail = `${r.status} ${r.statusText}`;
    try {
      detail = (await r.json()).detail ?? detail;
    } catch {
      /* not a problem document */
    }
    throw new Error(detail);
  }
  return (await r.json()) as T;
}

export async function catalog(): Promise<CatalogLayer[]> {
  const c = await json<{ tiles: Record<string, Omit<CatalogLayer, 'id'>> }>('/catalog');
  return Object.entries(c.tiles).map(([id, l]) => ({ id, ...l }));
}

export const exposure = (hazard: string, exposure: string, by: string) =>
  json<Report>(`/api/exposure?hazard=${hazard}&exposure=${exposure}&by=${by}`);

export interface HazardsAt {
  hazards: { layer: string; title: string; class: string | null; version: number }[];
  units: { layer: string; level: string; code: string; name: string | null }[];
}

export const hazardsAt = (lon: number, lat: number) => json<HazardsAt>(`/api/hazards/at?lon=${lon}&lat=${lat}`);

export interface SearchHit {
  kind: string;
  layer: string;
  level: string;
  code: string | null;
  name: string;
  bbox: [number, number, number, number];
}

export const search = (q: string) => json<{ results: SearchHit[] }>(`/api/search?q=${encodeURIComponent(q)}`);

export interface Feature {
  id: string | number;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: [number, number] };
}

export const features = (layer: string, limit = 1000) =>
  json<{ features: Feature[] }>(`/ogc/collections/${layer}/items?limit=${limit}`);
