export class DependencyCycleError extends Error {
  override name = 'DependencyCycleError';
  /** The cycle as a path that starts and ends at the same task, each depending on the next. */
  constructor(readonly cycle: string[]) {
    super(`dependency cycle: ${cycle.join(' -> ')}`);
  }
}

export class UnknownDependencyError extends Error {
  override name = 'UnknownDependencyError';
  constructor(readonly task: string, readonly dep: string) {
    super(`task "${task}" depends on unknown task "${dep}"`);
  }
}

export class UnknownTaskError extends Error {
  override name = 'UnknownTaskError';
  constructor(readonly task: string) {
    super(`no task "${task}"`);
  }
}

export class DuplicateTaskError extends Error {
  override name = 'DuplicateTaskError';
  constructor(readonly task: string) {
    super(`task "${task}" already exists`);
  }
}

/**
 * Tasks and the tasks they depend on. Every change is checked before it is
 * kept: an unknown dependency or a cycle leaves the graph as it was.
 */
export class TaskGraph {
  /** id -> its deps, in insertion order. */
  private readonly deps = new Map<string, string[]>();
  private readonly dependents = new Map<string, string[]>();

  has(id: string): boolean {
    return this.deps.has(id);
  }

  ids(): string[] {
    return [...this.deps.keys()];
  }

  depsOf(id: string): readonly string[] {
    return this.deps.get(id) ?? [];
  }

  dependentsOf(id: string): readonly string[] {
    return this.dependents.get(id) ?? [];
  }

  add(id: string, deps: readonly string[]): void {
    this.addAll([{ id, deps }]);
  }

  /**
   * Add several tasks at once; their deps may point at each other in any
   * order. Returns the new ids in an order in which each comes after its deps.
   */
  addAll(nodes: readonly { id: string; deps: readonly string[] }[]): string[] {
    const order = this.check(nodes);
    const byId = new Map(nodes.map((n) => [n.id, n.deps]));
    for (const id of order) this.link(id, [...new Set(byId.get(id) ?? [])]);
    return order;
  }

  /** What `addAll` would do, without doing it: throws as it would, or returns the order it would add in. */
  check(nodes: readonly { id: string; deps: readonly string[] }[]): string[] {
    const batch = new Map<string, string[]>();
    for (const n of nodes) {
      if (this.deps.has(n.id) || batch.has(n.id)) throw new DuplicateTaskError(n.id);
      batch.set(n.id, [...new Set(n.deps)]);
    }
    for (const [id, deps] of batch) {
      for (const d of deps) if (d !== id && !this.deps.has(d) && !batch.has(d)) throw new UnknownDependencyError(id, d);
    }
    const inBatch = (id: string) => (batch.get(id) ?? []).filter((d) => batch.has(d));
    // Existing nodes cannot depend on new ones, so any cycle lies within the batch.
    const cycle = findCycle([...batch.keys()], inBatch);
    if (cycle) throw new DependencyCycleError(cycle);
    return topoSort([...batch.keys()], inBatch);
  }

  /** Make `id` also depend on `dep`; rejected if that would close a cycle. */
  addDep(id: string, dep: string): void {
    if (!this.deps.has(id)) throw new UnknownTaskError(id);
    if (!this.deps.has(dep)) throw new UnknownDependencyError(id, dep);
    const deps = this.deps.get(id) ?? [];
    if (deps.includes(dep)) return;
    // The new edge id -> dep closes a cycle exactly when dep already reaches id.
    const path = this.path(dep, id);
    if (path) throw new DependencyCycleError([id, ...path]);
    deps.push(dep);
    this.dependents.get(dep)?.push(id);
  }

  /** Every id after all of its deps; ties keep insertion order. */
  topologicalOrder(): string[] {
    return topoSort(this.ids(), (id) => this.depsOf(id));
  }

  /** Everything that depends on `id`, directly or not, in topological order. */
  descendants(id: string): string[] {
    const seen = new Set<string>();
    const stack = [...this.dependentsOf(id)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.dependentsOf(next));
    }
    return this.topologicalOrder().filter((t) => seen.has(t));
  }

  /** Everything `id` depends on, directly or not. */
  ancestors(id: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...this.depsOf(id)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.depsOf(next));
    }
    return seen;
  }

  private link(id: string, deps: string[]): void {
    this.deps.set(id, deps);
    this.dependents.set(id, []);
    for (const d of deps) this.dependents.get(d)?.push(id);
  }

  /** A dependency path from `from` to `to` (both included), if there is one. */
  private path(from: string, to: string): string[] | undefined {
    const parent = new Map<string, string>();
    const queue = [from];
    const seen = new Set([from]);
    while (queue.length > 0) {
      const cur = queue.shift()!;
      if (cur === to) {
        const path = [cur];
        for (let p = parent.get(cur); p !== undefined; p = parent.get(p)) path.unshift(p);
        return path;
      }
      for (const d of this.depsOf(cur)) {
        if (!seen.has(d)) {
          seen.add(d);
          parent.set(d, cur);
          queue.push(d);
        }
      }
    }
    return undefined;
  }
}

/** Depth-first search; an edge back to a node still on the stack closes a cycle. */
function findCycle(ids: string[], depsOf: (id: string) => readonly string[]): string[] | undefined {
  const done = new Set<string>();
  const onStack = new Map<string, number>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    onStack.set(id, stack.length);
    stack.push(id);
    for (const d of depsOf(id)) {
      const at = onStack.get(d);
      if (at !== undefined) return [...stack.slice(at), d];
      if (!done.has(d)) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    onStack.delete(id);
    done.add(id);
    return undefined;
  };
  for (const id of ids) {
    if (done.has(id)) continue;
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/** Kahn's algorithm, always taking the earliest-inserted node that is free. */
function topoSort(ids: string[], depsOf: (id: string) => readonly string[]): string[] {
  const index = new Map(ids.map((id, i) => [id, i]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids) {
    const inside = depsOf(id).filter((d) => index.has(d));
    waiting.set(id, inside.length);
    for (const d of inside) dependents.get(d)!.push(id);
  }
  const free = ids.filter((id) => waiting.get(id) === 0);
  const out: string[] = [];
  while (free.length > 0) {
    free.sort((a, b) => index.get(a)! - index.get(b)!);
    const id = free.shift()!;
    out.push(id);
    for (const t of dependents.get(id)!) {
      const left = waiting.get(t)! - 1;
      waiting.set(t, left);
      if (left === 0) free.push(t);
    }
  }
  return out;
}
