import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invokedAs } from '../../src/core/invoked-as.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-invoked-'));
  await mkdir(join(dir, 'clone', 'bin'), { recursive: true });
  await writeFile(join(dir, 'clone', 'bin', 'flotilla'), '#!/usr/bin/env node\n');
  await chmod(join(dir, 'clone', 'bin', 'flotilla'), 0o755);
  await mkdir(join(dir, 'path-bin'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('invokedAs: the command hints name', () => {
  it('is the path typed from a clone when nothing on PATH is this installation', () => {
    const script = join(dir, 'clone', 'bin', 'flotilla');
    expect(invokedAs(script, { PATH: join(dir, 'path-bin') }, join(dir, 'clone'))).toBe('./bin/flotilla');
    expect(invokedAs(script, { PATH: '' }, join(dir, 'elsewhere'))).toBe(script);
  });

  it('is plain "flotilla" when that word on PATH is this installation (npm link, npm i -g)', async () => {
    const script = join(dir, 'clone', 'bin', 'flotilla');
    await symlink(script, join(dir, 'path-bin', 'flotilla'));
    expect(invokedAs(script, { PATH: join(dir, 'path-bin') }, join(dir, 'clone'))).toBe('flotilla');
  });
});
