// The brief, printed: an OCHA-style flash update on A4 — the ministry's header, a title
// naming the hazard, the unit and the date, a SYNTHETIC DATA marking whenever a synthetic
// layer is used, three to five key messages written from the figures, the key figures
// with their definitions, the map rendered at print resolution with its legend, scale bar
// and north arrow, the needs, the camps and sites with their people, the most exposed
// units, what the figures were at the previous versions of the inputs and what changed
// in each input since, the inputs and the
// sources of what is shown only, and when it was printed.
import { type EarlierFigures, change, comparedVersions, figuresChange, inputChanges, isSynthetic, keyMessages, metresPerPixel, scaleBar } from '../brief';
import { el, replace } from '../dom';
import { headline, needsOf, people, ranked, tonnes } from '../figures';
import { date, language, levelsName, number, t, utc } from '../i18n';
import type { Store } from '../store';
import { MAP_HALO, MAP_INK } from '../palette';
import { classLabel } from '../style';
import { RequestError, type Versions } from '../api';
import type { BriefConfig, LayerRecord, Report } from '../types';
import { type CampsApi, type Site, sitesAtRisk } from './camps';
import { Control } from './control';
import { whyAffected } from './briefing';
import { sources } from './headline';
import { legendParts } from './legend';

export const PRINTED_UNITS = 10;

/** The map as printed: an image and the ground distance of one of its CSS pixels. */
export interface PrintedMap {
  image: string;
  width: number;
  height: number;
  metresPerPx: number;
}

/** Draws the map as the page shows it into an image of `width` × `height` CSS pixels at
 *  print resolution. */
export type MapPrinter = (width: number, height: number) => Promise<PrintedMap>;

export type PrintApi = CampsApi & {
  briefConfig(): Promise<BriefConfig>;
  layerRecord(id: string): Promise<LayerRecord>;
  exposure(hazard: string, exposure: string, by: string, versions: Versions): Promise<Report>;
};

/** The printed map's box, in CSS pixels: drawn at three device pixels each, it prints
 *  about 120 mm wide with labels at the size the screen shows them. */
export const MAP_BOX = { width: 460, height: 380 };

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag: string, attrs: Record<string, string | number>, text?: string) => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
};

export class PrintView extends Control {
  /** The map, sites and header of the last preparation, and what they were made for. */
  private prepared: { key: string; map: PrintedMap | null; sites: Site[]; config: BriefConfig; records: (LayerRecord | null)[]; earlier: EarlierFigures } | null = null;
  private readonly fallback = () => this.render();

  constructor(
    store: Store,
    private readonly server: PrintApi,
    private readonly printMap: MapPrinter | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Drawn when printing, not on every change.
    super(store, [], el('section', { id: 'print', 'aria-hidden': 'true' }));
  }

  onAdd(map: Parameters<Control['onAdd']>[0]) {
    window.addEventListener('beforeprint', this.fallback);
    return super.onAdd(map);
  }

  onRemove() {
    window.removeEventListener('beforeprint', this.fallback);
    super.onRemove();
  }

  /** What the brief depends on: a change of any of it needs a new preparation. */
  private key() {
    const { state, report } = this.store;
    return JSON.stringify([report?.computed_at, report?.hazard, report?.exposure, state.unit, state.layers, state.lang, state.shade]);
  }

  /** Renders the map at print resolution and finds the sites, then draws the brief (the
   *  print button waits for this before printing). */
  async prepare() {
    const key = this.key();
    const inputs = this.inputs();
    const [map, sites, config, records] = await Promise.all([
      this.printMap ? this.printMap(MAP_BOX.width, MAP_BOX.height) : Promise.resolve(null),
      sitesAtRisk(this.store, this.server),
      this.server.briefConfig().catch(() => ({})),
      // A layer whose versions this reader may not see is said to be so.
      Promise.all(inputs.map((i) => this.server.layerRecord(i.layer).catch(() => null))),
    ]);
    const earlier = await this.earlier(records);
    this.prepared = { key, map, sites, config, records, earlier };
    this.render();
  }

  /** The brief's figures at the previous versions of the hazard and exposure layers, for
   *  the same unit (the server refuses them to readers who may not compare versions). */
  private async earlier(records: (LayerRecord | null)[]): Promise<EarlierFigures> {
    const report = this.store.report;
    const versions = report ? comparedVersions(report, records) : null;
    if (!report || !versions) return { kind: 'first' };
    try {
      const before = await this.server.exposure(report.hazard.layer, report.exposure.layer, report.by, versions);
      const h = headline(ranked(before, this.store.state.unit));
      return { kind: 'figures', hazard: before.hazard.version, exposure: before.exposure.version, exposed: h.exposed, affected: h.affected, displaced: h.displaced };
    } catch (e) {
      // Refused (403): this reader may not compare a restricted layer's versions.
      return e instanceof RequestError && e.status === 403 ? { kind: 'withheld' } : { kind: 'unavailable', why: e instanceof Error ? e.message : String(e) };
    }
  }

  /** The layers the figures are computed from. */
  private inputs() {
    const r = this.store.report;
    return r ? [r.hazard, r.exposure, r.boundary] : [];
  }

  render() {
    const { report, catalog, state } = this.store;
    if (!report || !this.map) return;
    // Printed without the button (Ctrl+P): the map as the screen shows it.
    const ready = this.prepared?.key === this.key() ? this.prepared : null;
    const map = ready?.map ?? this.screenMap();
    const sites = ready?.sites ?? this.prepared?.sites ?? [];
    const config = ready?.config ?? this.prepared?.config ?? {};
    const rows = this.store.rows();
    const h = headline(rows);
    const earlier = ready?.earlier ?? { kind: 'first' };
    const moved = ready ? figuresChange(report, h, earlier) : null;
    const changes = ready ? inputChanges(this.inputs(), ready.records) : [];
    const needs = needsOf(h.displaced, report.needs_standard);
    const unit = this.store.unitName(state.unit);
    const level = this.store.focusLevel();
    // Only what the brief shows: the layers drawn and those the figures come from.
    const used = catalog.filter((l) => state.layers.includes(l.id) || [report.hazard.layer, report.exposure.layer, report.boundary.layer].includes(l.id));
    const synthetic = used.filter(isSynthetic);
    const figure = (key: 'exposed' | 'affected' | 'displaced', value: number) =>
      el(
        'div',
        { class: 'card', 'data-figure': key },
        el('h3', {}, t(`figure.${key}`)),
        el('div', { class: 'value' }, people(value)),
        earlier.kind === 'figures' ? el('div', { class: 'delta', 'data-delta': String(Math.round(value) - Math.round(earlier[key])) }, t('brief.delta.card', { change: change(value, earlier[key]) })) : null,
        el('p', { class: 'def' }, t(`brief.def.${key}`)),
      );
    const cells = (tag: 'th' | 'td', values: (string | number)[]) => values.map((v) => el(tag, {}, typeof v === 'number' ? people(v) : v));
    replace(
      this.container,
      el(
        'header',
        { class: 'brief-head' },
        el('div', { class: 'ministry' }, ...(config.header?.[language()] ?? config.header?.en ?? []).map((line) => el('div', {}, line))),
        el('div', { class: 'kind' }, el('strong', {}, t('brief.kind')), el('div', {}, utc(report.computed_at))),
      ),
      synthetic.length ? el('p', { class: 'synthetic', 'data-synthetic': '' }, el('strong', {}, t('brief.synthetic')), ' ', t('brief.synthetic_layers', { layers: synthetic.map((l) => l.title).join(', ') })) : null,
      el('h1', {}, t('brief.title', { hazard: report.hazard.title, unit, date: date(report.computed_at) })),
      el('section', { class: 'messages' }, el('h2', {}, t('brief.key_messages')), el('ul', {}, ...keyMessages({ report, unit, rows, level, sites }).map((m) => el('li', {}, m)))),
      el(
        'section',
        { class: 'figures' },
        el('h2', {}, t('brief.key_figures')),
        el('div', { class: 'cards' }, figure('exposed', h.exposed), figure('affected', h.affected), figure('displaced', h.displaced)),
        el('p', { class: 'why' }, whyAffected(h.exposed, h.affected)),
      ),
      el(
        'section',
        { class: 'map-part' },
        el('figure', {}, this.mapFigure(map), el('figcaption', {}, t('brief.map_caption', { hazard: report.hazard.title, unit }))),
        el('div', { class: 'legend' }, ...legendParts(this.store)),
      ),
      el(
        'section',
        { class: 'needs', 'data-figure': 'needs' },
        el('h2', {}, t('brief.needs')),
        el(
          'ul',
          {},
          el('li', {}, t('brief.needs.food', { tonnes: tonnes(needs.food_tonnes_per_day) })),
          el('li', {}, t('brief.needs.water', { litres: people(needs.water_litres_per_day) })),
          el('li', {}, t('brief.needs.shelter', { area: people(needs.shelter_m2) })),
          el('li', {}, t('brief.needs.latrines', { count: people(needs.latrines) })),
        ),
        el('p', { class: 'def' }, t('brief.needs.standard', { kcal: number(report.needs_standard.kcal), water: number(report.needs_standard.water_l), shelter: number(report.needs_standard.shelter_m2, 1), latrine: number(report.needs_standard.people_per_latrine) })),
      ),
      el(
        'section',
        { class: 'sites' },
        el('h2', {}, t('camps.title')),
        sites.length
          ? el(
              'table',
              {},
              el('thead', {}, el('tr', {}, ...cells('th', [t('brief.site'), t('brief.people'), t('brief.class')]))),
              el('tbody', {}, ...sites.map((s) => el('tr', { 'data-class': s.cls ?? 'none' }, ...cells('td', [s.name, s.people === null ? '' : s.people, classLabel(s.cls)])))),
            )
          : el('p', {}, unit ? t('camps.none_in', { unit }) : t('camps.none')),
      ),
      el(
        'section',
        { class: 'units' },
        el('h2', {}, level === 'country' ? t('table.unit') : t('table.title', { levels: levelsName(level) })),
        el(
          'table',
          {},
          el('thead', {}, el('tr', {}, ...cells('th', [t('table.unit'), t('table.exposed'), t('table.affected'), t('table.displaced')]))),
          el('tbody', {}, ...rows.slice(0, PRINTED_UNITS).map((r) => el('tr', { 'data-code': r.code }, el('td', {}, r.name), ...(r.suppressed ? [el('td', { colspan: 3 }, t('table.withheld'))] : cells('td', [r.exposed, r.affected, r.displaced]))))),
        ),
      ),
      changes.length
        ? el('section', { class: 'changes' }, el('h2', {}, t('brief.changes')), el('ul', {}, moved ? el('li', { class: 'figures-change' }, moved) : null, ...changes.map((c) => el('li', {}, c))))
        : null,
      el(
        'footer',
        { class: 'sources' },
        el('p', {}, t('brief.inputs', { inputs: sources([report.hazard, report.exposure, report.boundary]) })),
        el('p', {}, t('brief.sources', { sources: [...new Set(used.map((l) => l.attribution).filter(Boolean))].join(' · ') })),
        el('p', { class: 'printed' }, t('brief.printed', { time: utc(this.now().toISOString()) })),
      ),
    );
  }

  /** The live map's canvas, for a print started without the button. */
  private screenMap(): PrintedMap | null {
    const m = this.map;
    if (!m) return null;
    const canvas = m.getCanvas();
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    return { image: canvas.toDataURL('image/png'), width, height, metresPerPx: metresPerPixel(m.getCenter().lat, m.getZoom()) };
  }

  /** The map image with its north arrow and scale bar drawn over it. */
  private mapFigure(map: PrintedMap | null) {
    const box = el('div', { class: 'print-map' });
    if (!map) return box;
    box.append(el('img', { src: map.image, alt: t('brief.map_alt') }));
    const overlay = svg('svg', { viewBox: `0 0 ${map.width} ${map.height}`, class: 'overlay', 'aria-hidden': 'true' });
    // North arrow (the map is never rotated).
    const nx = map.width - 28;
    overlay.append(
      svg('path', { d: `M ${nx} 14 l 9 26 l -9 -7 l -9 7 z`, fill: MAP_INK, stroke: MAP_HALO, 'stroke-width': 1 }),
      svg('text', { x: nx, y: 54, 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold', fill: MAP_INK, stroke: MAP_HALO, 'stroke-width': 3, 'paint-order': 'stroke' }, 'N'),
    );
    if (map.metresPerPx > 0) {
      const bar = scaleBar(map.metresPerPx, map.width / 4);
      const y = map.height - 16;
      overlay.append(
        svg('rect', { x: 10, y: y - 16, width: bar.px + 16, height: 26, fill: MAP_HALO, opacity: 0.8 }),
        svg('path', { d: `M 18 ${y - 4} v 6 h ${bar.px} v -6`, fill: 'none', stroke: MAP_INK, 'stroke-width': 2, 'data-metres': bar.metres }),
        svg('text', { x: 18 + bar.px / 2, y: y - 6, 'text-anchor': 'middle', 'font-size': 11, fill: MAP_INK }, bar.label),
      );
    }
    box.append(overlay);
    return box;
  }
}
