// The subscribers page's parts: a subscriber as the form holds it (and back), the table
// of subscribers with their channels, units and filters, and the table of deliveries
// with what went wrong and a retry for those parked.
import { el } from './dom';
import { t, utc } from './i18n';
import type { Delivery, Subscriber, SubscriberSpec } from './types';

const list = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The subscriber the form describes: its id and what it says. */
export function specOf(form: HTMLFormElement): { id: string; spec: SubscriberSpec } {
  const f = new FormData(form);
  const text = (k: string) => String(f.get(k) ?? '').trim();
  const optional = (k: string) => text(k) || undefined;
  return {
    id: text('id'),
    spec: {
      name: text('name'),
      contact: text('contact'),
      webhook: optional('webhook'),
      email: optional('email'),
      areas: list(f.get('areas')),
      themes: list(f.get('themes')),
      min_severity: text('min_severity') || 'Unknown',
      languages: f.getAll('languages').map(String),
      restricted: f.get('restricted') === 'on',
      enabled: f.get('enabled') === 'on',
    },
  };
}

/** Puts subscriber `s` in the form, to change it. */
export function fill(form: HTMLFormElement, s: Subscriber) {
  const set = (name: string, value: string) => {
    const e = form.elements.namedItem(name);
    if (e instanceof HTMLInputElement || e instanceof HTMLSelectElement) e.value = value;
  };
  set('id', s.id);
  set('name', s.name);
  set('contact', s.contact);
  set('webhook', s.webhook ?? '');
  set('email', s.email ?? '');
  set('areas', s.areas.join(', '));
  set('themes', s.themes.join(', '));
  set('min_severity', s.min_severity);
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name=languages]')) box.checked = s.languages.includes(box.value);
  (form.elements.namedItem('restricted') as HTMLInputElement).checked = s.restricted;
  (form.elements.namedItem('enabled') as HTMLInputElement).checked = s.enabled;
}

export interface SubscriberActions {
  edit(s: Subscriber): void;
  rotate(s: Subscriber): void;
}

/** The subscribers, one row each. */
export function subscribersTable(all: Subscriber[], act: SubscriberActions) {
  if (!all.length) return el('p', { class: 'note' }, t('subs.none'));
  const head = ['subs.col.id', 'subs.col.name', 'subs.col.channels', 'subs.col.areas', 'subs.col.filters', 'subs.col.secret', 'subs.col.actions'] as const;
  return el(
    'table',
    { class: 'subscribers' },
    el('thead', {}, el('tr', {}, ...head.map((k) => el('th', {}, t(k))))),
    el(
      'tbody',
      {},
      ...all.map((s) =>
        el(
          'tr',
          { 'data-subscriber': s.id },
          el('td', {}, s.id, el('span', { class: 'note' }, ` v${s.version}`)),
          el('td', {}, s.name, el('br'), el('span', { class: 'note' }, s.contact)),
          el('td', {}, [s.webhook, s.email].filter(Boolean).join(' · ')),
          el('td', {}, s.areas.length ? s.areas.join(', ') : t('subs.whole_country')),
          el(
            'td',
            {},
            [
              s.themes.length ? s.themes.join(', ') : t('subs.every_theme'),
              s.min_severity === 'Unknown' ? t('subs.every_severity') : t('subs.least', { severity: t(`alerts.severity.${s.min_severity}` as 'alerts.severity.Severe') }),
              s.languages.join(', '),
              s.restricted ? t('subs.restricted') : null,
              s.enabled ? null : t('subs.disabled'),
            ]
              .filter(Boolean)
              .join(' · '),
          ),
          el('td', {}, s.secrets[0] ? t('subs.secret_since', { time: utc(s.secrets[0].created_at) }) : ''),
          el(
            'td',
            {},
            el('button', { type: 'button', 'data-action': 'edit', onclick: () => act.edit(s) }, t('subs.edit')),
            el('button', { type: 'button', 'data-action': 'rotate', onclick: () => act.rotate(s) }, t('subs.rotate')),
          ),
        ),
      ),
    ),
  );
}

/** The deliveries, newest first; those parked with a retry. */
export function deliveriesTable(all: Delivery[], retry: (d: Delivery) => void) {
  if (!all.length) return el('p', { class: 'note' }, t('subs.no_deliveries'));
  const head = ['subs.col.delivery', 'subs.col.alert', 'subs.col.subscriber', 'subs.col.state', 'subs.col.tries', 'subs.col.error', 'subs.col.actions'] as const;
  return el(
    'table',
    { class: 'deliveries' },
    el('thead', {}, el('tr', {}, ...head.map((k) => el('th', {}, t(k))))),
    el(
      'tbody',
      {},
      ...all.map((d) =>
        el(
          'tr',
          { 'data-delivery': d.id, 'data-state': d.state },
          el('td', {}, String(d.id)),
          el('td', {}, String(d.alert)),
          el('td', {}, `${d.subscriber} (${t(`subs.channel.${d.channel}`)})`),
          el('td', {}, t(`subs.state.${d.state}`), el('br'), el('span', { class: 'note' }, utc(d.delivered_at ?? d.next_attempt_at))),
          el('td', {}, t('subs.tries', { tries: d.tries, attempts: d.attempts })),
          el('td', {}, d.last_error ?? ''),
          el('td', {}, d.state === 'parked' ? el('button', { type: 'button', 'data-action': 'retry', onclick: () => retry(d) }, t('subs.retry')) : ''),
        ),
      ),
    ),
  );
}
