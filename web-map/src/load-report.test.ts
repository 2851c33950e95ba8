import { describe, expect, it } from 'vitest';
import { reportView } from './load-report';

describe('load report', () => {
  it('names every feature repaired, dropped or rejected, and why', () => {
    const parts = reportView('Not loaded', {
      source_name: 'camps.geojson',
      read: 3,
      loaded: 0,
      repaired: 1,
      dropped: 0,
      rejected: 2,
      unclassified: 0,
      issues: [
        { index: 0, source_id: 'c1', action: 'rejected', reason: 'latitude 95 out of range' },
        { index: 2, source_id: null, action: 'repaired', reason: 'ring closed' },
      ],
    }, 'the previous version stays current');
    const box = document.createElement('div');
    box.append(...parts);
    expect(box.querySelector('[role=alert]')?.textContent).toBe('the previous version stays current');
    expect(box.querySelector('p:not([role])')?.textContent).toBe('camps.geojson: 3 read, 0 loaded, 1 repaired, 0 dropped, 2 rejected, 0 unclassified.');
    expect([...box.querySelectorAll('tbody tr')].map((r) => r.textContent)).toEqual(['0c1rejectedlatitude 95 out of range', '2repairedring closed']);
  });

  it('is a title alone when there is nothing more to say', () => {
    expect(reportView('Loading…', undefined).map((e) => e.tagName)).toEqual(['H3']);
  });
});
