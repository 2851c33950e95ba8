// What the public page says of a place: the public alerts in force that concern it (an
// alert for the place itself, for a unit holding it, or for a unit inside it) with their
// texts in the reader's language, and the hazard classes people of the place live in.
import { el } from './dom';
import { levelName, number, t, utc } from './i18n';
import { expiresAt, infoOf } from './controls/alerts';
import { CLASS_COLOURS, SEVERITY_COLOURS } from './palette';
import { classLabel } from './style';
import type { AlertDoc, ClassRow, Report } from './types';

/** The alerts that concern the unit of `code`: those naming it, a unit holding it or a
 *  unit inside it. */
export function alertsFor(code: string, alerts: AlertDoc[]): AlertDoc[] {
  return alerts.filter((a) => a.areas.some((u) => u.code.startsWith(code) || code.startsWith(u.code)));
}

/** The hazard classes people of unit `code` live in, by the report's counts (classes
 *  with nobody left out, worst first as the report has them). */
export function classesIn(report: Report, code: string): ClassRow[] {
  const unit = report.units.find((u) => u.code === code);
  return (unit?.classes ?? []).filter((c) => c.class !== 'none' && c.population > 0);
}

/** One alert as the public reads it. */
export function alertCard(a: AlertDoc) {
  const info = infoOf(a);
  const until = expiresAt(a);
  return el(
    'article',
    { class: 'public-alert', 'data-alert': a.id, 'data-severity': a.severity, style: `border-left-color: ${SEVERITY_COLOURS[a.severity] ?? SEVERITY_COLOURS.Unknown}` },
    el('h3', {}, `${t(`alerts.severity.${a.severity}` as 'alerts.severity.Severe')}: ${info?.headline ?? a.identifier}`),
    info?.instruction ? el('p', { class: 'instruction' }, el('strong', {}, t('public.what_to_do')), ' ', info.instruction) : null,
    info?.description ? el('p', {}, info.description) : null,
    el('p', { class: 'note' }, [until ? t('alerts.until', { time: utc(until) }) : null, t('public.units', { units: a.areas.map((u) => u.name).slice(0, 12).join(', ') + (a.areas.length > 12 ? ' …' : '') })].filter(Boolean).join(' · ')),
  );
}

/** The hazard classes of one hazard layer in a unit, as a list. */
export function classesList(title: string, rows: ClassRow[]) {
  return el(
    'div',
    { class: 'public-classes' },
    el('h4', {}, title),
    rows.length
      ? el('ul', {}, ...rows.map((r) => el('li', { 'data-class': r.class }, el('span', { class: 'swatch', style: `background: ${CLASS_COLOURS[r.class as keyof typeof CLASS_COLOURS]}` }), ` ${classLabel(r.class)}: `, t('public.people', { people: number(r.population) }))))
      : el('p', { class: 'note' }, t('public.no_classes')),
  );
}

/** A unit's name with its level (`Gitega sector`). */
export const unitTitle = (name: string, level: string) => `${name} (${levelName(level)})`;
