// The subscribers page: what the form holds is what is sent (lists split, boxes read),
// a subscriber put back in the form reads the same again, and only a parked delivery
// offers a retry.
import { describe, expect, it } from 'vitest';
import subscribersHtml from '../subscribers.html?raw';
import { deliveriesTable, fill, specOf } from './subscriber-table';
import type { Delivery, Subscriber } from './types';

function form(): HTMLFormElement {
  const doc = new DOMParser().parseFromString(subscribersHtml, 'text/html');
  const f = doc.getElementById('subscriber') as HTMLFormElement;
  document.body.replaceChildren(f);
  return f;
}

describe('the subscribers page', () => {
  it('sends what the form holds, and reads a subscriber back the same', () => {
    const f = form();
    const set = (name: string, v: string) => ((f.elements.namedItem(name) as HTMLInputElement).value = v);
    set('id', 'rubavu');
    set('name', 'Rubavu District');
    set('contact', 'DDMO');
    set('webhook', 'https://rubavu.example.org/hooks');
    set('areas', '34, 3401;3402');
    set('themes', 'flood landslide');
    (f.elements.namedItem('min_severity') as HTMLSelectElement).value = 'Severe';
    f.querySelector<HTMLInputElement>('input[name=languages][value=fr]')!.checked = false;
    const { id, spec } = specOf(f);
    expect(id).toBe('rubavu');
    expect(spec).toEqual({
      name: 'Rubavu District',
      contact: 'DDMO',
      webhook: 'https://rubavu.example.org/hooks',
      email: undefined,
      areas: ['34', '3401', '3402'],
      themes: ['flood', 'landslide'],
      min_severity: 'Severe',
      languages: ['en', 'rw'],
      restricted: false,
      enabled: true,
    });
    const stored: Subscriber = { ...spec, id, version: 1, secrets: [], written_by: 'admin', written_at: '2026-12-03T09:00:00Z', restricted: true, enabled: false };
    const again = form();
    fill(again, stored);
    expect(specOf(again)).toEqual({ id, spec: { ...spec, restricted: true, enabled: false } });
  });

  it('offers a retry for parked deliveries only', () => {
    const d: Delivery = { id: 7, alert: 3, subscriber: 'rubavu', channel: 'webhook', message_id: 'm', state: 'parked', attempts: 10, tries: 10, next_attempt_at: '2026-12-03T09:30:00Z', created_at: '2026-12-03T09:00:00Z', last_error: 'answered 503' };
    const retried: number[] = [];
    const table = deliveriesTable([d, { ...d, id: 8, state: 'delivered' }, { ...d, id: 9, state: 'pending' }], (x) => retried.push(x.id));
    expect([...table.querySelectorAll('button[data-action=retry]')].length).toBe(1);
    table.querySelector<HTMLButtonElement>('[data-delivery="7"] button')!.click();
    expect(retried).toEqual([7]);
  });
});
