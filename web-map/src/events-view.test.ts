// The events as drawn: each mark where its date puts it on the axis and as big as its
// deaths say, reported and synthetic events told apart by their sources, the table in
// the server's order, and a calibration's rates shown beside the ones in use.
import { describe, expect, it } from 'vitest';
import { TIMELINE, calibrationView, eventsTable, markRadius, placeColour, placeOutline, placesData, placesLegend, provenance, provenanceColour, timeline, timelineView, unitsAt } from './events-view';
import type { EventCalibration, EventPlaces, LossEvent } from './types';

const event = (key: string, first: string, deaths: number | undefined, sources: string[], linked = false): LossEvent => ({
  key,
  first,
  last: first,
  hazards: ['flood'],
  records: 1,
  units: 1,
  codes: ['3401'],
  toll: deaths === undefined ? {} : { deaths },
  sources,
  hazard_layers: linked ? ['flood-depth@1'] : [],
  alerts: [],
});

const EVENTS = [
  event('2023-05-03 heavy-rain', '2023-05-03', 131, ['REPORTED: MINEMA, 6 May 2023'], true),
  event('2021-07-02 flood', '2021-07-02', undefined, ['district report']),
  event('2020-01-01 landslide', '2020-01-01', 4, ['SYNTHETIC (sitroom-synth seed 1): not a real event']),
];

describe('the timeline', () => {
  it('places each event by its date and sizes it by its deaths', () => {
    const { marks, years } = timeline(EVENTS);
    expect(years.map((y) => y.year)).toEqual([2020, 2021, 2022, 2023]);
    const inner = TIMELINE.width - 2 * TIMELINE.margin;
    // 1 January 2020 opens the axis; the axis ends on 1 January 2024 (1,461 days).
    expect(marks[2].x).toBeCloseTo(TIMELINE.margin, 6);
    expect(marks[0].x).toBeCloseTo(TIMELINE.margin + ((365 + 366 + 365 + 122) / 1461) * inner, 6);
    expect(marks[1].r).toBe(3);
    expect(marks[2].r).toBeCloseTo(3 + 1.5 * 2, 9);
    expect(marks[0].r).toBe(18);
    expect(marks.map((m) => m.provenance)).toEqual(['reported', 'recorded', 'synthetic']);
  });

  it('draws one mark per event, as the table lists them', () => {
    const svg = timelineView(EVENTS, () => undefined);
    const circles = [...svg.querySelectorAll('circle')];
    expect(circles.map((c) => c.getAttribute('data-key')).sort()).toEqual(EVENTS.map((e) => e.key).sort());
    expect(svg.querySelector('circle.synthetic')?.getAttribute('data-deaths')).toBe('4');
    const table = eventsTable(EVENTS, () => undefined);
    expect([...table.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-key'))).toEqual(EVENTS.map((e) => e.key));
    expect(table.querySelectorAll('tbody button').length).toBe(1);
    expect(provenance(EVENTS[0])).toBe('reported');
  });
});

describe('an event on the map', () => {
  it('outlines the units of the level that hold its units', () => {
    const e = { ...EVENTS[0], codes: ['', '3401', '34010203', '4101'] };
    expect(unitsAt(e, 2)).toEqual(['34', '41']);
    expect(unitsAt(e, 4)).toEqual(['3401', '4101']);
    expect(unitsAt(e, 8)).toEqual(['34010203']);
  });
});

const place = (event: string, code: string, deaths: number | undefined, sources: string[]): EventPlaces['features'][number] => ({
  type: 'Feature',
  id: `${event} ${code}`,
  geometry: { type: 'Point', coordinates: [29.4, -1.7] },
  properties: { event, name: null, glide: null, hazards: ['flood'], first: '2023-05-03', last: '2023-05-03', code, unit: code, records: 1, deaths, displaced: null, sources },
});

const PLACES: EventPlaces = {
  type: 'FeatureCollection',
  version: 3,
  features: [place('May', '3401', 26, ['REPORTED: MINEMA, 6 May 2023']), place('May', '3402', undefined, ['REPORTED: MINEMA, 6 May 2023']), place('Old', '4101', 0, ['SYNTHETIC (sitroom-synth seed 1)'])],
};

describe('the events layer', () => {
  it('sizes each place by the deaths recorded there, as the timeline sizes an event', () => {
    const data = placesData(PLACES);
    expect(data.features.map((f) => f.properties?.radius)).toEqual([markRadius(26), markRadius(0), markRadius(0)]);
    expect(markRadius(26)).toBeGreaterThan(markRadius(4));
    expect(markRadius(10_000)).toBe(18);
    // The timeline's mark for an event of 131 deaths is the map's for a place of 131.
    expect(timeline([EVENTS[0]]).marks[0].r).toBe(markRadius(131));
  });

  it('colours a place by where its figures come from, and outlines the chosen event', () => {
    const data = placesData(PLACES);
    expect(data.features.map((f) => f.properties?.provenance)).toEqual(['reported', 'reported', 'synthetic']);
    const match = placeColour() as unknown[];
    expect(match[match.indexOf('reported') + 1]).toBe(provenanceColour('reported'));
    expect(match[match.indexOf('synthetic') + 1]).toBe(provenanceColour('synthetic'));
    expect(new Set([provenanceColour('reported'), provenanceColour('synthetic'), provenanceColour('recorded')]).size).toBe(3);
    expect(placeOutline('May')).toEqual(['case', ['==', ['get', 'event'], 'May'], 3, 1]);
  });

  it('keys in its legend only the kinds of figures it draws', () => {
    const legend = placesLegend(PLACES);
    expect([...legend.querySelectorAll('[data-provenance]')].map((k) => k.getAttribute('data-provenance'))).toEqual(['reported', 'synthetic']);
    expect(legend.querySelector('h3')?.textContent).toContain('3');
  });
});

describe('a calibration', () => {
  it('shows the suggested rate beside the one in use, class by class', () => {
    const c: EventCalibration = {
      event: EVENTS[0],
      hazard: { layer: 'flood-depth', version: 1, title: 'Flood depth' },
      exposure: { layer: 'population', version: 1, title: 'Population' },
      redacted: false,
      names: { '3401': 'Bigogwe' },
      notes: ['a note'],
      calibration: {
        method: 'least-squares',
        units: 2,
        observed: 350,
        modelled: 2000,
        modelled_with_suggested: 350,
        observed_outside_zones: 0,
        classes: [
          { class: 'high', affected: true, rate_in_use: 1, people: 1000, modelled_displaced: 1000, suggested_rate: 0.3 },
          { class: 'low', affected: false, rate_in_use: 0.1, people: 0, modelled_displaced: 0 },
        ],
        fits: [{ code: '3401', observed: 300, modelled: 1000, with_suggested: 300 }],
      },
    };
    const view = calibrationView(c);
    const high = view.querySelector('tr[data-class="high"]') as HTMLElement;
    expect([...high.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['1,000', '1.000', '1,000', '0.300']);
    const low = view.querySelector('tr[data-class="low"]') as HTMLElement;
    expect(low.querySelector('.suggested')?.textContent).toBe('–');
    expect(view.querySelector('tr[data-code="3401"] td')?.textContent).toBe('Bigogwe');
  });
});
