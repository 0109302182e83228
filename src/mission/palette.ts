/**
 * Pane colours. The order matters: orchestrators without an explicit colour
 * take palette entries in this order, so the first four are the most distinct.
 * Names are printed in these colours on the status bar and pane borders, so
 * each must stay readable on STATUS_BAR.bg (test/unit/palette.test.ts checks it):
 * Tailwind's 400 shades, since the 500 ones (indigo #6366f1: 3.4:1) are too dark.
 */
export const PALETTE: Readonly<Record<string, string>> = Object.freeze({
  indigo: '#818cf8',
  emerald: '#34d399',
  amber: '#fbbf24',
  rose: '#fb7185',
  sky: '#38bdf8',
  violet: '#a78bfa',
  lime: '#a3e635',
  orange: '#fb923c',
  teal: '#2dd4bf',
  fuchsia: '#e879f9',
  cyan: '#22d3ee',
  red: '#f87171',
  yellow: '#facc15',
  pink: '#f472b6',
  blue: '#60a5fa',
  green: '#4ade80',
  purple: '#c084fc',
  slate: '#94a3b8',
});

/**
 * The status bar of Flotilla sessions: neutral, dark, and the same on every
 * terminal theme, so coloured names read the same everywhere (tmux's default
 * green bar made emerald and sky unreadable). 256-colour terminals get
 * colour235 / colour252, the nearest entries.
 */
export const STATUS_BAR = Object.freeze({ bg: '#262626', fg: '#d0d0d0' });

/**
 * WCAG 2 minimum for normal text. Bold terminal text is not "large text" in
 * WCAG's sense (18.66 px bold), so the 3:1 allowance does not apply.
 */
export const MIN_CONTRAST = 4.5;

export const PALETTE_NAMES: readonly string[] = Object.keys(PALETTE);

const HEX = /^#[0-9a-f]{6}$/i;

/** "#RRGGBB" → "#rrggbb"; a palette name → its hex; anything else → undefined. */
export function resolveColor(input: string): string | undefined {
  const value = input.trim();
  if (HEX.test(value)) return value.toLowerCase();
  return PALETTE[value.toLowerCase()];
}

/**
 * The colour for an orchestrator without one: the first palette colour not in
 * `taken` (callers add each result to `taken`). Past the palette, hues step by
 * the golden angle, which keeps any number of them apart from each other.
 */
export function defaultColor(index: number, taken: Set<string>): string {
  for (const hex of Object.values(PALETTE)) if (!taken.has(hex)) return hex;
  // Bounded: the hues repeat past a few thousand (there are that many distinct ones), and then a repeat is fine.
  let hex = '';
  for (let step = 0; step < 4096; step++) {
    const hue = ((index + step) * 137.508) % 360;
    // 0.72 keeps the darkest hue (blue) at 4.8:1 on the status bar.
    const light = 0.72 + 0.08 * (((index + step) >> 3) % 2);
    hex = hslToHex(hue, 0.7, light);
    if (!taken.has(hex)) return hex;
  }
  return hex;
}

/** Blend a colour toward black: amount 0 leaves it, 1 gives black; 0.88 is a faint background shade. */
export function tint(hex: string, amount: number): string {
  const rgb = hexToRgb(hex);
  const keep = 1 - Math.min(Math.max(amount, 0), 1);
  return rgbToHex(rgb.map((c) => Math.round(c * keep)) as [number, number, number]);
}

/** WCAG 2 contrast ratio of two #rrggbb colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function luminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

function rgbToHex(rgb: [number, number, number]): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function hslToHex(hue: number, sat: number, light: number): string {
  const a = sat * Math.min(light, 1 - light);
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (light - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return rgbToHex([f(0), f(8), f(4)]);
}
