import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadMission } from '../../src/mission/load.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'missions', 'bad');

/** fixture, line, col, message substring, hint substring (when the hint is the point). */
type Case = [file: string, line: number, col: number, message: string, hint?: string];

const cases: Case[] = [
  ['unknown-top-key', 2, 1, 'unknown key "orchestrator"', 'did you mean "orchestrators"?'],
  ['unknown-top-key-far', 2, 1, 'unknown key "zzzz"', 'allowed keys here are: name, description'],
  ['unknown-agent-key', 4, 3, 'unknown key "modle" in agent', 'did you mean "model"?'],
  ['unknown-task-key', 7, 5, 'unknown key "depends" in tasks[0]', 'id, title, prompt'],
  ['unknown-orchestrator-key', 5, 5, 'unknown key "colour" in orchestrators[0]', 'did you mean "color"?'],
  ['wrong-type-orchestrators', 2, 1, '"orchestrators" must be a list', '- { name: ann, role: backend-dev }'],
  ['wrong-type-name-number', 1, 7, '"name" must be a string, not number 42', 'quote it: "42"'],
  ['wrong-type-priority', 5, 40, '"priority" must be a whole number, not number 1.5'],
  ['agent-empty', 2, 1, '"agent" is empty but must be a mapping'],
  ['missing-name', 2, 1, 'missing required key "name"', 'add "name:"'],
  ['missing-task-title', 5, 5, 'missing required key "title" in tasks[0]', 'add "title:"'],
  ['missing-file-ref', 4, 8, 'missing required key "test" in merge', 'add "test:"'],
  ['name-uppercase', 1, 7, 'invalid name "Alpha": the mission name must start with a lowercase letter', 'try "alpha"'],
  ['name-space', 3, 13, 'invalid name "Ann Lee": an orchestrator name must start', 'try "ann-lee"'],
  ['name-colon', 5, 11, 'invalid id "foo:bar": a task id must', 'try "foo-bar"'],
  ['name-dot', 3, 13, 'invalid name "a.b"', 'try "a-b"'],
  ['name-dotdot', 5, 11, 'invalid id "../x"', 'try "x"'],
  ['name-leading-dash', 1, 7, 'invalid name "-alpha"', 'try "alpha"'],
  ['duplicate-orchestrator', 5, 13, 'duplicate orchestrator name "ann" (first defined on line 3)', 'must be unique'],
  ['duplicate-task', 6, 11, 'duplicate task id "one" (first defined on line 5)', 'must be unique'],
  ['task-named-like-orchestrator', 6, 11, 'task id "bob" is also an orchestrator name', 'flotilla/alpha/bob'],
  ['unknown-dep', 6, 35, 'task "api" depends on unknown task "scafold"', 'did you mean "scaffold"?'],
  ['cycle-two', 5, 31, 'dependency cycle: a -> b -> a', 'remove one of these dependencies'],
  ['cycle-three', 7, 12, 'dependency cycle: a -> b -> c -> a', 'remove one of these dependencies'],
  ['self-dep', 5, 31, 'task "a" depends on itself', 'remove "a" from its deps'],
  ['unknown-role', 3, 24, 'unknown role "backend-devs"', 'did you mean "backend-dev"?'],
  ['unknown-task-role', 5, 36, 'unknown role "astronaut"', 'or add roles/astronaut.md next to the mission file'],
  ['bad-color', 3, 44, 'invalid color "#12345"', 'use "#rrggbb" or a palette name: indigo, emerald'],
  ['unknown-layout', 2, 9, 'unknown layout "gird"', 'did you mean "grid"?'],
  ['generic-no-command', 6, 13, 'orchestrator "ann" uses agent kind "generic" without a "command"', 'add "command: <executable>"'],
  ['prompt-and-file', 8, 18, 'task "one" has both "prompt" and "prompt_file"', 'keep one'],
  ['prompt-file-missing', 7, 18, 'prompt file "prompts/does-not-exist.md" not found', 'relative to the mission file'],
  ['prompt-file-directory', 7, 18, 'prompt file "." is a directory, not a file', 'must name a readable file'],
  ['yaml-syntax', 4, 1, 'YAML syntax error: Flow map in block collection', 'brackets must be closed'],
  ['tabs', 3, 1, 'YAML syntax error: Tabs are not allowed', 'spaces, not tabs'],
  ['duplicate-key', 4, 1, 'YAML syntax error: Map keys must be unique', 'only once'],
  ['empty', 1, 1, 'the mission file is empty', 'needs at least "name:" and "orchestrators:"'],
  ['orchestrators-empty', 2, 16, 'a mission needs at least one orchestrator', 'add at least one'],
  ['bad-duration', 5, 39, 'invalid timeout "5 minutes": a duration is a number of seconds or like "90s"'],
  ['retries-too-big', 5, 39, '"retries" must be at most 10, not 50'],
  ['unknown-stream', 8, 38, 'task "one" is in unknown stream "uii"', 'did you mean "ui"?'],
  ['streams-no-foundation', 4, 1, 'no stream has phase "foundation"', 'phase: foundation'],
  ['bad-sim-fail', 8, 36, '"fail" must be one of crash, hang, test-fail, conflict; got "crashh"', 'did you mean "crash"?'],
  ['bad-agent-kind', 3, 9, '"kind" must be one of claude, codex, aider, gemini, generic, sim; got "gpt"'],
  ['bad-dispatch-strategy', 5, 13, '"strategy" must be one of round-robin, capability, work-stealing', 'did you mean "capability"?'],
];

describe('bad missions: one error each, at the right place, saying how to fix it', () => {
  test.each(cases)('%s.yaml -> %i:%i', async (name, line, col, message, hint) => {
    const file = join(dir, `${name}.yaml`);
    const result = await loadMission(file);
    expect(result.value).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toMatchObject({ file, line, col, severity: 'error' });
    expect(error!.message).toContain(message);
    if (hint) expect(error!.hint).toContain(hint);
  });

  test('every fixture in bad/ has a case', () => {
    const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
    expect(fixtures).toEqual(cases.map((c) => c[0]).sort());
  });
});
