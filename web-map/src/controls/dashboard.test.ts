// The dashboard's controls, checked against the report they draw: what is written
// agrees with what is counted.
import { describe, expect, it, vi } from 'vitest';
import { headline, ranked } from '../figures';
import { fakeMap, report, store } from '../test-support';
import { Breadcrumb } from './breadcrumb';
import { ClassChart } from './class-chart';
import { AsOf, Headline } from './headline';
import { Question } from './question';
import { UnitTable } from './unit-table';

describe('headline figures', () => {
  it('writes the sums of the units shown', () => {
    const s = store('');
    const figures = new Headline(s).onAdd(fakeMap());
    s.setReport(report());
    const h = headline(ranked(report(), null));
    const value = (k: string) => figures.querySelector(`[data-figure=${k}] .value`)?.textContent;
    expect(value('exposed')).toBe(h.exposed.toLocaleString('en-GB'));
    expect(value('affected')).toBe('420');
    expect(value('displaced')).toBe('140');
    expect(figures.querySelector('[data-figure=needs]')?.textContent).toContain('7 latrines');
    expect(figures.querySelector('.asof')?.textContent).toContain('as of 27 Nov 2026, 03:00 UTC, from Flood zones v2, Population v1, Sectors v4');
  });

  it('says what a restricted answer withholds', () => {
    const s = store('');
    const figures = new Headline(s).onAdd(fakeMap());
    const r = report('district', { redacted: true, disclosure: { counts: true, places: false, min_households: 5, method: 'docs/security.md' } });
    r.units[0].withheld = { count: 2, population: 9, households: 2 };
    s.setReport(r);
    expect(figures.querySelector('.asof')?.textContent).toContain('at least 5 households');
    expect(figures.querySelector('[data-figure=withheld]')?.textContent).toContain('9 people are counted but not split by hazard class');
  });

  it('shows why there are no figures', () => {
    const s = store('');
    const figures = new Headline(s).onAdd(fakeMap());
    s.setReport(null, 'the hazard layer is gone');
    expect(figures.querySelector('[role=alert]')?.textContent).toBe('Could not compute exposure: the hazard layer is gone');
  });

  it('puts the time of the figures in the header', () => {
    const s = store('');
    const asOf = new AsOf(s).onAdd(fakeMap());
    s.setReport(report());
    expect(asOf.textContent).toBe('Figures as of 27 Nov 2026, 03:00 UTC');
  });
});

describe('share exposed', () => {
  it('is a column of the table and, when chosen, what the legend keys', async () => {
    const { Legend } = await import('./legend');
    const s = store('#layers=');
    const table = new UnitTable(s, () => {}).onAdd(fakeMap());
    const legend = new Legend(s).onAdd(fakeMap());
    s.setReport(report());
    const rows = ranked(report(), null);
    const header = [...table.querySelectorAll('th[scope=col]')].map((th) => th.textContent);
    expect(header).toContain('% exposed');
    const col = header.indexOf('% exposed');
    const first = table.querySelector('tbody tr')!;
    expect(first.children[col].textContent).toBe(`${Math.round(rows[0].share * 100)}%`);
    expect(rows[0].share).toBeCloseTo(rows[0].exposed / rows[0].population);
    s.set({ shade: 'share' });
    expect(legend.querySelector('h3')?.textContent).toBe('Share of people exposed per district');
    expect(legend.querySelector('.key')?.textContent).toMatch(/^0% – \d/);
  });
});

describe('class chart', () => {
  it('draws one bar per class, as long as its share', () => {
    const s = store('');
    const chart = new ClassChart(s).onAdd(fakeMap());
    s.setReport(report());
    const bars = [...chart.querySelectorAll('rect')].map((r) => [r.getAttribute('data-class'), Number(r.getAttribute('data-value')), Number(r.getAttribute('width'))]);
    expect(bars).toEqual([
      ['high', 100, (100 / 300) * 200],
      ['medium', 20, (20 / 300) * 200],
      ['low', 300, 200],
      ['very_low', 0, 1],
    ]);
    expect(chart.querySelector('svg')?.getAttribute('aria-label')).toBe('People exposed by hazard class: High 100, Medium 20, Low 300, Very low 0');
  });
});

describe('unit table', () => {
  it('ranks the units worst first, sorts by any column and drills', () => {
    const s = store('');
    const drill = vi.fn();
    const table = new UnitTable(s, drill);
    const box = table.onAdd(fakeMap());
    s.setReport(report());
    const codes = () => [...box.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-code'));
    expect(codes()).toEqual(['12', '11', '21']);
    expect(box.querySelector('h3')?.textContent).toBe('Most exposed districts');
    table.sortOn('name');
    expect(codes()).toEqual(['12', '21', '11']);
    expect(box.querySelector('th[aria-sort=ascending]')?.textContent).toBe('Unit');
    table.sortOn('name');
    expect(codes()).toEqual(['11', '21', '12']);
    box.querySelector<HTMLAnchorElement>('tr[data-code="21"] a')!.click();
    expect(drill).toHaveBeenCalledWith('21');
  });

  it('writes withheld for a unit too small to show, not zeros', () => {
    const s = store('');
    const box = new UnitTable(s, () => {}).onAdd(fakeMap());
    const r = report();
    r.units.push({ code: '22', name: 'Gisagara', suppressed: true });
    s.setReport(r);
    expect(box.querySelector('tr[data-code="22"]')?.textContent).toBe('Gisagarawithheld (fewer than 5 households)');
  });

  it('offers no drilling below villages', () => {
    const s = store('#unit=110101');
    const box = new UnitTable(s, () => {}).onAdd(fakeMap());
    s.setReport(report('village', { units: [{ code: '11010101', name: 'Village', classes: [] }] }));
    expect(box.querySelector('tbody a')).toBeNull();
  });
});

describe('breadcrumb and question', () => {
  it('links every unit above the one drilled into', () => {
    const s = store('#unit=1101');
    s.names.set('1', 'Kigali').set('11', 'Nyarugenge').set('1101', 'Gitega');
    const drill = vi.fn();
    const nav = new Breadcrumb(s, drill).onAdd(fakeMap());
    expect(nav.textContent).toBe('Country › Kigali › Nyarugenge › Gitega');
    expect(nav.querySelector('strong')?.textContent).toBe('Gitega');
    [...nav.querySelectorAll('a')][0].click();
    expect(drill).toHaveBeenCalledWith(null);
  });

  it('asks the question chosen, by levels whose boundaries are loaded', () => {
    const s = store('');
    const q = new Question(s).onAdd(fakeMap());
    expect([...q.querySelectorAll('#level option')].map((o) => o.textContent)).toEqual(['district', 'sector']);
    const hazard = q.querySelector<HTMLSelectElement>('#hazard')!;
    hazard.value = 'landslide-zones';
    hazard.dispatchEvent(new Event('change'));
    expect(s.state.hazard).toBe('landslide-zones');
    // The map and the hazard drawn follow the question.
    expect(s.state.layers).toContain('landslide-zones');
    expect(s.state.layers).not.toContain('flood-zones');
    s.set({ unit: '11' });
    // Drilled into a district, the table is by sector: so says the menu.
    expect(q.querySelector<HTMLSelectElement>('#level')!.value).toBe('sector');
    const level = q.querySelector<HTMLSelectElement>('#level')!;
    level.value = 'district';
    level.dispatchEvent(new Event('change'));
    expect(s.state).toMatchObject({ level: 'district', unit: null });
    s.set({ unit: '11' });
    level.value = 'sector';
    level.dispatchEvent(new Event('change'));
    expect(s.state).toMatchObject({ level: 'sector', unit: null });
  });
});
