import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { makeFleetEnv, retryUntil, type FleetEnv } from '../helpers/fleet-env.js';


let f: FleetEnv;
beforeEach(async () => {
  f = await makeFleetEnv();
});
afterEach(async () => {
  await f.cleanup();
});

const log = async () => readFile(join(f.home, 'missions', f.socket, 'rec', 'supervisor.log'), 'utf8');

describe('recovery', () => {
  it('respawns a crashed agent in place; after 3 crashes in a row the orchestrator goes offline and its task goes to another', async () => {
    await f.writeMission(
      [
        'name: rec',
        'agent: { kind: sim }',
        'orchestrators:',
        '  - { name: first, role: backend-dev }',
        '  - { name: second, role: backend-dev, agent: { env: { FLOTILLA_SIM_SPEED: "0.05" } } }',
        'tasks:',
        '  - { id: boom, title: Crash on first, sim: { duration_ms: 400, fail: crash } }',
        '',
      ].join('\n'),
    );
    expect((await f.flotilla(['up'])).code).toBe(0);
    const firstPane = (await f.status()).orchestrators[0]!.pane;
    const s = await retryUntil(async () => {
      const s = await f.status();
      return s.orchestrators.some((o) => o.offline) && s;
    }, { what: 'an orchestrator offline', timeoutMs: 30_000 });
    const offline = s.orchestrators.find((o) => o.offline)!;
    expect(offline.crashes).toBe(3);
    expect(offline.task).toBeNull();
    const text = await log();
    expect(text).toMatch(new RegExp(`${offline.name}: agent exited \\(exit 3\\); respawning in 1000 ms`));
    expect(text).toMatch(new RegExp(`${offline.name}: agent exited \\(exit 3\\); respawning in 2000 ms`));
    expect(text).toMatch(new RegExp(`${offline.name}: crashed 3 times in a row; offline, boom back in the queue`));
    // Each crash counted once: a stale "dead" reading of the old agent right after a respawn would add a line and skip a backoff.
    expect(text.split('\n').filter((l) => l.includes(`${offline.name}: agent exited`)), text).toHaveLength(2);
    // respawned in place: the same pane, not a new one
    if (offline.name === 'first') expect(offline.pane).toBe(firstPane);
    // the task went back to the queue and to the other orchestrator (the event log keeps that fact even
    // while the other one, crashing on the same task, trips its own breaker)
    const other = s.orchestrators.find((o) => o.name !== offline.name)!.name;
    await retryUntil(async () => {
      const events = (await f.flotilla(['events', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { task: string; orchestrator: string | null; to: string });
      return events.some((e) => e.task === 'boom' && e.to === 'assigned' && e.orchestrator === other);
    }, { what: 'task moved to the other orchestrator', timeoutMs: 20_000 });
    expect((await f.flotilla(['status'])).stdout).toContain(`OFFLINE (3 crashes)`);
    // Why it died is kept from its screen.
    expect((await f.status()).orchestrators.find((o) => o.name === offline.name)!.last_lines?.join('\n')).toContain('API Error: simulated crash');
  }, 60_000);

  it('an agent that exits at start: status keeps its last screen lines, and up --wait stops once no orchestrator can work', async () => {
    await f.writeMission(
      [
        'name: rec',
        // Like a real CLI, it takes a moment to start before it complains (tmux 3.3 drops the output of a
        // child that exits within a few milliseconds of its pane being made).
        'agent: { kind: generic, command: sh, args: [-c, "sleep 0.3; echo \'error: model gpt-9 does not exist\'; exit 3"] }',
        'orchestrators:',
        '  - { name: solo, role: backend-dev }',
        'tasks:',
        '  - { id: never, title: Cannot start }',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const up = await f.flotilla(['up', '--wait', '--timeout', '120'], { timeoutMs: 130_000 });
    const took = Date.now() - started;
    expect(up.code, up.stdout + up.stderr).toBe(1);
    expect(up.stdout, up.stderr).toContain('no orchestrator can work any more');
    expect(up.stdout).toMatch(/offline: solo — its screen ended: .*error: model gpt-9 does not exist/);
    // Three starts with 1 s and 2 s between them, not the 120 s timeout.
    expect(took).toBeLessThan(30_000);
    const solo = (await f.status()).orchestrators[0]!;
    expect(solo).toMatchObject({ offline: true, state: 'dead' });
    expect(solo.last_lines).toContain('error: model gpt-9 does not exist');
    expect((await f.flotilla(['status'])).stdout).toContain("solo's screen when its agent exited: error: model gpt-9 does not exist");
    // (exit ? when tmux 3.3 has not reaped the child yet: see refreshPanes)
    expect(await log()).toMatch(/solo: crashed 3 times in a row; offline \(exit [3?]; its screen ends: error: model gpt-9 does not exist\)/);
    // Each death counted once: two restarts, then the third death trips the breaker (a stale "dead" reading
    // taken across a respawn would count as another crash and skip a restart).
    const text = await log();
    expect(text.match(/solo: restarting its agent \(crash \d\)/g)).toEqual(['solo: restarting its agent (crash 1)', 'solo: restarting its agent (crash 2)']);
    expect(text.match(/solo: agent exited/g)).toHaveLength(2);
  }, 60_000);

  it('nudges a stalled agent once, then fails the attempt, restarts it and runs the task again while retries remain', async () => {
    await f.writeMission(
      [
        'name: rec',
        'agent: { kind: sim, env: { FLOTILLA_SIM_HEARTBEAT_MS: "200" } }',
        'dispatch: { stall_after: 2s }',
        'orchestrators:',
        '  - { name: only, role: backend-dev }',
        'tasks:',
        '  - { id: stuck, title: Hang halfway, retries: 1, sim: { duration_ms: 2000, fail: hang } }',
        '',
      ].join('\n'),
    );
    expect((await f.flotilla(['up'])).code).toBe(0);
    await retryUntil(async () => /only: restarting its agent \(still stalled on stuck after a nudge\)/.test(await log()), { what: 'restart after nudge', timeoutMs: 30_000 });
    const text = await log();
    expect(text.indexOf('only: stalled on stuck; nudging')).toBeGreaterThan(-1);
    expect(text.indexOf('only: stalled on stuck; nudging')).toBeLessThan(text.indexOf('only: restarting its agent'));
    expect(text).toMatch(/only: still stalled on stuck \(no report after a nudge; its screen ends: .*\); attempt 1 failed, task now pending/);
    // The retry runs on the restarted agent; it hangs again, and the second failed attempt is the last.
    await retryUntil(async () => (await log()).split('only: starting stuck on').length === 3, { what: 'the second attempt', timeoutMs: 20_000 });
    await retryUntil(async () => (await f.status()).tasks[0]!.state === 'failed', { what: 'stuck failed for good', timeoutMs: 30_000 });
    expect(await log()).toMatch(/attempt 2 failed, task now failed/);
  }, 90_000);

  it('an agent that keeps sending idle heartbeats but never reports is nudged: idleness counts from its last sign of work', async () => {
    // Beats "idle" every 300 ms from its start (so its first beat cannot be missed), takes the prompt
    // (one working beat) and never says done: a lost "done".
    const script = '(while :; do "$FLOTILLA_BIN" heartbeat --state idle; sleep 0.3; done) & read -r line; "$FLOTILLA_BIN" heartbeat --state working; wait';
    await f.writeMission(
      [
        'name: rec',
        `agent: { kind: generic, command: sh, args: [-c, ${JSON.stringify(script)}] }`,
        'dispatch: { stall_after: 2s }',
        'orchestrators:',
        '  - { name: only, role: backend-dev }',
        'tasks:',
        '  - { id: lost, title: Its done is lost }',
        '',
      ].join('\n'),
    );
    expect((await f.flotilla(['up'])).code).toBe(0);
    await retryUntil(async () => /only: stalled on lost; nudging/.test(await log()), { what: 'the nudge', timeoutMs: 20_000 }).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await log()}`);
    });
  }, 40_000);

  it('delivers hostile task text literally: nothing in it runs, not as shell and not as tmux keys', async () => {
    const marker = join(f.repo.scratch, `pwned-${Date.now()}`);
    const simLog = join(f.repo.scratch, 'sim.jsonl');
    const title = `'; rm -rf ~; $(touch ${marker}) C-c Enter`;
    const prompt = `line one\nC-c\nEnter\n\u001b[31mred\u001b[0m #{pane_id} \`touch ${marker}\` ;`;
    await f.writeMission(
      [
        'name: rec',
        `agent: { kind: sim, env: { FLOTILLA_SIM_LOG: ${JSON.stringify(simLog)} } }`,
        'orchestrators:',
        '  - { name: only, role: backend-dev }',
        'tasks:',
        `  - id: hostile`,
        `    title: ${JSON.stringify(title)}`,
        `    prompt: ${JSON.stringify(prompt)}`,
        '    sim: { duration_ms: 100, file: notes/hostile.txt }',
        '',
      ].join('\n'),
    );
    const up = await f.flotilla(['up', '--wait', '--timeout', '60'], { timeoutMs: 80_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const received = (await readFile(simLog, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    expect(received).toHaveLength(1);
    expect(received[0]).toContain(`Task hostile: ${title}`);
    // Everything arrives; the ESCs as the visible symbol ␛ (src/tmux/literal.ts), never as keys.
    expect(received[0]).toContain(prompt.replaceAll('\u001b', '\u241b'));
    expect(existsSync(marker)).toBe(false);
    expect((await f.status()).tasks[0]!.title).toBe(title);
    expect(await git(f.repo.dir, 'log', '--format=%s', 'flotilla/rec/hostile')).toContain("Task hostile: '; rm -rf ~;");
  }, 90_000);

  it('a task past its timeout is given up (on_timeout: cancel), its agent restarted, and up --wait exits 1', async () => {
    await f.writeMission(
      [
        'name: rec',
        'agent: { kind: sim, env: { FLOTILLA_SIM_SPEED: "1" } }',
        'dispatch: { on_timeout: cancel }',
        'orchestrators:',
        '  - { name: only, role: backend-dev }',
        'tasks:',
        '  - { id: slow, title: Too slow, timeout: 1s, sim: { duration_ms: 20000 } }',
        '  - { id: after, title: Never starts, deps: [slow] }',
        '',
      ].join('\n'),
    );
    const up = await f.flotilla(['up', '--wait', '--timeout', '40'], { timeoutMs: 60_000 });
    expect(up.code).toBe(1);
    expect(up.stdout).toContain('a task failed for good');
    const s = await f.status();
    expect(s.tasks.map((t) => [t.id, t.state])).toEqual([
      ['slow', 'timed-out'],
      ['after', 'cancelled'],
    ]);
    expect(await log()).toMatch(/slow: timed out on only; given up/);
    expect(await log()).toMatch(/only: restarting its agent \(its task timed out\)/);
  }, 70_000);

  it('twenty concurrent "task add" processes make twenty tasks and leave the log intact', async () => {
    await f.writeMission('name: rec\nagent: { kind: sim }\norchestrators:\n  - { name: only, role: backend-dev }\n');
    expect((await f.flotilla(['up'])).code).toBe(0);
    await f.flotilla(['pause']);
    const adds = await Promise.all(Array.from({ length: 20 }, (_, i) => f.flotilla(['task', 'add', `Job ${i}`, '--json'])));
    expect(adds.map((a) => a.code)).toEqual(Array(20).fill(0));
    const ids = adds.map((a) => (JSON.parse(a.stdout) as { id: string }).id);
    expect(new Set(ids).size).toBe(20);
    const list = JSON.parse((await f.flotilla(['task', 'list', '--json'])).stdout) as { id: string; state: string }[];
    expect(list).toHaveLength(20);
    const events = (await readFile(join(f.home, 'missions', f.socket, 'rec', 'events.jsonl'), 'utf8')).trim().split('\n');
    expect(events.every((l) => JSON.parse(l))).toBeTruthy();
    expect(events.filter((l) => (JSON.parse(l) as { event: string }).event === 'added')).toHaveLength(20);
    // bad input is refused with exit 2 and changes nothing
    const bad = await f.flotilla(['task', 'add', 'Orphan', '--deps', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('nope');
    expect(JSON.parse((await f.flotilla(['task', 'list', '--json'])).stdout)).toHaveLength(20);
  }, 60_000);

  it('task add to a stopped supervisor: waits for its answer, or says "outcome unknown"; a retry with the request id never adds twice', async () => {
    await f.writeMission('name: rec\nagent: { kind: sim }\norchestrators:\n  - { name: only, role: backend-dev }\n');
    expect((await f.flotilla(['up'])).code).toBe(0);
    await f.flotilla(['pause']);
    const pid = (await f.status()).supervisor.pid;
    // Busy for 8 s (longer than one request's wait): the add is asked again and answered once.
    process.kill(pid, 'SIGSTOP');
    const resume = setTimeout(() => process.kill(pid, 'SIGCONT'), 8000);
    const slow = await f.flotilla(['task', 'add', 'Slow one'], { timeoutMs: 60_000 });
    clearTimeout(resume);
    process.kill(pid, 'SIGCONT');
    expect(slow.code, slow.stderr).toBe(0);
    expect(slow.stdout).toMatch(/^(already )?added slow-one \(/);

    // Stopped past the 30 s window: the outcome is unknown, and said so, with the id to retry with.
    process.kill(pid, 'SIGSTOP');
    const lost = await f.flotilla(['task', 'add', 'Lost answer'], { timeoutMs: 60_000 });
    process.kill(pid, 'SIGCONT');
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('outcome unknown');
    const id = /--request-id (\S+)/.exec(lost.stderr)?.[1];
    expect(id, lost.stderr).toBeTruthy();
    // The supervisor read the request when it woke: the retry finds that task instead of adding a second.
    const retry = await f.flotilla(['task', 'add', 'Lost answer', '--request-id', id!]);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(/^already added lost-answer \(/);
    const list = JSON.parse((await f.flotilla(['task', 'list', '--json'])).stdout) as { id: string }[];
    expect(list.map((t) => t.id).sort()).toEqual(['lost-answer', 'slow-one']);
    // The id is remembered across a supervisor restart (it is in the event log).
    process.kill(pid, 'SIGKILL');
    expect((await f.flotilla(['up'])).code).toBe(0);
    const after = await f.flotilla(['task', 'add', 'Lost answer', '--request-id', id!]);
    expect(after.stdout).toMatch(/^already added lost-answer/);
    expect(JSON.parse((await f.flotilla(['task', 'list', '--json'])).stdout)).toHaveLength(2);
  }, 120_000);

  it('flotilla run: prompt files as an ad-hoc mission, waited to the end', async () => {
    const a = join(f.repo.scratch, 'fix-login.md');
    const b = join(f.repo.scratch, 'add-docs.md');
    await writeFile(a, 'Fix the login.\nsim: {"duration_ms": 200, "file": "login.txt"}\n');
    await writeFile(b, 'Write docs.\nsim: {"duration_ms": 200, "file": "docs.txt"}\n');
    const r = await f.flotilla(['run', a, b, '--agent', 'sim'], { timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/all tasks done: 2 tasks/);
    expect(await git(f.repo.dir, 'branch', '--list', 'flotilla/run-*/p-fix-login')).toContain('p-fix-login');
    const bad = await f.flotilla(['run', join(f.repo.scratch, 'missing.md')]);
    expect(bad.code).toBe(2);
  }, 90_000);
});
