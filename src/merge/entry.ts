/** A finished task waiting to land: its branch's commit as its agent left it. */
export interface MergeEntry {
  task: string;
  orchestrator: string;
  head: string;
  title: string;
  summary: string;
  priority: number;
  /** Order of arrival: among equal priorities, first come first served. */
  seq: number;
  /** When it joined the queue (ms); also the date of the commit it lands as, so a rebuilt candidate is the same commit. */
  at: number;
}

/** What a test run of a candidate came to. */
export interface TestOutcome {
  passed: boolean;
  /** "exit 1", "killed by SIGTERM", "timed out after 600 s" */
  summary: string;
  /** The whole output, in a log file of its own per attempt. */
  log: string;
  /** The last lines of the output (at most 60). */
  tail: string[];
  ms: number;
  /** Not the candidate's fault (a test slot could not be prepared): the queue holds instead of blaming anyone. */
  infra?: string;
}

/** Why the queue turned a task down; what its agent is told. */
export type Rejection =
  | { kind: 'test'; command: string; outcome: TestOutcome; candidate: string; ahead: string[]; batch: string[] }
  | { kind: 'conflict'; files: string[]; ahead: string[] };

/**
 * A candidate under test: one or more entries (a batch) built on the nearest
 * non-failing item ahead of it, or on the base.
 *
 *   waiting ─test─▶ testing ─pass─▶ passed ─at the front─▶ landed (gone)
 *      ▲  └─────────────┴─fail (after retries)─▶ failed ─at the front─▶ rejected, or split in two
 *      └── its parent changed (an item ahead failed, landed elsewhere, the base moved): built and tested again
 *
 * A `suspect` item is the second half of a failed batch: never tested while the
 * first half is; at the front, when that half landed, it is the culprit.
 */
export type ItemState = 'waiting' | 'testing' | 'passed' | 'failed';

export interface MergeItem {
  id: number;
  entries: MergeEntry[];
  state: ItemState;
  /** The commit it is built on (undefined: not built yet). */
  parent?: string;
  candidate?: { commit: string; tree: string; parts: { task: string; commit: string | null }[] };
  /** The build met a conflict: this entry's files (the item then holds that entry alone). */
  conflict?: { task: string; files: string[] };
  failure?: TestOutcome;
  /** Test runs of the current candidate so far (retries for flaky tests). */
  tries: number;
  /** The tasks of the first half of the failed batch this item is the rest of. */
  suspectOf?: string[];
  /** The failed batch's test, for the culprit's feedback. */
  blame?: { outcome: TestOutcome; candidate: string; batch: string[] };
  /** The test run under way: its token and how to call it off. */
  run?: object;
  cancel?: () => void;
}
