// The incident area: drawn on the map corner by corner (click the first corner, press
// Enter or the button to close it; Esc cancels), then counted by the server's ad hoc
// area API — exposed, affected, displaced and their needs — under the same disclosure
// control as every other answer (for a restricted layer the area stands for whole
// villages). Counted again when the question changes.
import type { MapMouseEvent } from 'maplibre-gl';
import type * as api from '../api';
import { el, replace } from '../dom';
import { needsOf, people, summarise, tonnes, unitFigures } from '../figures';
import { t, utc } from '../i18n';
import type { Store } from '../store';
import type { AreaReport } from '../types';
import { Control } from './control';
import { sources } from './headline';

export type IncidentApi = Pick<typeof api, 'exposureArea'>;

/** A click this close to the first corner (CSS px) closes the area. */
const CLOSE_PX = 10;

export class IncidentArea extends Control {
  private result: AreaReport | null = null;
  private error: string | null = null;
  /** Counts requests, so that the answer to an area no longer drawn is dropped. */
  private generation = 0;
  /** The last count, done (for tests and scripts). */
  done: Promise<void> = Promise.resolve();
  private readonly click = (e: MapMouseEvent) => this.add(e.lngLat.lng, e.lngLat.lat, e.point);
  private readonly keys = (e: KeyboardEvent) => {
    if (!this.drawing()) return;
    if (e.key === 'Enter') this.close();
    else if (e.key === 'Escape') this.clear();
  };

  constructor(
    store: Store,
    private readonly server: IncidentApi,
  ) {
    super(store, ['incident', 'report'], el('div', { id: 'incident' }));
  }

  private unfollow: (() => void) | undefined;

  onAdd(map: Parameters<Control['onAdd']>[0]) {
    map.on('click', this.click);
    window.addEventListener('keydown', this.keys);
    // A new question counts the area again.
    this.unfollow = this.store.subscribe((changed) => {
      if (this.store.incident?.closed && (changed.has('hazard') || changed.has('exposure') || changed.has('catalog'))) this.count();
    });
    return super.onAdd(map);
  }

  onRemove() {
    this.map?.off('click', this.click);
    window.removeEventListener('keydown', this.keys);
    this.unfollow?.();
    super.onRemove();
  }

  /** Whether corners are being added (map clicks draw instead of asking what is there). */
  drawing(): boolean {
    return !!this.store.incident && !this.store.incident.closed;
  }

  start() {
    this.result = null;
    this.error = null;
    this.store.setIncident({ points: [], closed: false });
    this.pointing(true);
  }

  /** A crosshair over the map, and no zoom on a double click, while corners are added. */
  private pointing(on: boolean) {
    this.map?.getCanvasContainer().classList.toggle('drawing', on);
    if (on) this.map?.doubleClickZoom?.disable();
    else this.map?.doubleClickZoom?.enable();
  }

  /** Adds a corner at lon/lat, or closes the area when the click is on its first corner. */
  add(lon: number, lat: number, at?: { x: number; y: number }) {
    const incident = this.store.incident;
    if (!incident || incident.closed) return;
    const first = incident.points[0];
    if (first && at && incident.points.length >= 3 && this.map?.project) {
      const p = this.map.project(first);
      if (Math.hypot(p.x - at.x, p.y - at.y) <= CLOSE_PX) return this.close();
    }
    this.store.setIncident({ points: [...incident.points, [Number(lon.toFixed(6)), Number(lat.toFixed(6))]], closed: false });
  }

  close() {
    const incident = this.store.incident;
    if (!incident || incident.points.length < 3) return;
    this.store.setIncident({ ...incident, closed: true });
    this.pointing(false);
    this.count();
  }

  clear() {
    this.generation++;
    this.result = null;
    this.error = null;
    this.pointing(false);
    this.store.setIncident(null);
  }

  /** Asks the server for the area's figures. */
  count() {
    const incident = this.store.incident;
    const { hazard, exposure } = this.store.state;
    if (!incident?.closed || !hazard || !exposure) return;
    const generation = ++this.generation;
    this.result = null;
    this.error = null;
    this.render();
    const ring = [...incident.points, incident.points[0]];
    this.done = this.server
      .exposureArea(hazard, exposure, { type: 'Polygon', coordinates: [ring] })
      .then((r) => {
        if (generation === this.generation) this.result = r;
      })
      .catch((e: Error) => {
        if (generation === this.generation) this.error = e.message;
      })
      .finally(() => generation === this.generation && this.render());
  }

  render() {
    const incident = this.store.incident;
    const button = (label: string, onclick: () => void, id: string) => el('button', { type: 'button', id, onclick }, label);
    const head = el('h3', {}, t('incident.title'));
    if (!incident) return replace(this.container, head, button(t('incident.draw'), () => this.start(), 'incident-draw'));
    if (!incident.closed) {
      return replace(
        this.container,
        head,
        el('p', { class: 'hint' }, t('incident.drawing'), ' ', t('incident.corners', { count: incident.points.length })),
        incident.points.length >= 3 ? button(t('incident.finish'), () => this.close(), 'incident-close') : null,
        button(t('incident.cancel'), () => this.clear(), 'incident-cancel'),
      );
    }
    replace(this.container, head, ...this.figures(), button(t('incident.clear'), () => this.clear(), 'incident-clear'));
  }

  /** The area's figures as counted (or why they are not). */
  private figures(): (HTMLElement | null)[] {
    if (this.error) return [el('p', { class: 'error', role: 'alert' }, t('incident.failed', { error: this.error }))];
    const r = this.result;
    if (!r) return [el('p', { class: 'hint', 'aria-busy': 'true' }, t('incident.computing'))];
    const f = r.area ? unitFigures(r.area) : { ...summarise([]), withheld: 0 };
    const needs = needsOf(f.displaced, r.needs_standard);
    return [
      el(
        'p',
        { 'data-figure': 'incident' },
        f.population > 0
          ? t('incident.figures', { exposed: people(f.exposed), affected: people(f.affected), displaced: people(f.displaced), population: people(f.population) })
          : // A restricted answer of nothing says nothing about who lives there.
            r.redacted
            ? t('incident.none_published', { min: r.disclosure?.min_households ?? 5 })
            : t('incident.empty'),
      ),
      f.displaced > 0
        ? el('p', { class: 'needs' }, t('briefing.needs', { tonnes: tonnes(needs.food_tonnes_per_day), litres: people(needs.water_litres_per_day), area: people(needs.shelter_m2), count: people(needs.latrines) }))
        : null,
      r.redacted && r.units_in_area !== undefined ? el('p', { class: 'note' }, t('incident.units', { count: r.units_in_area, min: r.disclosure?.min_households ?? 5 })) : null,
      f.withheld > 0 ? el('p', { class: 'note' }, t('headline.withheld', { people: people(f.withheld) })) : null,
      el('p', { class: 'asof' }, t('incident.asof', { sources: sources([r.hazard, r.exposure]), time: utc(r.computed_at) })),
    ];
  }
}
