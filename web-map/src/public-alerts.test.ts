// The public page's reading of a place: the alerts that concern it (for it, a unit
// holding it, or a unit inside it — not a neighbour sharing a prefix of digits), and the
// hazard classes its people live in as the report counts them.
import { describe, expect, it } from 'vitest';
import { alertCard, alertsFor, classesIn } from './public-alerts';
import { alertDoc, report } from './test-support';
import { setLanguage } from './i18n';

describe('the public page', () => {
  const a = alertDoc(3, 'issued'); // sectors 1101 and 1102
  const district = alertDoc(4, 'issued', { areas: [{ ...a.areas[0], code: '21', name: 'Nyanza', level: 'district' }] });

  it('names the alerts for a place, a unit holding it or one inside it', () => {
    expect(alertsFor('11010203', [a, district]).map((x) => x.id)).toEqual([3]); // a village of Gitega
    expect(alertsFor('11', [a, district]).map((x) => x.id)).toEqual([3]); // their district
    expect(alertsFor('2103', [a, district]).map((x) => x.id)).toEqual([4]); // a sector of Nyanza
    expect(alertsFor('1103', [a, district])).toEqual([]); // a neighbouring sector
    expect(alertsFor('110', [a, district]).map((x) => x.id)).toEqual([3]);
  });

  it('gives the classes people live in, as counted', () => {
    const r = report('district');
    const unit = r.units.find((u) => u.classes?.some((c) => c.class !== 'none' && c.population > 0))!;
    const rows = classesIn(r, unit.code);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((c) => c.class !== 'none' && c.population > 0)).toBe(true);
    expect(rows).toEqual(unit.classes!.filter((c) => c.class !== 'none' && c.population > 0));
    expect(classesIn(r, 'nowhere')).toEqual([]);
  });

  it("writes an alert in the reader's language, with what to do", () => {
    setLanguage('fr');
    const card = alertCard(a);
    expect(card.querySelector('h3')!.textContent).toBe('Grave: Alerte 3');
    expect(card.querySelector('.instruction')!.textContent).toBe('Que faire : Gagnez les hauteurs.');
    setLanguage('en');
  });
});
