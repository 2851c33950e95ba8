import { describe, expect, it } from 'vitest';
import { fakeMap, store } from '../test-support';
import { LayerPanel } from './layer-panel';

describe('layer panel', () => {
  it('lists visible layers first, top first, then the rest; no boundaries', () => {
    const s = store('#layers=flood-zones,camps');
    const panel = new LayerPanel(s);
    const ul = panel.onAdd(fakeMap());
    const ids = [...ul.querySelectorAll('li')].map((li) => li.getAttribute('data-layer'));
    expect(ids.slice(0, 2)).toEqual(['camps', 'flood-zones']);
    expect(ids).not.toContain('rwa-districts');
    expect(ids).toContain('returnees');
  });

  it('ticks and unticks layers into the store and the link', () => {
    const s = store('#layers=flood-zones');
    const ul = new LayerPanel(s).onAdd(fakeMap());
    const box = ul.querySelector<HTMLInputElement>('[data-layer=camps] input[type=checkbox]')!;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    expect(s.state.layers).toEqual(['flood-zones', 'camps']);
    expect(s.link.hash).toContain('layers=flood-zones,camps');
    const flood = ul.querySelector<HTMLInputElement>('[data-layer=flood-zones] input[type=checkbox]')!;
    flood.checked = false;
    flood.dispatchEvent(new Event('change'));
    expect(s.state.layers).toEqual(['camps']);
  });

  it('keeps the opacity slider under the hand while it moves', () => {
    const s = store('#layers=flood-zones');
    const ul = new LayerPanel(s).onAdd(fakeMap());
    const slider = ul.querySelector<HTMLInputElement>('[data-layer=flood-zones] input[type=range]')!;
    slider.value = '0.3';
    slider.dispatchEvent(new Event('input'));
    expect(s.state.opacity['flood-zones']).toBe(0.3);
    expect(ul.querySelector('[data-layer=flood-zones] input[type=range]')).toBe(slider);
  });

  it('says a restricted layer without clearance is drawn as aggregates', () => {
    const ul = new LayerPanel(store('')).onAdd(fakeMap());
    expect(ul.querySelector('[data-layer=returnees] .note')?.textContent).toContain('under 5 withheld');
    expect(ul.querySelector('[data-layer=camps] .note')).toBeNull();
  });

  it('moves a layer up and down the drawing order', () => {
    const s = store('#layers=flood-zones,camps');
    const ul = new LayerPanel(s).onAdd(fakeMap());
    ul.querySelector<HTMLButtonElement>('[data-layer=flood-zones] button[aria-label^="Move Flood depth up"]')!.click();
    expect(s.state.layers).toEqual(['camps', 'flood-zones']);
  });

  it('stops following the store once removed', () => {
    const s = store('#layers=flood-zones');
    const panel = new LayerPanel(s);
    const ul = panel.onAdd(fakeMap());
    panel.onRemove();
    s.set({ layers: ['camps'] });
    expect(ul.querySelector('[data-layer=camps]')?.classList.contains('on')).toBe(false);
  });
});
