import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node, type Pair } from 'yaml';

export type YamlPath = readonly PropertyKey[];
export interface Position {
  line: number;
  col: number;
}
export interface YamlProblem extends Position {
  code: string;
  message: string;
}

/** Maps paths in the parsed data back to 1-based line:col in the YAML text. */
export interface Locator {
  /** The value at `path`; when it is missing, the deepest node that exists on the way. */
  value(path: YamlPath): Position;
  /** The key of the last segment of `path` (falls back like `value`). */
  key(path: YamlPath): Position;
}

export interface ParsedYaml {
  doc: Document;
  locator: Locator;
  /** Line:col of an offset in the text. */
  at: (offset: number) => Position;
  errors: YamlProblem[];
  warnings: YamlProblem[];
}

const START: Position = { line: 1, col: 1 };

/** More expansions of aliases (*name) than this is refused: a few lines can otherwise expand to gigabytes. */
export const MAX_ALIAS_EXPANSIONS = 100;

/**
 * The document as plain data, or the problem that stops it: an alias with no
 * anchor before it, or too many alias expansions, each at the alias it is about.
 */
export function toData(parsed: ParsedYaml): { data: unknown } | { problem: YamlProblem } {
  try {
    return { data: parsed.doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) };
  } catch (err) {
    const aliases: Alias[] = [];
    visit(parsed.doc, { Alias: (_key, node) => void aliases.push(node) });
    const unresolved = aliases.find((a) => a.resolve(parsed.doc) === undefined);
    const where = (a: Alias | undefined) => (a?.range ? parsed.at(a.range[0]) : START);
    if (unresolved) return { problem: { ...where(unresolved), code: 'UNRESOLVED_ALIAS', message: `the alias *${unresolved.source} has no anchor &${unresolved.source} before it` } };
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message)) return { problem: { ...where(aliases[0]), code: 'ALIAS_COUNT', message: `the aliases (*name) expand to more than ${MAX_ALIAS_EXPANSIONS} copies` } };
    return { problem: { ...START, code: 'YAML', message } };
  }
}

export function parseYaml(text: string, lineOffset = 0): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + lineOffset, col: p.col };
  };
  const problem = (e: { code: string; message: string; pos: [number, number] }): YamlProblem => ({
    ...pos(e.pos[0]),
    code: e.code,
    message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
  });
  return {
    doc,
    at: pos,
    locator: createLocator(doc, pos),
    errors: doc.errors.map(problem),
    warnings: doc.warnings.map(problem),
  };
}

interface Step {
  node: Node | null;
  pair?: Pair;
}

function createLocator(doc: Document, pos: (offset: number) => Position): Locator {
  const walk = (path: YamlPath): Step[] => {
    const steps: Step[] = [{ node: doc.contents }];
    for (const segment of path) {
      const here = steps[steps.length - 1]!.node;
      if (isMap(here)) {
        const pair = here.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        steps.push({ node: (pair.value as Node | null) ?? null, pair });
      } else if (isSeq(here) && typeof segment === 'number') {
        const item = here.items[segment] as Node | undefined;
        if (!item) break;
        steps.push({ node: item });
      } else break;
    }
    return steps;
  };
  const keyPos = (pair: Pair | undefined): Position | undefined => {
    const key = pair?.key as Node | undefined;
    return key?.range ? pos(key.range[0]) : undefined;
  };
  const nodePos = (step: Step): Position | undefined => {
    const { node, pair } = step;
    const empty = !node || (isScalar(node) && node.value === null && !node.source);
    const block = (isMap(node) || isSeq(node)) && !node.flow;
    // An empty value has no text of its own, and a block collection starts on the next line: point at its key.
    if ((empty || block) && keyPos(pair)) return keyPos(pair);
    return node?.range ? pos(node.range[0]) : undefined;
  };
  const deepest = (steps: Step[], wantKey: boolean, complete: boolean): Position => {
    const last = steps[steps.length - 1]!;
    if (wantKey && complete) return keyPos(last.pair) ?? nodePos(last) ?? START;
    for (let i = steps.length - 1; i >= 0; i--) {
      const found = nodePos(steps[i]!);
      if (found) return found;
    }
    return START;
  };
  return {
    value: (path) => {
      const steps = walk(path);
      return deepest(steps, false, steps.length === path.length + 1);
    },
    key: (path) => {
      const steps = walk(path);
      return deepest(steps, true, steps.length === path.length + 1);
    },
  };
}
