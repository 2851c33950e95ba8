// The GIS staff's page: preview a file (fields found, CRS, feature count, a small map,
// first rows; the fields chosen for the engine's columns from those found), load it as a
// new version of a layer (drag and drop), read its load report (every rejected or
// repaired feature named), roll back to an earlier version,
// change who may read a layer (restricted or public, open without a token or not), delete
// it — each change confirmed first —; each layer's addresses for GIS clients; the audit
// log for administrators. Every open situation room updates by itself through the
// server's events.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './styles.css';
import * as api from './api';
import { el, replace } from './dom';
import { previewView } from './load-preview';
import { reportView } from './load-report';
import { installPalette } from './palette';
import { drawPreview } from './preview-map';
import type { AccessChange, AuditEntry, LayerRecord, LoadReport, MappedColumn } from './types';

declare global {
  interface Window {
    /** The preview's small map, for tests driving the page. */
    sitroomPreview?: maplibregl.Map;
  }
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;
installPalette();
maplibregl.setWorkerUrl(workerUrl);

const tokenInput = $('token') as HTMLInputElement;
tokenInput.value = api.token() ?? '';
tokenInput.addEventListener('change', () => {
  api.setToken(tokenInput.value);
  void list();
  void auditLog();
});

let file: File | null = null;
const drop = $('drop');
const picker = $('file') as HTMLInputElement;
const choose = (f: File | null) => {
  file = f;
  $('chosen').textContent = f ? `${f.name} (${(f.size / 1e6).toFixed(1)} MB)` : '';
};
drop.addEventListener('click', () => picker.click());
drop.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && picker.click());
picker.addEventListener('change', () => choose(picker.files?.[0] ?? null));
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  choose(e.dataTransfer?.files[0] ?? null);
});

const showReport = (title: string, r?: LoadReport, error?: string) => {
  clearPreview();
  replace($('report'), ...reportView(title, r, error));
};

const form = $('upload') as HTMLFormElement;
/** The upload form's fields besides the file. */
const formFields = () => {
  const data = new FormData(form);
  return Object.fromEntries(FORM_FIELDS.map((k) => [k, String(data.get(k) ?? '')]));
};

/** The preview's small map, while one is shown. */
let previewMap: maplibregl.Map | null = null;
const clearPreview = () => {
  previewMap?.remove();
  previewMap = null;
  replace($('preview'));
};

/** A field of the file chosen for one of the engine's columns: the form says so. */
function useField(column: MappedColumn, field: string) {
  for (const input of form.querySelectorAll<HTMLInputElement>('.fields input')) if (input.value === field) input.value = '';
  if (column) (form.elements.namedItem(`${column}_field`) as HTMLInputElement).value = field;
  found(field);
}

/** The fields of the last preview, offered in the mapping inputs. */
function found(...fields: string[]) {
  const list = $('found-fields');
  const have = new Set([...list.querySelectorAll('option')].map((o) => o.value));
  for (const f of fields) if (!have.has(f)) list.append(el('option', { value: f }));
}

$('preview-button').addEventListener('click', async () => {
  const id = String(new FormData(form).get('id') ?? '');
  if (!form.reportValidity()) return;
  if (!file) return showReport('Nothing to preview', undefined, 'Choose or drop a file first.');
  showReport(`Reading ${file.name}…`);
  try {
    const p = await api.previewLayer(id, file, formFields());
    replace($('report'));
    replace($('found-fields'));
    found(...p.fields.map((f) => f.name));
    const box = el('div', { class: 'preview-map-box', 'aria-label': `Map of the features of ${file.name}` });
    replace($('preview'), ...previewView(p, useField, box));
    previewMap = await drawPreview(box, p.sample, p.bbox);
    window.sitroomPreview = previewMap;
  } catch (e) {
    showReport('Preview refused: nothing was written', undefined, (e as Error).message);
  }
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = String(new FormData(form).get('id'));
  if (!file) return showReport('Nothing to load', undefined, 'Choose or drop a file first.');
  const fields = formFields();
  const existed = known.has(id);
  showReport(`Loading ${file.name}…`);
  const out = await api.loadLayer(id, file, fields);
  if (out.ok) showReport(`Loaded ${id} version ${out.version}`, out.report);
  else showReport(existed ? 'Not loaded: the previous version stays current' : `Not loaded: nothing was written, and there is no layer ${id}`, out.report, out.detail);
  await list();
  void auditLog();
});

/** What an upload may say besides the file (the server's form fields). */
const FORM_FIELDS = ['kind', 'theme', 'title', 'attribution', 'srs', 'name_field', 'code_field', 'population_field', 'households_field', 'hazard_field', 'classification', 'sensitivity', 'anonymous', 'allow_rejects'];

/** Layer ids listed, to tell a first load from a new version. */
const known = new Set<string>();

/** Runs a change once the user confirms it, and reports it (the server's reason when it
 *  is refused). */
async function change<T>(question: string, run: () => Promise<T>, done: (l: T) => string, refused: string) {
  if (!window.confirm(question)) return;
  try {
    showReport(done(await run()));
  } catch (e) {
    showReport(refused, undefined, (e as Error).message);
  }
  await list();
  void auditLog();
}

const access = (l: LayerRecord) => `${l.sensitivity}, ${l.anonymous ? 'open without a token' : 'token needed'}`;
const rollback = (l: LayerRecord, version: number) =>
  change(`Make version ${version} of ${l.title} current again? Every open map and figure will follow; version ${l.current_version} stays stored.`, () => api.rollback(l.id, version), () => `${l.id}: version ${version} is current again`, 'Rollback refused');
const setAccess = (l: LayerRecord, c: AccessChange, question: string) => change(question, () => api.setAccess(l.id, c), (x) => `${l.id}: ${access(x)}`, 'Access not changed');
const remove = (l: LayerRecord) =>
  change(`Delete ${l.title} (${l.id}) and all its ${l.versions?.length ?? ''} versions? This cannot be undone.`, () => api.deleteLayer(l.id), () => `${l.id} deleted`, 'Not deleted');

/** The layer's addresses for GIS clients. */
function addresses(l: LayerRecord) {
  const origin = window.location.origin;
  const link = (label: string, path: string) => el('div', {}, `${label}: `, el('code', {}, `${origin}${path}`));
  return el('div', { class: 'addresses' }, link('OGC API', `/ogc/collections/${l.id}`), link('TileJSON', `/tiles/${l.id}.json`));
}

function row(l: LayerRecord) {
  const button = (label: string, onclick: () => void) => el('button', { type: 'button', onclick }, label);
  return el(
    'tr',
    { 'data-layer': l.id },
    el('th', { scope: 'row' }, `${l.title} (${l.id})`, addresses(l), button('Delete', () => void remove(l))),
    el('td', {}, `${l.kind} / ${l.theme}`),
    el(
      'td',
      { class: 'access' },
      el('span', {}, access(l)),
      ' ',
      button(l.anonymous ? 'Require a token' : 'Open without a token', () =>
        void setAccess(l, { anonymous: !l.anonymous }, l.anonymous ? `Require a token to read ${l.title}? Open pages without one will drop it.` : `Let anyone read ${l.title} without a token?`),
      ),
      ' ',
      button(l.sensitivity === 'public' ? 'Restrict' : 'Make public', () =>
        void setAccess(
          l,
          { sensitivity: l.sensitivity === 'public' ? 'restricted' : 'public' },
          l.sensitivity === 'public'
            ? `Restrict ${l.title}? Below the analyst role it will be shown only as aggregates by admin unit.`
            : `Make ${l.title} public? Its features themselves will be shown to every reader, not only aggregates.`,
        ),
      ),
    ),
    el('td', {}, `v${l.current_version}: ${l.feature_count} features`),
    el(
      'td',
      {},
      ...(l.versions ?? []).map((v) =>
        el(
          'div',
          {},
          `v${v.version} ${v.source_name}, ${v.loaded_at.slice(0, 16).replace('T', ' ')} by ${v.loaded_by} `,
          v.version === l.current_version ? el('strong', {}, 'current') : button(`Roll back to v${v.version}`, () => void rollback(l, v.version)),
        ),
      ),
    ),
  );
}

async function list() {
  // With the token, so that layers closed to callers without one are listed too.
  try {
    const layers = await api.layerRecords();
    known.clear();
    for (const l of layers) known.add(l.id);
    replace(
      $('layers'),
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, ...['Layer', 'Kind', 'Who may read', 'Current', 'Versions'].map((t) => el('th', { scope: 'col' }, t)))),
        el('tbody', {}, ...layers.map(row)),
      ),
    );
  } catch (e) {
    replace($('layers'), el('p', { class: 'error', role: 'alert' }, `The layers could not be listed: ${(e as Error).message}`));
  }
}

/** The audit log's last entries, for an administrator's token (a note for anyone else). */
async function auditLog() {
  const row = (a: AuditEntry) => el('tr', {}, el('td', {}, a.at.slice(0, 19).replace('T', ' ')), el('td', {}, a.actor), el('td', {}, a.action), el('td', {}, a.target), el('td', {}, JSON.stringify(a.detail)));
  try {
    const entries = await api.audit();
    replace(
      $('audit'),
      el(
        'table',
        { class: 'issues' },
        el('thead', {}, el('tr', {}, ...['When (UTC)', 'Who', 'What', 'On', 'Detail'].map((t) => el('th', { scope: 'col' }, t)))),
        el('tbody', {}, ...entries.map(row)),
      ),
    );
  } catch (e) {
    replace($('audit'), el('p', { class: 'note' }, `Only administrators read the audit log (${(e as Error).message}).`));
  }
}

void list();
void auditLog();
api.onLayerEvents(() => void list());
