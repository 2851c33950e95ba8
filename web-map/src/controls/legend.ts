// The legend (beside the layer panel; it fits a map corner too): hazard classes when a hazard layer is shown, the
// choropleth's classes of people exposed, and households per unit for each restricted
// layer drawn as aggregates.
import { el, replace } from '../dom';
import { people, percent } from '../figures';
import { levelName, number, t } from '../i18n';
import { AGGREGATE_BREAKS, AGGREGATE_COLOURS, CHOROPLETH_COLOURS, CLASS_COLOURS, WITHHELD_COLOUR } from '../palette';
import type { Store } from '../store';
import { classLabel } from '../style';
import { type CatalogLayer, CLASS_ORDER, type ClassRule, type HazardClass } from '../types';
import { Control } from './control';

const key = (colour: string, label: string) =>
  el('div', { class: 'key' }, el('span', { class: 'swatch', style: `background:${colour}` }), label);

/** Legend rows of classes starting at `bounds` (the last open-ended), written by `fmt`. */
const steps = (bounds: number[], colours: string[], fmt: (v: number) => string = people) =>
  bounds.map((b, i) => key(colours[i], i + 1 < bounds.length ? t('legend.range', { from: fmt(b), to: fmt(bounds[i + 1]) }) : t('legend.or_more', { from: fmt(b) })));

/** What a number of a class rule reads as: `1.5 m`. */
const amount = (v: number, unit?: string) => `${number(v, Number.isInteger(v) ? 0 : String(v).split('.')[1].length)}${unit ? ` ${unit}` : ''}`;

/** What a class rule covers, in words: `over 1.5 m`, `0.5 – 1.5 m`, `A, B`. */
export function ruleText(r: ClassRule, unit?: string): string {
  if (r.min !== undefined && r.max !== undefined) return t('legend.range', { from: amount(r.min), to: amount(r.max, unit) });
  if (r.min !== undefined) return t('legend.over', { value: amount(r.min, unit) });
  if (r.max !== undefined) return t('legend.up_to', { value: amount(r.max, unit) });
  // A class's own name among its values ("high", "very_low") says nothing more.
  const spelt = (v: string) => v.toLowerCase().replace(/_/g, ' ');
  return (r.values ?? []).filter((v) => spelt(v) !== spelt(r.class)).join(', ');
}

/** The classes a hazard layer has (its own, with thresholds), most severe first; all
 *  four when the catalog does not say. */
export function hazardKeys(l: CatalogLayer): [HazardClass, string][] {
  const c = l.classification;
  if (!c || c.rules.length === 0) return CLASS_ORDER.map((k) => [k, classLabel(k)]);
  const classes = CLASS_ORDER.filter((k) => c.rules.some((r) => r.class === k));
  return classes.map((k) => {
    const rules = c.rules.filter((r) => r.class === k).map((r) => ruleText(r, c.unit)).filter((t) => t);
    return [k, rules.length > 0 ? `${classLabel(k)} (${rules.join('; ')})` : classLabel(k)];
  });
}

/** The legend's parts for what `store` draws now: each hazard layer shown with its
 *  classes, the choropleth's classes, each restricted layer drawn as aggregates. The
 *  briefing screen carries the same. */
export function legendParts(store: Store): Node[] {
  const { catalog, state, breaks } = store;
  const shown = catalog.filter((l) => state.layers.includes(l.id));
  const parts: Node[] = [];
  for (const l of shown.filter((x) => x.kind === 'hazard')) {
    parts.push(el('h3', {}, l.title), ...hazardKeys(l).map(([c, label]) => key(CLASS_COLOURS[c], label)));
  }
  if (breaks.length > 0) {
    const share = state.shade === 'share';
    parts.push(
      el('h3', {}, t(share ? 'legend.share' : 'legend.exposed', { level: levelName(store.focusLevel()) })),
      ...steps([0, ...breaks], CHOROPLETH_COLOURS, share ? percent : people),
    );
  }
  for (const l of shown.filter((x) => !x.detail)) {
    parts.push(
      el('h3', {}, t('legend.households', { title: l.title })),
      key(WITHHELD_COLOUR, t('legend.withheld')),
      ...steps(AGGREGATE_BREAKS, AGGREGATE_COLOURS.slice(1)),
    );
  }
  return parts;
}

export class Legend extends Control {
  constructor(store: Store) {
    super(store, ['catalog', 'layers', 'report', 'shade'], el('div', { id: 'legend', class: 'legend', }));
  }

  render() {
    this.container.setAttribute('aria-label', t('legend.label'));
    const parts = legendParts(this.store);
    replace(this.container, ...parts);
    this.container.hidden = parts.length === 0;
  }
}
