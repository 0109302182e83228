/**
 * Pane colours. The order matters: orchestrators without an explicit colour
 * take palette entries in this order, so the first four are the most distinct.
 */
export const PALETTE: Readonly<Record<string, string>> = Object.freeze({
  indigo: '#6366f1',
  emerald: '#10b981',
  amber: '#f59e0b',
  rose: '#f43f5e',
  sky: '#0ea5e9',
  violet: '#8b5cf6',
  lime: '#84cc16',
  orange: '#f97316',
  teal: '#14b8a6',
  fuchsia: '#d946ef',
  cyan: '#06b6d4',
  red: '#ef4444',
  yellow: '#eab308',
  pink: '#ec4899',
  blue: '#3b82f6',
  green: '#22c55e',
  purple: '#a855f7',
  slate: '#94a3b8',
});

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
  for (let step = 0; ; step++) {
    const hue = ((index + step) * 137.508) % 360;
    const light = 0.55 + 0.1 * (((index + step) >> 3) % 2);
    const hex = hslToHex(hue, 0.7, light);
    if (!taken.has(hex)) return hex;
  }
}

/** Blend a colour toward black: amount 0 leaves it, 1 gives black; 0.88 is a faint background shade. */
export function tint(hex: string, amount: number): string {
  const rgb = hexToRgb(hex);
  const keep = 1 - Math.min(Math.max(amount, 0), 1);
  return rgbToHex(rgb.map((c) => Math.round(c * keep)) as [number, number, number]);
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
