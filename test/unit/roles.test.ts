import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { packageRoot } from '../../src/core/package-root.js';
import { FlotillaError } from '../../src/core/errors.js';
import { builtinRolesDir, loadRoles, parseRole, roleNames } from '../../src/roles/catalog.js';

const required = ['backend-dev', 'frontend-dev', 'full-stack-dev', 'qa-engineer', 'debugger', 'docs-writer', 'reviewer', 'devops', 'refactorer', 'security-auditor'];
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'missions');

describe('roles', () => {
  test('every shipped role file loads, with capabilities and a real prompt', async () => {
    const roles = await loadRoles([]);
    const files = readdirSync(join(packageRoot, 'roles')).filter((f) => f.endsWith('.md'));
    expect(roles.size).toBe(files.length);
    for (const name of required) expect(roles.has(name), name).toBe(true);
    for (const role of roles.values()) {
      expect(role.capabilities.length, role.name).toBeGreaterThan(0);
      expect(role.description.length).toBeGreaterThan(10);
      expect(role.file).toBe(join(builtinRolesDir, `${role.name}.md`));
      const lines = role.prompt.split('\n').length;
      expect(lines, role.name).toBeGreaterThanOrEqual(10);
      expect(lines, role.name).toBeLessThanOrEqual(25);
      expect(role.prompt).toContain('flotilla done --summary');
      expect(role.prompt).toContain('flotilla fail --reason');
    }
  });

  test('roles in extra directories are added, and roleNames lists them', async () => {
    const names = await roleNames([join(fixtures, 'good', 'roles'), join(fixtures, 'no-such-dir')]);
    expect(names).toContain('astronaut');
    expect(names).toContain('backend-dev');
  });

  test('a bad role file is an error naming the file', async () => {
    const err = await loadRoles([join(fixtures, 'bad-role', 'roles')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as Error).message).toMatch(/broken\.md:4:15: error: a role needs at least one capability tag/);
  });

  test('parseRole rejects missing front matter, a name/file mismatch and an empty prompt', () => {
    expect(parseRole('no front matter', '/r/x.md').errors[0]?.message).toContain('must start with YAML front matter');
    const header = '---\nname: y\ndescription: d\ncapabilities: [a]\n---\n';
    expect(parseRole(`${header}prompt`, '/r/x.md').errors[0]).toMatchObject({ line: 2, col: 7, hint: 'rename the file to y.md or set "name: x"' });
    expect(parseRole(header, '/r/y.md').errors[0]?.message).toContain('no system prompt');
    expect(parseRole(`${header}Do things.`, '/r/y.md').role).toMatchObject({ name: 'y', owns: [], prompt: 'Do things.' });
  });
});
