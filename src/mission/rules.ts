import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeDiagnostic, type Diagnostic } from './diagnostics.js';
import type { Locator, YamlPath } from './locate.js';
import { MIN_CONTRAST, PALETTE_NAMES, STATUS_BAR, contrastRatio, resolveColor } from './palette.js';
import type { AgentConfig, MissionDoc } from './schema.js';
import { closest, didYouMean } from './suggest.js';

/** Cross-field rules: what the schema alone cannot say. Each finding points at the offending node. */
export interface RuleContext {
  file: string;
  /** The mission file's directory; prompt files are relative to it. */
  dir: string;
  locator: Locator;
  roles: ReadonlySet<string>;
  layouts: readonly string[];
}

type Override = Partial<AgentConfig>;

/**
 * An orchestrator's agent: mission defaults with its override on top. When the
 * override switches kind, the defaults' command, args and model belonged to the
 * other CLI and would be wrong, so only env carries over.
 */
export function effectiveAgent(defaults: AgentConfig | undefined, override: Override | undefined): AgentConfig {
  const base: AgentConfig = defaults ?? { kind: 'claude' };
  if (!override) return { ...base };
  const sameKind = override.kind === undefined || override.kind === base.kind;
  const start: AgentConfig = sameKind ? { ...base } : { kind: override.kind!, ...(base.env ? { env: base.env } : {}) };
  const env = start.env || override.env ? { ...start.env, ...override.env } : undefined;
  return { ...start, ...override, kind: override.kind ?? base.kind, ...(env ? { env } : {}) };
}

export function checkRules(m: MissionDoc, ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (severity: Diagnostic['severity'], path: YamlPath, message: string, hint?: string, key = false) =>
    out.push(makeDiagnostic(ctx.file, key ? ctx.locator.key(path) : ctx.locator.value(path), severity, message, hint));
  const error = (path: YamlPath, message: string, hint?: string) => report('error', path, message, hint);
  const lineOf = (path: YamlPath) => ctx.locator.value(path).line;

  const tasks = m.tasks ?? [];
  const streams = m.streams ?? [];
  const roles = [...ctx.roles].sort();

  const unique = (items: { name: string; path: YamlPath }[], what: string, hint: string) => {
    const seen = new Map<string, YamlPath>();
    for (const { name, path } of items) {
      const first = seen.get(name);
      if (first) error(path, `duplicate ${what} "${name}" (first defined on line ${lineOf(first)})`, hint);
      else seen.set(name, path);
    }
  };
  unique(m.orchestrators.map((o, i) => ({ name: o.name, path: ['orchestrators', i, 'name'] })), 'orchestrator name', 'orchestrator names must be unique: rename one');
  unique(tasks.map((t, i) => ({ name: t.id, path: ['tasks', i, 'id'] })), 'task id', 'task ids must be unique: rename one');
  unique(streams.map((s, i) => ({ name: s.name, path: ['streams', i, 'name'] })), 'stream name', 'stream names must be unique: rename one');

  const orchestratorNames = new Set(m.orchestrators.map((o) => o.name));
  tasks.forEach((t, i) => {
    if (orchestratorNames.has(t.id))
      error(['tasks', i, 'id'], `task id "${t.id}" is also an orchestrator name`, `both would become the branch flotilla/${m.name}/${t.id}: rename the task or the orchestrator`);
  });

  const checkRole = (role: string | undefined, path: YamlPath) => {
    if (role === undefined || ctx.roles.has(role)) return;
    const near = closest(role, roles);
    error(path, `unknown role "${role}"`, near ? `did you mean "${near}"?` : `known roles: ${roles.join(', ')}; or add roles/${role}.md next to the mission file`);
  };
  m.orchestrators.forEach((o, i) => checkRole(o.role, ['orchestrators', i, 'role']));
  tasks.forEach((t, i) => checkRole(t.role, ['tasks', i, 'role']));

  const colorOwners = new Map<string, string>();
  m.orchestrators.forEach((o, i) => {
    if (o.color === undefined) return;
    const hex = resolveColor(o.color);
    const path = ['orchestrators', i, 'color'];
    if (!hex) {
      const near = closest(o.color, PALETTE_NAMES);
      error(path, `invalid color "${o.color}"`, near ? `did you mean "${near}"?` : `use "#rrggbb" or a palette name: ${PALETTE_NAMES.join(', ')}`);
      return;
    }
    const contrast = contrastRatio(hex, STATUS_BAR.bg);
    if (contrast < MIN_CONTRAST)
      report('warning', path, `color ${hex} of "${o.name}" is hard to read on the status bar (contrast ${contrast.toFixed(1)}:1, under ${MIN_CONTRAST}:1)`, `pick a lighter color, or a palette name: ${PALETTE_NAMES.join(', ')}`);
    const owner = colorOwners.get(hex);
    if (owner) report('warning', path, `orchestrator "${o.name}" has the same color as "${owner}" (${hex})`, 'pick another color, or drop "color:" to get a distinct one from the palette');
    else colorOwners.set(hex, o.name);
  });

  if (m.layout !== undefined && !ctx.layouts.includes(m.layout))
    error(['layout'], `unknown layout "${m.layout}"`, didYouMean(m.layout, ctx.layouts));

  const agentPath = (i: number): YamlPath =>
    m.orchestrators[i]?.agent?.kind !== undefined ? ['orchestrators', i, 'agent', 'kind'] : m.agent ? ['agent', 'kind'] : ['orchestrators', i];
  m.orchestrators.forEach((o, i) => {
    const agent = effectiveAgent(m.agent, o.agent);
    if (agent.kind === 'generic' && !agent.command)
      error(agentPath(i), `orchestrator "${o.name}" uses agent kind "generic" without a "command"`, 'add "command: <executable>" to the agent; generic agents have no default command');
  });
  const maxActive = m.dispatch?.max_active;
  if (maxActive !== undefined && maxActive > m.orchestrators.length)
    report('warning', ['dispatch', 'max_active'], `max_active is ${maxActive} but there are only ${m.orchestrators.length} orchestrators`, 'at most one task runs per orchestrator; lower max_active or add orchestrators');

  const streamNames = streams.map((s) => s.name);
  tasks.forEach((t, i) => {
    if (t.stream === undefined || streamNames.includes(t.stream)) return;
    error(['tasks', i, 'stream'], `task "${t.id}" is in unknown stream "${t.stream}"`,
      streamNames.length ? didYouMean(t.stream, streamNames, 'declared streams') : `declare it under "streams:", e.g. { name: ${t.stream}, phase: foundation }`);
  });
  if (streams.length > 0 && !streams.some((s) => s.phase === 'foundation'))
    report('error', ['streams'], 'no stream has phase "foundation"', 'parallel streams start after the foundation streams finish: mark the stream(s) that must come first with "phase: foundation"', true);

  tasks.forEach((t, i) => {
    if (t.prompt !== undefined && t.prompt_file !== undefined)
      error(['tasks', i, 'prompt_file'], `task "${t.id}" has both "prompt" and "prompt_file"`, 'keep one: the inline "prompt:" or the "prompt_file:"');
    else if (t.prompt_file !== undefined) {
      const file = resolve(ctx.dir, t.prompt_file);
      const problem = unreadableFile(file);
      if (problem === 'missing') error(['tasks', i, 'prompt_file'], `prompt file "${t.prompt_file}" not found (looked for ${file})`, 'prompt_file is relative to the mission file: fix the path or create the file');
      else if (problem) error(['tasks', i, 'prompt_file'], `prompt file "${t.prompt_file}" ${problem} (${file})`, 'prompt_file must name a readable file, relative to the mission file');
    }
  });

  checkDeps(m, error);
  return out;
}

/** Why a file cannot be read as a prompt: 'missing', 'is a directory', …; undefined when it can. */
function unreadableFile(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return 'missing';
  if (st.isDirectory()) return 'is a directory, not a file';
  if (!st.isFile()) return 'is not a regular file';
  try {
    accessSync(file, constants.R_OK);
  } catch {
    return 'cannot be read (permission denied)';
  }
  return undefined;
}

function checkDeps(m: MissionDoc, error: (path: YamlPath, message: string, hint?: string) => void): void {
  const tasks = m.tasks ?? [];
  const index = new Map<string, number>();
  tasks.forEach((t, i) => index.has(t.id) || index.set(t.id, i));
  const ids = [...index.keys()];
  const edges = new Map<string, { to: string; path: YamlPath }[]>();
  tasks.forEach((t, i) => {
    (t.deps ?? []).forEach((dep, j) => {
      const path = ['tasks', i, 'deps', j];
      if (dep === t.id) error(path, `task "${t.id}" depends on itself`, `remove "${dep}" from its deps`);
      else if (!index.has(dep)) error(path, `task "${t.id}" depends on unknown task "${dep}"`, didYouMean(dep, ids, 'task ids are'));
      else if (index.get(t.id) === i) edges.set(t.id, [...(edges.get(t.id) ?? []), { to: dep, path }]);
    });
  });

  // Depth-first search; a dependency back to a task still on the stack closes a cycle.
  const state = new Map<string, 'active' | 'done'>();
  const stack: { id: string; path?: YamlPath }[] = [];
  const visit = (id: string) => {
    state.set(id, 'active');
    for (const edge of edges.get(id) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'active') {
        const from = stack.findIndex((s) => s.id === edge.to);
        const cycle = [...stack.slice(from).map((s) => s.id), id, edge.to];
        const at = stack[from]?.path ?? edge.path;
        error(at, `dependency cycle: ${cycle.join(' -> ')}`, 'tasks in a cycle can never start: remove one of these dependencies');
      } else if (seen === undefined) {
        stack.push({ id, path: edge.path });
        visit(edge.to);
        stack.pop();
      }
    }
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
}
