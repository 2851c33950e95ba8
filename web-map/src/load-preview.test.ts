import { describe, expect, it, vi } from 'vitest';
import { previewView } from './load-preview';
import { loadPreview as preview } from './test-support';
import type { LoadPreview } from './types';

const render = (p: LoadPreview, choose = vi.fn()) => {
  const box = document.createElement('div');
  box.append(...previewView(p, choose, document.createElement('div')));
  return box;
};

describe('load preview', () => {
  it('says what the load would store, and warns of a hazard layer with no class', () => {
    const box = render(preview());
    expect(box.querySelector('h3')?.textContent).toContain('ready to load');
    expect(box.querySelector('.summary')?.textContent).toContain('EPSG:32735');
    expect(box.querySelector('.summary')?.textContent).toContain('1,200 of 1,200 features would be stored');
    const hazard = box.querySelector('[data-column=hazard]');
    expect(hazard?.classList.contains('warn')).toBe(true);
    expect(hazard?.textContent).toContain('a hazard layer needs it');
    // The code is not needed in a hazard layer: no warning.
    expect(box.querySelector('[data-column=code]')?.classList.contains('warn')).toBe(false);
    expect(box.querySelector('figcaption')?.textContent).toBe('400 of 1,200 features drawn (one in every 3), simplified');
    expect(box.querySelector('tr[data-field=zone]')?.textContent).toContain('A, B');
  });

  it('lets a field found be chosen for a column', () => {
    const choose = vi.fn();
    const box = render(preview({ layer: { ...preview().layer, fields: { hazard: 'depth_m' } }, mapped: { ...preview().mapped, hazard_class: 1200 } }), choose);
    const depth = box.querySelector<HTMLSelectElement>('select[data-field=depth_m]');
    expect(depth?.value).toBe('hazard');
    expect(box.querySelector('[data-column=hazard]')?.textContent).toBe('Hazard value (from depth_m): 1,200 of 1,200 features in a hazard class');
    const zone = box.querySelector<HTMLSelectElement>('select[data-field=zone]');
    if (!zone) throw new Error('no picker');
    zone.value = 'name';
    zone.dispatchEvent(new Event('change'));
    expect(choose).toHaveBeenCalledWith('name', 'zone');
  });

  it('says why a load would be refused', () => {
    const box = render(preview({ would_load: false, why_not: '3 of 1200 features would be rejected' }));
    expect(box.querySelector('h3')?.textContent).toContain('would be refused');
    expect(box.querySelector('[role=alert]')?.textContent).toBe('3 of 1200 features would be rejected');
  });
});
