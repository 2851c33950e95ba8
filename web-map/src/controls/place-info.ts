// What is where the user clicks: the admin units there and the class of every hazard
// layer, in a popup on the map and, for screen readers, in a live region.
import type { MapMouseEvent } from 'maplibre-gl';
import type * as api from '../api';
import { el, replace } from '../dom';
import type { Store } from '../store';
import { CLASS_LABELS } from '../style';
import { CLASS_ORDER, type HazardClass } from '../types';
import { Control } from './control';

/** Shows `content` at a place on the map (a MapLibre popup in the page). */
export type ShowPopup = (at: { lng: number; lat: number }, content: HTMLElement) => void;

const label = (c: string | null) => CLASS_LABELS[(CLASS_ORDER as readonly string[]).includes(c ?? '') ? (c as HazardClass) : 'none'];

export class PlaceInfo extends Control {
  private readonly click = (e: MapMouseEvent) => void this.show(e.lngLat.lng, e.lngLat.lat);
  /** The last place looked up, done (for tests and scripts). */
  done: Promise<void> = Promise.resolve();

  constructor(
    store: Store,
    private readonly server: Pick<typeof api, 'hazardsAt'>,
    private readonly popup: ShowPopup,
  ) {
    super(store, [], el('div', { class: 'visually-hidden', 'aria-live': 'polite', 'data-place-info': '' }));
  }

  onAdd(map: Parameters<Control['onAdd']>[0]) {
    map.on('click', this.click);
    return super.onAdd(map);
  }

  onRemove() {
    this.map?.off('click', this.click);
    super.onRemove();
  }

  render() {}

  /** Looks up what is at lon/lat (to a tenth of a metre) and shows it. */
  show(lng: number, lat: number): Promise<void> {
    this.done = (async () => {
      const at = await this.server.hazardsAt(Number(lng.toFixed(6)), Number(lat.toFixed(6)));
      const where = at.units.length ? at.units.map((u) => u.name ?? u.code).join(' › ') : 'Outside Rwanda’s units';
      const body = el(
        'div',
        { class: 'place' },
        el('h3', {}, where),
        el('ul', {}, ...at.hazards.map((h) => el('li', {}, `${h.title}: `, el('strong', {}, label(h.class))))),
      );
      replace(this.container, `${where}. ${at.hazards.map((h) => `${h.title}: ${label(h.class)}`).join('. ')}`);
      this.popup({ lng, lat }, body);
    })();
    return this.done;
  }
}
