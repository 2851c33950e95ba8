// Briefing mode, for the decision makers' screen: the map and the key figures only,
// large, stepping through the five worst units every ten seconds (← → step, Esc
// leaves).
import { el, replace } from '../dom';
import { headline, needsOf, people, tonnes } from '../figures';
import { t, utc } from '../i18n';
import type { Store } from '../store';
import { Control } from './control';
import { sources } from './headline';
import { legendParts } from './legend';

export const WORST = 5;

/** Why affected is or is not exposed, so that two equal figures do not read as a repeat. */
export function whyAffected(exposed: number, affected: number): string {
  if (exposed <= 0) return t('briefing.nobody');
  if (Math.abs(exposed - affected) < 0.5) return t('briefing.all_affected');
  return t('briefing.some_affected', { people: people(exposed - affected) });
}
const STEP_MS = 10_000;

export class Briefing extends Control {
  /** The worst unit shown, or -1 for the whole. */
  index = -1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly keys = (e: KeyboardEvent) => {
    if (!this.store.state.briefing) return;
    if (e.key === 'ArrowRight') this.step(1);
    else if (e.key === 'ArrowLeft') this.step(-1);
    else if (e.key === 'Escape') this.store.set({ briefing: false });
  };
  private wasOn = false;

  constructor(store: Store) {
    super(store, ['report', 'briefing', 'layers', 'shade'], el('section', { id: 'briefing', 'aria-live': 'polite' }));
  }

  onAdd(map: Parameters<Control['onAdd']>[0]) {
    window.addEventListener('keydown', this.keys);
    return super.onAdd(map);
  }

  onRemove() {
    window.removeEventListener('keydown', this.keys);
    this.stop();
    super.onRemove();
  }

  /** Moves to the next (1) or previous (-1) of the worst units, through the whole. */
  step(by: number) {
    const n = Math.min(WORST, this.store.rows().length);
    this.index = ((this.index + 1 + by + (n + 1)) % (n + 1)) - 1;
    this.render();
  }

  private stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  render() {
    const { state, report } = this.store;
    this.container.setAttribute('aria-label', t('briefing.label'));
    document.body.classList.toggle('briefing', state.briefing);
    if (state.briefing !== this.wasOn) {
      this.wasOn = state.briefing;
      this.index = -1;
      // The map's box changes size with the panels hidden or shown.
      setTimeout(() => this.map?.resize(), 50);
    }
    if (!state.briefing || !report) {
      this.stop();
      return;
    }
    const all = this.store.rows();
    const worst = all.slice(0, WORST);
    const focus = this.index >= 0 ? worst[this.index] : null;
    const h = headline(focus ? [focus] : all);
    const big = (n: number, label: string) => el('div', {}, el('span', { class: 'n' }, people(n)), el('span', { class: 'l' }, label));
    const needs = needsOf(h.displaced, report.needs_standard);
    replace(
      this.container,
      el('h2', {}, focus ? focus.name : this.store.unitName(state.unit), el('span', { class: 'hazard' }, ` — ${report.hazard.title}`)),
      el('div', { class: 'big' }, big(h.exposed, t('briefing.exposed')), big(h.affected, t('briefing.affected')), big(h.displaced, t('briefing.displaced'))),
      el('p', { class: 'why' }, whyAffected(h.exposed, h.affected)),
      el(
        'p',
        { class: 'needs' },
        t('briefing.needs', { tonnes: tonnes(needs.food_tonnes_per_day), litres: people(needs.water_litres_per_day), area: people(needs.shelter_m2), count: people(needs.latrines) }),
      ),
      el('ol', { class: 'worst' }, ...worst.map((w, i) => el('li', { class: i === this.index ? 'current' : '' }, t('briefing.worst', { name: w.name, people: people(w.exposed) })))),
      el('div', { class: 'legend' }, ...legendParts(this.store)),
      el(
        'p',
        { class: 'asof' },
        t('briefing.asof', { time: utc(report.computed_at), sources: sources([report.hazard, report.exposure], ' · ') }),
      ),
    );
    if (focus?.bbox) this.map?.fitBounds(focus.bbox, { padding: 60, duration: 1000 });
    if (this.timer === undefined) this.timer = setInterval(() => this.step(1), STEP_MS);
  }
}
