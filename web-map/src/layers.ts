// The GIS staff's page: preview a file (fields found, CRS, feature count, a small map,
// first rows; the fields chosen for the engine's columns from those found), load it as a
// new version of a layer (drag and drop), read its load report (every rejected or
// repaired feature named), roll back to an earlier version, change who may read a layer
// (restricted or public, open without a token or not), delete it — each change
// confirmed first —; each layer's addresses for GIS clients; the audit log for
// administrators; in English, French or Kinyarwanda. Every open situation room updates
// by itself through the server's events.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './styles.css';
import * as api from './api';
import { el, replace } from './dom';
import { isLang, languageMenu, language, number, preferredLanguage, setLanguage, t, translatePage } from './i18n';
import { accessText, auditTable, type LayerActions, layersTable } from './layer-table';
import { previewView } from './load-preview';
import { reportView } from './load-report';
import { installPalette } from './palette';
import { drawPreview } from './preview-map';
import type { AuditEntry, LayerRecord, LoadPreview, LoadReport, MappedColumn } from './types';

declare global {
  interface Window {
    /** The preview's small map, for tests driving the page. */
    sitroomPreview?: maplibregl.Map;
  }
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;
installPalette();
maplibregl.setWorkerUrl(workerUrl);

// The language a link names (`?lang=fr` or `#lang=fr`), else the one this browser prefers.
const linked = new URLSearchParams(window.location.search).get('lang') ?? new URLSearchParams(window.location.hash.slice(1)).get('lang');
setLanguage(isLang(linked) ? linked : preferredLanguage());

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
const showChosen = () => ($('chosen').textContent = file ? t('gis.chosen', { file: file.name, size: number(file.size / 1e6, 1) }) : '');
const choose = (f: File | null) => {
  file = f;
  showChosen();
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

/** What the report area shows, kept to be written again in another language. */
let shownReport: (() => HTMLElement[]) | null = null;
const drawReport = () => replace($('report'), ...(shownReport?.() ?? []));
/** Shows a title (from the catalogue, written when shown), an optional report and the
 *  server's error, in place of any preview. */
const showReport = (title: () => string, r?: LoadReport, error?: string) => {
  clearPreview();
  shownReport = () => reportView(title(), r, error);
  drawReport();
};

const form = $('upload') as HTMLFormElement;
/** The upload form's fields besides the file. */
const formFields = () => {
  const data = new FormData(form);
  return Object.fromEntries(FORM_FIELDS.map((k) => [k, String(data.get(k) ?? '')]));
};

/** The preview shown, and its small map. */
let preview: { p: LoadPreview; file: string; map: maplibregl.Map; box: HTMLElement } | null = null;
const clearPreview = () => {
  preview?.map.remove();
  preview = null;
  replace($('preview'));
};
/** Writes the preview's text (again, after a change of language), keeping its map. */
const drawPreviewText = () => {
  if (!preview) return;
  preview.box.setAttribute('aria-label', t('gis.preview_map', { file: preview.file }));
  replace($('preview'), ...previewView(preview.p, useField, preview.box));
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
  if (!file) return showReport(() => t('gis.nothing_to_preview'), undefined, t('gis.choose_file'));
  const name = file.name;
  showReport(() => t('gis.reading', { file: name }));
  try {
    const p = await api.previewLayer(id, file, formFields());
    shownReport = null;
    drawReport();
    replace($('found-fields'));
    found(...p.fields.map((f) => f.name));
    const box = el('div', { class: 'preview-map-box' });
    clearPreview();
    replace($('preview'), ...previewView(p, useField, box));
    const map = await drawPreview(box, p.sample, p.bbox);
    preview = { p, file: name, map, box };
    drawPreviewText();
    window.sitroomPreview = map;
  } catch (e) {
    showReport(() => t('gis.preview_refused'), undefined, (e as Error).message);
  }
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = String(new FormData(form).get('id'));
  if (!file) return showReport(() => t('gis.nothing_to_load'), undefined, t('gis.choose_file'));
  const fields = formFields();
  const existed = known.has(id);
  const name = file.name;
  showReport(() => t('gis.loading', { file: name }));
  const out = await api.loadLayer(id, file, fields);
  if (out.ok) showReport(() => t('gis.loaded', { id, version: out.version ?? '' }), out.report);
  else showReport(() => (existed ? t('gis.not_loaded.kept') : t('gis.not_loaded.new', { id })), out.report, out.detail);
  await list();
  void auditLog();
});

/** What an upload may say besides the file (the server's form fields). */
const FORM_FIELDS = ['kind', 'theme', 'title', 'attribution', 'srs', 'name_field', 'code_field', 'population_field', 'households_field', 'hazard_field', 'classification', 'sensitivity', 'anonymous', 'allow_rejects'];

/** Layer ids listed, to tell a first load from a new version. */
const known = new Set<string>();

/** Runs a change once the user confirms it, and reports it (the server's reason when it
 *  is refused). */
async function change<T>(question: string, run: () => Promise<T>, done: (l: T) => string, refused: () => string) {
  if (!window.confirm(question)) return;
  try {
    const out = await run();
    showReport(() => done(out));
  } catch (e) {
    showReport(refused, undefined, (e as Error).message);
  }
  await list();
  void auditLog();
}

const actions: LayerActions = {
  rollback: (l, version, question) => void change(question, () => api.rollback(l.id, version), () => t('gis.rollback.done', { id: l.id, version }), () => t('gis.rollback.refused')),
  setAccess: (l, c, question) => void change(question, () => api.setAccess(l.id, c), (x: LayerRecord) => t('gis.access.done', { id: l.id, access: accessText(x) }), () => t('gis.access.refused')),
  remove: (l, question) => void change(question, () => api.deleteLayer(l.id), () => t('gis.delete.done', { id: l.id }), () => t('gis.delete.refused')),
};

/** The layers listed last (null: the listing failed with that message). */
let layers: LayerRecord[] | string = [];
const drawLayers = () =>
  replace($('layers'), typeof layers === 'string' ? el('p', { class: 'error', role: 'alert' }, t('gis.list.failed', { error: layers })) : layersTable(layers, actions, window.location.origin));

async function list() {
  // With the token, so that layers closed to callers without one are listed too.
  try {
    const all = await api.layerRecords();
    known.clear();
    for (const l of all) known.add(l.id);
    layers = all;
  } catch (e) {
    layers = (e as Error).message;
  }
  drawLayers();
}

/** The audit log's last entries (or why they cannot be read). */
let audit: AuditEntry[] | string = [];
const drawAudit = () => replace($('audit'), typeof audit === 'string' ? el('p', { class: 'note' }, t('gis.audit.admins_only', { error: audit })) : auditTable(audit));

/** The audit log's last entries, for an administrator's token (a note for anyone else). */
async function auditLog() {
  try {
    audit = await api.audit();
  } catch (e) {
    audit = (e as Error).message;
  }
  drawAudit();
}

/** Every string of the page in the language chosen. */
function relabel() {
  translatePage();
  document.title = t('gis.page_title');
  $('situation-link').setAttribute('href', `/?lang=${language()}`);
  showChosen();
  drawReport();
  drawPreviewText();
  drawLayers();
  drawAudit();
}

languageMenu($('language') as HTMLSelectElement, (lang) => {
  setLanguage(lang);
  relabel();
});
relabel();
void list();
void auditLog();
api.onLayerEvents(() => void list());
