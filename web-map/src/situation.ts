// What the situation room asks the server and when: the catalog and style at start and on every
// new layer version or token, and the exposure report whenever the question, the level
// or the unit drilled into changes. Answers to questions no longer asked are dropped.
import type * as api from './api';
import { ancestry, levelOfCode } from './state';
import type { Store, Topic } from './store';

export type SituationApi = Pick<typeof api, 'catalog' | 'situationStyle' | 'exposure' | 'search' | 'token'>;
type Bbox = [number, number, number, number];

/** A change of any of these asks for a new report. */
const REPORT_TOPICS: Topic[] = ['catalog', 'hazard', 'exposure', 'level', 'unit'];

export class Situation {
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly server: SituationApi,
    /** Frames a unit on the map (null: the whole country). */
    private readonly frame: (bbox: Bbox | null) => void = () => {},
  ) {
    store.subscribe((changed) => {
      if (REPORT_TOPICS.some((t) => changed.has(t))) void this.loadReport();
    });
  }

  /** Reads the catalog and its style again (what this caller may see); the report
   *  follows. */
  async refresh() {
    const [catalog, style] = await Promise.all([this.server.catalog(), this.server.situationStyle()]);
    this.store.setCatalog(catalog, style, !!this.server.token());
  }

  /** Drills into unit `code` (null: back to the country), framing it when its extent is
   *  known (a unit found by search is framed by the search itself). */
  drill(code: string | null) {
    const bbox = this.store.report?.units.find((u) => u.code === code)?.bbox ?? null;
    this.store.set({ unit: code, level: (code && levelOfCode(code)) || this.store.state.level });
    if (!code || bbox) this.frame(bbox);
  }

  /** Asks for the report of the current question. */
  async loadReport() {
    const { hazard, exposure } = this.store.state;
    if (!hazard || !exposure) return;
    const generation = ++this.generation;
    this.store.setBusy(true);
    try {
      const report = await this.server.exposure(hazard, exposure, this.store.focusLevel());
      await this.nameAncestors();
      if (generation === this.generation) this.store.setReport(report);
    } catch (e) {
      if (generation === this.generation) this.store.setReport(null, (e as Error).message);
    } finally {
      if (generation === this.generation) this.store.setBusy(false);
    }
  }

  /** Looks up the names of the units above the one drilled into (a shared link may
   *  open straight on a sector). */
  private async nameAncestors() {
    for (const code of ancestry(this.store.state.unit)) {
      if (code === '' || this.store.names.has(code)) continue;
      const { results } = await this.server.search(code);
      const hit = results.find((r) => r.code === code);
      if (hit) this.store.names.set(code, hit.name);
    }
  }
}
