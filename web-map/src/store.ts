// What the situation room shows, in one place: the state kept in the link, the catalog,
// the current report and what is derived from it. Controls read it and subscribe to the
// parts they draw; they change it only through `set`, `setCatalog` and `setReport`.
import { type UnitFigures, ranked } from './figures';
import { type Lang, setLanguage } from './i18n';
import { type AlertOverlay, type Incident, quantileBreaks } from './style';
import { type Level, type State, childLevel, defaults, levelOfCode, parseHash, toHash } from './state';
import type { StyleSpecification } from 'maplibre-gl';
import type { CatalogLayer, Report } from './types';

/** What changed: a key of the state, or one of the other parts. */
export type Topic = keyof State | 'catalog' | 'report' | 'error' | 'busy' | 'incident' | 'alerts';
export type Listener = (changed: ReadonlySet<Topic>) => void;
/** Where the state is kept: the page's location hash. */
export type Link = { readonly hash: string; write(hash: string): void };

export class Store {
  state: State;
  catalog: CatalogLayer[] = [];
  /** The server's situation style for this catalog (what the caller may see). */
  style: StyleSpecification | null = null;
  report: Report | null = null;
  /** Choropleth class breaks of the current rows. */
  breaks: number[] = [];
  /** Why the last report could not be had, if it could not. */
  error: string | null = null;
  busy = false;
  /** The incident area drawn on the map, if any (not kept in the link). */
  incident: Incident | null = null;
  /** The alerts outlined on the map: those in force, and the one being previewed. */
  alerts: AlertOverlay = { inForce: [], preview: null };
  /** Names of units seen so far, by code (reports, searches). */
  readonly names = new Map<string, string>();
  private readonly listeners = new Set<Listener>();

  /** `link` is the location the state is read from and written back to; `lang` the
   *  language to use when it names none. */
  constructor(
    readonly link: Link = browserLink(),
    lang: Lang = 'en',
  ) {
    this.state = parseHash(link.hash, { ...defaults(), lang });
    setLanguage(this.state.lang);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(changed: Iterable<Topic>) {
    const set = new Set(changed);
    if (set.size === 0) return;
    for (const l of [...this.listeners]) l(set);
  }

  /** Changes part of the state; the link follows. A new hazard question is drawn in place
   *  of the one asked before, so the map never shows another hazard than the figures. */
  set(patch: Partial<State>) {
    if (patch.hazard !== undefined && patch.hazard !== this.state.hazard && patch.layers === undefined) {
      patch = { ...patch, layers: swapHazard(this.state.layers, this.state.hazard, patch.hazard) };
    }
    const changed: Topic[] = [];
    for (const [k, v] of Object.entries(patch) as [keyof State, unknown][]) {
      if (JSON.stringify(this.state[k]) !== JSON.stringify(v)) changed.push(k);
    }
    this.state = { ...this.state, ...patch };
    if (changed.includes('shade')) this.breaks = this.shadeBreaks();
    if (changed.includes('lang')) setLanguage(this.state.lang);
    this.save();
    this.notify(changed);
  }

  /** Writes the state into the link (a shared link opens the same picture). */
  save() {
    const hash = toHash(this.state);
    if (hash !== this.link.hash) this.link.write(hash);
  }

  /** A new catalog and its style: the question and visible layers are completed from it. */
  setCatalog(catalog: CatalogLayer[], style: StyleSpecification, cleared: boolean) {
    this.catalog = catalog;
    this.style = style;
    const before = this.state;
    this.state = complete(this.state, catalog, cleared, this.link.hash.includes('layers='));
    const changed: Topic[] = ['catalog'];
    for (const k of ['hazard', 'exposure', 'layers'] as const) if (before[k] !== this.state[k]) changed.push(k);
    this.save();
    this.notify(changed);
  }

  setReport(report: Report | null, error: string | null = null) {
    if (report) {
      this.report = report;
      for (const u of report.units) if (u.name) this.names.set(u.code, u.name);
      this.breaks = this.shadeBreaks();
    }
    this.error = error;
    this.notify(report ? ['report', 'error'] : ['error']);
  }

  /** Class breaks of what the choropleth shades, over the units shown. */
  private shadeBreaks(): number[] {
    const rows = this.rows().filter((r) => !r.suppressed);
    return this.state.shade === 'share' ? quantileBreaks(rows.map((r) => r.share), undefined, 2) : quantileBreaks(rows.map((r) => r.exposed));
  }

  setAlerts(alerts: AlertOverlay) {
    this.alerts = alerts;
    this.notify(['alerts']);
  }

  setIncident(incident: Incident | null) {
    this.incident = incident;
    this.notify(['incident']);
  }

  setBusy(busy: boolean) {
    this.busy = busy;
    this.notify(['busy']);
  }

  /** The level whose units are shown: the children of the unit drilled into, else the
   *  level asked for. */
  focusLevel(): Level {
    const s = this.state;
    return s.unit ? (childLevel(levelOfCode(s.unit) ?? 'district') ?? 'village') : s.level;
  }

  /** The units shown, most exposed first. */
  rows(): UnitFigures[] {
    return this.report ? ranked(this.report, this.state.unit) : [];
  }

  unitName(code: string | null): string {
    if (!code) return 'Rwanda';
    return this.names.get(code) ?? code;
  }

  layer(id: string): CatalogLayer | undefined {
    return this.catalog.find((l) => l.id === id);
  }
}

/** The layers shown with the question's hazard `next` drawn instead of `previous` (at its
 *  place in the drawing order), or added first when `previous` was not drawn. */
export function swapHazard(layers: string[], previous: string | null, next: string | null): string[] {
  const rest = layers.filter((id) => id !== next);
  if (!next) return rest.filter((id) => id !== previous);
  const at = previous ? rest.indexOf(previous) : -1;
  if (at < 0) return [next, ...rest];
  return [...rest.slice(0, at), next, ...rest.slice(at + 1)];
}

/** Picks sensible defaults for what the link did not say: the flood hazard, the
 *  population, and the hazard and camps shown when the link names no layers. */
export function complete(s: State, catalog: CatalogLayer[], cleared: boolean, linkNamesLayers: boolean): State {
  const ids = new Set(catalog.map((l) => l.id));
  const hazards = catalog.filter((l) => l.kind === 'hazard');
  const exposures = catalog.filter((l) => l.kind === 'exposure' && (l.sensitivity === 'public' || cleared));
  const out = { ...s };
  if (!out.hazard || !ids.has(out.hazard)) out.hazard = hazards.find((l) => l.theme === 'flood')?.id ?? hazards[0]?.id ?? null;
  if (!out.exposure || !ids.has(out.exposure)) out.exposure = exposures.find((l) => l.theme === 'population')?.id ?? exposures[0]?.id ?? null;
  const layers = s.layers.filter((id) => ids.has(id));
  out.layers = layers.length === s.layers.length ? s.layers : layers;
  if (out.layers.length === 0 && !linkNamesLayers) {
    out.layers = [out.hazard, ...catalog.filter((l) => l.theme === 'camp').map((l) => l.id)].filter((x): x is string => !!x);
  }
  return out;
}

function browserLink(): Link {
  return {
    // A link may say it in the query too (`?briefing=1`, as a shared address often
    // does); the hash says it first. Writing moves everything into the hash.
    get hash() {
      return linkParams(window.location.hash, window.location.search);
    },
    write(hash: string) {
      history.replaceState(null, '', window.location.pathname + hash);
    },
  };
}

/** The state's parameters of a location: its hash's, then its query's. */
export function linkParams(hash: string, search: string): string {
  const parts = [hash.replace(/^#/, ''), search.replace(/^\?/, '')].filter(Boolean);
  return parts.length ? `#${parts.join('&')}` : '';
}
