// What is where the user clicks: the admin units there and the class of every hazard
// layer, in a popup on the map and, for screen readers, in a live region. A click on a
// unit of the level the dashboard shows drills into it, as a row of the table does.
import type { MapMouseEvent } from 'maplibre-gl';
import type * as api from '../api';
import { el, replace } from '../dom';
import type { Store } from '../store';
import { t, unitWithLevel } from '../i18n';
import { classLabel as label } from '../style';
import type { HazardsAt } from '../types';
import { Control } from './control';

/** Shows `content` at a place on the map (a MapLibre popup in the page). */
export type ShowPopup = (at: { lng: number; lat: number }, content: HTMLElement) => void;

/** A unit with its level, so that "Rubavu district › Rubavu sector" is not a stutter; a
 *  name that says its level already ("Eastern Province") and the country are left as
 *  they are. */
export function named(u: HazardsAt['units'][number]): string {
  const name = u.name ?? u.code;
  return u.level === 'country' || name.toLowerCase().endsWith(u.level) ? name : unitWithLevel(name, u.level);
}

export class PlaceInfo extends Control {
  // While an incident area is drawn, clicks add its corners instead.
  private readonly click = (e: MapMouseEvent) => {
    if (!this.store.incident || this.store.incident.closed) void this.show(e.lngLat.lng, e.lngLat.lat);
  };
  /** The last place looked up, done (for tests and scripts). */
  done: Promise<void> = Promise.resolve();

  constructor(
    store: Store,
    private readonly server: Pick<typeof api, 'hazardsAt'>,
    private readonly popup: ShowPopup,
    private readonly drill: (code: string) => void = () => {},
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
      const where = at.units.length ? at.units.map(named).join(' › ') : t('place.outside');
      const body = el(
        'div',
        { class: 'place' },
        el('h3', {}, where),
        el('ul', {}, ...at.hazards.map((h) => el('li', {}, `${h.title}: `, el('strong', {}, label(h.class))))),
      );
      replace(this.container, `${where}. ${at.hazards.map((h) => `${h.title}: ${label(h.class)}`).join('. ')}`);
      this.popup({ lng, lat }, body);
      const shown = this.store.focusLevel();
      const unit = at.units.find((u) => u.level === shown);
      if (unit && shown !== 'village' && unit.code !== this.store.state.unit) this.drill(unit.code);
    })();
    return this.done;
  }
}
