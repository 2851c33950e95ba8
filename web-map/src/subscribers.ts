// The administrators' page for early warning's recipients: the subscribers (institutions
// with a webhook or an e-mail address, the units they cover, the themes, least severity
// and languages they receive), written from a form — a new one's signing secret shown
// once —, a new secret on demand, and the deliveries, those parked retried. In English,
// French or Kinyarwanda; every refusal is the server's own message.
import './styles.css';
import * as api from './api';
import { el, replace } from './dom';
import { isLang, languageMenu, preferredLanguage, setLanguage, t, translatePage } from './i18n';
import { installPalette } from './palette';
import { deliveriesTable, fill, specOf, subscribersTable } from './subscriber-table';
import type { Delivery, Subscriber } from './types';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
installPalette();
const linked = new URLSearchParams(window.location.search).get('lang');
setLanguage(isLang(linked) ? linked : preferredLanguage());

let subscribers: Subscriber[] | string = [];
let deliveries: Delivery[] | string = [];
const form = $('subscriber') as HTMLFormElement;
const result = $('subscriber-result');

/** A secret shown once, with what to do with it. */
const secretShown = (id: string, secret: string) =>
  el('div', { class: 'secret', 'data-subscriber': id }, el('p', {}, t('subs.secret_once', { id })), el('code', {}, secret));

function draw() {
  replace(
    $('subscribers'),
    typeof subscribers === 'string'
      ? el('p', { class: 'note' }, t('subs.admins_only', { error: subscribers }))
      : subscribersTable(subscribers, {
          edit: (s) => {
            fill(form, s);
            form.scrollIntoView();
          },
          rotate: (s) => void rotate(s),
        }),
  );
  replace(
    $('deliveries'),
    typeof deliveries === 'string' ? el('p', { class: 'note' }, t('subs.admins_only', { error: deliveries })) : deliveriesTable(deliveries, (d) => void retry(d)),
  );
}

async function load() {
  try {
    subscribers = await api.subscribers();
  } catch (e) {
    subscribers = (e as Error).message;
  }
  try {
    deliveries = await api.deliveries(($('delivery-state') as HTMLSelectElement).value);
  } catch (e) {
    deliveries = (e as Error).message;
  }
  draw();
  document.body.setAttribute('data-ready', 'true');
}

async function rotate(s: Subscriber) {
  if (!window.confirm(t('subs.rotate_confirm', { id: s.id }))) return;
  try {
    const r = await api.rotateSecret(s.id);
    replace(result, secretShown(s.id, r.secret));
  } catch (e) {
    replace(result, el('p', { class: 'error' }, (e as Error).message));
  }
  await load();
}

async function retry(d: Delivery) {
  try {
    await api.retryDelivery(d.id);
    replace(result, el('p', {}, t('subs.retried', { id: d.id })));
  } catch (e) {
    replace(result, el('p', { class: 'error' }, (e as Error).message));
  }
  await load();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const { id, spec } = specOf(form);
  try {
    const r = await api.putSubscriber(id, spec);
    replace(result, r.secret ? secretShown(id, r.secret) : el('p', {}, t('subs.saved', { id, version: r.subscriber.version })));
  } catch (err) {
    replace(result, el('p', { class: 'error', role: 'alert' }, (err as Error).message));
  }
  await load();
});

const tokenInput = $('token') as HTMLInputElement;
tokenInput.value = api.token() ?? '';
tokenInput.addEventListener('change', () => {
  api.setToken(tokenInput.value);
  void load();
});
$('delivery-state').addEventListener('change', () => void load());
languageMenu($('language') as HTMLSelectElement, (lang) => {
  setLanguage(lang);
  translatePage();
  draw();
});
translatePage();
void load();
