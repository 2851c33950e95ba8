// The GIS staff's page: load a new version of a layer (drag and drop), read its load
// report (every rejected or repaired feature named), roll back to an earlier version,
// change who may read a layer (restricted or public, open without a token or not).
// Every open situation room updates by itself through the server's events.
import './styles.css';
import { el, replace } from './dom';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const tokenInput = $('token') as HTMLInputElement;
tokenInput.value = sessionStorage.getItem('sitroom-token') ?? '';
tokenInput.addEventListener('change', () => {
  sessionStorage.setItem('sitroom-token', tokenInput.value.trim());
  void list();
});

const auth = (): Record<string, string> => (tokenInput.value.trim() ? { authorization: `Bearer ${tokenInput.value.trim()}` } : {});

interface Issue {
  index: number;
  source_id: string | null;
  action: string;
  reason: string;
}
interface LoadReport {
  source_name: string;
  read: number;
  loaded: number;
  repaired: number;
  dropped: number;
  rejected: number;
  unclassified: number;
  issues: Issue[];
}
interface Version {
  version: number;
  source_name: string;
  feature_count: number;
  loaded_by: string;
  loaded_at: string;
  report: LoadReport;
}
interface Layer {
  id: string;
  title: string;
  kind: string;
  theme: string;
  sensitivity: 'public' | 'restricted';
  anonymous: boolean;
  current_version: number;
  feature_count: number;
  versions?: Version[];
}

interface AccessChange {
  anonymous?: boolean;
  sensitivity?: 'public' | 'restricted';
}

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

function showReport(title: string, r: LoadReport | undefined, error?: string) {
  replace(
    $('report'),
    el('h3', {}, title),
    error ? el('p', { class: 'error', role: 'alert' }, error) : null,
    r
      ? el('p', {}, `${r.source_name}: ${r.read} read, ${r.loaded} loaded, ${r.repaired} repaired, ${r.dropped} dropped, ${r.rejected} rejected, ${r.unclassified} unclassified.`)
      : null,
    r && r.issues.length
      ? el('table', { class: 'issues' },
          el('thead', {}, el('tr', {}, ...['Feature', 'Source id', 'Action', 'Why'].map((t) => el('th', { scope: 'col' }, t)))),
          el('tbody', {}, ...r.issues.map((i) => el('tr', {}, el('td', {}, i.index), el('td', {}, i.source_id ?? ''), el('td', {}, i.action), el('td', {}, i.reason)))),
        )
      : null,
  );
}

$('upload').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const data = new FormData(form);
  const id = String(data.get('id'));
  if (!file) return showReport('Nothing to load', undefined, 'Choose or drop a file first.');
  const body = new FormData();
  body.append('file', file, file.name);
  for (const k of ['kind', 'theme', 'title', 'hazard_field', 'classification']) {
    const v = String(data.get(k) ?? '').trim();
    if (v) body.append(k, v);
  }
  showReport(`Loading ${file.name}…`, undefined);
  const resp = await fetch(`/api/layers/${encodeURIComponent(id)}`, { method: 'POST', headers: auth(), body });
  const json = await resp.json();
  if (resp.ok) showReport(`Loaded ${id} version ${json.version}`, json.report);
  else showReport(`Not loaded: the previous version stays current`, json.report, json.detail ?? resp.statusText);
  await list();
});

async function rollback(id: string, version: number) {
  const resp = await fetch(`/api/layers/${id}/rollback`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ version }),
  });
  const json = await resp.json();
  showReport(resp.ok ? `${id}: version ${version} is current again` : `Rollback refused`, undefined, resp.ok ? undefined : json.detail);
  await list();
}

async function setAccess(id: string, change: AccessChange) {
  const resp = await fetch(`/api/layers/${id}`, {
    method: 'PATCH',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  const json = await resp.json();
  showReport(resp.ok ? `${id}: ${access(json)}` : `Access not changed`, undefined, resp.ok ? undefined : json.detail);
  await list();
}

const access = (l: Layer) => `${l.sensitivity}, ${l.anonymous ? 'open without a token' : 'token needed'}`;

async function list() {
  // With the token, so that layers closed to callers without one are listed too.
  const layers: Layer[] = await (await fetch('/api/layers', { headers: auth() })).json();
  const details = await Promise.all(layers.map(async (l) => (await fetch(`/api/layers/${l.id}`, { headers: auth() })).json() as Promise<Layer>));
  replace(
    $('layers'),
    el('table', {},
      el('thead', {}, el('tr', {}, ...['Layer', 'Kind', 'Who may read', 'Current', 'Versions'].map((t) => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, ...details.map((l) =>
        el('tr', { 'data-layer': l.id },
          el('th', { scope: 'row' }, `${l.title} (${l.id})`),
          el('td', {}, `${l.kind} / ${l.theme}`),
          el('td', { class: 'access' },
            el('span', {}, access(l)), ' ',
            el('button', { type: 'button', onclick: () => void setAccess(l.id, { anonymous: !l.anonymous }) }, l.anonymous ? 'Require a token' : 'Open without a token'), ' ',
            el('button', { type: 'button', onclick: () => void setAccess(l.id, { sensitivity: l.sensitivity === 'public' ? 'restricted' : 'public' }) }, l.sensitivity === 'public' ? 'Restrict' : 'Make public'),
          ),
          el('td', {}, `v${l.current_version}: ${l.feature_count} features`),
          el('td', {}, ...(l.versions ?? []).map((v) =>
            el('div', {},
              `v${v.version} ${v.source_name}, ${v.loaded_at.slice(0, 16).replace('T', ' ')} by ${v.loaded_by} `,
              v.version === l.current_version
                ? el('strong', {}, 'current')
                : el('button', { type: 'button', onclick: () => void rollback(l.id, v.version) }, `Roll back to v${v.version}`),
            ))),
        ))),
    ),
  );
}

void list();
const events = new EventSource('/events');
for (const name of ['layer', 'resync']) events.addEventListener(name, () => void list());
