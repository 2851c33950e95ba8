// The brief as an OCHA flash update, in words and numbers: key messages written from the
// figures, the scale bar of the printed map, whether synthetic data is shown. The print
// view lays these out; nothing here touches the page.
import { type UnitFigures, needsOf, people, percent, tonnes } from './figures';
import { date, levelsName, locale, number, t } from './i18n';
import type { Site } from './controls/camps';
import type { Level } from './state';
import { classLabel } from './style';
import type { CatalogLayer, LayerRecord, LayerVersion, Report, Source } from './types';

/** What the key messages are written from. */
export interface BriefFigures {
  report: Report;
  /** The unit the brief is about, named. */
  unit: string;
  /** Its units, most exposed first. */
  rows: UnitFigures[];
  level: Level;
  /** Camps and transit centres of the unit, worst first. */
  sites: Site[];
}

const sum = (rows: UnitFigures[], k: 'population' | 'exposed' | 'affected' | 'displaced' | 'withheld') => rows.reduce((s, r) => s + r[k], 0);

/** Three to five key messages, most important first: who is exposed and affected,
 *  where most of them are, who is likely displaced and what they need, the camps in
 *  hazard zones, and what a restricted layer withholds. */
export function keyMessages({ report, unit, rows, level, sites }: BriefFigures): string[] {
  const hazard = report.hazard.title;
  const exposed = sum(rows, 'exposed');
  const out: string[] = [];
  if (exposed <= 0) {
    out.push(t('brief.msg.none', { hazard, unit }));
  } else {
    out.push(t('brief.msg.exposed', { people: people(exposed), share: percent(exposed / Math.max(1, sum(rows, 'population'))), hazard, unit, affected: people(sum(rows, 'affected')) }));
    const worst = rows.filter((r) => r.exposed > 0).slice(0, 3);
    if (rows.length > worst.length && worst.length > 0) {
      const names = worst.map((r) => r.name).join(', ');
      out.push(t('brief.msg.worst', { levels: levelsName(level), names, share: percent(sum(worst, 'exposed') / exposed) }));
    }
  }
  const displaced = sum(rows, 'displaced');
  if (displaced > 0) {
    const needs = needsOf(displaced, report.needs_standard);
    out.push(t('brief.msg.displaced', { people: people(displaced), food: tonnes(needs.food_tonnes_per_day), water: people(needs.water_litres_per_day) }));
  }
  const atRisk = sites.filter((s) => s.cls !== null && s.cls !== 'none');
  if (atRisk.length > 0) {
    const first = atRisk[0];
    const counted = atRisk.reduce((s, x) => s + (x.people ?? 0), 0);
    const values = { count: atRisk.length, people: people(counted), name: first.name, class: classLabel(first.cls) };
    // Sites whose people are not known are named without a count of zero.
    if (atRisk.length === 1) out.push(counted > 0 ? t('brief.msg.site', values) : t('brief.msg.site_no_people', values));
    else out.push(counted > 0 ? t('brief.msg.sites', values) : t('brief.msg.sites_no_people', values));
  } else if (sites.length > 0) {
    out.push(sites.length === 1 ? t('brief.msg.site_safe', { name: sites[0].name }) : t('brief.msg.sites_safe', { count: sites.length }));
  }
  if (report.redacted) out.push(t('brief.msg.restricted', { min: report.disclosure?.min_households ?? 5, people: people(sum(rows, 'withheld')) }));
  // A message may begin with a level's name (`uturere …`): each begins with a capital.
  return out.slice(0, 5).map((m) => m.charAt(0).toLocaleUpperCase(locale()) + m.slice(1));
}

/** Whether a layer is invented for the demonstration (its attribution says so). */
export const isSynthetic = (l: Pick<CatalogLayer, 'attribution'>) => /\bsynthetic\b/i.test(l.attribution);

/** A scale bar of a round length (1, 2 or 5 × 10ⁿ m) at most `maxPx` long, for a map
 *  of `metresPerPx` at its centre. */
export function scaleBar(metresPerPx: number, maxPx: number): { metres: number; px: number; label: string } {
  const most = metresPerPx * maxPx;
  const power = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((k) => k * power).find((m) => m <= most) ?? power;
  return { metres, px: metres / metresPerPx, label: metres >= 1000 ? t('scale.km', { n: number(metres / 1000) }) : t('scale.m', { n: number(metres) }) };
}

/** Metres per CSS pixel at `lat` on a Web Mercator map at `zoom` (512 px tiles). */
export const metresPerPixel = (lat: number, zoom: number) => (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);

/** What changed in each input since its previous version: the version the figures use,
 *  when it was loaded and from which file, the version it replaced (or that it is the
 *  first, or was made current again in place of a newer one), and the features each
 *  held when the reader may see counts. `records[i]` is `inputs[i]`'s layer with its
 *  versions (null when this reader may not see them). */
export function inputChanges(inputs: Source[], records: (LayerRecord | null)[]): string[] {
  return inputs.map((input, i) => {
    const versions = records[i]?.versions ?? [];
    const used = versions.find((v) => v.version === input.version);
    if (!used) return t('brief.change.unknown', { title: input.title, version: input.version });
    const at = (v: LayerVersion) => ({ file: v.source_name, date: date(v.loaded_at) });
    const newest = Math.max(...versions.map((v) => v.version));
    if (newest > used.version) return t('brief.change.rolled_back', { title: input.title, version: used.version, ...at(used), newest });
    const previous = versions.find((v) => v.version === previousVersion(input, records[i]));
    if (!previous) return t('brief.change.first', { title: input.title, version: used.version, ...at(used) });
    const p = at(previous);
    const replaced = t('brief.change.replaced', { title: input.title, version: used.version, ...at(used), previous: previous.version, previous_file: p.file, previous_date: p.date });
    const counts = typeof used.feature_count === 'number' && typeof previous.feature_count === 'number';
    return counts ? `${replaced} ${t('brief.change.count', { count: number(used.feature_count ?? 0), before: number(previous.feature_count ?? 0) })}` : replaced;
  });
}

/** The version an input's figures are compared with: the one it replaced (the version
 *  before it), or, when it was made current again by a rollback, the newest one it took
 *  the place of; null for a first version or when its versions are not known. */
export function previousVersion(input: Source, record: LayerRecord | null): number | null {
  const versions = (record?.versions ?? []).map((v) => v.version);
  if (!versions.includes(input.version)) return null;
  const newest = Math.max(...versions);
  if (newest > input.version) return newest;
  const before = versions.filter((v) => v < input.version);
  return before.length ? Math.max(...before) : null;
}

/** The figures of the brief's unit at the previous versions of its inputs, or why there
 *  are none: the inputs are first versions, or the reader may not compare them. */
export type EarlierFigures =
  | { kind: 'figures'; hazard: number; exposure: number; exposed: number; affected: number; displaced: number }
  | { kind: 'first' }
  | { kind: 'withheld' }
  | { kind: 'unavailable'; why: string };

/** The versions to compare the brief's figures with (the hazard's and the exposure's),
 *  or null when neither input has a previous version. */
export function comparedVersions(report: Report, records: (LayerRecord | null)[]): { hazard_version: number; exposure_version: number } | null {
  const hazard = previousVersion(report.hazard, records[0]);
  const exposure = previousVersion(report.exposure, records[1]);
  if (hazard === null && exposure === null) return null;
  return { hazard_version: hazard ?? report.hazard.version, exposure_version: exposure ?? report.exposure.version };
}

/** How a figure moved since the previous inputs: "+1,200", "−300" or "no change". */
export function change(now: number, before: number): string {
  const d = Math.round(now) - Math.round(before);
  if (d === 0) return t('brief.delta.none');
  return `${d > 0 ? '+' : '\u2212'}${people(Math.abs(d))}`;
}

/** The sentence on what the figures were before the inputs changed. */
export function figuresChange(report: Report, now: { exposed: number; affected: number; displaced: number }, earlier: EarlierFigures): string | null {
  if (earlier.kind === 'first') return null;
  if (earlier.kind === 'withheld') return t('brief.delta.withheld');
  if (earlier.kind === 'unavailable') return t('brief.delta.unavailable', { why: earlier.why });
  const inputs = `${report.hazard.title} v${earlier.hazard}, ${report.exposure.title} v${earlier.exposure}`;
  return t('brief.delta.figures', {
    inputs,
    exposed: people(earlier.exposed),
    exposed_change: change(now.exposed, earlier.exposed),
    affected: people(earlier.affected),
    affected_change: change(now.affected, earlier.affected),
    displaced: people(earlier.displaced),
    displaced_change: change(now.displaced, earlier.displaced),
  });
}
