import type { Server } from 'node:net';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { FlotillaError } from '../core/errors.js';
import { writeFailure } from '../core/write-errors.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { flotillaArgv } from '../core/package-root.js';
import { missionKey, missionPaths, sessionName, type MissionPaths } from '../core/paths.js';
import { readJson, writeJsonAtomic } from '../core/state-file.js';
import { removeWorktree, worktreeState } from '../git/worktree.js';
import { loadMissionOrThrow } from '../mission/load.js';
import type { Mission } from '../mission/schema.js';
import type { Heartbeat } from '../signals/heartbeat.js';
import { stateCommand } from '../tmux/decorate.js';
import { bringUp, listPanes, respawnPane, type Fleet, type FleetSpec } from '../tmux/fleet.js';
import { installKeys } from '../tmux/keys.js';
import { TmuxServer } from '../tmux/server.js';
import type { WindowSize } from '../tmux/window-size.js';
import { serveControl, type ControlReply, type ControlRequest } from './control-protocol.js';
import { HeartbeatWatcher } from './heartbeat-watcher.js';
import { Logger, redact, secretValues } from './logger.js';
import { derivePaneState, stateLabel, type PaneState } from './orchestrator-state.js';
import { fleetSpec, hasSetup, missionRoles, prepareWorktrees, type Workspace } from './prepare.js';
import { initialProgress, startupFile, StartupProgressFile } from '../startup/progress.js';
import { Registry, type RegistryEntry } from './registry.js';
import { buildStatus, type MissionStatus, type OrchestratorRuntime } from './status.js';
import type { Role } from '../roles/catalog.js';
import { currentTaskFile, inboxDir } from '../signals/inbox.js';
import { TaskStore } from './task-store.js';
import { WorkLoop } from './work-loop.js';
import { PaneWatcher } from './pane-watcher.js';
import { handleTaskRequest } from './task-requests.js';
import { beginRun, reopenRun, type RunInfo } from '../runs/run.js';
import { announceEnd } from '../runs/run-end.js';
import { invokedAs } from '../core/invoked-as.js';
import { tellClients } from '../tmux/message.js';
import { attachHint, attend, waitingLabel } from './attention.js';
import { MergeQueue } from '../merge/merge-queue.js';
import { mergeRequest } from '../merge/requests.js';
import { headCommit } from '../git/git.js';
import { join } from 'node:path';

export interface SupervisorOptions {
  missionFile: string;
  socket: string | undefined;
  home: string;
  foreground: boolean;
  /** The size to create the tmux session at (the terminal `up` ran in); a default without one. */
  windowSize?: WindowSize;
}

/** How often pane liveness is read (one tmux call for all panes) and the registry heartbeat written. */
const PANE_POLL_MS = 500;
const REGISTRY_BEAT_MS = 5_000;
/** The work loop also runs on every signal and heartbeat; this pass catches backoffs and deadlines. */
const WORK_TICK_MS = 1000;
const MERGE_TICK_MS = 2000;
/** A tmux server that keeps crashing is not rebuilt for ever. */
const REBUILDS_PER_WINDOW = 3;
const REBUILD_WINDOW_MS = 10 * 60_000;

/**
 * The long-running process behind a mission. It claims the mission in the
 * registry, prepares worktrees, builds (or adopts) the tmux session, then
 * watches panes and heartbeats and answers its control socket until told to
 * shut down. It can be SIGKILLed at any time: a new one adopts what is there.
 */
export class Supervisor {
  private readonly runtime = new Map<string, OrchestratorRuntime>();
  private paused = false;
  /** Set once stop() began: nothing is started or rebuilt after that. */
  private stopping = false;
  /** Set while state cannot be written (a full disk): what failed, since when. */
  private writeProblem: { message: string; since: number } | undefined;
  private rebuilding = false;
  /** When the session was built again after the tmux server went away (the last REBUILD_WINDOW_MS). */
  private rebuilds: number[] = [];
  private spec: FleetSpec | undefined;
  private timers: NodeJS.Timeout[] = [];
  private control: Server | undefined;
  private heartbeats: HeartbeatWatcher | undefined;
  private inbox: FSWatcher | undefined;
  private watcher: PaneWatcher | undefined;
  private tasks: TaskStore | undefined;
  private work: WorkLoop | undefined;
  /** Only when the mission has a merge test. */
  private merge: MergeQueue | undefined;
  private stopped: (() => void) | undefined;
  /** What this start made, undone when it fails: worktrees created now, and the session if it is new. */
  private readonly made: { worktrees: { path: string; branch: string }[]; session: boolean } = { worktrees: [], session: false };
  private run: RunInfo | undefined;
  private ending = false;

  private constructor(
    private readonly mission: Mission,
    private readonly opts: SupervisorOptions,
    private readonly paths: MissionPaths,
    private readonly logger: Logger,
    private readonly registry: Registry,
    private readonly entry: RegistryEntry,
    private readonly tmux: TmuxServer,
  ) {}

  static async start(opts: SupervisorOptions): Promise<Supervisor> {
    const mission = await loadMissionOrThrow(opts.missionFile);
    const paths = missionPaths(opts.home, mission.name, opts.socket);
    await ensurePrivateDir(opts.home);
    await ensurePrivateDir(paths.dir);
    const logger = new Logger(paths.log, opts.foreground);
    logger.hide(secretValues(mission.orchestrators.map((o) => o.agent.env)));
    const registry = new Registry(opts.home);
    const now = Date.now();
    const entry: RegistryEntry = {
      key: missionKey(mission.name, opts.socket),
      mission: mission.name,
      pid: process.pid,
      repo: mission.repo,
      missionFile: mission.file,
      socket: opts.socket ?? null,
      session: sessionName(mission.name),
      controlSocket: paths.controlSocket,
      stateDir: paths.dir,
      startedAt: now,
      heartbeatAt: now,
      state: 'starting',
    };
    const holder = await registry.claim(entry);
    if (holder) throw new FlotillaError({ reason: 'already-running', mission: mission.name, pid: holder.pid, session: holder.session, socket: holder.socket });
    const sup = new Supervisor(mission, opts, paths, logger, registry, entry, new TmuxServer(opts.socket));
    try {
      await sup.bringUp();
    } catch (err) {
      logger.log(`start-up failed: ${writeFailure(err) ?? (err instanceof Error ? err.message : String(err))}`);
      await sup.undoFailedStart().catch((e) => logger.log(`could not undo the failed start: ${e}`));
      await sup.stop();
      throw err;
    }
    return sup;
  }

  /**
   * A start that failed leaves nothing behind to trip the next one: the
   * session it created is closed, and the worktrees it created go with their
   * branches unless an agent already committed there.
   */
  private async undoFailedStart(): Promise<void> {
    if (this.made.session) await this.tmux.killSession(this.entry.session);
    for (const wt of this.made.worktrees) {
      const spec = { repo: this.mission.repo, path: wt.path, branch: wt.branch, base: this.mission.base };
      if ((await worktreeState(spec)).aheadBy > 0) continue;
      await removeWorktree({ ...spec, force: true });
      this.logger.log(`removed worktree ${wt.path} and branch ${wt.branch} of the failed start`);
    }
  }

  /** Resolves when the supervisor has shut down. */
  done(): Promise<void> {
    return new Promise((resolve) => (this.stopped = resolve));
  }

  private async bringUp(): Promise<void> {
    const { mission, logger } = this;
    logger.log(`supervisor ${process.pid} starting mission "${mission.name}" (${mission.file})`);
    const run = await beginRun(this.paths, { mission: mission.name, repo: mission.repo, missionFile: mission.file, socket: this.opts.socket ?? null }, this.opts.home, (m) => logger.log(m));
    logger.log(`run ${run.id} (since ${new Date(run.startedAt).toISOString()})`);
    this.run = run;
    const progress = new StartupProgressFile(startupFile(this.paths.dir), initialProgress(process.pid, mission.orchestrators.length, hasSetup(mission)));
    const workspaces = await prepareWorktrees(mission, this.paths, (m) => logger.log(m), (s) => progress.step(s), (path, branch) => this.made.worktrees.push({ path, branch }));
    const roles = await missionRoles(mission);
    const spec = await fleetSpec(mission, workspaces, { paths: this.paths, home: this.opts.home, socket: this.opts.socket, session: this.entry.session, roles });
    this.spec = spec;
    const fleet = await bringUp(this.tmux, { ...spec, size: this.opts.windowSize });
    this.made.session = fleet.created;
    // Three tmux processes, not needed until a person attaches: made while the rest comes up, awaited before "ready".
    const keys = this.installKeys().then(
      () => undefined,
      (err: unknown) => err,
    );
    logger.log(`${fleet.created ? 'created' : 'adopted'} tmux session ${this.entry.session} with ${fleet.panes.size} agent panes`);
    progress.step({ step: 'panes', count: fleet.panes.size });
    this.track(workspaces, fleet, spec);
    await this.watch();
    await this.startWork(roles, fleet.created);

    this.heartbeats = new HeartbeatWatcher(this.paths.heartbeats, (name, beat) => this.onHeartbeat(name, beat));
    await this.heartbeats.start();
    this.control = await serveControl(this.paths.controlSocket, (req) => this.handle(req));
    await this.refreshPanes();
    this.timers.push(setInterval(() => void this.refreshPanes().catch((e) => logger.log(`pane poll failed: ${e}`)), PANE_POLL_MS));
    this.timers.push(setInterval(() => this.kick(), WORK_TICK_MS));
    // The merge queue acts on its own events; this pass sees a held checkout made clean, or the base moved by someone else.
    this.timers.push(setInterval(() => this.merge?.tick(), MERGE_TICK_MS));
    await mkdir(inboxDir(this.paths.dir), { recursive: true, mode: 0o700 });
    this.inbox = watch(inboxDir(this.paths.dir), () => this.kick());
    this.timers.push(setInterval(() => void this.beat(), REGISTRY_BEAT_MS));
    const keysFailed = await keys;
    if (keysFailed) throw keysFailed;
    await this.registry.update(this.entry.key, process.pid, { state: 'running', heartbeatAt: Date.now() });
    logger.log(`ready: attach with "tmux ${this.tmux.prefix.join(' ')}${this.tmux.prefix.length ? ' ' : ''}attach -t ${this.entry.session}"`);
  }

  private installKeys(): Promise<void> {
    return installKeys(this.tmux, [...flotillaArgv(), 'layout', ...(this.opts.socket ? ['--socket', this.opts.socket] : [])]);
  }

  /** One control client for the session's panes; agents without hooks (and Claude, under dialogs) have their screens read. */
  private async watch(): Promise<void> {
    this.watcher = await PaneWatcher.start(this.tmux, this.entry.session, {
      onOutput: (pane, at) => {
        const rt = this.byPane(pane);
        if (rt) rt.outputAt = at;
      },
      onScreen: (pane, reading, at) => {
        const rt = this.byPane(pane);
        if (!rt) return;
        rt.screen = { ...reading, at };
        void this.applyStates().then(() => this.kick());
      },
      log: (m) => this.logger.log(m),
    });
    for (const rt of this.runtime.values()) {
      const kind = rt.orchestrator.agent.kind;
      // The sim reports through heartbeats only. Claude's hooks are silent while a start-up dialog
      // is up, so its screen is read too (derivePaneState says when it counts); the others have only their screen.
      if (rt.pane && kind !== 'sim') this.watcher.classify(rt.pane, kind);
    }
  }

  /**
   * The session is gone. When the tmux server crashed (tmux 3.3a can, see deliver.ts), the session
   * is built again and every held task delivered again to its new agent, at most
   * REBUILDS_PER_WINDOW times in REBUILD_WINDOW_MS. When the session or the server was closed on
   * purpose (kill-session, kill-server), or the rebuilds run out, the supervisor stops and says
   * why: the run stays open, and `up` builds it again.
   */
  private async onSessionGone(): Promise<void> {
    const now = Date.now();
    const crashed = await this.watcher?.serverCrashed();
    if (this.stopping) return;
    this.rebuilds = this.rebuilds.filter((t) => now - t < REBUILD_WINDOW_MS);
    const again = `"${invokedAs()} up${this.opts.socket ? ` --socket ${this.opts.socket}` : ''}" builds it again and carries on the run`;
    if (!crashed) return this.stopBecause(`tmux session ${this.entry.session} was closed (tmux kill-session or kill-server?); the supervisor stopped. ${again}`);
    if (this.rebuilds.length >= REBUILDS_PER_WINDOW) {
      return this.stopBecause(`the tmux server crashed ${this.rebuilds.length + 1} times in ${REBUILD_WINDOW_MS / 60_000} minutes; the supervisor stopped. ${again}`);
    }
    this.rebuilds.push(now);
    this.logger.log(`the tmux server exited unexpectedly (a crash); building session ${this.entry.session} again`);
    await this.watcher?.close().catch(() => undefined);
    this.watcher = undefined;
    const fleet = await bringUp(this.tmux, { ...this.spec!, size: this.opts.windowSize });
    await this.installKeys();
    const at = Date.now();
    for (const rt of this.runtime.values()) {
      rt.pane = fleet.panes.get(rt.orchestrator.name);
      Object.assign(rt, { state: 'starting', seenAt: at, dead: false, deadPolls: 0, heartbeat: undefined, screen: undefined, workedAt: undefined, label: undefined, respawnAt: undefined, respawnedAt: at, waiting: undefined, nudgedAt: undefined });
      // A new agent knows nothing of its task: it gets the whole prompt again once at its prompt.
      rt.redeliver = this.tasks?.queue.heldBy(rt.orchestrator.name) ? 'full' : undefined;
    }
    await this.watch();
    const held = [...this.runtime.values()].filter((rt) => rt.redeliver).length;
    this.logger.log(`built tmux session ${this.entry.session} again with ${fleet.panes.size} agent panes${held ? `; ${held} task(s) will be delivered again` : ''}`);
  }

  private async stopBecause(why: string): Promise<void> {
    this.logger.log(why);
    await this.stop();
  }

  private track(workspaces: Workspace[], fleet: Fleet, spec: FleetSpec): void {
    for (const ws of workspaces) {
      const o = ws.orchestrator;
      this.runtime.set(o.name, {
        orchestrator: o,
        worktree: ws.worktree,
        branch: ws.branch,
        setup: ws.setup,
        ...(ws.setupFailure ? { setupFailure: ws.setupFailure } : {}),
        pane: fleet.panes.get(o.name),
        state: 'starting',
        exitStatus: undefined,
        heartbeat: undefined,
        seenAt: Date.now(),
        spec: spec.panes.find((p) => p.name === o.name)!,
      });
    }
  }

  /**
   * Replay the task log, then let the work loop run. Held tasks whose prompt was never pasted are
   * delivered again, and all of them when the session is new (its agents have never seen them).
   */
  private async startWork(roles: Map<string, Role>, newSession: boolean): Promise<void> {
    this.tasks = await TaskStore.open(this.paths.events, this.mission);
    const queue = this.tasks.queue;
    for (const rt of this.runtime.values()) {
      const held = queue.heldBy(rt.orchestrator.name);
      if (held) rt.redeliver = newSession ? 'full' : await deliveryToResume(currentTaskFile(this.paths.dir, rt.orchestrator.name), held.id);
      if (held) this.logger.log(`${rt.orchestrator.name}: still holds ${held.id} (${held.state})${rt.redeliver ? '; will deliver it again' : ''}`);
    }
    const counts = new Map<string, number>();
    for (const t of queue.list()) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
    this.logger.log(`tasks: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`);
    this.work = new WorkLoop({
      mission: this.mission,
      stateDir: this.paths.dir,
      tmux: this.tmux,
      command: (args) => (this.watcher ? this.watcher.command(args) : this.tmux.run(args)),
      conditional: (args) => (this.watcher ? this.watcher.conditional(args) : this.tmux.run(args)),
      runtime: this.runtime,
      queue,
      flush: () => this.tasks!.flush(),
      log: (m) => this.logger.log(m),
      roles,
      // Nothing starts while state cannot be written: it could not be carried on after a restart.
      // Nor while the session is being built again: its panes are not there yet.
      paused: () => this.paused || this.writeProblem !== undefined || this.rebuilding,
      writeFailed: (err) => this.writeFailed(err),
      respawn: async (rt) => {
        if (!rt.pane) return;
        await respawnPane(this.tmux, rt.pane, rt.spec);
        this.watcher?.restarted(rt.pane);
      },
      lastLines: (pane) => (this.watcher ? this.watcher.lastLines(pane) : Promise.resolve([])),
      queuedForMerge: (task) => {
        this.merge?.add(task);
        this.merge?.kick();
      },
      branchHead: (branch) => headCommit(this.mission.repo, `refs/heads/${branch}`),
      now: () => Date.now(),
    });
    if (this.mission.merge.test !== undefined) {
      const secrets = secretValues(this.mission.orchestrators.map((o) => o.agent.env));
      this.merge = new MergeQueue({
        mission: this.mission,
        runId: this.run!.id,
        dir: join(this.paths.dir, 'merge'),
        queue,
        log: (m) => this.logger.log(m),
        attention: (e) => void this.tasks?.attention(e).catch((err: unknown) => this.logger.log(`could not log the merge queue's hold: ${String(err)}`)),
        changed: () => this.kick(),
        redact: (t) => redact(t, secrets),
      });
      await this.merge.start();
    }
  }

  private kick(): void {
    void this.work?.tick().then(
      // While writes fail, every pass writes the status even if unchanged: the proof that they work again.
      () => this.persist(this.writeProblem !== undefined).then(() => this.writesAgain()).then(() => this.sayEnd()),
      (e) => (writeFailure(e) ? this.writeFailed(e) : this.logger.log(`work loop: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)),
    );
  }

  /**
   * A write failed for want of room (or rights): said once in the log, in status and in up --wait,
   * and no task starts until a pass writes everything again. Anything else is a bug, logged as one.
   */
  writeFailed(err: unknown): void {
    const message = writeFailure(err);
    if (!message) {
      this.logger.log(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return;
    }
    if (this.writeProblem) return;
    this.writeProblem = { message, since: Date.now() };
    this.logger.log(`${message}; no task starts until it can be written (retrying every second)`);
  }

  /** After a pass that wrote the event log and the status: the problem, if there was one, is over. */
  private writesAgain(): void {
    if (!this.writeProblem || (this.tasks?.unwritten ?? 0) > 0 || this.persistFailed) return;
    this.logger.log(`writing again after ${Math.round((Date.now() - this.writeProblem.since) / 1000)} s (${this.writeProblem.message}); tasks start again`);
    this.writeProblem = undefined;
  }

  /** Once per run, when every task has ended: in the log (the status pane) and to attached clients. */
  private async sayEnd(): Promise<void> {
    if (this.ending || !this.run || this.run.finishedAt !== undefined || !this.tasks) return;
    this.ending = true;
    const now = Date.now();
    const stop = `${invokedAs()} down ${this.mission.name}${this.opts.socket ? ` --socket ${this.opts.socket}` : ''}`;
    try {
      const said = await announceEnd({
        paths: this.paths,
        run: this.run,
        tasks: this.tasks.queue.list(),
        now,
        stop,
        log: (m) => this.logger.log(m),
        tell: (m) => tellClients(this.tmux, this.entry.session, m).then(() => undefined),
      });
      if (said) this.run = { ...this.run, finishedAt: now };
    } catch (err) {
      this.logger.log(`could not record the end of the run: ${String(err)}`);
    } finally {
      this.ending = false;
    }
  }

  private byPane(pane: string): OrchestratorRuntime | undefined {
    for (const rt of this.runtime.values()) if (rt.pane === pane) return rt;
    return undefined;
  }

  private onHeartbeat(name: string, beat: Heartbeat): void {
    const rt = this.runtime.get(name);
    if (!rt) return;
    rt.heartbeat = beat;
    if (beat.state === 'working') rt.workedAt = Math.max(rt.workedAt ?? 0, beat.ts);
    if (beat.lastPromptAt) rt.workedAt = Math.max(rt.workedAt ?? 0, beat.lastPromptAt);
    void this.applyStates().then(() => this.kick());
  }

  /** One tmux call reads every pane; deaths are noticed within PANE_POLL_MS. */
  private async refreshPanes(): Promise<void> {
    const askedAt = Date.now();
    const panes = this.watcher ? await this.watcher.listPanes() : await listPanes(this.tmux, this.entry.session);
    if (panes.length === 0) {
      // Stopping (down closes the session meanwhile): the session is meant to go, never built again.
      if (this.rebuilding || this.stopping) return;
      this.rebuilding = true;
      return this.onSessionGone()
        .catch((err: unknown) => this.stopBecause(`could not build the tmux session again (${err instanceof Error ? err.message : String(err)}); the supervisor stopped`))
        .finally(() => (this.rebuilding = false));
    }
    for (const rt of this.runtime.values()) {
      const pane = panes.find((p) => p.paneId === rt.pane) ?? panes.find((p) => p.orchestrator === rt.orchestrator.name);
      if (!pane) {
        rt.pane = undefined;
        rt.dead = true;
        continue;
      }
      if (pane.paneId !== rt.pane) rt.pane = pane.paneId;
      // A reading asked for before the agent was restarted says nothing about the new one (it would read as a second crash).
      if (askedAt < (rt.respawnedAt ?? 0)) continue;
      // tmux sees the pty close before it reaps the child: wait for the exit status (or a second look).
      rt.deadPolls = pane.dead ? (rt.deadPolls ?? 0) + 1 : 0;
      const dead = pane.dead && (pane.deadStatus !== undefined || pane.deadSignal !== undefined || rt.deadPolls > 1);
      // Why it died is on its screen ("command not found", a stack trace): kept for status and the log,
      // read before the death is acted on so the log line that reports it can quote it.
      if (dead && rt.lastLines === undefined && rt.pane && this.watcher) rt.lastLines = await this.watcher.lastLines(rt.pane).catch(() => []);
      rt.dead = dead;
      rt.exitStatus = pane.dead ? pane.deadStatus : undefined;
      rt.exitSignal = pane.dead ? pane.deadSignal : undefined;
    }
    // Debian's tmux 3.3a (libutempter) can lose SIGCHLD: the pane is dead but its status never
    // arrives until tmux reaps another child. Running one makes it reap them all.
    if (panes.some((p) => p.dead && p.deadStatus === undefined && p.deadSignal === undefined)) {
      await this.tmux.tryRun(['run-shell', 'true']);
    }
    await this.applyStates();
  }

  private async applyStates(): Promise<void> {
    const now = Date.now();
    const commands: string[][] = [];
    for (const rt of this.runtime.values()) {
      const hooks = rt.orchestrator.agent.kind === 'claude';
      const next: PaneState = derivePaneState({ dead: Boolean(rt.dead), heartbeat: rt.heartbeat, screen: rt.screen, hooks, outputAt: rt.outputAt, nowMs: now, startedAtMs: rt.seenAt, staleAfterS: this.mission.dispatch.stallAfterS });
      attend(rt, next, now, {
        log: (m) => this.logger.log(m),
        record: (e) => this.tasks?.attention(e).catch((err: unknown) => this.logger.log(`could not log attention: ${String(err)}`)),
        heldTask: (name) => this.tasks?.queue.heldBy(name)?.id,
        attachHint: (pane) => attachHint(this.tmux.prefix, this.entry.session, pane),
      });
      const label = rt.waiting ? waitingLabel(rt.waiting.question) : rt.setupFailure && next !== 'dead' ? 'setup-failed (see flotilla status)' : stateLabel(next, rt.exitStatus, rt.exitSignal);
      const previous = rt.state;
      rt.state = next;
      if (label === rt.label) continue;
      if (next !== previous || next === 'dead') this.logger.log(`${rt.orchestrator.name}: ${previous} -> ${label}${next === 'dead' ? ` (pane ${rt.pane ?? 'gone'})` : ''}`);
      rt.label = label;
      if (rt.pane) commands.push(stateCommand(rt.pane, label));
    }
    if (commands.length > 0) {
      // On the control client when there is one: a tmux process per change would block this loop while it forks.
      const run = this.watcher ? (args: string[]) => this.watcher!.command(args) : undefined;
      await (run ? Promise.all(commands.map(run)) : this.tmux.chain(commands)).catch((e) => this.logger.log(`could not update pane titles: ${e}`));
      await this.persist();
    }
  }

  private async beat(): Promise<void> {
    await this.registry
      .update(this.entry.key, process.pid, { heartbeatAt: Date.now(), state: this.paused ? 'paused' : 'running' })
      .catch((e: unknown) => (writeFailure(e) ? this.writeFailed(e) : this.logger.log(`registry heartbeat failed: ${String(e)}`)));
  }

  status(): MissionStatus {
    return buildStatus({ mission: this.mission, entry: this.entry, alive: true, paused: this.paused, writeProblem: this.writeProblem, runtime: [...this.runtime.values()], tasks: this.tasks?.queue, merge: this.merge?.status(), now: Date.now() });
  }

  private persisted = '';
  private persistFailed = false;

  /** Save the status when something a restart needs changed (not on every tick: ages alone do not count). */
  private async persist(force = false): Promise<void> {
    const runtime = [...this.runtime.values()].map((rt) => [rt.orchestrator.name, rt.state, rt.pane, rt.branch, rt.offline, rt.waiting?.question]);
    const fingerprint = JSON.stringify([this.paused, this.tasks?.queue.revision, runtime, this.merge?.fingerprint()]);
    if (fingerprint === this.persisted && !force) return;
    try {
      await writeJsonAtomic(this.paths.state, this.status());
      this.persisted = fingerprint;
      this.persistFailed = false;
    } catch (err) {
      this.persistFailed = true;
      this.writeFailed(err);
    }
  }

  private async handle(req: ControlRequest): Promise<ControlReply> {
    switch (req.cmd) {
      case 'status':
        return { ok: true, data: this.status() };
      case 'pause':
      case 'resume':
        this.paused = req.cmd === 'pause';
        this.logger.log(`${this.paused ? 'paused' : 'resumed'} by request`);
        await this.beat();
        return { ok: true, data: { paused: this.paused } };
      case 'shutdown':
        setImmediate(() => void this.stop());
        return { ok: true, data: { stopping: true } };
      case 'merge-status':
      case 'merge-pause':
      case 'merge-resume':
      case 'merge-retry':
      case 'merge-remove':
      case 'merge-log': {
        if (!this.merge) return { ok: false, error: `mission ${this.mission.name} has no merge queue: add "merge: { test: <command> }" to its mission file` };
        const reply = await mergeRequest(this.merge, req);
        if (reply.ok && req.cmd !== 'merge-status' && req.cmd !== 'merge-log') await this.tasks?.flush();
        return reply;
      }
      default:
        if (this.tasks && req.cmd.startsWith('task-')) {
          const reply = await handleTaskRequest(this.tasks.queue, req, this.mission);
          if (req.cmd === 'task-list' || req.cmd === 'task-show' || !reply.ok) return reply;
          try {
            await this.tasks.flush();
          } catch (err) {
            // Done in memory, not yet on disk (a full disk): said as such, and a retry of an add finds it (its request id).
            if (!writeFailure(err)) throw err;
            this.writeFailed(err);
            return { ok: false, error: `${writeFailure(err)}; the change is made but held in memory until it can be written`, unwritten: true };
          }
          if ((req.cmd === 'task-add' || req.cmd === 'task-retry') && this.run?.finishedAt !== undefined) {
            await reopenRun(this.paths);
            const { finishedAt: _ended, ...open } = this.run;
            this.run = open;
            this.logger.log('the run goes on: a task was added after every task had ended');
          }
          this.kick();
          return reply;
        }
        return { ok: false, error: `unknown command "${req.cmd}"` };
    }
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.heartbeats?.stop();
    this.inbox?.close();
    await this.merge?.stop();
    await this.watcher?.close().catch(() => undefined);
    if (this.control) {
      await new Promise<void>((resolve) => this.control!.close(() => resolve()));
      this.control = undefined;
    }
    await rm(this.paths.controlSocket, { force: true });
    if (this.runtime.size > 0) await this.persist().catch(() => undefined);
    await this.tasks?.flush().catch(() => undefined);
    await this.tasks?.close().catch(() => undefined);
    await this.registry.remove(this.entry.key, process.pid);
    this.logger.log(`supervisor ${process.pid} stopped`);
    await this.logger.close();
    this.stopped?.();
  }
}

/**
 * After a restart, how to finish delivering a held task: never pasted (no
 * current-task file) → paste it; pasted but never acknowledged → Enter first;
 * acknowledged → nothing, the agent has it.
 */
async function deliveryToResume(file: string, task: string): Promise<'full' | 'resume' | undefined> {
  if (!existsSync(file)) return 'full';
  const current = await readJson<{ task?: string; acknowledged?: boolean }>(file, {});
  if (current.task !== task) return 'full';
  return current.acknowledged ? undefined : 'resume';
}
