// Camps and transit centres with the hazard class each stands in, worst first: where
// refugees and returnees are when the hazard strikes.
import type * as api from '../api';
import { el, replace } from '../dom';
import { CLASS_COLOURS, OUTSIDE_HAZARDS } from '../palette';
import type { Store } from '../store';
import { CLASS_LABELS } from '../style';
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
    super(store, ['catalog', 'hazard'], el('div', { id: 'camps' }));
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
    const rows: { name: string; cls: string | null }[] = [];
    for (const layer of camps) {
      const fc = await this.server.features(layer.id);
      const found = await Promise.all(
        fc.features.map(async (f) => {
          const [lon, lat] = f.geometry.coordinates;
          const at = await this.server.hazardsAt(lon, lat);
          const cls = at.hazards.find((h) => h.layer === hazard)?.class ?? null;
          return { name: String(f.properties.name ?? f.properties.title ?? f.id), cls };
        }),
      );
      rows.push(...found);
    }
    if (generation !== this.generation) return;
    rows.sort((a, b) => rank(a.cls) - rank(b.cls) || a.name.localeCompare(b.name));
    replace(
      this.container,
      el('h3', {}, 'Camps and transit centres'),
      el(
        'ul',
        {},
        ...rows.map((r) =>
          el(
            'li',
            { 'data-class': r.cls ?? 'none' },
            el('span', { class: 'swatch', style: `background:${isClass(r.cls) ? CLASS_COLOURS[r.cls] : OUTSIDE_HAZARDS}` }),
            `${r.name}: ${CLASS_LABELS[isClass(r.cls) ? r.cls : 'none']}`,
          ),
        ),
      ),
    );
  }
}
