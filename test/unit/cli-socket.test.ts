import * as commander from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

/** The smallest command line commander accepts for `cmd`: its required arguments and options with made-up values. */
function minimalArgs(cmd: commander.Command): string[] {
  const args = cmd.registeredArguments.filter((a) => a.required).map((a) => a.argChoices?.[0] ?? 'x');
  const options = cmd.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, 'x']);
  return [cmd.name(), ...args, ...options];
}

describe('--socket', () => {
  it('every command accepts --socket NAME (commands added later too), and gets the value', () => {
    const program = buildProgram(commander);
    const quiet = { writeOut: () => {}, writeErr: (s: string) => errors.push(s) };
    const errors: string[] = [];
    program.configureOutput(quiet);
    const seen: string[] = [];
    for (const cmd of program.commands) {
      let opts: { socket?: string } | undefined;
      cmd.configureOutput(quiet).action((...a: unknown[]) => {
        opts = a.at(-2) as { socket?: string };
      });
      const argv = [...minimalArgs(cmd), '--socket', 'x'];
      expect(() => program.parse(['node', 'flotilla', ...argv]), `${argv.join(' ')}: ${errors.join('')}`).not.toThrow();
      expect(opts?.socket, argv.join(' ')).toBe('x');
      seen.push(cmd.name());
    }
    // Every command the help lists was tried (the help's own `help [command]` aside).
    const listed = program.createHelp().visibleCommands(program).map((c) => c.name()).filter((n) => n !== 'help');
    expect(seen).toEqual(expect.arrayContaining(listed));
    expect(listed).toEqual(expect.arrayContaining(['up', 'validate', 'schema', 'keys', 'done', 'heartbeat', 'hook', 'completion']));
  });
});
