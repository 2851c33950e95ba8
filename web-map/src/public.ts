// The public page (no token): a citizen searches a village, cell, sector or district and
// reads the public alerts in force that concern it — what to do, until when — and the
// hazard classes its people live in; every public alert in force is listed below. In
// English, French or Kinyarwanda; the language a link names (`?lang=rw`) or the browser's.
import './styles.css';
import * as api from './api';
import { el, replace } from './dom';
import { isLang, languageMenu, preferredLanguage, setLanguage, t, translatePage } from './i18n';
import { installPalette } from './palette';
import { alertCard, alertsFor, classesIn, classesList, unitTitle } from './public-alerts';
import type { InForce, SearchHit } from './types';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
installPalette();
const linked = new URLSearchParams(window.location.search).get('lang');
setLanguage(isLang(linked) ? linked : preferredLanguage());

let inForce: InForce | null = null;
let hits: SearchHit[] = [];
let chosen: SearchHit | null = null;
/** Counts the units shown, so that a slow answer for an earlier one is not drawn. */
let generation = 0;

function renderAll() {
  const all = inForce?.alerts ?? [];
  replace($('public-all'), ...(all.length ? all.map(alertCard) : [el('p', { class: 'note' }, t('alerts.none'))]));
}

function renderHits() {
  replace(
    $('public-hits'),
    ...hits.map((h) =>
      el(
        'li',
        {},
        el(
          'button',
          { type: 'button', 'data-code': h.code ?? '', onclick: () => void show(h) },
          unitTitle(h.name, h.level),
          h.parents?.length ? el('span', { class: 'note' }, ` — ${h.parents.map((p) => p.name).join(', ')}`) : null,
        ),
      ),
    ),
  );
}

async function show(hit: SearchHit) {
  chosen = hit;
  const mine = ++generation;
  const code = hit.code ?? '';
  const concerned = alertsFor(code, inForce?.alerts ?? []);
  const box = $('public-unit');
  const head = [
    el('h2', {}, unitTitle(hit.name, hit.level)),
    concerned.length ? el('p', { class: 'public-verdict', 'data-alerts': concerned.length }, t('public.concerned', { n: concerned.length })) : el('p', { class: 'public-verdict', 'data-alerts': 0 }, t('public.none_here')),
    ...concerned.map(alertCard),
    el('h3', {}, t('public.classes')),
  ];
  replace(box, ...head, el('p', { class: 'note' }, t('public.counting')));
  const catalog = await api.catalog();
  const people = catalog.find((l) => l.kind === 'exposure' && l.theme === 'population');
  const hazards = catalog.filter((l) => l.kind === 'hazard');
  if (!people) {
    replace(box, ...head, el('p', { class: 'note' }, t('public.no_population')));
    return;
  }
  const lists = await Promise.all(
    hazards.map(async (h) => {
      try {
        const report = await api.exposure(h.id, people.id, hit.level);
        return classesList(h.title, classesIn(report, code));
      } catch (e) {
        return el('p', { class: 'note' }, `${h.title}: ${(e as Error).message}`);
      }
    }),
  );
  if (mine !== generation) return;
  replace(box, ...head, ...lists, el('p', { class: 'note' }, t('public.people_source', { layer: people.title })));
  box.setAttribute('data-ready', 'true');
}

$('public-search').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = ($('public-q') as HTMLInputElement).value.trim();
  if (!q) return;
  const found = await api.search(q);
  hits = found.results.filter((h) => h.kind === 'boundary' && h.code);
  renderHits();
  if (!hits.length) replace($('public-hits'), el('li', { class: 'note' }, t('public.not_found', { q })));
});

languageMenu($('language') as HTMLSelectElement, (lang) => {
  setLanguage(lang);
  translatePage();
  renderAll();
  renderHits();
  if (chosen) void show(chosen);
});

async function start() {
  translatePage();
  inForce = await api.alertsInForce();
  renderAll();
  document.body.setAttribute('data-ready', 'true');
}
void start().catch((e: Error) => replace($('public-all'), el('p', { class: 'error', role: 'alert' }, e.message)));
