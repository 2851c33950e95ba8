// The GIS staff's page: load a new version of a layer (drag and drop), read its load
// report (every rejected or repaired feature named), roll back to an earlier version,
// change who may read a layer (restricted or public, open without a token or not).
// Every open situation room updates by itself through the server's events.
import './styles.css';
import * as api from './api';
import { el, replace } from './dom';
import { reportView } from './load-report';
import { installPalette } from './palette';
import type { AccessChange, LayerRecord, LoadReport } from './types';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
installPalette();

const tokenInput = $('token') as HTMLInputElement;
tokenInput.value = api.token() ?? '';
tokenInput.addEventListener('change', () => {
  api.setToken(tokenInput.value);
  void list();
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

const showReport = (title: string, r?: LoadReport, error?: string) => replace($('report'), ...reportView(title, r, error));

$('upload').addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(e.target as HTMLFormElement);
  const id = String(data.get('id'));
  if (!file) return showReport('Nothing to load', undefined, 'Choose or drop a file first.');
  const fields = Object.fromEntries(['kind', 'theme', 'title', 'hazard_field', 'classification'].map((k) => [k, String(data.get(k) ?? '')]));
  showReport(`Loading ${file.name}…`);
  const out = await api.loadLayer(id, file, fields);
  if (out.ok) showReport(`Loaded ${id} version ${out.version}`, out.report);
  else showReport('Not loaded: the previous version stays current', out.report, out.detail);
  await list();
});

/** Runs a change and reports it (the server's reason when it is refused). */
async function change(run: () => Promise<LayerRecord>, done: (l: LayerRecord) => string, refused: string) {
  try {
    showReport(done(await run()));
  } catch (e) {
    showReport(refused, undefined, (e as Error).message);
  }
  await list();
}

const access = (l: LayerRecord) => `${l.sensitivity}, ${l.anonymous ? 'open without a token' : 'token needed'}`;
const rollback = (id: string, version: number) => change(() => api.rollback(id, version), () => `${id}: version ${version} is current again`, 'Rollback refused');
const setAccess = (id: string, c: AccessChange) => change(() => api.setAccess(id, c), (l) => `${id}: ${access(l)}`, 'Access not changed');

function row(l: LayerRecord) {
  const button = (label: string, onclick: () => void) => el('button', { type: 'button', onclick }, label);
  return el(
    'tr',
    { 'data-layer': l.id },
    el('th', { scope: 'row' }, `${l.title} (${l.id})`),
    el('td', {}, `${l.kind} / ${l.theme}`),
    el(
      'td',
      { class: 'access' },
      el('span', {}, access(l)),
      ' ',
      button(l.anonymous ? 'Require a token' : 'Open without a token', () => void setAccess(l.id, { anonymous: !l.anonymous })),
      ' ',
      button(l.sensitivity === 'public' ? 'Restrict' : 'Make public', () => void setAccess(l.id, { sensitivity: l.sensitivity === 'public' ? 'restricted' : 'public' })),
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
          v.version === l.current_version ? el('strong', {}, 'current') : button(`Roll back to v${v.version}`, () => void rollback(l.id, v.version)),
        ),
      ),
    ),
  );
}

async function list() {
  // With the token, so that layers closed to callers without one are listed too.
  try {
    const layers = await api.layerRecords();
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

void list();
api.onLayerEvents(() => void list());
