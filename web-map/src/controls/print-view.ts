// The print view: one A4 page with the map as drawn, the headline figures, the ten
// worst units and every source, prepared when the browser is about to print.
import { el, replace } from '../dom';
import { headline, people } from '../figures';
import type { Store } from '../store';
import { Control } from './control';
import { utc } from './headline';

export const PRINTED_UNITS = 10;

export class PrintView extends Control {
  private readonly prepare = () => this.render();

  constructor(store: Store) {
    // Drawn when printing, not on every change.
    super(store, [], el('section', { id: 'print', 'aria-hidden': 'true' }));
  }

  onAdd(map: Parameters<Control['onAdd']>[0]) {
    window.addEventListener('beforeprint', this.prepare);
    return super.onAdd(map);
  }

  onRemove() {
    window.removeEventListener('beforeprint', this.prepare);
    super.onRemove();
  }

  render() {
    const { report, catalog, state } = this.store;
    if (!report || !this.map) return;
    const all = this.store.rows();
    const h = headline(all);
    const attributions = [...new Set(catalog.map((l) => l.attribution).filter(Boolean))];
    const cells = (tag: 'th' | 'td', values: (string | number)[]) => values.map((v) => el(tag, {}, typeof v === 'number' ? people(v) : v));
    replace(
      this.container,
      el('h1', {}, `${report.hazard.title}: exposure of ${report.exposure.title}`),
      el('p', {}, `${this.store.unitName(state.unit)} · as of ${utc(report.computed_at)}`),
      el('img', { src: this.map.getCanvas().toDataURL('image/png'), alt: 'Map of the situation' }),
      el('p', { class: 'big' }, `${people(h.exposed)} exposed · ${people(h.affected)} affected · ${people(h.displaced)} likely displaced`),
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, ...cells('th', ['Unit', 'Exposed', 'Affected', 'Displaced']))),
        el('tbody', {}, ...all.slice(0, PRINTED_UNITS).map((r) => el('tr', {}, ...cells('td', [r.name, r.exposed, r.affected, r.displaced])))),
      ),
      el(
        'p',
        { class: 'sources' },
        `Sources: ${report.hazard.title} v${report.hazard.version}, ${report.exposure.title} v${report.exposure.version}, ${report.boundary.title} v${report.boundary.version}. ${attributions.join(' · ')}`,
      ),
    );
  }
}
