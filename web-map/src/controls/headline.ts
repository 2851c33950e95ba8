// The headline figures of the units shown: people exposed, affected and displaced, the
// needs of the displaced, and where the figures come from and when they were computed.
import { el, replace } from '../dom';
import { headline, needsOf, people, tonnes } from '../figures';
import { t, utc } from '../i18n';
import type { Source } from '../types';
import type { Store } from '../store';
import { Control } from './control';

const card = (title: string, value: number, note: string, key: string) =>
  el('div', { class: 'card', 'data-figure': key }, el('h3', {}, title), el('div', { class: 'value' }, people(value)), el('div', { class: 'note' }, note));

/** The layers a report was computed from, with their versions: `Flood zones v2, …`. */
export const sources = (layers: Source[], sep = ', ') => layers.map((l) => t('sources.version', { title: l.title, version: l.version })).join(sep);

export class Headline extends Control {
  constructor(store: Store) {
    super(store, ['report', 'error', 'busy'], el('div', { id: 'figures', 'aria-live': 'polite' }));
  }

  render() {
    const { report, error, busy } = this.store;
    this.container.toggleAttribute('aria-busy', busy);
    if (error) {
      replace(this.container, el('p', { class: 'error', role: 'alert' }, t('headline.error', { error })));
      return;
    }
    if (!report) return;
    const h = headline(this.store.rows());
    const needs = needsOf(h.displaced, report.needs_standard);
    replace(
      this.container,
      card(t('figure.exposed'), h.exposed, t('figure.exposed.note'), 'exposed'),
      card(t('figure.affected'), h.affected, t('figure.affected.note'), 'affected'),
      card(t('figure.displaced'), h.displaced, t('figure.displaced.note'), 'displaced'),
      el(
        'div',
        { class: 'needs', 'data-figure': 'needs' },
        el('h3', {}, t('needs.title')),
        el(
          'ul',
          {},
          el('li', {}, t('needs.food', { tonnes: tonnes(needs.food_tonnes_per_day) })),
          el('li', {}, t('needs.water', { litres: people(needs.water_litres_per_day) })),
          el('li', {}, t('needs.shelter', { area: people(needs.shelter_m2) })),
          el('li', {}, t('needs.latrines', { count: people(needs.latrines) })),
        ),
      ),
      el(
        'p',
        { class: 'asof' },
        t('headline.asof', { unit: this.store.unitName(this.store.state.unit), time: utc(report.computed_at), sources: sources([report.hazard, report.exposure, report.boundary]) }),
        report.redacted ? ` ${t('headline.restricted', { min: report.disclosure?.min_households ?? 5 })}` : '',
        h.withheld > 0 ? el('span', { 'data-figure': 'withheld' }, ` ${t('headline.withheld', { people: people(h.withheld) })}`) : '',
      ),
    );
  }
}

/** "Figures as of …" in the page header. */
export class AsOf extends Control {
  constructor(store: Store) {
    super(store, ['report'], el('span', { id: 'asof-top', 'aria-live': 'polite' }));
  }

  render() {
    const r = this.store.report;
    this.container.textContent = r ? t('asof.top', { time: utc(r.computed_at) }) : '';
  }
}
