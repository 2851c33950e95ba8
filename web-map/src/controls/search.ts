// The search box: places (units of every level, by name or official code) and camps;
// choosing a unit drills the dashboard into it (and frames it); a camp is framed.
import type * as api from '../api';
import { el, replace } from '../dom';
import { levelName, t } from '../i18n';
import type { Store } from '../store';
import type { SearchHit } from '../types';
import { Control } from './control';

export const MAX_HITS = 12;
const DEBOUNCE_MS = 200;

export class Search extends Control {
  private pending: ReturnType<typeof setTimeout> | undefined;
  private readonly results = el('ul', { id: 'search-results', role: 'listbox' });
  private readonly input = el('input', { id: 'search', type: 'search', autocomplete: 'off' });
  private readonly label = el('label', { for: 'search', class: 'visually-hidden' });
  /** The last search, done (for tests and scripts). */
  done: Promise<void> = Promise.resolve();

  constructor(
    store: Store,
    private readonly server: Pick<typeof api, 'search'>,
    private readonly drill: (code: string) => void = () => {},
  ) {
    super(store, [], el('div', { class: 'search' }));
    this.input.addEventListener('input', () => {
      clearTimeout(this.pending);
      this.pending = setTimeout(() => (this.done = this.run(this.input.value)), DEBOUNCE_MS);
    });
    replace(this.container, this.label, this.input, this.results);
  }

  render() {
    this.results.setAttribute('aria-label', t('search.results'));
    this.input.placeholder = t('search.placeholder');
    this.label.textContent = t('search.placeholder');
  }

  /** Looks `q` up and lists what matches. */
  async run(q: string) {
    if (q.trim().length < 2) return replace(this.results);
    const { results } = await this.server.search(q);
    for (const r of results) if (r.code && r.kind === 'boundary') this.store.names.set(r.code, r.name);
    replace(this.results, ...results.slice(0, MAX_HITS).map((r) => this.hit(r)));
  }

  private hit(r: SearchHit) {
    const choose = () => {
      this.map?.fitBounds(r.bbox, { padding: 60, maxZoom: 15 });
      if (r.kind === 'boundary' && r.code) this.drill(r.code);
      replace(this.results);
    };
    // Its parents tell two villages of one name apart.
    const parents = (r.parents ?? []).map((p) => p.name).join(', ');
    return el(
      'li',
      {},
      el(
        'button',
        { type: 'button', onclick: choose },
        r.name,
        el('span', { class: 'kind' }, ` ${levelName(r.level)}${r.code ? ` ${r.code}` : ''}`),
        parents ? el('span', { class: 'parents' }, ` · ${parents}`) : '',
      ),
    );
  }
}
