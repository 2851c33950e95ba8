// The layers page's tables: each layer with its addresses for GIS clients, who may read
// it, its versions and the changes an editor can make (each asked first), and the audit
// log. Every string from the catalogues.
import { el } from './dom';
import { dateTime, number, t } from './i18n';
import type { AccessChange, AuditEntry, LayerRecord, Sensitivity } from './types';

/** What the page does when an editor asks for a change; `question` is what to confirm. */
export interface LayerActions {
  rollback(l: LayerRecord, version: number, question: string): void;
  setAccess(l: LayerRecord, change: AccessChange, question: string): void;
  remove(l: LayerRecord, question: string): void;
}

/** Who may read a layer, as the page says it (`public, token needed`). */
export const accessText = (l: { sensitivity: Sensitivity; anonymous: boolean }) =>
  t('gis.access', { sensitivity: t(`sensitivity.${l.sensitivity}`), anonymous: t(l.anonymous ? 'access.open' : 'access.token') });

/** The layer's addresses for GIS clients. */
function addresses(l: LayerRecord, origin: string) {
  const link = (label: string, path: string) => el('div', {}, `${label}: `, el('code', {}, `${origin}${path}`));
  return el('div', { class: 'addresses' }, link('OGC API', `/ogc/collections/${l.id}`), link('TileJSON', `/tiles/${l.id}.json`));
}

function row(l: LayerRecord, act: LayerActions, origin: string) {
  const button = (label: string, onclick: () => void) => el('button', { type: 'button', onclick }, label);
  const title = l.title;
  const accessButton = l.anonymous
    ? button(t('gis.require_token'), () => act.setAccess(l, { anonymous: false }, t('gis.require_token.ask', { title })))
    : button(t('gis.open'), () => act.setAccess(l, { anonymous: true }, t('gis.open.ask', { title })));
  const sensitivityButton =
    l.sensitivity === 'public'
      ? button(t('gis.restrict'), () => act.setAccess(l, { sensitivity: 'restricted' }, t('gis.restrict.ask', { title })))
      : button(t('gis.make_public'), () => act.setAccess(l, { sensitivity: 'public' }, t('gis.make_public.ask', { title })));
  const versions = l.versions ?? [];
  return el(
    'tr',
    { 'data-layer': l.id },
    el('th', { scope: 'row' }, `${title} (${l.id})`, addresses(l, origin), button(t('gis.delete'), () => act.remove(l, t('gis.delete.ask', { title, id: l.id, count: number(versions.length) })))),
    el('td', {}, t('gis.kind_theme', { kind: t(`kind.${l.kind}`), theme: l.theme })),
    el('td', { class: 'access' }, el('span', {}, accessText(l)), ' ', accessButton, ' ', sensitivityButton),
    el('td', {}, l.feature_count === null ? `v${l.current_version}` : t('gis.current', { version: l.current_version, count: number(l.feature_count) })),
    el(
      'td',
      {},
      ...versions.map((v) =>
        el(
          'div',
          {},
          t('gis.version', { version: v.version, file: v.source_name, date: dateTime(v.loaded_at), who: v.loaded_by }),
          ' ',
          v.version === l.current_version
            ? el('strong', {}, t('gis.version.current'))
            : button(t('gis.rollback', { version: v.version }), () => act.rollback(l, v.version, t('gis.rollback.ask', { version: v.version, title, current: l.current_version }))),
        ),
      ),
    ),
  );
}

/** Every layer the caller may see, one row each. */
export function layersTable(layers: LayerRecord[], act: LayerActions, origin: string): HTMLElement {
  const heads = [t('gis.col.layer'), t('gis.col.kind'), t('gis.col.access'), t('gis.col.current'), t('gis.col.versions')];
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...layers.map((l) => row(l, act, origin))),
  );
}

/** The audit log's entries, newest first as the server gives them. */
export function auditTable(entries: AuditEntry[]): HTMLElement {
  const heads = [t('gis.audit.when'), t('gis.audit.who'), t('gis.audit.what'), t('gis.audit.on'), t('gis.audit.detail')];
  const line = (a: AuditEntry) =>
    el('tr', {}, el('td', {}, a.at.slice(0, 19).replace('T', ' ')), el('td', {}, a.actor), el('td', {}, a.action), el('td', {}, a.target), el('td', {}, JSON.stringify(a.detail)));
  return el('table', { class: 'issues' }, el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...entries.map(line)));
}
