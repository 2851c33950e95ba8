// The question the dashboard answers: which hazard, which exposure, by which level.
import { el, replace } from '../dom';
import { levelName, t } from '../i18n';
import { LEVELS, type Level } from '../state';
import type { Store } from '../store';
import { Control } from './control';

type Option = { value: string; label: string };

function select(id: string, label: string, options: Option[], value: string | null, onchange: (v: string) => void) {
  return el(
    'label',
    { class: 'select' },
    label,
    el(
      'select',
      { id, onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) },
      ...options.map((o) => el('option', { value: o.value, selected: o.value === value }, o.label)),
    ),
  );
}

export class Question extends Control {
  constructor(store: Store) {
    super(store, ['catalog', 'hazard', 'exposure', 'level', 'unit', 'shade'], el('div', { id: 'question' }));
  }

  render() {
    const { catalog, state } = this.store;
    const of = (kind: string) => catalog.filter((l) => l.kind === kind).map((l) => ({ value: l.id, label: l.title }));
    // Levels whose boundaries are loaded.
    const levels = LEVELS.filter((l) => l !== 'country' && catalog.some((b) => b.kind === 'boundary' && b.theme === l)).map((l) => ({ value: l, label: levelName(l) }));
    replace(
      this.container,
      select('hazard', t('question.hazard'), of('hazard'), state.hazard, (v) => this.store.set({ hazard: v })),
      select('exposure', t('question.exposure'), of('exposure'), state.exposure, (v) => this.store.set({ exposure: v })),
      // The level the table and map show: the children of the unit drilled into, if any.
      select('level', t('question.by'), levels, this.store.focusLevel(), (v) => this.store.set({ level: v as Level, unit: null })),
      select(
        'shade',
        t('question.shade'),
        [
          { value: 'exposed', label: t('shade.exposed') },
          { value: 'share', label: t('shade.share') },
        ],
        state.shade,
        (v) => this.store.set({ shade: v === 'share' ? 'share' : 'exposed' }),
      ),
    );
  }
}
