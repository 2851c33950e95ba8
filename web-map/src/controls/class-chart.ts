// People exposed by hazard class, as bars (with the figures written out for screen
// readers).
import { el, replace } from '../dom';
import { headline, people } from '../figures';
import { CLASS_COLOURS } from '../palette';
import type { Store } from '../store';
import { t } from '../i18n';
import { classLabel } from '../style';
import { CLASS_ORDER } from '../types';
import { Control } from './control';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ClassChart extends Control {
  constructor(store: Store) {
    super(store, ['report'], el('div', { id: 'chart' }));
  }

  render() {
    if (!this.store.report) return;
    const rows = this.store.rows();
    const byClass = CLASS_ORDER.map((c) => ({ c, v: rows.reduce((s, r) => s + r.byClass[c], 0) }));
    const max = Math.max(1, ...byClass.map((b) => b.v));
    const chart = svg('svg', {
      viewBox: '0 0 320 120',
      role: 'img',
      'aria-label': t('chart.label', { classes: byClass.map((b) => `${classLabel(b.c)} ${people(b.v)}`).join(', ') }),
    });
    byClass.forEach((b, i) => {
      const y = 8 + i * 28;
      const w = (b.v / max) * 200;
      chart.append(
        svg('rect', { x: 90, y, width: Math.max(w, 1), height: 20, fill: CLASS_COLOURS[b.c], 'data-class': b.c, 'data-value': b.v }),
        svg('text', { x: 84, y: y + 15, 'text-anchor': 'end' }, classLabel(b.c)),
        svg('text', { x: 96 + w, y: y + 15 }, people(b.v)),
      );
    });
    replace(this.container, el('h3', {}, t('chart.title', { people: people(headline(rows).population) })), chart);
  }
}
