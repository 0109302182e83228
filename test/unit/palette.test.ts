import { describe, expect, test } from 'vitest';
import { MIN_CONTRAST, PALETTE, STATUS_BAR, contrastRatio, defaultColor, hexToRgb, resolveColor, tint } from '../../src/mission/palette.js';

describe('palette', () => {
  test('starts with indigo, emerald, amber, rose and has 16+ distinct colours', () => {
    expect(Object.entries(PALETTE).slice(0, 4)).toEqual([
      ['indigo', '#818cf8'],
      ['emerald', '#34d399'],
      ['amber', '#fbbf24'],
      ['rose', '#fb7185'],
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

  test('contrastRatio follows WCAG 2: 21 for black on white, 1 for a colour on itself', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#262626', '#262626')).toBe(1);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2); // WCAG's own borderline grey
  });

  // Names are drawn in these colours on the status bar, so each must read on its background:
  // 4.5:1 (WCAG normal text; a bold terminal cell is not WCAG "large text").
  test.each(Object.entries(PALETTE))('%s (%s) is readable on the status bar', (_name, hex) => {
    expect(contrastRatio(hex, STATUS_BAR.bg)).toBeGreaterThanOrEqual(MIN_CONTRAST);
  });

  test('the status bar text and the colours generated past the palette are readable too', () => {
    expect(contrastRatio(STATUS_BAR.fg, STATUS_BAR.bg)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    const taken = new Set<string>(Object.values(PALETTE));
    for (let i = 0; i < 360; i++) {
      const hex = defaultColor(i, taken);
      taken.add(hex);
      expect(contrastRatio(hex, STATUS_BAR.bg), hex).toBeGreaterThanOrEqual(MIN_CONTRAST);
    }
  });
});
