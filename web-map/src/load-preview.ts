// A load preview as the GIS staff read it before committing: would it load, what the
// layer would be, the fields found (each can be chosen for one of the engine's columns),
// how many features each column gets, the first rows, and the report.
import { el } from './dom';
import { reportView } from './load-report';
import { type LoadPreview, MAPPED_COLUMNS, type MappedColumn } from './types';

/** What each engine column is called on the page. */
export const COLUMN_LABELS: Record<MappedColumn, string> = {
  name: 'Name',
  code: 'Official code',
  population: 'People',
  households: 'Households',
  hazard: 'Hazard value',
};

/** Most source fields shown as columns of the first rows. */
const ROW_FIELDS = 8;

const shown = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The count of features a column would be filled for, as a sentence, with a warning
 *  when the layer's kind needs it and none has it. */
function mappedLine(p: LoadPreview, column: MappedColumn): HTMLElement {
  const n = column === 'hazard' ? p.mapped.hazard_class : p.mapped[column];
  const field = p.layer.fields[column];
  const of = `${n.toLocaleString('en-GB')} of ${p.report.loaded.toLocaleString('en-GB')} features`;
  const needed = (p.layer.kind === 'hazard' && column === 'hazard') || (p.layer.kind === 'exposure' && column === 'population') || (p.layer.kind === 'boundary' && column === 'code');
  const what = column === 'hazard' ? 'in a hazard class' : `with a value`;
  const total = column === 'population' && n > 0 ? `, ${Math.round(p.mapped.population_total).toLocaleString('en-GB')} people in all` : '';
  const text = field ? `${COLUMN_LABELS[column]} (from ${field}): ${of} ${what}${total}` : `${COLUMN_LABELS[column]}: no field chosen`;
  const warn = needed && n === 0;
  return el(
    'li',
    { class: warn ? 'warn' : undefined, 'data-column': column },
    text,
    warn ? ` — a ${p.layer.kind} layer needs it: choose its field in the table below, then preview again` : '',
  );
}

/** The preview as page elements; `choose(column, field)` is called when a field is
 *  picked for a column, and `map` is the box the small map is drawn into. */
export function previewView(p: LoadPreview, choose: (column: MappedColumn, field: string) => void, map: HTMLElement): HTMLElement[] {
  const r = p.report;
  const l = p.layer;
  const extent = p.bbox ? `; extent ${p.bbox[0].toFixed(3)}° to ${p.bbox[2].toFixed(3)}° E, ${p.bbox[1].toFixed(3)}° to ${p.bbox[3].toFixed(3)}° N` : '';
  const access = `${l.sensitivity}, ${l.anonymous ? 'open without a token' : 'token needed'}`;
  const usedAs = (field: string) => MAPPED_COLUMNS.find((c) => l.fields[c] === field) ?? '';
  const picker = (field: string) => {
    const s = el(
      'select',
      { 'aria-label': `Use ${field} as`, 'data-field': field, onchange: (e: Event) => choose((e.target as HTMLSelectElement).value as MappedColumn, field) },
      el('option', { value: '' }, '—'),
      ...MAPPED_COLUMNS.map((c) => el('option', { value: c }, COLUMN_LABELS[c])),
    );
    s.value = usedAs(field);
    return s;
  };
  const rowFields = p.fields.slice(0, ROW_FIELDS).map((f) => f.name);
  const step = p.sampled > 0 ? Math.ceil(r.loaded / p.sampled) : 0;
  return [
    el('h3', {}, p.would_load ? `Preview of ${r.source_name}: ready to load (nothing is written until you press Load)` : `Preview of ${r.source_name}: this load would be refused`),
    p.why_not ? el('p', { class: 'error', role: 'alert' }, p.why_not) : null,
    el('p', { class: 'summary' }, `Read with ${r.driver || 'our GeoJSON reader'} in ${r.source_crs}; ${r.loaded.toLocaleString('en-GB')} of ${r.read.toLocaleString('en-GB')} features would be stored${extent}.`),
    el('p', {}, `Layer ${l.id} would be stored as ${l.kind} / ${l.theme}, ${access}${l.classification ? `, classified by ${l.classification.name}` : ''}${l.attribution ? `; source: ${l.attribution}` : '; no attribution given'}.`),
    el('ul', { class: 'mapped' }, ...MAPPED_COLUMNS.map((c) => mappedLine(p, c))),
    el('figure', { class: 'preview-map' }, map, el('figcaption', {}, step > 1 ? `${p.sampled.toLocaleString('en-GB')} of ${r.loaded.toLocaleString('en-GB')} features drawn (one in every ${step}), simplified` : `All ${p.sampled.toLocaleString('en-GB')} features drawn, simplified`)),
    el('h4', {}, 'Fields found'),
    el(
      'table',
      { class: 'issues fields-found' },
      el('thead', {}, el('tr', {}, ...['Field', 'Type', 'Filled', 'Examples', 'Use as'].map((t) => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, ...p.fields.map((f) => el('tr', { 'data-field': f.name }, el('th', { scope: 'row' }, f.name), el('td', {}, f.type), el('td', {}, f.filled.toLocaleString('en-GB')), el('td', {}, f.examples.map(shown).join(', ')), el('td', {}, picker(f.name))))),
    ),
    el('h4', {}, `First ${p.rows.length} features as they would be stored`),
    el(
      'table',
      { class: 'issues first-rows' },
      el('thead', {}, el('tr', {}, ...['#', ...rowFields, 'name', 'code', 'people', 'class'].map((t) => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, ...p.rows.map((row) => el('tr', {}, el('td', {}, row.fid), ...rowFields.map((f) => el('td', {}, shown(row.properties[f]))), el('td', {}, row.name ?? ''), el('td', {}, row.code ?? ''), el('td', {}, row.population ?? ''), el('td', {}, row.hazard_class ?? '')))),
    ),
    ...reportView('What the load would report', r),
  ].filter((n): n is HTMLElement => n !== null);
}
