// A load report as the GIS staff read it: counts, and every feature repaired, dropped
// or rejected with the reason.
import { el } from './dom';
import type { LoadReport } from './types';

/** A load report as a sentence and a table of every feature repaired, dropped or
 *  rejected. */
export function reportView(title: string, r: LoadReport | undefined, error?: string): HTMLElement[] {
  const parts: (HTMLElement | null)[] = [
    el('h3', {}, title),
    error ? el('p', { class: 'error', role: 'alert' }, error) : null,
    r ? el('p', {}, `${r.source_name}: ${r.read} read, ${r.loaded} loaded, ${r.repaired} repaired, ${r.dropped} dropped, ${r.rejected} rejected, ${r.unclassified} unclassified.`) : null,
    r && r.issues.length
      ? el(
          'table',
          { class: 'issues' },
          el('thead', {}, el('tr', {}, ...['Feature', 'Source id', 'Action', 'Why'].map((t) => el('th', { scope: 'col' }, t)))),
          el('tbody', {}, ...r.issues.map((i) => el('tr', {}, el('td', {}, i.index), el('td', {}, i.source_id ?? ''), el('td', {}, i.action), el('td', {}, i.reason)))),
        )
      : null,
  ];
  return parts.filter((n): n is HTMLElement => n !== null);
}

