import { requestControl } from '../supervisor/control-protocol.js';
import type { MissionStatus } from '../supervisor/status.js';
import { readProgress, startupFile, type StartupProgress } from './progress.js';
import { countAgents, startupLine, StatusLine, type AgentCounts, type LineStream } from './render.js';

/** How long `up` waits for the agents to come up before it leaves them to it. */
const AGENTS_TIMEOUT_MS = 60_000;
const AGENTS_POLL_MS = 100;

/**
 * `up`'s progress on a terminal: one line fed by the supervisor's startup.json
 * while it brings the mission up, then by its status until every agent has
 * left "starting". Without a terminal there is none (`forTerminal` gives
 * undefined), so scripts and tests see the output they always did.
 */
export class StartupView {
  private progress: StartupProgress | undefined;
  private agents: AgentCounts | undefined;
  private readonly line: StatusLine;

  private constructor(out: LineStream, private readonly file: string) {
    this.line = new StatusLine(out);
  }

  static forTerminal(out: LineStream, stateDir: string): StartupView | undefined {
    return out.isTTY ? new StartupView(out, startupFile(stateDir)) : undefined;
  }

  /** While waiting for supervisor `pid` to be ready. */
  async poll(pid: number): Promise<void> {
    this.progress = (await readProgress(this.file, pid)) ?? this.progress;
    this.line.show(startupLine({ progress: this.progress }));
  }

  /** After it is ready: follow the agents until none is starting (or the timeout), then end the line. */
  async waitForAgents(controlSocket: string, pid: number, timeoutMs = AGENTS_TIMEOUT_MS): Promise<void> {
    this.progress = (await readProgress(this.file, pid)) ?? this.progress;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const reply = await requestControl(controlSocket, { cmd: 'status' }).catch(() => undefined);
      if (reply?.ok) this.agents = countAgents((reply.data as MissionStatus).orchestrators);
      this.line.show(startupLine({ progress: this.progress, agents: this.agents }));
      if (this.agents && this.agents.starting === 0) break;
      await new Promise((r) => setTimeout(r, AGENTS_POLL_MS));
    }
    this.line.end();
  }

  /** Leave the line as it is (before an error is printed under it). */
  end(): void {
    this.line.end();
  }
}
