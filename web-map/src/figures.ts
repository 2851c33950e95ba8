// Figures of an exposure report, as the dashboard and the briefing show them: per unit
// the exposed, affected and displaced people and their needs; ranked; as CSV.
import { number } from './i18n';
import { CLASS_ORDER, type ClassRow, type HazardClass, type Needs, type Report, type ReportUnit } from './types';

export interface UnitFigures {
  code: string;
  name: string;
  suppressed: boolean;
  /** Everyone counted in the unit, those withheld from the split by class included. */
  population: number;
  /** People counted in the unit but in no class shown (restricted exposure): neither
   *  exposed, affected nor displaced is known of them. */
  withheld: number;
  exposed: number;
  /** Exposed / population (0 when nobody is counted). */
  share: number;
  affected: number;
  displaced: number;
  byClass: Record<HazardClass, number>;
  bbox: [number, number, number, number] | null;
}

/** Sums class rows: everyone, those in a hazard class, affected, displaced, per class. */
export function summarise(rows: ClassRow[]): Omit<UnitFigures, 'code' | 'name' | 'suppressed' | 'bbox' | 'withheld' | 'share'> {
  const byClass = Object.fromEntries(CLASS_ORDER.map((c) => [c, 0])) as Record<HazardClass, number>;
  let population = 0;
  let exposed = 0;
  let affected = 0;
  let displaced = 0;
  for (const r of rows) {
    population += r.population;
    affected += r.affected;
    displaced += r.displaced;
    if (r.class !== 'none') {
      exposed += r.population;
      byClass[r.class] += r.population;
    }
  }
  return { population, exposed, affected, displaced, byClass };
}

export function unitFigures(u: ReportUnit): UnitFigures {
  const s = summarise(u.classes ?? []);
  const withheld = u.withheld?.population ?? 0;
  return {
    code: u.code,
    name: u.name ?? u.code,
    suppressed: !!u.suppressed,
    bbox: u.bbox ?? null,
    ...s,
    population: s.population + withheld,
    share: s.population + withheld > 0 ? s.exposed / (s.population + withheld) : 0,
    withheld,
  };
}

/** The units under `parent` (all when null), most exposed first. */
export function ranked(report: Report, parent: string | null): UnitFigures[] {
  return report.units
    .filter((u) => parent === null || u.code.startsWith(parent))
    .map(unitFigures)
    .sort((a, b) => b.exposed - a.exposed || a.code.localeCompare(b.code));
}

export type SortKey = 'name' | 'population' | 'exposed' | 'share' | 'affected' | 'displaced';

export function sortBy(rows: UnitFigures[], key: SortKey, descending: boolean): UnitFigures[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const d = key === 'name' ? a.name.localeCompare(b.name) : a[key] - b[key];
    return sign * d || a.code.localeCompare(b.code);
  });
}

/** Needs of `displaced` people by the report's standards. */
export function needsOf(displaced: number, std: Report['needs_standard']): Needs {
  return {
    food_kcal_per_day: displaced * std.kcal,
    food_tonnes_per_day: (displaced * std.kcal) / std.ration_kcal_per_kg / 1000,
    water_litres_per_day: displaced * std.water_l,
    shelter_m2: displaced * std.shelter_m2,
    latrines: Math.ceil(displaced / std.people_per_latrine),
  };
}

/** Headline figures of a set of units (from their unrounded sums). */
export function headline(rows: UnitFigures[]) {
  const t = { population: 0, exposed: 0, affected: 0, displaced: 0, withheld: 0 };
  for (const r of rows) {
    t.population += r.population;
    t.withheld += r.withheld;
    t.exposed += r.exposed;
    t.affected += r.affected;
    t.displaced += r.displaced;
  }
  return t;
}

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The table as CSV (what the planner sees, with the sources on every row). */
export function toCsv(rows: UnitFigures[], report: Report): string {
  const head = ['code', 'name', 'population', 'exposed', 'affected', 'displaced', ...CLASS_ORDER, 'withheld', 'hazard_layer', 'hazard_version', 'exposure_layer', 'exposure_version', 'computed_at'];
  const lines = [head.join(',')];
  for (const r of rows) {
    const figures = r.suppressed
      ? ['', '', '', '', ...CLASS_ORDER.map(() => ''), '']
      : [r.population, r.exposed, r.affected, r.displaced, ...CLASS_ORDER.map((c) => r.byClass[c]), r.withheld].map((v) => (typeof v === 'number' ? v.toFixed(1) : v));
    lines.push(
      [r.code, r.name, ...figures, report.hazard.layer, report.hazard.version, report.exposure.layer, report.exposure.version, report.computed_at]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A weight in tonnes: `12.4 t`, `1,583 t`, `0.3 t`. */
export function tonnes(t: number): string {
  return `${t >= 100 ? number(t) : number(t, 1)} t`;
}

/** A share (0-1) as a percentage: `37%`, `0.4%` under one per cent. */
export function percent(v: number): string {
  const p = v * 100;
  return `${p > 0 && p < 1 ? number(p, 1) : number(p)}%`;
}

/** People, rounded for display: 12,345 or 1.2 M (as the language writes numbers). */
export function people(v: number): string {
  if (v >= 1e6) return `${number(v / 1e6, v >= 1e7 ? 1 : 2)} M`;
  return number(v);
}
