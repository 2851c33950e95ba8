// The units shown, worst first, sortable by any column, each a link to drill into;
// exported as CSV with the sources on every row.
import { el, replace } from '../dom';
import { type SortKey, type UnitFigures, people, percent, sortBy, toCsv } from '../figures';
import { type Key, levelsName, t } from '../i18n';
import { childLevel } from '../state';
import type { Store } from '../store';
import { Control } from './control';

const COLUMNS: [SortKey, Key][] = [
  ['name', 'table.unit'],
  ['exposed', 'table.exposed'],
  ['share', 'table.share'],
  ['affected', 'table.affected'],
  ['displaced', 'table.displaced'],
  ['population', 'table.population'],
];

export class UnitTable extends Control {
  private sort: { key: SortKey; descending: boolean } = { key: 'exposed', descending: true };

  constructor(
    store: Store,
    private readonly drill: (code: string) => void,
  ) {
    super(store, ['report'], el('div', { id: 'table' }));
  }

  /** Sorts by `key`; again by the same key reverses. Names sort A to Z first, figures
   *  largest first. */
  sortOn(key: SortKey) {
    this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : key !== 'name' };
    this.render();
  }

  render() {
    const report = this.store.report;
    if (!report) return;
    const level = this.store.focusLevel();
    const rows = sortBy(this.store.rows(), this.sort.key, this.sort.descending);
    const canDrill = childLevel(level) !== null;
    const header = ([key, label]: [SortKey, Key]) =>
      el(
        'th',
        { scope: 'col', 'aria-sort': this.sort.key === key ? (this.sort.descending ? 'descending' : 'ascending') : 'none' },
        el('button', { type: 'button', onclick: () => this.sortOn(key) }, t(label)),
      );
    const name = (r: UnitFigures) =>
      canDrill ? el('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), this.drill(r.code)) }, r.name) : r.name;
    replace(
      this.container,
      el(
        'div',
        { class: 'table-head' },
        el('h3', {}, level === 'country' ? t('table.unit') : t('table.title', { levels: levelsName(level) })),
        el('button', { type: 'button', id: 'export-csv', onclick: () => this.exportCsv(rows) }, t('table.export')),
      ),
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, ...COLUMNS.map(header))),
        el(
          'tbody',
          {},
          ...rows.map((r) =>
            el(
              'tr',
              { 'data-code': r.code },
              el('th', { scope: 'row' }, name(r)),
              ...(r.suppressed
                ? [el('td', { colspan: 5 }, t('table.withheld'))]
                : [people(r.exposed), percent(r.share), people(r.affected), people(r.displaced), people(r.population)].map((v) => el('td', {}, v))),
            ),
          ),
        ),
      ),
    );
  }

  private exportCsv(rows: UnitFigures[]) {
    const report = this.store.report;
    if (!report) return;
    const blob = new Blob([toCsv(rows, report)], { type: 'text/csv' });
    const a = el('a', { href: URL.createObjectURL(blob), download: `exposure-${report.hazard.layer}-${report.exposure.layer}-${this.store.focusLevel()}.csv` });
    a.click();
    URL.revokeObjectURL(a.href);
  }
}
