import * as commander from 'commander';
import { describe, expect, it } from 'vitest';
import { FAST_COMMANDS, parseFast } from '../../src/cli/fast-path.js';
import { buildProgram } from '../../src/cli/main.js';

/** What commander hands the command's run() for these arguments, or 'refused' when it errors or shows help. */
function viaCommander(args: string[]): unknown[] | 'refused' {
  const program = buildProgram(commander);
  let got: unknown[] | undefined;
  const quiet = { writeOut: () => {}, writeErr: () => {} };
  program.configureOutput(quiet);
  for (const c of program.commands) {
    c.configureOutput(quiet).action((...a: unknown[]) => {
      got = a.slice(0, -1);
    });
  }
  try {
    program.parse(['node', 'flotilla', ...args]);
  } catch {
    return 'refused';
  }
  return got ?? 'refused';
}

/** Arguments each fast command is called with, built from its own table so a new option is covered too. */
function cases(name: string): { accepted: string[][]; other: string[][] } {
  const spec = FAST_COMMANDS[name]!;
  const words = Array.from({ length: spec.args.min }, (_, i) => (name === 'hook' ? 'Stop' : `word${i}`));
  const required = (spec.required ?? []).flatMap((key) => [Object.entries(spec.values).find(([, k]) => k === key)![0], 'why']);
  const base = [name, ...words, ...required];
  const accepted = [base];
  for (const flag of Object.keys(spec.values)) accepted.push([...base, flag, 'v a l'], [...base, `${flag}=v`], [...base, `${flag}=`], [name, flag, 'x', ...words, ...required]);
  for (const flag of Object.keys(spec.flags ?? {})) accepted.push([...base, flag], [name, flag, ...words, ...required]);
  accepted.push([...base, ...Object.keys(spec.values).flatMap((f) => [f, 'last']), ...Object.keys(spec.flags ?? {})]);
  if (spec.args.max > spec.args.min) accepted.push([...base, 'one', ...(spec.args.variadic ? ['two', '-'] : [])]);
  const other = [
    [...base, '--nope'],
    [...base, '--help'],
    [...base, '-h'],
    [...base, '--version'],
    [...base, '--', '--json'],
    [...base, 'extra', 'words', 'here'],
    [name],
    ...Object.keys(spec.values).flatMap((flag) => [[...base, flag], [...base, flag, '--version'], [...base, flag, '-5']]),
    ...Object.keys(spec.flags ?? {}).map((flag) => [...base, `${flag}=yes`]),
  ];
  return { accepted, other };
}

describe('the fast path for agent-side commands and status', () => {
  for (const name of Object.keys(FAST_COMMANDS)) {
    it(`${name}: runs what commander would run, or leaves the arguments to commander`, async () => {
      const { accepted, other } = cases(name);
      for (const args of accepted) {
        const fast = parseFast(args);
        expect(fast, `fast path takes: ${args.join(' ')}`).toBeDefined();
        expect(fast!.args, args.join(' ')).toEqual(viaCommander(args));
      }
      for (const args of other) {
        const fast = parseFast(args);
        if (fast) expect(fast.args, args.join(' ')).toEqual(viaCommander(args));
      }
      const mod = await import(`../../src/cli/commands/${name}.ts`);
      expect((await FAST_COMMANDS[name]!.load()).run).toBe(mod.run);
    });
  }

  it('agrees with the commander definitions: every option it reads exists there, with the same key and default', () => {
    const program = buildProgram(commander);
    for (const [name, spec] of Object.entries(FAST_COMMANDS)) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      expect(cmd, name).toBeDefined();
      for (const [flag, key] of [...Object.entries(spec.values), ...Object.entries(spec.flags ?? {})]) {
        const opt = cmd.options.find((o) => o.long === flag);
        expect(opt, `${name} ${flag}`).toBeDefined();
        expect(opt!.attributeName(), `${name} ${flag}`).toBe(key);
        expect(opt!.required, `${name} ${flag} takes a value`).toBe(flag in spec.values);
        expect(opt!.defaultValue, `${name} ${flag} default`).toBe(spec.defaults?.[key]);
        expect(opt!.mandatory, `${name} ${flag} required`).toBe(spec.required?.includes(key) ?? false);
      }
    }
  });

  it('leaves everything else to commander', () => {
    for (const args of [[], ['up'], ['--help'], ['--socket', 'x', 'done'], ['toString'], ['__proto__'], ['constructor']]) expect(parseFast(args), args.join(' ')).toBeUndefined();
  });
});
