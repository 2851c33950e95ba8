// The shapes of what the server sends and takes, as the situation room and the layers
// page read them (see docs/openapi.yaml for the whole description).
import type { FeatureCollection } from 'geojson';

export type Kind = 'hazard' | 'exposure' | 'boundary' | 'context';
export type GeometryKind = 'polygon' | 'point' | 'line' | null;
export type Sensitivity = 'public' | 'restricted';

export const CLASS_ORDER = ['high', 'medium', 'low', 'very_low'] as const;
export type HazardClass = (typeof CLASS_ORDER)[number];

/** Whether a layer is part of the basemap (admin units; lakes and rivers), drawn always
 *  and not chosen among the data layers. */
export const isBasemap = (l: { kind: Kind }): boolean => l.kind === 'boundary' || l.kind === 'context';

/** One layer of the catalog (`GET /catalog`), as this caller may read it. */
export interface CatalogLayer {
  id: string;
  title: string;
  kind: Kind;
  theme: string;
  sensitivity: Sensitivity;
  /** Readable without a token. */
  anonymous: boolean;
  /** Whether this caller gets the features themselves; false: aggregates by admin unit
   *  (restricted layers without clearance). */
  detail: boolean;
  version: number;
  features: number;
  geometry: GeometryKind;
  attribution: string;
  bounds: [number, number, number, number] | null;
  /** Opacity it is drawn at unless the user chooses another (the server's style). */
  opacity: number;
  /** Address of its style alone (`/styles/layers/<id>.json`). */
  style: string;
  /** Which attributes hold the name, official code, people, households, hazard value. */
  fields?: { name?: string; code?: string; population?: string; households?: string; hazard?: string };
  /** How a hazard layer's values map to its classes (null for other layers). */
  classification?: Classification | null;
}

/** One class rule of a hazard layer: numeric range (exclusive min, inclusive max) or
 *  categorical values. */
export interface ClassRule {
  class: HazardClass;
  min?: number;
  max?: number;
  values?: string[];
  affected: boolean;
  displacement_rate: number;
}

export interface Classification {
  name: string;
  unit?: string;
  rules: ClassRule[];
}

export interface ClassRow {
  class: HazardClass | 'none';
  count: number;
  population: number;
  households: number;
  affected: number;
  displaced: number;
}

/** Counted in a unit but in no class shown (restricted exposure). */
export interface Withheld {
  count: number;
  population: number;
  households: number;
}

export interface Needs {
  food_kcal_per_day: number;
  food_tonnes_per_day: number;
  water_litres_per_day: number;
  shelter_m2: number;
  latrines: number;
}

export interface ReportUnit {
  code: string;
  name: string | null;
  suppressed?: boolean;
  classes?: ClassRow[];
  withheld?: Withheld;
  needs_of_displaced?: Needs;
  bbox?: [number, number, number, number];
}

export interface Source {
  layer: string;
  version: number;
  title: string;
  attribution: string;
}

export interface DisclosureNote {
  counts: boolean;
  places: boolean;
  min_households: number;
  method: string;
}

/** `GET /api/exposure`: figures by the units of one level. */
export interface Report {
  hazard: Source;
  exposure: Source;
  boundary: Source;
  by: string;
  computed_at: string;
  compute_ms: number;
  redacted: boolean;
  disclosure?: DisclosureNote;
  needs_standard: { kcal: number; water_l: number; shelter_m2: number; people_per_latrine: number; ration_kcal_per_kg: number };
  units: ReportUnit[];
  total: ClassRow[];
  total_withheld?: Withheld;
}

/** `POST /api/exposure/area`: the figures of an incident area. */
export interface AreaReport {
  hazard: Source;
  exposure: Source;
  computed_at: string;
  redacted: boolean;
  disclosure?: DisclosureNote;
  /** When places are controlled: the whole finest units the area stands for. */
  units_in_area?: number;
  needs_standard: Report['needs_standard'];
  /** The area's figures (null: nothing lies in it). */
  area: ReportUnit | null;
  total: ClassRow[];
}

/** `GET /api/hazards/at`: hazard classes and admin units at a point. */
export interface HazardsAt {
  hazards: { layer: string; title: string; class: string | null; version: number }[];
  units: { layer: string; level: string; code: string; name: string | null }[];
}

export interface SearchHit {
  kind: string;
  layer: string;
  level: string;
  code: string | null;
  name: string;
  bbox: [number, number, number, number];
  /** The units it lies in, finest first. */
  parents?: { level: string; code: string; name: string }[];
}

export interface PointFeature {
  id: string | number;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: [number, number] };
}

/** One feature the loader repaired, dropped or rejected. */
export interface LoadIssue {
  index: number;
  source_id: string | null;
  action: string;
  reason: string;
}

export interface LoadReport {
  source_name: string;
  read: number;
  loaded: number;
  repaired: number;
  dropped: number;
  rejected: number;
  unclassified: number;
  issues: LoadIssue[];
}

export interface LayerVersion {
  version: number;
  source_name: string;
  /** Null when the reader may not see a restricted layer's counts. */
  feature_count: number | null;
  loaded_by: string;
  loaded_at: string;
  report: LoadReport;
}

/** `GET /api/layers/{id}`: a layer with its versions. */
export interface LayerRecord {
  id: string;
  title: string;
  kind: Kind;
  theme: string;
  sensitivity: Sensitivity;
  anonymous: boolean;
  current_version: number;
  /** Null when the reader may not see a restricted layer's counts. */
  feature_count: number | null;
  versions?: LayerVersion[];
}

/** `PATCH /api/layers/{id}`: who may read a layer. */
export interface AccessChange {
  anonymous?: boolean;
  sensitivity?: Sensitivity;
}

/** `POST /api/layers/{id}`: the answer, loaded or not. */
/** `POST /api/layers/{id}/preview`: what a load would do, with nothing written. */
export interface LoadPreview {
  layer: { id: string; title: string; kind: Kind; theme: string; sensitivity: Sensitivity; anonymous: boolean; attribution?: string | null; classification?: { name: string } | null; fields: Partial<Record<MappedColumn, string | null>> };
  would_load: boolean;
  why_not?: string;
  report: LoadReport & { source_crs: string; driver: string };
  bbox: [number, number, number, number] | null;
  fields: { name: string; type: 'number' | 'text' | 'boolean' | 'mixed' | 'empty'; filled: number; examples: unknown[] }[];
  mapped: { name: number; code: number; population: number; population_total: number; households: number; hazard_class: number };
  rows: { fid: number; properties: Record<string, unknown>; name: string | null; code: string | null; population: number | null; households: number | null; hazard_class: string | null }[];
  sample: FeatureCollection;
  sampled: number;
}

/** The engine's columns a source field can be mapped to (the upload's `<column>_field`). */
export const MAPPED_COLUMNS = ['name', 'code', 'population', 'households', 'hazard'] as const;
export type MappedColumn = (typeof MAPPED_COLUMNS)[number];

export interface LoadOutcome {
  ok: boolean;
  version?: number;
  report?: LoadReport;
  detail?: string;
}

/** `GET /api/audit`: one thing someone did. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
}

/** What the ministry puts at the top of its briefs (`brief.json` beside the page): lines
 *  per language. */
export interface BriefConfig {
  header?: Partial<Record<'en' | 'fr' | 'rw', string[]>>;
}

/** One unit of an alert (CAP `<area>`): its code, name, figures and outline. */
export interface AlertArea {
  code: string;
  name: string;
  level: string;
  exposed: number;
  affected: number;
  displaced: number;
  population: number;
  /** lon/lat, closed. */
  polygon: [number, number][];
}

/** An alert's texts in one language (CAP `<info>`). */
export interface AlertInfo {
  language: string;
  event: string;
  headline: string;
  description: string;
  instruction: string;
}

export type AlertState = 'draft' | 'approved' | 'issued' | 'superseded' | 'rejected';

/** An alert as /api/alerts gives it (the parts the situation room shows). */
export interface AlertDoc {
  id: number;
  identifier: string;
  status: string;
  msg_type: 'Alert' | 'Update' | 'Cancel';
  scope: 'Public' | 'Restricted';
  severity: string;
  urgency: string;
  certainty: string;
  hazard: { layer: string; version: number; title: string };
  exposure: { layer: string; version: number; title: string };
  hours: number;
  info: AlertInfo[];
  areas: AlertArea[];
  published_figures: boolean;
  state: AlertState;
  drafted_by: string;
  drafted_at: string;
  author: string;
  approved_by?: string;
  sent?: string;
  supersedes?: number;
  superseded_by?: number;
}

/** Who the alerts in force cover (Sendai G-3's numerator). */
export interface Coverage {
  alerts: number;
  units: number;
  people: number;
}

/** /api/alerts/in-force. */
export interface InForce {
  as_of: string;
  coverage: Coverage;
  alerts: AlertDoc[];
}

/** How far an alert's delivery has come. */
export interface DeliveryCounts {
  pending: number;
  delivered: number;
  parked: number;
}

/** A subscriber as an admin writes it (docs/early-warning.md). */
export interface SubscriberSpec {
  name: string;
  contact: string;
  webhook?: string;
  email?: string;
  areas: string[];
  themes: string[];
  min_severity: string;
  languages: string[];
  restricted: boolean;
  enabled: boolean;
}

/** A stored subscriber (its secrets' keys never shown). */
export interface Subscriber extends SubscriberSpec {
  id: string;
  version: number;
  secrets: { created_at: string; expires_at?: string }[];
  written_by: string;
  written_at: string;
}

/** One alert owed to one subscriber by one channel. */
export interface Delivery {
  id: number;
  alert: number;
  subscriber: string;
  channel: 'webhook' | 'email';
  message_id: string;
  state: 'pending' | 'delivered' | 'parked';
  attempts: number;
  tries: number;
  next_attempt_at: string;
  created_at: string;
  delivered_at?: string;
  last_error?: string;
}

// ---------- registers of records (docs/records.md) ----------

/** A field of a record kind. */
export interface RecordField {
  name: string;
  hxl: string;
  title: string;
  type: string;
  required: boolean;
  aggregate?: 'sum' | 'mean';
  terms?: string[];
}

/** A register's version with what it was imported from. */
export interface RegisterVersion {
  version: number;
  source_name: string;
  record_count: number;
  imported_by: string;
  imported_at: string;
}

/** A record kind with its fields and its register, if any. */
export interface RegisterInfo {
  kind: string;
  title: string;
  schema: { fields: RecordField[] };
  register: null | { current_version: number; versions: RegisterVersion[] };
}

/** One unit in one period of a roll-up. */
export interface RollRow {
  code: string;
  period: string;
  value: number;
  records: number;
}

/** A numeric field rolled up by unit and period. */
export interface RollUp {
  kind: string;
  version: number;
  field: string;
  aggregate: 'sum' | 'mean';
  level: string;
  period: string;
  rows: RollRow[];
  coarser: RollRow[];
  names: Record<string, string | null>;
}

/** One Sendai indicator's definition. */
export interface SendaiDefinition {
  code: string;
  title: string;
  unit: string;
  not_recorded?: string;
}

/** The Sendai indicators per unit and year. */
export interface SendaiAnswer {
  level: string;
  names: Record<string, string | null>;
  report: {
    losses_version: number;
    population: [string, number];
    definitions: SendaiDefinition[];
    rows: { code: string; year: number; population?: number; records: number; figures: { code: string; value: number | null; per_100k?: number }[] }[];
  };
}

/** Funding against need, per unit. */
export interface FundingAnswer {
  disbursements_version: number | null;
  fiscal_year: string | null;
  units: { code: string; name?: string; displaced: number; needs_of_displaced?: { food_tonnes_per_day: number; water_litres_per_day: number }; disbursed_usd: number; usd_per_displaced?: number | null; rank?: number | null }[];
}

/** A disaster event of the loss register: its records gathered by GLIDE number or, without
 *  one, by date and hazard type. */
export interface LossEvent {
  key: string;
  glide?: string;
  name?: string;
  hazards: string[];
  first: string;
  last: string;
  records: number;
  units: number;
  codes: string[];
  toll: Record<string, number>;
  displaced?: number;
  sources: string[];
  hazard_layers: string[];
  alerts: string[];
}

/** One place of the events layer: an event in one unit it struck, with what its records
 *  there say (the server's `format=geojson`). */
export interface EventPlace {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: {
    event: string;
    name: string | null;
    glide: string | null;
    hazards: string[];
    first: string;
    last: string;
    code: string;
    unit: string | null;
    records: number;
    deaths?: number;
    displaced: number | null;
    sources: string[];
  };
}

/** The events layer. */
export interface EventPlaces {
  type: 'FeatureCollection';
  version: number | null;
  features: EventPlace[];
}

/** An event's displaced as recorded against the model's, and the rates they suggest. */
export interface EventCalibration {
  event: LossEvent;
  hazard: { layer: string; version: number; title: string };
  exposure: { layer: string; version: number; title: string };
  redacted: boolean;
  names: Record<string, string>;
  notes: string[];
  calibration: {
    method: 'least-squares' | 'scale' | 'none';
    units: number;
    observed: number;
    modelled: number;
    modelled_with_suggested?: number;
    observed_outside_zones: number;
    classes: { class: string; affected: boolean; rate_in_use: number; people: number; modelled_displaced: number; suggested_rate?: number }[];
    fits: { code: string; observed: number; modelled: number; with_suggested?: number }[];
  };
}
