// A load report as the GIS staff read it: counts, and every feature repaired, dropped
// or rejected with the reason (the reason as the server writes it, in English).
import { el } from './dom';
import { type Key, number, t } from './i18n';
import type { LoadReport } from './types';

const ACTIONS: Record<string, Key> = {
  repaired: 'report.action.repaired',
  dropped: 'report.action.dropped',
  rejected: 'report.action.rejected',
  warning: 'report.action.warning',
};

/** A load report as a sentence and a table of every feature repaired, dropped or
 *  rejected. */
export function reportView(title: string, r: LoadReport | undefined, error?: string): HTMLElement[] {
  const n = (v: number) => number(v);
  const action = (a: string) => (a in ACTIONS ? t(ACTIONS[a]) : a);
  const heads = [t('report.feature'), t('report.source_id'), t('report.action'), t('report.why')];
  const parts: (HTMLElement | null)[] = [
    el('h3', {}, title),
    error ? el('p', { class: 'error', role: 'alert' }, error) : null,
    r
      ? el('p', {}, t('report.summary', { file: r.source_name, read: n(r.read), loaded: n(r.loaded), repaired: n(r.repaired), dropped: n(r.dropped), rejected: n(r.rejected), unclassified: n(r.unclassified) }))
      : null,
    r && r.issues.length
      ? el(
          'table',
          { class: 'issues' },
          el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, ...r.issues.map((i) => el('tr', { 'data-action': i.action }, el('td', {}, i.index), el('td', {}, i.source_id ?? ''), el('td', {}, action(i.action)), el('td', {}, i.reason)))),
        )
      : null,
  ];
  return parts.filter((n): n is HTMLElement => n !== null);
}
