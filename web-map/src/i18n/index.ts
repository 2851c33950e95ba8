// The interface's languages: English, French and Kinyarwanda. Every string shown comes
// from a message catalogue (`t`), and numbers and dates are written as the language
// writes them; a key a catalogue lacks falls back to English.
import { el, replace } from '../dom';
import { en, type Key } from './en';
import { fr } from './fr';
import { rw } from './rw';

export type { Key } from './en';

export const LANGUAGES = ['en', 'fr', 'rw'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language named in itself, for the language menu. */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', fr: 'Français', rw: 'Ikinyarwanda' };

/** The locale whose number and date conventions each language uses. */
const LOCALES: Record<Lang, string> = { en: 'en-GB', fr: 'fr-FR', rw: 'rw-RW' };

export const CATALOGUES: Record<Lang, Partial<Record<Key, string>>> = { en, fr, rw };

export function isLang(v: unknown): v is Lang {
  return (LANGUAGES as readonly unknown[]).includes(v);
}

let current: Lang = 'en';
/** Replaces every message for tests that look for strings not taken from a catalogue. */
let wrap: ((message: string) => string) | null = null;

export function setLanguage(lang: Lang) {
  current = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export const language = (): Lang => current;
export const locale = (): string => LOCALES[current];

/** For tests: every message passed through `f` (null: as written). */
export function wrapMessages(f: ((message: string) => string) | null) {
  wrap = f;
}

/** The message `key` in the current language, with `{name}` replaced by `values.name`. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  const template = CATALOGUES[current][key] ?? en[key];
  const out = template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  return wrap ? wrap(out) : out;
}

/** Kinyarwanda's months (CLDR), for browsers whose ICU has no Kinyarwanda. */
const RW_MONTHS = ['Mutarama', 'Gashyantare', 'Werurwe', 'Mata', 'Gicurasi', 'Kamena', 'Nyakanga', 'Kanama', 'Nzeri', 'Ukwakira', 'Ugushyingo', 'Ukuboza'];

/** A number as the language writes it (`12,345` / `12 345` / `12.345`). Kinyarwanda is
 *  written here as CLDR has it (`.` groups, `,` decimals), since many browsers' ICU has
 *  no Kinyarwanda data and would fall back to English. */
export function number(v: number, fractionDigits = 0): string {
  const options = { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits };
  if (current === 'rw') return new Intl.NumberFormat('en-US', options).format(v).replace(/[,.]/g, (c) => (c === ',' ? '.' : ','));
  return new Intl.NumberFormat(LOCALES[current], options).format(v);
}

const two = (n: number) => String(n).padStart(2, '0');

/** A date (no time) in UTC as the language writes it. */
export function date(iso: string): string {
  const d = new Date(iso);
  if (current === 'rw') return `${d.getUTCDate()} ${RW_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return new Intl.DateTimeFormat(LOCALES[current], { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** A date and time in UTC as the language writes it, without the zone name. */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  if (current === 'rw') return `${date(iso)}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return new Intl.DateTimeFormat(LOCALES[current], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC', hourCycle: 'h23' }).format(d);
}

/** A time as the briefing room reads it, in UTC: `27 Nov 2026, 03:00 UTC`. */
export const utc = (iso: string): string => t('time.utc', { time: dateTime(iso) });

const SAVED = 'sitroom.lang';

/** The language to open in when the link names none: the one last chosen in this
 *  browser, else the first of the browser's languages we have, else English. */
export function preferredLanguage(saved: string | null = localStorage.getItem(SAVED), wanted: readonly string[] = navigator.languages): Lang {
  if (isLang(saved)) return saved;
  for (const w of wanted) {
    const base = w.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

/** Remembers the language chosen, for the next visit. */
export function rememberLanguage(lang: Lang) {
  localStorage.setItem(SAVED, lang);
}

/** Fills a page's language menu, each language named in itself; choosing one is
 *  remembered for the next visit and passed to `choose`. */
export function languageMenu(menu: HTMLSelectElement, choose: (lang: Lang) => void) {
  replace(menu, ...LANGUAGES.map((l) => el('option', { value: l, selected: l === current, lang: l }, LANGUAGE_NAMES[l])));
  menu.addEventListener('change', () => {
    if (!isLang(menu.value)) return;
    rememberLanguage(menu.value);
    choose(menu.value);
  });
}

const isKey = (k: string): k is Key => k in en;

/** An admin level's name (`district`, `akarere`); a level we do not know as given. */
export function levelName(level: string): string {
  const key = `level.${level}`;
  return isKey(key) ? t(key) : level;
}

/** A record field's title in the language (`deaths`: Deaths, Décès, Abapfuye); the
 *  server's English title for a field the catalogues do not name. */
export function fieldName(name: string, serverTitle: string): string {
  const key = `rec.f.${name}`;
  return isKey(key) ? t(key) : serverTitle;
}

/** A Sendai indicator's title, unit and why it is not computed, in the language shown
 *  (the server's English for an indicator or unit the catalogues do not know). */
export function sendaiText(d: { code: string; title: string; unit: string; not_recorded?: string }): { title: string; unit: string; notRecorded?: string } {
  const known = (key: string, fallback: string) => (isKey(key) ? t(key) : fallback);
  const unitKey = d.unit === '% of GDP' ? 'gdp' : d.unit;
  return {
    title: known(`rec.sendai.${d.code}`, d.title),
    unit: known(`rec.sendai.u.${unitKey}`, d.unit),
    notRecorded: d.not_recorded === undefined ? undefined : known(`rec.sendai.nr.${d.code}`, d.not_recorded),
  };
}

/** A unit's name with its level (`Rubavu district`, `Akarere ka Rubavu`); the name alone
 *  for a level we do not know. */
export function unitWithLevel(name: string, level: string): string {
  const key = `unit.named.${level}`;
  return isKey(key) ? t(key, { name }) : name;
}

/** Writes the page's own strings: `data-i18n` (the element's text) and
 *  `data-i18n-label` (its aria-label) name their keys. */
export function translatePage(root: ParentNode = document) {
  for (const e of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = e.dataset.i18n ?? '';
    if (isKey(key)) e.textContent = t(key);
  }
  for (const e of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    const key = e.dataset.i18nLabel ?? '';
    if (isKey(key)) e.setAttribute('aria-label', t(key));
  }
}

/** An admin level's name in the plural (`districts`, `uturere`); for the country, its
 *  provinces. */
export function levelsName(level: string): string {
  const key = `levels.${level === 'country' ? 'province' : level}`;
  return isKey(key) ? t(key) : level;
}
