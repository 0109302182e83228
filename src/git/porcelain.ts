/** Parsers for git's machine-readable (`-z`) output. Pure, so they are unit-tested without git. */

export interface WorktreeEntry {
  path: string;
  /** Short branch name; undefined when detached or bare. */
  branch?: string;
  /** Commit sha; empty for a bare repository's entry. */
  head: string;
  locked: boolean;
  prunable: boolean;
}

/** `git worktree list --porcelain -z`: records end with an empty field, attributes are `key value`. */
export function parseWorktreeList(out: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (current) entries.push(current);
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      if (current) entries.push(current);
      current = { path: value, head: '', locked: false, prunable: false };
    } else if (current) {
      if (key === 'HEAD') current.head = value;
      else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'locked') current.locked = true;
      else if (key === 'prunable') current.prunable = true;
    }
  }
  if (current) entries.push(current);
  return entries;
}

/**
 * `git status --porcelain -z`: each entry is `XY path`; renames and copies are
 * followed by one more field holding the old path, which is not a separate change.
 */
export function parseStatus(out: string): string[] {
  const files: string[] = [];
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? '';
    if (field.length < 4) continue;
    files.push(field.slice(3));
    if (field[0] === 'R' || field[0] === 'C') i++;
  }
  return files;
}

/**
 * `git merge-tree --write-tree --name-only -z`: the tree id, then (on conflict)
 * the conflicted paths, then an empty field before the informational messages.
 */
export function parseMergeTree(out: string): { tree: string; conflicts: string[] } {
  const head = out.split('\0\0')[0] ?? '';
  const [tree = '', ...paths] = head.split('\0');
  return { tree: tree.trim(), conflicts: [...new Set(paths.filter((p) => p !== ''))] };
}

/** The `.git/info/exclude` line that hides `rel` (a directory relative to the repo root), anchored at the root. */
export function excludePattern(rel: string): string {
  const trimmed = rel.replace(/^\/+|\/+$/g, '');
  // Escape gitignore glob characters so an odd directory name matches only itself.
  const escaped = trimmed.replace(/[\\*?[]/g, (c) => `\\${c}`).replace(/ $/, '\\ ');
  return `/${escaped}/`;
}
