// The headline figures of the units shown: people exposed, affected and displaced, the
// needs of the displaced, and where the figures come from and when they were computed.
import { el, replace } from '../dom';
import { headline, needsOf, people, tonnes } from '../figures';
import type { Store } from '../store';
import { Control } from './control';

const card = (title: string, value: number, note: string, key: string) =>
  el('div', { class: 'card', 'data-figure': key }, el('h3', {}, title), el('div', { class: 'value' }, people(value)), el('div', { class: 'note' }, note));

/** A time as the briefing room reads it: 2026-12-01 14:05 UTC. */
export const utc = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export class Headline extends Control {
  constructor(store: Store) {
    super(store, ['report', 'error', 'busy'], el('div', { id: 'figures', 'aria-live': 'polite' }));
  }

  render() {
    const { report, error, busy } = this.store;
    this.container.toggleAttribute('aria-busy', busy);
    if (error) {
      replace(this.container, el('p', { class: 'error', role: 'alert' }, `Could not compute exposure: ${error}`));
      return;
    }
    if (!report) return;
    const h = headline(this.store.rows());
    const needs = needsOf(h.displaced, report.needs_standard);
    replace(
      this.container,
      card('Exposed', h.exposed, 'people in hazard zones', 'exposed'),
      card('Affected', h.affected, 'in classes that count as affected', 'affected'),
      card('Displaced', h.displaced, 'expected to leave their homes', 'displaced'),
      el(
        'div',
        { class: 'needs', 'data-figure': 'needs' },
        el('h3', {}, 'Needs of the displaced, per day'),
        el(
          'ul',
          {},
          el('li', {}, `${tonnes(needs.food_tonnes_per_day)} of food (general ration)`),
          el('li', {}, `${people(needs.water_litres_per_day)} litres of water`),
          el('li', {}, `${people(needs.shelter_m2)} m² of covered space`),
          el('li', {}, `${people(needs.latrines)} latrines`),
        ),
      ),
      el(
        'p',
        { class: 'asof' },
        `${this.store.unitName(this.store.state.unit)}: as of ${utc(report.computed_at)}, from ${report.hazard.title} v${report.hazard.version}, ${report.exposure.title} v${report.exposure.version}, ${report.boundary.title} v${report.boundary.version}.`,
        report.redacted ? ` Restricted layer: published figures count at least ${report.disclosure?.min_households ?? 5} households; smaller units are merged or withheld.` : '',
        h.withheld > 0 ? el('span', { 'data-figure': 'withheld' }, ` ${people(h.withheld)} people are counted but not split by hazard class.`) : '',
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
    this.container.textContent = r ? `Figures as of ${utc(r.computed_at)}` : '';
  }
}
