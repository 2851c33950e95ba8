// Camps and transit centres with their people and the hazard class each stands in, worst
// first: where refugees and returnees are when the hazard strikes. Only those of the unit
// drilled into, by the official code the site carries (a sector's): drilled into a cell or
// village, the sector's sites are listed and say they are in the same sector.
import type * as api from '../api';
import { el, replace } from '../dom';
import { CLASS_COLOURS, OUTSIDE_HAZARDS } from '../palette';
import type { Store } from '../store';
import { t } from '../i18n';
import { classLabel } from '../style';
import { people } from '../figures';
import { CLASS_ORDER, type HazardClass } from '../types';
import { Control } from './control';

export type CampsApi = Pick<typeof api, 'features' | 'hazardsAt'>;

const isClass = (c: string | null): c is HazardClass => (CLASS_ORDER as readonly string[]).includes(c ?? '');
const rank = (c: string | null) => (isClass(c) ? CLASS_ORDER.indexOf(c) : CLASS_ORDER.length);

/** A camp or transit centre: its people and the hazard class it stands in. */
export interface Site {
  name: string;
  /** Class of the hazard asked about at the site (null: outside its zones). */
  cls: string | null;
  people: number | null;
  /** Known only to be in the same sector as the unit drilled into. */
  coarse: boolean;
}

const campLayers = (store: Store) => store.catalog.filter((l) => l.theme === 'camp' && l.detail);

/** The camps and transit centres of the unit drilled into (by the official code each
 *  carries), with the class of the question's hazard at each, worst first. */
export async function sitesAtRisk(store: Store, server: CampsApi): Promise<Site[]> {
  const hazard = store.state.hazard;
  const unit = store.state.unit;
  const rows: Site[] = [];
  if (!hazard) return rows;
  for (const layer of campLayers(store)) {
    const fc = await server.features(layer.id);
    const field = (f: (typeof fc.features)[number], key: 'name' | 'code' | 'population', fallback: string) =>
      f.properties[layer.fields?.[key] ?? fallback];
    const inUnit = fc.features.filter((f) => {
      const code = String(field(f, 'code', 'code') ?? '');
      return !unit || code.startsWith(unit) || (code.length < unit.length && unit.startsWith(code) && code !== '');
    });
    const found = await Promise.all(
      inUnit.map(async (f) => {
        const [lon, lat] = f.geometry.coordinates;
        const at = await server.hazardsAt(lon, lat);
        const cls = at.hazards.find((h) => h.layer === hazard)?.class ?? null;
        const n = Number(field(f, 'population', 'population'));
        const code = String(field(f, 'code', 'code') ?? '');
        return {
          name: String(field(f, 'name', 'name') ?? f.properties.title ?? f.id),
          cls,
          people: Number.isFinite(n) && n > 0 ? n : null,
          coarse: !!unit && code.length < unit.length,
        };
      }),
    );
    rows.push(...found);
  }
  return rows.sort((a, b) => rank(a.cls) - rank(b.cls) || (b.people ?? 0) - (a.people ?? 0) || a.name.localeCompare(b.name));
}

export class Camps extends Control {
  /** Counts renders, so that a slow answer to an earlier question is not drawn. */
  private generation = 0;
  /** The last drawing, done (for tests and scripts). */
  done: Promise<void> = Promise.resolve();

  constructor(
    store: Store,
    private readonly server: CampsApi,
  ) {
    super(store, ['catalog', 'hazard', 'unit'], el('div', { id: 'camps' }));
  }

  render() {
    this.done = this.draw(++this.generation).catch((e: Error) => {
      replace(this.container, el('p', { class: 'error' }, t('camps.failed', { error: e.message })));
    });
  }

  private async draw(generation: number) {
    const hazard = this.store.state.hazard;
    if (!campLayers(this.store).length || !hazard) return replace(this.container);
    const unit = this.store.state.unit;
    const rows = await sitesAtRisk(this.store, this.server);
    if (generation !== this.generation) return;
    const name = unit ? this.store.unitName(unit) : '';
    const title = unit ? t('camps.title_in', { unit: name }) : t('camps.title');
    if (rows.length === 0) {
      return replace(this.container, el('h3', {}, t('camps.title')), el('p', { class: 'empty' }, unit ? t('camps.none_in', { unit: name }) : t('camps.none')));
    }
    const total = rows.reduce((s, r) => s + (r.people ?? 0), 0);
    replace(
      this.container,
      el('h3', {}, total > 0 ? t('camps.people', { title, people: people(total) }) : title),
      el(
        'ul',
        {},
        ...rows.map((r) =>
          el(
            'li',
            { 'data-class': r.cls ?? 'none', 'data-people': String(r.people ?? '') },
            el('span', { class: 'swatch', style: `background:${isClass(r.cls) ? CLASS_COLOURS[r.cls] : OUTSIDE_HAZARDS}` }),
            this.site(r),
          ),
        ),
      ),
    );
  }

  /** A site as listed: its name, people and class, and whether it is only known to be in
   *  the same sector. */
  private site(r: Site) {
    const cls = classLabel(r.cls);
    const text = r.people ? t('camps.site_people', { name: r.name, people: people(r.people), class: cls }) : t('camps.site', { name: r.name, class: cls });
    return r.coarse ? t('camps.same_sector', { site: text }) : text;
  }
}
