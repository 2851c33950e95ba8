// Every colour in the palette: none written in the stylesheet or in other source files.
import { describe, expect, it } from 'vitest';
import { UI, installPalette } from './palette';
import css from './styles.css?raw';

const HEX = /#[0-9a-fA-F]{3,8}\b/g;
const files = import.meta.glob(['./**/*.ts', './**/*.css', '!./**/*.test.ts', '!./palette.ts', '!./test-support.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

describe('palette', () => {
  it('holds every colour of the pages', () => {
    expect(Object.keys(files)).toContain('./controls/legend.ts');
    expect(Object.keys(files)).toContain('./styles.css');
    const found = Object.entries(files).flatMap(([path, text]) => (text.match(HEX) ?? []).map((c) => `${path}: ${c}`));
    expect(found).toEqual([]);
  });

  it('defines every colour the stylesheet reads', () => {
    const used = new Set([...css.matchAll(/var\(--([a-z-]+)\)/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((v) => !(v in UI))).toEqual([]);
    installPalette(document.documentElement);
    expect(document.documentElement.style.getPropertyValue('--accent')).toBe(UI.accent);
  });
});

describe('palette check', () => {
  it('would find a colour written in the stylesheet', () => {
    expect(css.length).toBeGreaterThan(1000);
    expect(files['./styles.css']).toBe(css);
  });
});
