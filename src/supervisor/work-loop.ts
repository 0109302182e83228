import { readFile, realpath, rm } from 'node:fs/promises';
import { writeJsonAtomic } from '../core/state-file.js';
import { isNoSpace, writeFailure } from '../core/write-errors.js';
import { oneLine } from '../core/terminal-text.js';
import { sessionName } from '../core/paths.js';
import { leftoversRef, releaseTaskBranch, switchToTaskBranch } from '../git/task-branch.js';
import type { Mission } from '../mission/schema.js';
import type { Role } from '../roles/catalog.js';
import { currentTaskFile, pendingSignals, type Signal } from '../signals/inbox.js';
import type { TaskQueue } from '../tasks/queue.js';
import type { Task } from '../tasks/task.js';
import { deliver } from '../tmux/deliver.js';
import type { TmuxServer } from '../tmux/server.js';
import { pickOrchestrator, type Candidate } from './dispatch.js';
import { quoteScreen } from './attention.js';
import { composePrompt } from './prompt.js';
import type { OrchestratorRuntime } from './status.js';
import type { SimScript } from './work-types.js';

export interface WorkLoopDeps {
  mission: Mission;
  stateDir: string;
  tmux: TmuxServer;
  /** Runs a tmux command on the control client when there is one. */
  command?: (args: string[]) => Promise<unknown>;
  /** Runs an if-shell there (see ControlClient.conditional). */
  conditional?: (args: string[]) => Promise<unknown>;
  runtime: Map<string, OrchestratorRuntime>;
  queue: TaskQueue;
  /** Resolves once every task event so far is on disk: nothing is acted on before it is logged. */
  flush: () => Promise<void>;
  log: (message: string) => void;
  roles: Map<string, Role>;
  paused: () => boolean;
  /** The last non-empty lines on a pane's screen. */
  lastLines: (pane: string) => Promise<string[]>;
  /** Restart an orchestrator's agent in its pane (respawn-pane -k). */
  respawn: (rt: OrchestratorRuntime) => Promise<void>;
  /** A state file could not be written (a full disk): the supervisor pauses dispatch until it can. */
  writeFailed: (err: unknown) => void;
  /** A task went to the merge queue (the mission has a merge test). */
  queuedForMerge?: (task: Task) => void;
  /** The commit a branch points at now (what a finished task hands to the merge queue). */
  branchHead?: (branch: string) => Promise<string>;
  now: () => number;
}

/** Consecutive crashes after which an orchestrator goes offline (the circuit breaker). */
export const MAX_CRASHES = 3;
const RESPAWN_BASE_MS = 1000;
/** An agent that lived this long since its (re)start was healthy: its earlier crashes no longer count. */
export const HEALTHY_AFTER_MS = 10 * 60_000;

/**
 * Drives tasks through the fleet: takes agents' signals from the inbox,
 * hands ready tasks to free orchestrators, and recovers from crashes, stalls
 * and timeouts. Every decision is a queue transition, logged before it is
 * acted on, so a restarted supervisor replays the log and carries on.
 */
export class WorkLoop {
  private lastAssigned = -1;
  private running = false;
  private again = false;

  constructor(private readonly d: WorkLoopDeps) {}

  /** Run one pass; calls made while a pass runs fold into one more pass. */
  async tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        // Events an earlier pass could not write (a full disk) go first: nothing is acted on before it is logged.
        await this.d.flush();
        await this.takeSignals();
        await this.recover();
        await this.dispatch();
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  private async takeSignals(): Promise<void> {
    for (const { file, signal } of await pendingSignals(this.d.stateDir)) {
      await this.apply(signal);
      await this.d.flush();
      await rm(file, { force: true });
    }
  }

  private async apply(signal: Signal): Promise<void> {
    const held = this.d.queue.heldBy(signal.orchestrator);
    if (signal.kind === 'note') {
      this.d.log(`${signal.orchestrator}${held ? ` [${held.id}]` : ''}: note: ${oneLine(signal.text)}`);
      return;
    }
    if (!held || (signal.task !== null && signal.task !== held.id)) {
      this.d.log(`${signal.orchestrator}: ignored "${signal.kind}" for ${signal.task ?? 'no task'} (holding ${held?.id ?? 'nothing'})`);
      return;
    }
    if (held.state === 'assigned') this.d.queue.start(held.id);
    if (signal.kind === 'done') {
      // What lands is the branch as it is now: later commits (of another task, after a switch) are not taken.
      const head = this.d.queue.mergeGate && this.d.branchHead ? await this.d.branchHead(`flotilla/${this.d.mission.name}/${held.id}`) : undefined;
      const after = this.d.queue.complete(held.id, signal.summary, head);
      this.d.log(`${signal.orchestrator}: ${held.id} done: ${oneLine(signal.summary)}${after.state === 'queued' ? `; queued for merge at ${after.head.slice(0, 12)}` : ''}`);
      if (after.state === 'queued') this.d.queuedForMerge?.(after);
    } else {
      const after = this.d.queue.fail(held.id, signal.reason);
      this.d.log(`${signal.orchestrator}: ${held.id} failed (${oneLine(signal.reason)}); now ${after.state}`);
    }
    const rt = this.d.runtime.get(signal.orchestrator);
    if (rt) {
      rt.crashes = 0;
      rt.nudgedAt = undefined;
    }
    void rm(currentTaskFile(this.d.stateDir, signal.orchestrator), { force: true });
  }

  private async recover(): Promise<void> {
    const now = this.d.now();
    for (const task of this.d.queue.expired(now)) {
      const rt = this.d.runtime.get(task.orchestrator ?? '');
      const after = this.d.queue.timeout(task.id, this.d.mission.dispatch.onTimeout);
      this.d.log(`${task.id}: timed out on ${task.orchestrator}; ${after.state === 'pending' ? 'requeued' : 'given up'}`);
      if (rt && !rt.dead) await this.restart(rt, 'its task timed out');
    }
    for (const rt of this.d.runtime.values()) {
      if (rt.offline) continue;
      if (rt.dead) await this.onDead(rt, now);
      else if (this.stuck(rt, now)) await this.onStalled(rt, now);
      else if (rt.redeliver === 'resume' && rt.state === 'working') rt.redeliver = undefined; // it had the prompt after all
      else if (rt.redeliver && rt.state === 'idle') await this.redeliver(rt);
    }
  }

  /**
   * Respawn in place with backoff; after MAX_CRASHES in a row the orchestrator goes offline and its
   * task returns to the queue. "In a row": a crash after a healthy stretch starts the count again.
   */
  private async onDead(rt: OrchestratorRuntime, now: number): Promise<void> {
    const name = rt.orchestrator.name;
    if (rt.respawnAt === undefined) {
      if (rt.crashes && now - rt.seenAt >= HEALTHY_AFTER_MS) {
        this.d.log(`${name}: ran ${Math.round((now - rt.seenAt) / 60_000)} min since its last start; its ${rt.crashes} earlier crash(es) no longer count`);
        rt.crashes = 0;
      }
      rt.crashes = (rt.crashes ?? 0) + 1;
      const exit = rt.exitSignal ? `signal ${rt.exitSignal}` : `exit ${rt.exitStatus ?? '?'}`;
      if (rt.crashes >= MAX_CRASHES) {
        this.goOffline(rt, `crashed ${rt.crashes} times in a row`, `${exit}${quoteScreen(rt.lastLines)}`);
        return;
      }
      const delay = RESPAWN_BASE_MS * 2 ** (rt.crashes - 1);
      rt.respawnAt = now + delay;
      this.d.log(`${name}: agent exited (${exit}); respawning in ${delay} ms${quoteScreen(rt.lastLines)}`);
      return;
    }
    if (now < rt.respawnAt) return;
    rt.respawnAt = undefined;
    await this.restart(rt, `crash ${rt.crashes}`);
  }

  /** Silent while working, or back at its prompt for a long while without saying the task is done. */
  private stuck(rt: OrchestratorRuntime, now: number): boolean {
    const task = this.d.queue.heldBy(rt.orchestrator.name);
    if (!task || rt.delivering || rt.redeliver) return false;
    if (rt.state === 'stalled') return true;
    const worked = Math.max(rt.workedAt ?? 0, rt.screen?.state === 'working' ? rt.screen.at : 0);
    return rt.state === 'idle' && now - Math.max(task.since, worked) > this.d.mission.dispatch.stallAfterS * 1000;
  }

  /**
   * Nudge once; still stuck after that, the attempt fails (retried while the
   * task has retries) and the agent restarts, counting against the breaker:
   * an agent that can never report (its `flotilla` calls fail) stops instead
   * of looping. The log quotes its screen, which usually says why.
   */
  private async onStalled(rt: OrchestratorRuntime, now: number): Promise<void> {
    const name = rt.orchestrator.name;
    const task = this.d.queue.heldBy(name)!;
    const stallMs = this.d.mission.dispatch.stallAfterS * 1000;
    if (rt.nudgedAt === undefined) {
      rt.nudgedAt = now;
      // What the screen said before the nudge covers it: usually why it stalled ("command not found").
      rt.stallScreen = rt.pane ? await this.d.lastLines(rt.pane).catch(() => []) : [];
      this.d.log(`${name}: stalled on ${task.id}; nudging`);
      const text = `Are you still working on task ${task.id}? If it is finished, run flotilla done --summary "..." as a command of its own. If you are stuck, run flotilla fail --reason "...".`;
      await this.send(rt, text);
    } else if (now - rt.nudgedAt > stallMs) {
      rt.nudgedAt = undefined;
      const why = `no report after a nudge${quoteScreen(rt.stallScreen)}`;
      const after = this.d.queue.fail(task.id, why);
      this.d.log(`${name}: still stalled on ${task.id} (${why}); attempt ${task.attempts} failed, task now ${after.state}`);
      rt.crashes = (rt.crashes ?? 0) + 1;
      if (rt.crashes >= MAX_CRASHES) {
        this.goOffline(rt, `stalled ${rt.crashes} times in a row`, why);
        return;
      }
      await this.restart(rt, `still stalled on ${task.id} after a nudge`);
    }
  }

  /** The circuit breaker: no more work for this orchestrator; its task returns to the queue for the others. */
  private goOffline(rt: OrchestratorRuntime, why: string, detail: string): void {
    rt.offline = true;
    const released = this.d.queue.release(rt.orchestrator.name);
    this.d.log(`${rt.orchestrator.name}: ${why}; offline${released ? `, ${released.id} back in the queue` : ''} (${detail})`);
  }

  /** Restart the agent; a task it held is delivered again once the new agent is at its prompt. */
  private async restart(rt: OrchestratorRuntime, why: string): Promise<void> {
    this.d.log(`${rt.orchestrator.name}: restarting its agent (${why})`);
    rt.redeliver = this.d.queue.heldBy(rt.orchestrator.name) ? 'full' : undefined;
    rt.heartbeat = undefined;
    rt.workedAt = undefined;
    rt.screen = undefined;
    rt.lastLines = undefined;
    rt.dead = false;
    rt.deadPolls = 0;
    rt.seenAt = this.d.now();
    rt.state = 'starting';
    rt.label = undefined;
    rt.respawnedAt = Number.POSITIVE_INFINITY;
    await this.d.respawn(rt);
    rt.respawnedAt = this.d.now();
  }

  private async redeliver(rt: OrchestratorRuntime): Promise<void> {
    const mode = rt.redeliver;
    rt.redeliver = undefined;
    const task = this.d.queue.heldBy(rt.orchestrator.name);
    if (!task || !rt.pane) return;
    this.d.log(`${rt.orchestrator.name}: delivering ${task.id} again (${mode === 'resume' ? 'Enter first' : 'new agent'})`);
    rt.delivering = true;
    try {
      // A supervisor killed between the assignment and the switch left the worktree where it was:
      // the task's commits must not land on the previous task's branch.
      if (mode === 'full') {
        const failed = await this.putOnBranch(rt, task, `flotilla/${this.d.mission.name}/${task.id}`).then(() => undefined, (err: unknown) => err);
        if (failed) return this.failedStart(rt, task, failed);
      }
      const ok = await this.send(rt, await this.promptFor(task, rt), { resume: mode === 'resume', task: task.id });
      if (ok) await this.markAcknowledged(rt, task);
    } finally {
      rt.delivering = false;
    }
  }

  private async markAcknowledged(rt: OrchestratorRuntime, task: Task): Promise<void> {
    if (this.d.queue.heldBy(rt.orchestrator.name)?.id !== task.id) return; // already finished: nothing to resume
    const branch = `flotilla/${this.d.mission.name}/${task.id}`;
    await writeJsonAtomic(currentTaskFile(this.d.stateDir, rt.orchestrator.name), { task: task.id, branch, since: task.since, acknowledged: true });
  }

  /** Assign every task that can start now, log it, then deliver to each agent concurrently. */
  private async dispatch(): Promise<void> {
    if (this.d.paused()) return;
    const all = [...this.d.runtime.values()];
    let active = all.filter((rt) => this.d.queue.heldBy(rt.orchestrator.name)).length;
    const free = new Set(all.filter((rt) => this.isFree(rt)));
    const starts: { task: Task; rt: OrchestratorRuntime }[] = [];
    for (const task of this.d.queue.dispatchable()) {
      if (active >= this.d.mission.dispatch.maxActive || free.size === 0) break;
      const candidates: Candidate[] = all.map((rt) => ({
        name: rt.orchestrator.name,
        role: rt.orchestrator.role,
        capabilities: this.d.roles.get(rt.orchestrator.role)?.capabilities ?? [],
        free: free.has(rt),
      }));
      // Sent back by the merge queue: to the agent that did it when it is free (it knows the work), else as any task.
      const own = task.state === 'changes-requested' ? candidates.find((c) => c.name === task.orchestrator && c.free) : undefined;
      const pick = own ?? pickOrchestrator(task, candidates, this.d.mission.dispatch.strategy, this.lastAssigned);
      if (!pick) continue;
      const rt = this.d.runtime.get(pick.name)!;
      this.lastAssigned = all.indexOf(rt);
      active++;
      free.delete(rt);
      this.d.queue.assign(task.id, pick.name);
      this.d.queue.start(task.id);
      rt.delivering = true;
      starts.push({ task, rt });
    }
    if (starts.length === 0) return;
    try {
      await this.d.flush();
    } catch (err) {
      // Not logged, so not acted on: the tasks go back to the queue (the attempts do not count).
      for (const { rt } of starts) {
        rt.delivering = false;
        this.d.queue.release(rt.orchestrator.name);
      }
      throw err;
    }
    for (const { task, rt } of starts) {
      void this.start(task, rt).finally(() => {
        rt.delivering = false;
        void this.tick();
      });
    }
  }

  private isFree(rt: OrchestratorRuntime): boolean {
    return !rt.offline && !rt.setupFailure && !rt.dead && !rt.delivering && !rt.redeliver && rt.state === 'idle' && !this.d.queue.heldBy(rt.orchestrator.name);
  }

  private async start(task: Task, rt: OrchestratorRuntime): Promise<void> {
    const name = rt.orchestrator.name;
    const branch = `flotilla/${this.d.mission.name}/${task.id}`;
    try {
      await this.putOnBranch(rt, task, branch);
      // Written before the prompt is pasted: a restarted supervisor that finds no file knows it was never delivered.
      await writeJsonAtomic(currentTaskFile(this.d.stateDir, name), { task: task.id, branch, since: this.d.now() });
      this.d.log(`${name}: starting ${task.id} on ${branch}${task.feedback ? ' (a fix: the merge queue turned it down)' : ''}`);
      if (await this.send(rt, await this.promptFor(task, rt), { task: task.id })) await this.markAcknowledged(rt, task);
      else {
        this.d.queue.release(name);
        this.d.log(`${name}: did not take ${task.id} after 3 tries; back in the queue`);
      }
    } catch (err) {
      // A full disk, or the session gone under it, is not the task's doing: back to the queue, the attempt not counted.
      const held = this.d.queue.heldBy(name)?.id === task.id;
      if (held && isNoSpace(err)) {
        this.d.queue.release(name);
        this.d.log(`${name}: could not start ${task.id}: ${writeFailure(err)}; back in the queue`);
        this.d.writeFailed(err);
        return;
      }
      if (held && !(await this.d.tmux.hasSession(sessionName(this.d.mission.name)).catch(() => false))) {
        this.d.queue.release(name);
        this.d.log(`${name}: could not start ${task.id}: its tmux session is gone; back in the queue`);
        return;
      }
      this.failedStart(rt, task, err);
    }
  }

  /** A start that failed is a failed attempt like any other: backed off, counted, and said in the task's log. */
  private failedStart(rt: OrchestratorRuntime, task: Task, err: unknown): void {
    const name = rt.orchestrator.name;
    const why = `could not start on ${name}: ${err instanceof Error ? err.message : String(err)}`;
    const after = this.d.queue.heldBy(name)?.id === task.id ? this.d.queue.fail(task.id, why) : undefined;
    this.d.log(`${name}: ${why}${after ? `; task now ${after.state}` : ''}`);
  }

  /**
   * The worktree on the task's branch, before any prompt. The branch may still
   * be checked out where an earlier attempt was given up (an orchestrator gone
   * offline, a timeout): that worktree lets it go first, its work in progress
   * committed on the branch. A branch held anywhere else (the user's checkout)
   * is an error.
   */
  private async putOnBranch(rt: OrchestratorRuntime, task: Task, branch: string): Promise<void> {
    const kept = leftoversRef(this.d.mission.name, rt.orchestrator.name, this.d.now());
    let moved = await switchToTaskBranch(rt.worktree, branch, this.d.mission.base, kept);
    if (moved.outcome === 'held') {
      const real = (p: string) => realpath(p).catch(() => p);
      const at = await real(moved.heldBy);
      let other: OrchestratorRuntime | undefined;
      for (const o of this.d.runtime.values()) if (o !== rt && (await real(o.worktree)) === at) other = o;
      if (!other || this.d.queue.heldBy(other.orchestrator.name)?.id === task.id) throw new Error(`${branch} is checked out at ${at}`);
      const released = await releaseTaskBranch(other.worktree, branch, `flotilla: work in progress on ${task.id}, left by ${other.orchestrator.name}`);
      other.branch = '(detached)';
      this.d.log(`${other.orchestrator.name}: let go of ${branch}${released.committed ? ', its work in progress committed there' : ''}, for ${rt.orchestrator.name}`);
      moved = await switchToTaskBranch(rt.worktree, branch, this.d.mission.base, kept);
      if (moved.outcome === 'held') throw new Error(`${branch} is still checked out at ${moved.heldBy}`);
    }
    if (moved.kept) this.d.log(`${rt.orchestrator.name}: uncommitted leftovers before ${task.id} kept as ${moved.kept}`);
    rt.branch = branch;
  }

  private async promptFor(task: Task, rt: OrchestratorRuntime): Promise<string> {
    const deps = task.deps.map((id) => {
      const dep = this.d.queue.get(id);
      return { id, title: dep?.title ?? id, summary: dep && 'summary' in dep ? dep.summary : '' };
    });
    const sim = (task.sim ?? undefined) as SimScript | undefined;
    const feedback = task.feedback ? await readFile(task.feedback, 'utf8').catch(() => 'The merge queue turned this task down; its feedback file is gone. Bring the branch up to date with the base, run the tests, commit, and say done again.') : undefined;
    return composePrompt({
      mission: this.d.mission.name,
      orchestrator: rt.orchestrator.name,
      role: rt.orchestrator.role,
      task: { id: task.id, title: task.title, body: task.body ?? undefined },
      branch: `flotilla/${this.d.mission.name}/${task.id}`,
      deps,
      feedback,
      sim: feedback && sim ? { ...sim, fix: this.d.mission.base } : feedback && rt.orchestrator.agent.kind === 'sim' ? { fix: this.d.mission.base } : sim,
    });
  }

  /** Deliver literally and wait for the agent to acknowledge: a newer "working" heartbeat, or a working screen. */
  private async send(rt: OrchestratorRuntime, text: string, opts: { resume?: boolean; task?: string } = {}): Promise<boolean> {
    const task = opts.task;
    if (!rt.pane) return false;
    const result = await deliver({ server: this.d.tmux, command: this.d.command, conditional: this.d.conditional }, rt.pane, text, {
      resume: opts.resume,
      acknowledged: async (since, timeoutMs) => {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const beat = rt.heartbeat;
          if (beat && beat.ts >= since && (beat.state === 'working' || (beat.lastPromptAt ?? 0) >= since)) return true;
          if (rt.screen && rt.screen.at >= since && rt.screen.state === 'working') return true;
          // Its answer came first: the task was finished (or failed) before any beat was read.
          if (task && this.d.queue.heldBy(rt.orchestrator.name)?.id !== task) return true;
          await new Promise((r) => setTimeout(r, 20));
        }
        return false;
      },
    });
    if (result.literal.shown > 0) {
      this.d.log(`${rt.orchestrator.name}: ${task ?? 'a message'}'s text held ${result.literal.shown} control character(s); pasted as the symbols ${result.literal.symbols.join(' ')}, never as keys`);
    }
    if (result.tries > 1) this.d.log(`${rt.orchestrator.name}: delivery needed ${result.tries} tries (${result.ok ? 'acknowledged' : 'not acknowledged'})`);
    return result.ok;
  }
}
