/**
 * A write that failed for want of room or rights (a full disk, a read-only
 * mount): said as what it is, with the path, never as an internal error.
 */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** "cannot write PATH: no space left on device", or undefined for any other error (see `naming` for errors without a path). */
export function writeFailure(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  const reason = e?.code ? REASONS[e.code] : undefined;
  if (!reason) return undefined;
  return `cannot write ${e!.path ?? 'a file'}: ${reason}`;
}

/** The error, naming `path` when it names none (a failed write(2) on an open file has no path). */
export function naming(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && e.code && !e.path) e.path = path;
  return err;
}
