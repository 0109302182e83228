/** `flotilla sim-agent`: the built-in stand-in agent on this terminal. Exit 0 on Ctrl-C twice or Ctrl-D, 3 on a simulated crash. */
export async function run(): Promise<number> {
  const { runSimAgent } = await import('../../sim/sim-agent.js');
  return runSimAgent({ stdin: process.stdin, stdout: process.stdout, env: process.env, cwd: process.cwd() });
}
