import { appendFile } from 'node:fs/promises';
import { systemClock, type Clock } from './clock.js';
import { fileSafe, planTask, type SimPlan } from './directive.js';
import { InputDecoder, type InputEvent } from './input.js';
import { Pulse } from './pulse.js';
import { reportDoneFromEnv, type ReportDone } from './report.js';
import { Screen, pasteLabel, spinnerLine, visible } from './screen.js';
import { simGit, type SimGit } from './sim-git.js';
import { editAndCommit, fixAndCommit } from './work.js';

export interface SimAgentOptions {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  stdout: NodeJS.WritableStream & { columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  clock?: Clock;
  git?: SimGit;
  reportDone?: ReportDone;
}

const SPINNER_MS = 125;
const DOUBLE_INTERRUPT_MS = 1000;
const DEFAULT_HEARTBEAT_MS = 2000;

type Segment = { kind: 'typed' | 'paste'; text: string };
type WorkOutcome = 'done' | 'crash';

/**
 * The built-in stand-in agent: reads keys, takes prompts, "works" for a while,
 * edits and commits a file, reports done. Resolves with the exit code.
 * Everything it does is derived from the prompt and FLOTILLA_SIM_* variables,
 * so a run is reproducible.
 */
export function runSimAgent(opts: SimAgentOptions): Promise<number> {
  const { stdin, stdout, env, cwd } = opts;
  const clock = opts.clock ?? systemClock;
  const git = opts.git ?? simGit(cwd);
  const reportDone = opts.reportDone ?? reportDoneFromEnv(env);
  const orchestrator = fileSafe(env.FLOTILLA_ORCHESTRATOR || 'sim');
  const screen = new Screen(stdout, !('NO_COLOR' in env));
  const pulse = new Pulse(env.FLOTILLA_HEARTBEAT_FILE || undefined, clock, positive(env.FLOTILLA_SIM_HEARTBEAT_MS) ?? DEFAULT_HEARTBEAT_MS);
  const decoder = new InputDecoder();
  const timers: (() => void)[] = [];

  let segments: Segment[] = [];
  const queue: string[] = [];
  let busy = false;
  let hung = false;
  let inputEnded = false;
  let exited = false;
  let lastInterrupt = -Infinity;
  let logChain: Promise<void> = Promise.resolve();

  return new Promise<number>((resolve) => {
    const exit = (code: number) => {
      if (exited) return;
      exited = true;
      for (const cancel of timers.splice(0)) cancel();
      pulse.stop();
      screen.setHint(undefined);
      screen.close();
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      try {
        if (stdin.isTTY) stdin.setRawMode?.(false);
      } catch {
        // The terminal is already gone (pane killed): nothing left to restore.
      }
      stdin.pause();
      // Let queued prompt-log writes land first: a test may read the log right after we exit.
      void logChain.then(() => resolve(code));
    };

    const redrawInput = () => screen.setInput(labelOf(segments));

    const handle = (ev: InputEvent) => {
      if (ev.type === 'interrupt') {
        const now = clock.now();
        if (now - lastInterrupt < DOUBLE_INTERRUPT_MS) return exit(0);
        lastInterrupt = now;
        segments = [];
        redrawInput();
        screen.setHint('Press Ctrl-C again to exit');
        timers.push(clock.setTimeout(() => screen.setHint(undefined), DOUBLE_INTERRUPT_MS));
        return;
      }
      if (hung) return; // a hung agent still dies on Ctrl-C, and does nothing else
      switch (ev.type) {
        case 'text':
          segments.push({ kind: 'typed', text: ev.text });
          return redrawInput();
        case 'paste':
          // Single-line pastes read like typing; multi-line ones stay one block with a label.
          segments.push({ kind: ev.text.includes('\n') ? 'paste' : 'typed', text: ev.text });
          return redrawInput();
        case 'erase': {
          const last = segments[segments.length - 1];
          const chars = last?.kind === 'typed' ? [...last.text] : [];
          if (last && chars.length > 1) last.text = chars.slice(0, -1).join('');
          else segments.pop();
          return redrawInput();
        }
        case 'eof':
          if (segments.length === 0) exit(0);
          return;
        case 'submit':
          return submit();
      }
    };

    const submit = () => {
      const text = segments.map((s) => s.text).join('');
      const label = labelOf(segments);
      segments = [];
      redrawInput();
      if (text.trim() === '') return;
      screen.log(`> ${label}`);
      pulse.set('working');
      const logFile = env.FLOTILLA_SIM_LOG;
      if (logFile) {
        const line = `${JSON.stringify({ ts: clock.now(), text })}\n`;
        logChain = logChain.then(() => appendFile(logFile, line)).catch((err: Error) => screen.log(`⚠ cannot write FLOTILLA_SIM_LOG: ${err.message}`));
      }
      queue.push(text);
      void pump();
    };

    const pump = async () => {
      if (busy) return;
      busy = true;
      while (queue.length > 0 && !exited) await runTask(queue.shift()!);
      busy = false;
      if (inputEnded) exit(0);
    };

    const runTask = async (prompt: string) => {
      const { plan, warnings } = planTask(prompt, env, orchestrator);
      for (const w of warnings) screen.log(`⚠ ${visible(w)}`);
      const started = clock.now();
      const outcome = await work(plan);
      if (exited) return;
      if (outcome === 'crash') {
        screen.setSpinner(undefined);
        screen.log('API Error: simulated crash');
        return exit(3);
      }
      const result = plan.fix ? await fixAndCommit(cwd, orchestrator, { ...plan, fix: plan.fix }, git) : await editAndCommit(cwd, orchestrator, plan, git);
      if (exited) return;
      screen.setSpinner(undefined);
      const where = result.commit ? `, committed ${result.commit}` : '';
      screen.log(result.error ? `  ⎿  ${visible(result.error)}` : `  ⎿  Edited ${visible(result.files.join(', '))}${where}`);
      screen.log(`✻ Worked for ${Math.round((clock.now() - started) / 1000)}s`);
      if (queue.length === 0) pulse.set('idle');
      const summary = `${plan.subject} (${result.error ? `failed: ${result.error}` : `edited ${result.files.join(', ')}${where}`})`;
      try {
        await reportDone(summary);
      } catch (err) {
        screen.log(`⚠ ${visible((err as Error).message)}`);
      }
    };

    /** The timed part of a task: spinner, and the crash or hang halfway through. Never settles once hung. */
    const work = (plan: SimPlan) =>
      new Promise<WorkOutcome>((settle) => {
        const start = clock.now();
        let frame = 0;
        const own: (() => void)[] = [];
        const stopAll = () => own.forEach((cancel) => cancel());
        const tick = () => screen.setSpinner(spinnerLine(clock.now() - start, frame++));
        const finish = (outcome: WorkOutcome) => {
          stopAll();
          settle(outcome);
        };
        tick();
        own.push(clock.setInterval(tick, SPINNER_MS));
        // Halfway timers go first so that, at duration 0, the failure still beats completion.
        if (plan.fail === 'crash') own.push(clock.setTimeout(() => finish('crash'), plan.durationMs / 2));
        if (plan.fail === 'hang') {
          own.push(
            clock.setTimeout(() => {
              stopAll();
              hung = true;
              screen.freeze();
              pulse.stop();
            }, plan.durationMs / 2),
          );
        }
        own.push(clock.setTimeout(() => finish('done'), plan.durationMs));
        timers.push(stopAll);
      });

    const onData = (chunk: Buffer | string) => {
      for (const ev of decoder.feed(chunk)) {
        if (exited) return;
        handle(ev);
      }
    };
    const onEnd = () => {
      for (const ev of decoder.flush()) if (!exited) handle(ev);
      inputEnded = true;
      if (!busy) exit(0);
    };
    const onError = () => exit(1);

    screen.start(`flotilla sim agent · ${orchestrator} · ${cwd}`);
    screen.setInput('');
    pulse.start();
    const exitAfter = positive(env.FLOTILLA_SIM_EXIT_AFTER_MS);
    if (exitAfter !== undefined) {
      timers.push(
        clock.setTimeout(() => {
          screen.log(`sim agent exiting after ${exitAfter} ms (FLOTILLA_SIM_EXIT_AFTER_MS)`);
          exit(1);
        }, exitAfter),
      );
    }
    if (stdin.isTTY) stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
}

/** What the prompt line shows: typed text made inert, multi-line pastes as one label. */
function labelOf(segments: Segment[]): string {
  return segments.map((s) => (s.kind === 'paste' ? pasteLabel(s.text) : visible(s.text))).join('');
}

function positive(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n > 0 ? n : undefined;
}
