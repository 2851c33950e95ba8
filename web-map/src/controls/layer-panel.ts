// The layer panel: every hazard and exposure layer this caller may read, visible ones
// first in drawing order (top first), each with its version, opacity and order; a
// restricted layer without clearance says it is drawn as aggregates.
import { el, replace } from '../dom';
import { t } from '../i18n';
import { moveLayer } from '../state';
import type { Store } from '../store';
import { type CatalogLayer, isBasemap } from '../types';
import { Control } from './control';


export class LayerPanel extends Control {
  constructor(store: Store) {
    // Not redrawn on opacity: the slider being dragged would be replaced under the hand.
    super(store, ['catalog', 'layers'], el('ul', { id: 'layer-list' }));
  }

  render() {
    const { catalog, state } = this.store;
    const data = catalog.filter((l) => !isBasemap(l));
    const shown = [...state.layers].reverse().map((id) => data.find((l) => l.id === id)).filter((l): l is CatalogLayer => !!l);
    const rest = data.filter((l) => !state.layers.includes(l.id));
    replace(this.container, ...[...shown, ...rest].map((l) => this.row(l)));
  }

  private row(l: CatalogLayer) {
    const { state } = this.store;
    const on = state.layers.includes(l.id);
    const toggle = (checked: boolean) =>
      this.store.set({ layers: checked ? [...state.layers, l.id] : state.layers.filter((x) => x !== l.id) });
    return el(
      'li',
      { class: `layer${on ? ' on' : ''}`, 'data-layer': l.id },
      el(
        'label',
        {},
        el('input', {
          type: 'checkbox',
          checked: on,
          'aria-label': t('layers.show', { title: l.title }),
          onchange: (e: Event) => toggle((e.target as HTMLInputElement).checked),
        }),
        ` ${l.title}`,
        el('span', { class: 'version' }, ` v${l.version}`),
      ),
      l.detail ? null : el('div', { class: 'note' }, t('layers.aggregate_note')),
      on ? this.controls(l) : null,
    );
  }

  private controls(l: CatalogLayer) {
    const move = (up: boolean) => this.store.set({ layers: moveLayer(this.store.state.layers, l.id, up) });
    return el(
      'div',
      { class: 'controls' },
      el('input', {
        type: 'range',
        min: 0,
        max: 1,
        step: 0.05,
        value: this.store.state.opacity[l.id] ?? l.opacity,
        'aria-label': t('layers.opacity', { title: l.title }),
        oninput: (e: Event) =>
          this.store.set({ opacity: { ...this.store.state.opacity, [l.id]: Number((e.target as HTMLInputElement).value) } }),
      }),
      el('button', { type: 'button', title: t('layers.above'), 'aria-label': t('layers.up', { title: l.title }), onclick: () => move(true) }, '▲'),
      el('button', { type: 'button', title: t('layers.below'), 'aria-label': t('layers.down', { title: l.title }), onclick: () => move(false) }, '▼'),
    );
  }
}
