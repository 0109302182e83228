import { chmod, mkdir, stat } from 'node:fs/promises';
import { FlotillaError } from './errors.js';

/**
 * A directory only this user can enter (0700): Flotilla's home, the state
 * directories, the control socket's directory. Logs, heartbeats and agents'
 * environment files live under it, so nothing of theirs is readable by other
 * local users whatever their own modes. One that another user owns is refused.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await stat(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && s.uid !== uid) {
    throw new FlotillaError({ reason: 'usage', message: `${dir} belongs to another user (uid ${s.uid}); Flotilla keeps its state only in a directory of its own user. Set FLOTILLA_HOME to a directory of yours` });
  }
  if ((s.mode & 0o077) !== 0) await chmod(dir, 0o700);
}
