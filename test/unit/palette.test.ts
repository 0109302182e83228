import { describe, expect, test } from 'vitest';
import { PALETTE, defaultColor, hexToRgb, resolveColor, tint } from '../../src/mission/palette.js';

describe('palette', () => {
  test('starts with indigo, emerald, amber, rose and has 16+ distinct colours', () => {
    expect(Object.entries(PALETTE).slice(0, 4)).toEqual([
      ['indigo', '#6366f1'],
      ['emerald', '#10b981'],
      ['amber', '#f59e0b'],
      ['rose', '#f43f5e'],
    ]);
    const hexes = Object.values(PALETTE);
    expect(hexes.length).toBeGreaterThanOrEqual(16);
    expect(new Set(hexes).size).toBe(hexes.length);
    for (const hex of hexes) expect(hex).toMatch(/^#[0-9a-f]{6}$/);
  });

  test('resolveColor: hex lowercased, names case-insensitive, junk rejected', () => {
    expect(resolveColor('#ABCDEF')).toBe('#abcdef');
    expect(resolveColor('Sky')).toBe(PALETTE.sky);
    expect(resolveColor('#12345')).toBeUndefined();
    expect(resolveColor('blurple')).toBeUndefined();
  });

  test('defaultColor skips colours already taken, in palette order', () => {
    const taken = new Set([PALETTE.indigo!, PALETTE.amber!]);
    const first = defaultColor(0, taken);
    taken.add(first);
    const second = defaultColor(1, taken);
    expect([first, second]).toEqual([PALETTE.emerald, PALETTE.rose]);
  });

  test('beyond the palette, generated colours stay distinct', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 60; i++) taken.add(defaultColor(i, taken));
    expect(taken.size).toBe(60);
    for (const hex of taken) expect(hex).toMatch(/^#[0-9a-f]{6}$/);
  });

  test('tint blends toward black', () => {
    expect(tint('#ffffff', 0)).toBe('#ffffff');
    expect(tint('#ffffff', 1)).toBe('#000000');
    expect(tint('#6366f1', 0.88)).toBe('#0c0c1d');
    const [r, g, b] = hexToRgb(tint(PALETTE.rose!, 0.88));
    expect(Math.max(r, g, b)).toBeLessThan(40);
  });
});
