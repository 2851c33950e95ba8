// Every request the situation room and the layers page make, in one place. Requests go
// to the server that served the page only (nothing leaves the briefing room's network),
// with the caller's token when they gave one.
import type { Polygon } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import type {
  AccessChange,
  AlertDoc,
  AuditEntry,
  AreaReport,
  BriefConfig,
  CatalogLayer,
  Delivery,
  DeliveryCounts,
  EventCalibration,
  EventPlaces,
  FundingAnswer,
  HazardsAt,
  InForce,
  LayerRecord,
  LoadOutcome,
  LoadPreview,
  LossEvent,
  PointFeature,
  RegisterInfo,
  Report,
  RollUp,
  SearchHit,
  SendaiAnswer,
  Subscriber,
  SubscriberSpec,
} from './types';

const TOKEN_KEY = 'sitroom-token';

export const origin = () => window.location.origin;

/** The caller's token, if they gave one (kept for this browser tab only). */
export const token = (): string | null => sessionStorage.getItem(TOKEN_KEY) || null;

/** Keeps `value` as the token of this tab; an empty value forgets it. */
export function setToken(value: string) {
  const t = value.trim();
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Headers that carry the token, for our own server only. */
export const authHeaders = (): Record<string, string> => {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
};

/** What the server said was wrong: the problem document's detail, else the status. */
async function problem(r: Response): Promise<string> {
  try {
    const body = await r.json();
    if (typeof body?.detail === 'string') return body.detail;
  } catch {
    /* not a problem document */
  }
  return `${r.status} ${r.statusText}`.trim();
}

/** A request the server refused or failed: what it said, and its status. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path, { ...init, headers: { accept: 'application/json', ...authHeaders(), ...(init.headers ?? {}) } });
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const r = await send(path, init);
  if (!r.ok) throw new RequestError(await problem(r), r.status);
  return (await r.json()) as T;
}

const query = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

/** The ministry's header for the brief (`brief.json` beside the page; none if absent). */
export async function briefConfig(): Promise<BriefConfig> {
  const r = await fetch('/brief.json');
  return r.ok ? ((await r.json()) as BriefConfig) : {};
}

/** The situation map's style for this caller (the server draws it for QGIS and
 *  MapLibre pages too). */
export const situationStyle = () => json<StyleSpecification>('/styles/situation.json');

export async function catalog(): Promise<CatalogLayer[]> {
  const c = await json<{ tiles: Record<string, Omit<CatalogLayer, 'id'>> }>('/catalog');
  return Object.entries(c.tiles).map(([id, l]) => ({ id, ...l }));
}

/** Versions of the hazard and exposure layers to compute with instead of the current ones. */
export interface Versions {
  hazard_version?: number;
  exposure_version?: number;
}

/** The report of `exposure` × `hazard` by `by`, at the current versions of the layers or
 *  at `versions` (given only to readers who see the detail of both layers). */
export const exposure = (hazard: string, exposure: string, by: string, versions: Versions = {}) =>
  json<Report>(`/api/exposure?${query({ hazard, exposure, by, ...versions })}`);

/** The figures of an incident area (a GeoJSON polygon), with the disclosure control of
 *  every other answer. */
export const exposureArea = (hazard: string, exposure: string, polygon: Polygon) =>
  json<AreaReport>(`/api/exposure/area?${query({ hazard, exposure })}`, jsonBody('POST', polygon));

export const hazardsAt = (lon: number, lat: number) => json<HazardsAt>(`/api/hazards/at?${query({ lon, lat })}`);

export const search = (q: string) => json<{ results: SearchHit[] }>(`/api/search?${query({ q })}`);

export const features = (layer: string, limit = 1000) =>
  json<{ features: PointFeature[] }>(`/ogc/collections/${encodeURIComponent(layer)}/items?${query({ limit })}`);

// ---------- the layers page ----------

const layerPath = (id: string) => `/api/layers/${encodeURIComponent(id)}`;

/** The layers this caller may read, each with its versions. */
/** Layer `id` with its versions, as this caller may see it. */
export const layerRecord = (id: string) => json<LayerRecord>(layerPath(id));

export async function layerRecords(): Promise<LayerRecord[]> {
  const list = await json<LayerRecord[]>('/api/layers');
  return Promise.all(list.map((l) => layerRecord(l.id)));
}

/** Loads `file` as a new version of layer `id`; refused loads come back with their
 *  report, the previous version staying current. */
/** The upload's form: the file and every field given. */
function uploadForm(file: File, fields: Record<string, string>): FormData {
  const body = new FormData();
  body.append('file', file, file.name);
  for (const [k, v] of Object.entries(fields)) if (v.trim()) body.append(k, v.trim());
  return body;
}

/** What loading `file` into layer `id` with `fields` would do; nothing is written. */
export const previewLayer = (id: string, file: File, fields: Record<string, string>) =>
  json<LoadPreview>(`${layerPath(id)}/preview`, { method: 'POST', body: uploadForm(file, fields) });

export async function loadLayer(id: string, file: File, fields: Record<string, string>): Promise<LoadOutcome> {
  const r = await send(layerPath(id), { method: 'POST', body: uploadForm(file, fields) });
  const answer = await r.json().catch(() => ({}));
  return { ok: r.ok, version: answer.version, report: answer.report, detail: r.ok ? undefined : (answer.detail ?? `${r.status} ${r.statusText}`) };
}

const jsonBody = (method: string, value: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** Deletes layer `id` with all its versions. */
export async function deleteLayer(id: string): Promise<void> {
  const r = await send(layerPath(id), { method: 'DELETE' });
  if (!r.ok) throw new RequestError(await problem(r), r.status);
}

/** The audit log, newest first (an administrator's token). */
export const audit = (limit = 50) => json<AuditEntry[]>(`/api/audit?${query({ limit })}`);

/** Makes `version` of layer `id` current again. */
export const rollback = (id: string, version: number) => json<LayerRecord>(`${layerPath(id)}/rollback`, jsonBody('POST', { version }));

/** Changes who may read layer `id`. */
export const setAccess = (id: string, change: AccessChange) => json<LayerRecord>(layerPath(id), jsonBody('PATCH', change));

/** Calls `onChange` on every new layer version ('layer') and when this page missed
 *  some ('resync'). */
export function onLayerEvents(onChange: () => void): EventSource {
  const events = new EventSource('/events');
  for (const name of ['layer', 'resync']) events.addEventListener(name, onChange);
  return events;
}

/** The alerts in force and who they cover (public ones only without a token). */
export const alertsInForce = () => json<InForce>('/api/alerts/in-force');

/** The latest alerts in `state`, newest first (a token is needed). */
export const alerts = (state: string, limit = 20) => json<AlertDoc[]>(`/api/alerts?${query({ state, limit })}`);

/** A step of an alert's life (editors): approve, issue, reject; cancel drafts its
 *  cancellation. */
export const alertStep = (id: number, step: 'approve' | 'issue' | 'reject' | 'cancel') =>
  json<AlertDoc>(`/api/alerts/${id}/${step}`, { method: 'POST' });

/** How far an issued alert's delivery has come (editors). */
export const alertDeliveries = (id: number) => json<DeliveryCounts>(`/api/alerts/${id}/deliveries`);

/** The subscribers (admins). */
export const subscribers = () => json<Subscriber[]>('/api/subscribers');

/** Writes subscriber `id` (admins): a new one comes with its signing secret, shown once. */
export const putSubscriber = (id: string, spec: SubscriberSpec) =>
  json<{ subscriber: Subscriber; secret?: string }>(`/api/subscribers/${encodeURIComponent(id)}`, jsonBody('PUT', spec));

/** A new signing secret for subscriber `id` (admins), shown once. */
export const rotateSecret = (id: string) => json<{ subscriber: Subscriber; secret: string }>(`/api/subscribers/${encodeURIComponent(id)}/rotate-secret`, { method: 'POST' });

/** Deliveries in `state` (all when empty), newest first (admins). */
export const deliveries = (state: string, limit = 100) => json<Delivery[]>(`/api/deliveries?${query(state ? { state, limit } : { limit })}`);

/** Makes a parked delivery due again (admins). */
export const retryDelivery = (id: number) => json<Delivery>(`/api/deliveries/${id}/retry`, { method: 'POST' });

/** Writes alert rule `id` (its next version; editors). */
export const putRule = (id: string, spec: Record<string, unknown>) => json<{ id: string; version: number }>(`/api/alert-rules/${encodeURIComponent(id)}`, jsonBody('PUT', spec));

/** Evaluates rule `id` now (editors): the draft it makes, if any unit meets it. */
export const evaluateRule = (id: string) => json<{ alert: AlertDoc | null; drafted: boolean }>(`/api/alert-rules/${encodeURIComponent(id)}/evaluate`, { method: 'POST' });

// ---------- registers of records ----------

const recordsPath = (kind: string) => `/api/records/${encodeURIComponent(kind)}`;

/** A record kind's fields and its register (a token is needed). */
export const registerInfo = (kind: string) => json<RegisterInfo>(recordsPath(kind));

/** What a roll-up asks: a numeric field by level and kind of period, of the records
 *  whose term field has a value (`where`, FIELD:VALUE), for one unit (`code`). */
export type RollQuery = { field: string; level: string; period: string; where?: string; code?: string };

const rollParams = (q: RollQuery) => Object.fromEntries(Object.entries(q).filter(([, v]) => v)) as Record<string, string>;

export const rollup = (kind: string, q: RollQuery) => json<RollUp>(`${recordsPath(kind)}/rollup?${query(rollParams(q))}`);

/** The address of the roll-up's choropleth tiles for period `at` (all when empty). */
export const recordTilesUrl = (kind: string, q: RollQuery, at: string, version: number) =>
  `${origin()}${recordsPath(kind)}/tiles/{z}/{x}/{y}.mvt?${query({ ...rollParams(q), ...(at ? { at } : {}), v: version })}`;

/** The Sendai indicators per unit of `level` (in `year`). */
export const sendai = (level: string, year?: number) => json<SendaiAnswer>(`/api/records/losses/sendai?${query(year ? { level, year } : { level })}`);

/** Disbursements against the needs of the displaced per unit. */
export const againstNeed = (hazard: string, exposure: string, by: string, fiscalYear?: string) =>
  json<FundingAnswer>(`/api/records/disbursements/against-need?${query({ hazard, exposure, by, ...(fiscalYear ? { fiscal_year: fiscalYear } : {}) })}`);

/** The disaster events of the loss register, the latest first. */
export const lossEvents = () => json<{ version: number | null; events: LossEvent[] }>('/api/records/losses/events');

/** The events layer: each event's units as points, of the records of period `at` of
 *  kind `period` (every record when `at` is empty). */
export const eventPlaces = (period: string, at: string) =>
  json<EventPlaces>(`/api/records/losses/events?${query(at ? { format: 'geojson', period, at } : { format: 'geojson' })}`);

const eventPath = (key: string) => `/api/records/losses/events/${encodeURIComponent(key)}`;

/** Event `key`'s displaced against the model's, counted with exposure layer `exposure`. */
export const calibration = (key: string, exposure: string) => json<EventCalibration>(`${eventPath(key)}/calibration?${query({ exposure })}`);

/** Links event `key` to a hazard layer version (`id@version`) and alerts (an editor's). */
export const linkEvent = (key: string, hazardLayer: string, alerts: string[]) =>
  json<unknown>(`${eventPath(key)}/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hazard_layer: hazardLayer, alerts }),
  });

/** What draft loss records are made from: an exposure run and the event they are of. */
export type DraftQuery = { hazard: string; exposure: string; by: string; date: string; event?: string; glide?: string };

/** The CSV the server writes at `path` (with the token), saved as `file`. */
export async function downloadCsv(path: string, file: string): Promise<void> {
  const r = await send(path, { headers: { accept: 'text/csv' } });
  if (!r.ok) throw new RequestError(await problem(r), r.status);
  const url = URL.createObjectURL(await r.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: file });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** The roll-up, the records, the Sendai indicators and funding against need as CSV. */
export const csvPaths = {
  rollup: (kind: string, q: RollQuery) => `${recordsPath(kind)}/rollup?${query({ ...rollParams(q), format: 'csv' })}`,
  records: (kind: string) => `${recordsPath(kind)}/items?format=csv`,
  sendai: (level: string, year: number) => `/api/records/losses/sendai?${query({ level, year, format: 'csv' })}`,
  funding: (hazard: string, exposure: string, by: string) => `/api/records/disbursements/against-need?${query({ hazard, exposure, by, format: 'csv' })}`,
  events: () => '/api/records/losses/events?format=csv',
  calibration: (key: string, exposure: string) => `${eventPath(key)}/calibration?${query({ exposure, format: 'csv' })}`,
  drafts: (q: DraftQuery) => `/api/records/losses/drafts?${query({ ...(Object.fromEntries(Object.entries(q).filter(([, v]) => v)) as Record<string, string>), format: 'csv' })}`,
};
