import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { packageRoot } from '../core/package-root.js';

export const LayoutSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  /** Where the status view goes: its own window, a pane beside the agents, or nowhere. */
  status: z.enum(['window', 'pane', 'none']),
  /** Agents per window; 0 puts them all in one window. */
  per_window: z.number().int().min(0),
  /** A tmux layout name applied to each agent window. */
  arrangement: z.enum(['tiled', 'main-vertical', 'main-horizontal', 'even-horizontal', 'even-vertical']),
});
export type Layout = z.output<typeof LayoutSchema>;

const layoutsDir = join(packageRoot, 'layouts');

export function layoutNames(): string[] {
  return readdirSync(layoutsDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

export function loadLayout(name: string): Layout {
  return LayoutSchema.parse(parse(readFileSync(join(layoutsDir, `${name}.yaml`), 'utf8')));
}

/** Split agents into windows per the layout: [[a,b,c,d],[e,f]] for grid. */
export function groupIntoWindows<T>(layout: Layout, agents: T[]): T[][] {
  const size = layout.per_window === 0 ? Math.max(agents.length, 1) : layout.per_window;
  const groups: T[][] = [];
  for (let i = 0; i < agents.length; i += size) groups.push(agents.slice(i, i + size));
  return groups;
}
