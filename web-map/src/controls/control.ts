// The base of the situation room's controls. Each is a MapLibre IControl: it draws into
// its own container from the store and redraws when the parts it shows change. The
// small ones sit in a map corner (map.addControl); the panels beside the map are docked
// into the page instead (dock), the same control either way. Every control redraws when
// the language changes.
import type { IControl, Map } from 'maplibre-gl';
import { el } from '../dom';
import type { Store, Topic } from '../store';

export abstract class Control implements IControl {
  protected map: Map | undefined;
  readonly container: HTMLElement;
  private unsubscribe: (() => void) | undefined;

  /** `topics`: the parts of the store whose change redraws the control. */
  constructor(
    protected readonly store: Store,
    private readonly topics: readonly Topic[],
    container: HTMLElement = el('div'),
  ) {
    this.container = container;
  }

  onAdd(map: Map): HTMLElement {
    this.map = map;
    this.unsubscribe = this.store.subscribe((changed) => {
      if (changed.has('lang') || this.topics.some((t) => changed.has(t))) this.render();
    });
    this.render();
    return this.container;
  }

  onRemove() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.container.remove();
    this.map = undefined;
  }

  /** Draws the control from the store. */
  abstract render(): void;
}

/** Adds `control` to the page inside `host` (a panel beside the map) rather than in a
 *  map corner. */
export function dock(map: Map, control: IControl, host: HTMLElement) {
  host.append(control.onAdd(map));
}
