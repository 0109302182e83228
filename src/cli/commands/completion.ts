import type { Command } from 'commander';
import { print } from '../../core/output.js';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { zshScript } from '../completion/zsh.js';
import { completionSpec } from '../completion/spec.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** `flotilla completion bash|zsh|fish`: the completion script, made from the program's own definitions. */
export async function run(program: Command, shell: keyof typeof SCRIPTS): Promise<number> {
  print(SCRIPTS[shell](completionSpec(program)));
  return 0;
}
