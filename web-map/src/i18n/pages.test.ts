// The layers page and the situation room's own HTML in every language: each string the
// page writes (its HTML, its tables of layers and of the audit log, a load report and a
// preview) comes from a catalogue; marked with every message wrapped, no word is left
// unmarked but the data put in.
import { afterEach, describe, expect, it } from 'vitest';
import indexHtml from '../../index.html?raw';
import layersHtml from '../../layers.html?raw';
import publicHtml from '../../public.html?raw';
import recordsHtml from '../../records.html?raw';
import subscribersHtml from '../../subscribers.html?raw';
import { deliveriesTable, subscribersTable } from '../subscriber-table';
import { alertCard, classesList } from '../public-alerts';
import { fundingTable, legendView, sendaiTable, seriesTable, unitValues, unitsTable } from '../records-view';
import { FUNDING, ROLLUP, SENDAI } from '../records-view.test-data';
import { auditTable, layersTable } from '../layer-table';
import { previewView } from '../load-preview';
import { reportView } from '../load-report';
import { alertDoc, loadPreview, unmarked } from '../test-support';
import type { Delivery, LayerRecord, Subscriber } from '../types';
import { LANGUAGES, setLanguage, t, translatePage, wrapMessages } from './index';

afterEach(() => {
  wrapMessages(null);
  setLanguage('en');
});

/** Every text and label of `root` with words no catalogue message holds; `<code>` (a
 *  command) and placeholders (example values) are not interface strings. */
function unmarkedIn(root: ParentNode, data: string[]): string[] {
  const found: string[] = [];
  const texts: string[] = [];
  const walker = document.createTreeWalker(root as Node, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest('code, script')) texts.push(n.textContent ?? '');
  for (const e of root.querySelectorAll('*')) for (const a of ['aria-label', 'title', 'alt']) texts.push(e.getAttribute(a) ?? '');
  for (const x of texts) found.push(...unmarked(x, data).map((w) => `${w} (in "${x.trim().slice(0, 80)}")`));
  return found;
}

/** A page's HTML (head and body) in a box of its own. */
function page(html: string): HTMLElement {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const box = document.createElement('div');
  box.append(...doc.head.childNodes, ...doc.body.childNodes);
  return box;
}

const record: LayerRecord = {
  id: 'camps',
  title: 'Camps',
  kind: 'exposure',
  theme: 'displacement',
  sensitivity: 'restricted',
  anonymous: false,
  current_version: 2,
  feature_count: 10,
  versions: [
    { version: 2, source_name: 'camps2.geojson', feature_count: 10, loaded_by: 'gis', loaded_at: '2026-11-27T02:00:00Z', report: {} as never },
    { version: 1, source_name: 'camps1.geojson', feature_count: 9, loaded_by: 'gis', loaded_at: '2026-11-20T02:00:00Z', report: {} as never },
  ],
};

const SUBSCRIBER: Subscriber = {
  id: 'rubavu',
  version: 2,
  name: 'Rubavu District',
  contact: 'DDMO',
  webhook: 'https://rubavu.example.org/hooks',
  email: 'ddmo@rubavu.gov.rw',
  areas: ['34'],
  themes: ['flood'],
  min_severity: 'Moderate',
  languages: ['en', 'rw'],
  restricted: true,
  enabled: false,
  secrets: [{ created_at: '2026-12-03T09:00:00Z' }],
  written_by: 'admin',
  written_at: '2026-12-03T09:00:00Z',
};

const DELIVERY: Delivery = {
  id: 7,
  alert: 3,
  subscriber: 'rubavu',
  channel: 'webhook',
  message_id: 'msg_alert3_rubavu_webhook',
  state: 'parked',
  attempts: 10,
  tries: 10,
  next_attempt_at: '2026-12-03T09:30:00Z',
  created_at: '2026-12-03T09:00:00Z',
  last_error: 'answered 503 Service Unavailable',
};

const issues = {
  source_name: 'camps2.geojson',
  read: 3,
  loaded: 1,
  repaired: 1,
  dropped: 0,
  rejected: 1,
  unclassified: 0,
  issues: ['rejected', 'repaired', 'dropped', 'warning'].map((action, index) => ({ index, source_id: `c${index}`, action, reason: 'REASON' })),
};

const DATA = ['Deaths', 'Karongi', 'Rubavu', 'Nyabihu', 'A-1', 'A-2', 'B-1', 'C-1', 'C-2', 'people', 'USD', 'GDP', 'Deaths and missing persons', 'Direct agricultural loss', 'the datacard records crops in hectares and livestock in heads, not their value', '2022', '2023', 'district', 'sectors', 'English', 'Français', 'Ikinyarwanda', 'rubavu', 'Rubavu District', 'DDMO', 'https://rubavu.example.org/hooks', 'ddmo@rubavu.gov.rw', 'flood', 'en, rw', 'answered 503 Service Unavailable', 'sitroom', 'Flood warning', 'Gitega', 'Kanyinya', 'Move to higher ground.', 'Gagnez les hauteurs.', 'Alerte', 'Flood zones', 'Landslides', 'camps2.geojson', 'camps1.geojson', 'Camps', 'camps', 'displacement', 'gis', 'REASON', 'zones.gpkg', 'GPKG', 'EPSG', 'depth_m', 'zone', 'flood', 'zones', 'Zones', 'OGC API', 'TileJSON', 'layer.load', 'GeoJSON', 'Shapefile', 'zip', 'GeoPackage', 'KML', 'CSV', 'FlatGeobuf', 'GPX', 'GeoTIFF', 'UTC'];

describe('every string of the pages comes from a catalogue', () => {
  for (const lang of LANGUAGES) {
    it(`in ${lang}`, () => {
      setLanguage(lang);
      wrapMessages((m) => `⟦${m}⟧`);
      const pages = [page(layersHtml), page(indexHtml), page(publicHtml), page(subscribersHtml), page(recordsHtml)];
      for (const p of pages) translatePage(p);
      const act = { rollback: () => {}, setAccess: () => {}, remove: () => {} };
      const audit = auditTable([{ at: '2026-11-27T02:00:00Z', actor: 'gis', action: 'layer.load', target: 'camps', detail: {} }]);
      const publicViews = [
        alertCard(alertDoc(3, 'issued')),
        classesList('Flood zones', [{ class: 'high', count: 3, population: 1200, households: 300, affected: 1200, displaced: 900 }]),
        classesList('Landslides', []),
        subscribersTable([SUBSCRIBER], { edit: () => {}, rotate: () => {} }),
        subscribersTable([], { edit: () => {}, rotate: () => {} }),
        deliveriesTable([DELIVERY, { ...DELIVERY, id: 8, state: 'delivered', channel: 'email', delivered_at: '2026-12-03T10:00:00Z' }], () => {}),
        deliveriesTable([], () => {}),
        legendView(t('rec.legend', { field: 'Deaths', level: 'district', period: '2023' }), [2, 10]),
        unitsTable(unitValues(ROLLUP, '2023'), 'Deaths', () => {}, (u) => t('rec.drill', { unit: u.name, units: 'sectors' })),
        seriesTable(ROLLUP, '34'),
        sendaiTable(SENDAI, 2023),
        fundingTable(FUNDING),
      ];
      const views = [...publicViews, layersTable([record], act, 'http://sitroom'), audit, ...reportView(t('gis.loaded', { id: 'camps', version: 2 }), issues), ...previewView(loadPreview(), () => {}, document.createElement('div'))];
      const box = document.createElement('div');
      box.append(...pages, ...views);
      expect(unmarkedIn(box, DATA)).toEqual([]);
    });
  }

  it('names the language the page is in, and translates what the server gives as values', () => {
    setLanguage('fr');
    const box = page(layersHtml);
    translatePage(box);
    expect(box.querySelector('#upload-h')?.textContent).toBe('Charger une nouvelle version');
    expect(box.querySelector('option[value=restricted]')?.textContent).toBe('restreinte');
    const table = layersTable([record], { rollback: () => {}, setAccess: () => {}, remove: () => {} }, 'http://sitroom');
    expect(table.querySelector('td.access span')?.textContent).toBe('restreinte, jeton requis');
    expect(table.querySelector('tbody td')?.textContent).toBe('exposition / displacement');
    setLanguage('rw');
    const report = document.createElement('div');
    report.append(...reportView('x', issues));
    expect([...report.querySelectorAll('tbody tr td:nth-child(3)')].map((e) => e.textContent)).toEqual(['cyanzwe', 'cyakosowe', 'cyakuweho', 'iburira']);
  });
});
