// The alert panel: the coverage the server counts, each alert with the steps its state
// allows (and none without a token), a step sent as asked and its refusal shown as the
// server says, and a previewed alert's units outlined on the map exactly as its CAP
// areas are.
import { describe, expect, it } from 'vitest';
import { alertFeatures } from '../style';
import { alertDoc, ring, store } from '../test-support';
import type { InForce } from '../types';
import { AlertPanel, type AlertsApi } from './alerts';

function setUp(token: string | null) {
  const issued = alertDoc(3, 'issued');
  const draft = alertDoc(4, 'draft');
  const steps: [number, string][] = [];
  const rules: [string, Record<string, unknown>][] = [];
  const inForce: InForce = { as_of: '2026-12-03T10:00:00Z', coverage: { alerts: 1, units: 2, people: 50000 }, alerts: [issued] };
  const server: AlertsApi = {
    token: () => token,
    alertsInForce: async () => inForce,
    alerts: async (state: string) => (state === 'draft' ? [draft] : []),
    alertStep: async (id: number, step: string) => {
      steps.push([id, step]);
      if (step === 'approve') throw new Error('alert 4 was written by gis: a second editor approves it, not its author');
      return alertDoc(id, 'approved');
    },
    alertDeliveries: async () => ({ pending: 1, delivered: 998, parked: 1 }),
    putRule: async (id: string, spec: Record<string, unknown>) => {
      rules.push([id, spec]);
      return { id, version: 1 };
    },
    evaluateRule: async () => ({ alert: draft, drafted: true }),
  };
  const s = store('');
  const panel = new AlertPanel(s, server);
  const box = panel.onAdd({} as never);
  return { s, panel, box, steps, rules };
}

describe('the alert panel', () => {
  it('shows who the alerts in force cover as the server counts it, and no step without a token', async () => {
    const { panel, box } = setUp(null);
    await panel.refresh();
    const coverage = box.querySelector<HTMLElement>('.coverage')!;
    expect(coverage.dataset.people).toBe('50000');
    expect(coverage.textContent).toContain('50,000');
    expect(box.querySelectorAll('[data-alert]')).toHaveLength(1);
    expect(box.querySelectorAll('button[data-step]:not([data-step=preview])')).toHaveLength(0);
  });

  it('offers each alert the steps its state allows, sends them, and shows a refusal as the server says it', async () => {
    const { panel, box, steps } = setUp('sitroom_x');
    await panel.refresh();
    const steps3 = [...box.querySelectorAll('[data-alert="3"] button')].map((b) => b.getAttribute('data-step'));
    const steps4 = [...box.querySelectorAll('.waiting [data-alert="4"] button')].map((b) => b.getAttribute('data-step'));
    expect(steps3).toEqual(['preview', 'cancel']);
    expect(steps4).toEqual(['preview', 'approve', 'reject']);
    expect(box.querySelector('[data-alert="3"] .alert-meta')!.textContent).toContain('998 delivered, 1 pending, 1 parked');
    box.querySelector<HTMLButtonElement>('[data-alert="4"] button[data-step=approve]')!.click();
    await new Promise((r) => setTimeout(r, 0));
    await panel.done;
    expect(steps).toEqual([[4, 'approve']]);
    expect(box.querySelector('.message')!.textContent).toBe('alert 4 was written by gis: a second editor approves it, not its author');
  });

  it('composes a rule from the form, saves and evaluates it, and previews the draft it makes', async () => {
    const { s, panel, box, rules } = setUp('sitroom_x');
    await panel.refresh();
    const form = box.querySelector<HTMLFormElement>('form.compose')!;
    const set = (name: string, v: string) => ((form.elements.namedItem(name) as HTMLInputElement).value = v);
    set('id', 'floods-sectors');
    set('title', 'Floods in sectors');
    set('at_least', '500');
    set('event.en', 'Flood');
    set('headline.en', 'Flood warning for {units}');
    set('instruction.en', 'Move to higher ground.');
    set('instruction.fr', 'Gagnez les hauteurs.');
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await new Promise((r) => setTimeout(r, 0));
    await panel.done;
    expect(rules).toHaveLength(1);
    const [id, spec] = rules[0] as [string, { condition: Record<string, unknown>; alert: Record<string, unknown> }];
    expect(id).toBe('floods-sectors');
    expect(spec.condition).toMatchObject({ level: 'sector', classes: ['high', 'medium'], measure: 'people', at_least: 500 });
    expect(spec.alert).toMatchObject({ event: { en: 'Flood' }, instruction: { en: 'Move to higher ground.', fr: 'Gagnez les hauteurs.' }, hours: 48, scope: 'Public', severity: 'Severe' });
    expect(s.alerts.preview?.id).toBe(4);
    expect(box.querySelector('.message')!.textContent).toContain('alert 4 drafted for 2 units');
    // What was typed stays across redraws.
    panel.render();
    expect((box.querySelector<HTMLFormElement>('form.compose')!.elements.namedItem('id') as HTMLInputElement).value).toBe('floods-sectors');
  });

  it('outlines a previewed alert on the map exactly as its CAP areas are', async () => {
    const { s, panel, box } = setUp('sitroom_x');
    await panel.refresh();
    box.querySelector<HTMLButtonElement>('[data-alert="4"] button[data-step=preview]')!.click();
    expect(s.alerts.preview?.id).toBe(4);
    const features = alertFeatures(s.alerts).features;
    const preview = features.filter((f) => f.properties?.part === 'preview');
    const inForce = features.filter((f) => f.properties?.part === 'in-force');
    expect(preview.map((f) => f.properties?.code)).toEqual(['1101', '1102']);
    expect(preview.map((f) => (f.geometry as { coordinates: unknown }).coordinates)).toEqual([[ring(30)], [ring(30.2)]]);
    expect(inForce.map((f) => [f.properties?.alert, f.properties?.severity])).toEqual([[3, 'Severe'], [3, 'Severe']]);
    expect(box.querySelectorAll('.alert-details .alert-units li')).toHaveLength(2);
    // A second click puts it away.
    box.querySelector<HTMLButtonElement>('[data-alert="4"] button[data-step=preview]')!.click();
    expect(s.alerts.preview).toBeNull();
  });
});
