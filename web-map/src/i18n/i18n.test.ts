// The catalogues: every key translated or listed as not yet, with the same values put
// in; and no string of any control that does not come from a catalogue (each control
// drawn with every message marked, then searched for unmarked words).
import { afterEach, describe, expect, it } from 'vitest';
import { AlertPanel } from '../controls/alerts';
import { Breadcrumb } from '../controls/breadcrumb';
import { Briefing } from '../controls/briefing';
import { Camps } from '../controls/camps';
import { ClassChart } from '../controls/class-chart';
import { AsOf, Headline } from '../controls/headline';
import { IncidentArea } from '../controls/incident';
import { LayerPanel } from '../controls/layer-panel';
import { Legend } from '../controls/legend';
import { PlaceInfo } from '../controls/place-info';
import { PrintView } from '../controls/print-view';
import { Question } from '../controls/question';
import { Search } from '../controls/search';
import { TokenForm } from '../controls/token-form';
import { UnitTable } from '../controls/unit-table';
import { alertDoc, catalog, earlierReport, fakeMap, report, store, unmarked } from '../test-support';
import { en, type Key } from './en';
import * as fr from './fr';
import { CATALOGUES, LANGUAGES, number, setLanguage, t, utc, wrapMessages } from './index';
import * as rw from './rw';

const KEYS = Object.keys(en) as Key[];
const placeholders = (m: string) => [...m.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();

afterEach(() => {
  wrapMessages(null);
  setLanguage('en');
});

describe('catalogues', () => {
  const untranslated = { fr: fr.UNTRANSLATED, rw: rw.UNTRANSLATED };
  for (const lang of ['fr', 'rw'] as const) {
    it(`${lang}: every key is translated or listed as not yet, with the same values put in`, () => {
      const cat = CATALOGUES[lang];
      const missing = KEYS.filter((k) => cat[k] === undefined);
      if (missing.length) console.log(`${lang}: still in English: ${missing.join(', ')}`);
      // A new string without its translation fails here until it is translated (or
      // listed as untranslated, and so falls back to English on purpose).
      expect(missing).toEqual([...untranslated[lang]].sort((a, b) => KEYS.indexOf(a) - KEYS.indexOf(b)));
      for (const k of Object.keys(cat)) expect(KEYS, `${lang} has a key English does not: ${k}`).toContain(k);
      for (const k of KEYS.filter((x) => cat[x] !== undefined)) expect(placeholders(cat[k] ?? ''), `${lang} ${k}`).toEqual(placeholders(en[k]));
    });
  }

  it('rw: says which strings a native speaker still has to review', () => {
    const pending = KEYS.filter((k) => rw.rw[k] !== undefined && !rw.REVIEWED.includes(k));
    console.log(`rw: ${pending.length} of ${KEYS.length} strings await review by a native speaker`);
    for (const k of rw.REVIEWED) expect(rw.rw[k], k).toBeDefined();
  });

  it('falls back to English for a key a catalogue lacks, and writes numbers and dates per language', () => {
    setLanguage('fr');
    expect(t('figure.exposed')).toBe('Exposés');
    expect(number(12345)).toBe('12\u202f345');
    expect(utc('2026-11-27T03:00:00Z')).toBe('27 nov. 2026, 03:00 UTC');
    setLanguage('rw');
    expect(number(12345.5, 1)).toBe('12.345,5');
    expect(t('unit.named.district', { name: 'Rubavu' })).toBe('Akarere ka Rubavu');
    expect(utc('2026-11-27T03:05:00Z')).toBe('27 Ugushyingo 2026, 03:05 UTC');
    setLanguage('en');
    expect(number(12345)).toBe('12,345');
    expect(utc('2026-11-27T03:00:00Z')).toBe('27 Nov 2026, 03:00 UTC');
  });
});

describe('every string of every control comes from a catalogue', () => {
  for (const lang of LANGUAGES) {
    it(`in ${lang}`, async () => {
      setLanguage(lang);
      wrapMessages((m) => `⟦${m}⟧`);
      const r0 = report();
      const s = store('#layers=flood-zones,returnees&briefing=1');
      const hazardsAt = async () => ({
        hazards: [{ layer: 'flood-zones', title: 'Flood depth', class: 'high', version: 2 }],
        units: [{ layer: 'rwa-districts', level: 'district', code: '11', name: 'Nyarugenge' }],
      });
      const sites = {
        features: async () => ({ features: [{ id: 'k', properties: { name: 'Kigeme', population: 16872, code: '2203' }, geometry: { type: 'Point' as const, coordinates: [29.5, -2.5] as [number, number] } }] }),
        hazardsAt,
      };
      const camps = new Camps(s, sites);
      const version = (n: number) => ({ version: n, source_name: `v${n}.geojson`, feature_count: 10 * n, loaded_by: 'gis', loaded_at: '2026-11-27T02:00:00Z', report: {} as never });
      const layerRecord = async (id: string) => ({ id, title: id, kind: 'hazard' as const, theme: 'flood', sensitivity: 'public' as const, anonymous: true, current_version: 2, feature_count: 20, versions: id === 'flood-zones' ? [version(2), version(1)] : [version(1)] });
      const print = new PrintView(s, { ...sites, layerRecord, exposure: async () => earlierReport(), briefConfig: async () => ({ header: { [lang]: ['Ministry header'] } }) }, async (width, height) => ({ image: 'data:,', width, height, metresPerPx: 30 }));
      const search = new Search(s, {
        search: async () => ({ results: [{ kind: 'boundary', layer: 'rwa-districts', level: 'district', code: '43', name: 'Rubavu', bbox: [29.2, -1.8, 29.5, -1.6] }] }),
      });
      const place = new PlaceInfo(s, { hazardsAt }, () => {});
      const tokens = { token: () => null, setToken: () => {} };
      // One area being drawn (a store of its own: a store holds one area) and one counted.
      const drawing = new IncidentArea(store(''), { exposureArea: async () => ({ ...r0, area: null }) });
      const counted = new IncidentArea(s, { exposureArea: async () => ({ ...r0, area: r0.units[1], units_in_area: 3, redacted: true }) });
      const alertPanel = new AlertPanel(s, {
        token: () => 'sitroom_x',
        alertsInForce: async () => ({ as_of: '2026-12-03T10:00:00Z', coverage: { alerts: 1, units: 2, people: 50000 }, alerts: [alertDoc(3, 'issued', { msg_type: 'Update', status: 'Exercise', published_figures: true })] }),
        alerts: async (state: string) => (state === 'draft' ? [alertDoc(4, 'draft')] : [alertDoc(5, 'approved', { msg_type: 'Cancel' })]),
        alertStep: async (id: number) => alertDoc(id, 'approved'),
        alertDeliveries: async () => ({ pending: 1, delivered: 998, parked: 1 }),
        putRule: async (id: string) => ({ id, version: 1 }),
        evaluateRule: async () => ({ alert: null, drafted: false }),
      });
      const controls = [alertPanel, new Headline(s), new AsOf(s), new Question(s), new Legend(s), new Breadcrumb(s, () => {}), new ClassChart(s), new UnitTable(s, () => {}), new LayerPanel(s), new Briefing(s), new TokenForm(s, tokens, () => {}), search, place, camps, print, drawing, counted];
      const boxes = controls.map((c) => c.onAdd(fakeMap()));
      const r = r0;
      r.units.push({ code: '22', name: 'Gisagara', suppressed: true });
      s.setReport(r);
      await Promise.all([camps.done, search.run('Rubavu'), place.show(29.5, -2.5), alertPanel.refresh()]);
      alertPanel.container.querySelector<HTMLButtonElement>('[data-alert="4"] button[data-step=preview]')?.click();
      await print.prepare();
      for (const tool of [drawing, counted]) {
        tool.start();
        for (const [lon, lat] of [[30, -1.9], [30.1, -1.9], [30.1, -2]]) tool.add(lon, lat);
      }
      counted.close();
      await counted.done;
      // CAP's own values (category, response, urgency, certainty) are shown as CAP spells them.
      const cap = ['Met', 'Geo', 'Safety', 'Rescue', 'Health', 'Env', 'Infra', 'Other', 'Evacuate', 'Prepare', 'Shelter', 'Avoid', 'Monitor', 'Execute', 'Assess', 'AllClear', 'None', 'Immediate', 'Expected', 'Future', 'Past', 'Unknown', 'Observed', 'Likely', 'Possible', 'Unlikely'];
      const data = [...cap, 'Ministry header', 'sitroom', 'Rwanda', 'Kigeme', 'Flood warning', 'Flood forecast', 'Gitega', 'Kanyinya', 'Move to higher ground.', 'Exercise', 'urn:oid:2.49.0.0.646.0.3', 'urn:oid:2.49.0.0.646.0.4', 'urn:oid:2.49.0.0.646.0.5', 'Rubavu', 'Gisagara', 'Nyarugenge', 'Gasabo', 'Nyanza', 'Flood zones', 'Population', 'Sectors', 'Flood depth', ...catalog.flatMap((l) => [l.title, l.id, l.attribution])];
      const found: string[] = [];
      for (const box of boxes) {
        const texts = [box.textContent ?? ''];
        for (const e of box.querySelectorAll('*')) for (const a of ['aria-label', 'title', 'placeholder', 'alt']) texts.push(e.getAttribute(a) ?? '');
        for (const x of texts) found.push(...unmarked(x, data).map((w) => `${box.id || box.className}: ${w} (in "${x.trim().slice(0, 80)}")`));
      }
      expect(found).toEqual([]);
      for (const c of controls) c.onRemove();
    });
  }
});

describe('the language a page opens in', () => {
  it('is the one chosen last in this browser, else the browser’s first we have, else English', async () => {
    const { preferredLanguage } = await import('./index');
    expect(preferredLanguage('rw', ['fr-FR'])).toBe('rw');
    expect(preferredLanguage(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(preferredLanguage('xx', ['de'])).toBe('en');
  });
});
