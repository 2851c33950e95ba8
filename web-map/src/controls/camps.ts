// Camps and transit centres with their people and the hazard class each stands in, worst
// first: where refugees and returnees are when the hazard strikes. Only those of the unit
// drilled into, by the official code the site carries (a sector's): drilled into a cell or
// village, the sector's sites are listed and say they are in the same sector.
import type * as api from '../api';
import { el, replace } from '../dom';
import { CLASS_COLOURS, OUTSIDE_HAZARDS } from '../palette';
import type { Store } from '../store';
import { CLASS_LABELS } from '../style';
import { people } from '../figures';
import { CLASS_ORDER, type HazardClass } from '../types';
import { Control } from './control';

export type CampsApi = Pick<typeof api, 'features' | 'hazardsAt'>;

const isClass = (c: string | null): c is HazardClass => (CLASS_ORDER as readonly string[]).includes(c ?? '');
const rank = (c: string | null) => (isClass(c) ? CLASS_ORDER.indexOf(c) : CLASS_ORDER.length);

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
      replace(this.container, el('p', { class: 'error' }, `Camps could not be placed: ${e.message}`));
    });
  }

  private async draw(generation: number) {
    const camps = this.store.catalog.filter((l) => l.theme === 'camp' && l.detail);
    const hazard = this.store.state.hazard;
    if (!camps.length || !hazard) return replace(this.container);
    const unit = this.store.state.unit;
    const rows: { name: string; cls: string | null; people: number | null; coarse: boolean }[] = [];
    for (const layer of camps) {
      const fc = await this.server.features(layer.id);
      const field = (f: (typeof fc.features)[number], key: 'name' | 'code' | 'population', fallback: string) =>
        f.properties[layer.fields?.[key] ?? fallback];
      const inUnit = fc.features.filter((f) => {
        const code = String(field(f, 'code', 'code') ?? '');
        return !unit || code.startsWith(unit) || (code.length < unit.length && unit.startsWith(code) && code !== '');
      });
      const found = await Promise.all(
        inUnit.map(async (f) => {
          const [lon, lat] = f.geometry.coordinates;
          const at = await this.server.hazardsAt(lon, lat);
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
    if (generation !== this.generation) return;
    rows.sort((a, b) => rank(a.cls) - rank(b.cls) || (b.people ?? 0) - (a.people ?? 0) || a.name.localeCompare(b.name));
    const where = unit ? ` in ${this.store.unitName(unit)}` : '';
    if (rows.length === 0) {
      return replace(this.container, el('h3', {}, 'Camps and transit centres'), el('p', { class: 'empty' }, `No camp or transit centre${where}.`));
    }
    const total = rows.reduce((s, r) => s + (r.people ?? 0), 0);
    replace(
      this.container,
      el('h3', {}, `Camps and transit centres${where}`, total > 0 ? `: ${people(total)} people` : ''),
      el(
        'ul',
        {},
        ...rows.map((r) =>
          el(
            'li',
            { 'data-class': r.cls ?? 'none', 'data-people': String(r.people ?? '') },
            el('span', { class: 'swatch', style: `background:${isClass(r.cls) ? CLASS_COLOURS[r.cls] : OUTSIDE_HAZARDS}` }),
            `${r.name}${r.people ? ` (${people(r.people)} people)` : ''}: ${CLASS_LABELS[isClass(r.cls) ? r.cls : 'none']}${r.coarse ? ' — in the same sector' : ''}`,
          ),
        ),
      ),
    );
  }
}
