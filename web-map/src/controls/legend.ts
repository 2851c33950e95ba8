// The legend (beside the layer panel; it fits a map corner too): hazard classes when a hazard layer is shown, the
// choropleth's classes of people exposed, and households per unit for each restricted
// layer drawn as aggregates.
import { el, replace } from '../dom';
import { people } from '../figures';
import { AGGREGATE_COLOURS, CHOROPLETH_COLOURS, CLASS_COLOURS, WITHHELD_COLOUR } from '../palette';
import type { Store } from '../store';
import { AGGREGATE_BREAKS, CLASS_LABELS } from '../style';
import { CLASS_ORDER } from '../types';
import { Control } from './control';

const key = (colour: string, label: string) =>
  el('div', { class: 'key' }, el('span', { class: 'swatch', style: `background:${colour}` }), label);

/** Legend rows of classes starting at `bounds` (the last open-ended). */
const steps = (bounds: number[], colours: string[]) =>
  bounds.map((b, i) => key(colours[i], i + 1 < bounds.length ? `${people(b)} – ${people(bounds[i + 1])}` : `${people(b)} or more`));

export class Legend extends Control {
  constructor(store: Store) {
    super(store, ['catalog', 'layers', 'report'], el('div', { id: 'legend', class: 'legend', 'aria-label': 'Legend' }));
  }

  render() {
    const { catalog, state, breaks } = this.store;
    const shown = catalog.filter((l) => state.layers.includes(l.id));
    const parts: Node[] = [];
    if (shown.some((l) => l.kind === 'hazard')) {
      parts.push(el('h3', {}, 'Hazard class'), ...CLASS_ORDER.map((c) => key(CLASS_COLOURS[c], CLASS_LABELS[c])));
    }
    if (breaks.length > 0) {
      parts.push(el('h3', {}, `People exposed per ${this.store.focusLevel()}`), ...steps([0, ...breaks], CHOROPLETH_COLOURS));
    }
    for (const l of shown.filter((x) => !x.detail)) {
      parts.push(
        el('h3', {}, `${l.title}: households per unit`),
        key(WITHHELD_COLOUR, 'Under 5: withheld'),
        ...steps(AGGREGATE_BREAKS, AGGREGATE_COLOURS.slice(1)),
      );
    }
    replace(this.container, ...parts);
    this.container.hidden = parts.length === 0;
  }
}
