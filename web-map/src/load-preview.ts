// A load preview as the GIS staff read it before committing: would it load, what the
// layer would be, the fields found (each can be chosen for one of the engine's columns),
// how many features each column gets, the first rows, and the report.
import { el } from './dom';
import { type Key, number, t } from './i18n';
import { accessText } from './layer-table';
import { reportView } from './load-report';
import { CLASS_ORDER, type LoadPreview, MAPPED_COLUMNS, type MappedColumn } from './types';

/** The catalogue key of what each engine column is called on the page. */
export const COLUMN_LABELS: Record<MappedColumn, Key> = {
  name: 'column.name',
  code: 'column.code',
  population: 'column.population',
  households: 'column.households',
  hazard: 'column.hazard',
};

/** Most source fields shown as columns of the first rows. */
const ROW_FIELDS = 8;

const shown = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** A hazard class as the legend names it. */
const className = (c: string) => {
  const known = CLASS_ORDER.find((k) => k === c);
  return known ? t(`class.${known}`) : c;
};

/** The column a layer of each kind cannot do without. */
const NEEDED: Record<string, MappedColumn> = { hazard: 'hazard', exposure: 'population', boundary: 'code' };

/** The count of features a column would be filled for, as a sentence, with a warning
 *  when the layer's kind needs it and none has it. */
function mappedLine(p: LoadPreview, column: MappedColumn): HTMLElement {
  const n = column === 'hazard' ? p.mapped.hazard_class : p.mapped[column];
  const field = p.layer.fields[column];
  const values = { column: t(COLUMN_LABELS[column]), field: field ?? '', count: number(n), total: number(p.report.loaded) };
  const text = !field
    ? t('preview.column.none', values)
    : column === 'hazard'
      ? t('preview.column.classed', values)
      : column === 'population' && n > 0
        ? t('preview.column.people', { ...values, people: number(Math.round(p.mapped.population_total)) })
        : t('preview.column.filled', values);
  const warn = NEEDED[p.layer.kind] === column && n === 0;
  return el('li', { class: warn ? 'warn' : undefined, 'data-column': column }, text, warn ? ` — ${t('preview.column.needed', { kind: t(`kind.${p.layer.kind}`) })}` : '');
}

/** The preview as page elements; `choose(column, field)` is called when a field is
 *  picked for a column, and `map` is the box the small map is drawn into. */
export function previewView(p: LoadPreview, choose: (column: MappedColumn, field: string) => void, map: HTMLElement): HTMLElement[] {
  const r = p.report;
  const l = p.layer;
  const degrees = (v: number) => number(v, 3);
  const extent = p.bbox ? ` ${t('preview.extent', { west: degrees(p.bbox[0]), east: degrees(p.bbox[2]), south: degrees(p.bbox[1]), north: degrees(p.bbox[3]) })}` : '';
  const usedAs = (field: string) => MAPPED_COLUMNS.find((c) => l.fields[c] === field) ?? '';
  const picker = (field: string) => {
    const s = el(
      'select',
      { 'aria-label': t('preview.use_field_as', { field }), 'data-field': field, onchange: (e: Event) => choose((e.target as HTMLSelectElement).value as MappedColumn, field) },
      el('option', { value: '' }, '—'),
      ...MAPPED_COLUMNS.map((c) => el('option', { value: c }, t(COLUMN_LABELS[c]))),
    );
    s.value = usedAs(field);
    return s;
  };
  const rowFields = p.fields.slice(0, ROW_FIELDS).map((f) => f.name);
  const step = p.sampled > 0 ? Math.ceil(r.loaded / p.sampled) : 0;
  const layerLine = [
    t('preview.layer', { id: l.id, kind: t(`kind.${l.kind}`), theme: l.theme, access: accessText(l) }),
    l.classification ? t('preview.classified', { classification: l.classification.name }) : null,
    l.attribution ? t('preview.source', { attribution: l.attribution }) : t('preview.no_source'),
  ];
  const fieldHeads = [t('preview.field'), t('preview.type'), t('preview.filled'), t('preview.examples'), t('preview.use_as')];
  const rowHeads = ['#', ...rowFields, t('column.name'), t('column.code'), t('column.population'), t('column.hazard_class')];
  return [
    el('h3', {}, t(p.would_load ? 'preview.ready' : 'preview.refused', { file: r.source_name })),
    p.why_not ? el('p', { class: 'error', role: 'alert' }, p.why_not) : null,
    el('p', { class: 'summary' }, t('preview.read', { driver: r.driver || t('preview.own_reader'), crs: r.source_crs, loaded: number(r.loaded), read: number(r.read) }), extent),
    el('p', {}, layerLine.filter(Boolean).join(' ')),
    el('ul', { class: 'mapped' }, ...MAPPED_COLUMNS.map((c) => mappedLine(p, c))),
    el(
      'figure',
      { class: 'preview-map' },
      map,
      el('figcaption', {}, step > 1 ? t('preview.sampled', { sampled: number(p.sampled), total: number(r.loaded), step: number(step) }) : t('preview.all_drawn', { count: number(p.sampled) })),
    ),
    el('h4', {}, t('preview.fields')),
    el(
      'table',
      { class: 'issues fields-found' },
      el('thead', {}, el('tr', {}, ...fieldHeads.map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        ...p.fields.map((f) =>
          el('tr', { 'data-field': f.name }, el('th', { scope: 'row' }, f.name), el('td', {}, t(`type.${f.type}`)), el('td', {}, number(f.filled)), el('td', {}, f.examples.map(shown).join(', ')), el('td', {}, picker(f.name))),
        ),
      ),
    ),
    el('h4', {}, t('preview.rows', { count: number(p.rows.length) })),
    el(
      'table',
      { class: 'issues first-rows' },
      el('thead', {}, el('tr', {}, ...rowHeads.map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        ...p.rows.map((row) =>
          el(
            'tr',
            {},
            el('td', {}, row.fid),
            ...rowFields.map((f) => el('td', {}, shown(row.properties[f]))),
            el('td', {}, row.name ?? ''),
            el('td', {}, row.code ?? ''),
            el('td', {}, row.population ?? ''),
            el('td', {}, row.hazard_class ? className(row.hazard_class) : ''),
          ),
        ),
      ),
    ),
    ...reportView(t('preview.report'), r),
  ].filter((n): n is HTMLElement => n !== null);
}
