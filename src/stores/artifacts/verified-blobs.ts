/**
 * Which blob files this process has already hashed, keyed by path and identified by inode,
 * size and change times, as git's index trusts a file's stat data. Any write to a file
 * changes its ctime (which no user can set back), so a hit means the bytes are the ones
 * that were hashed. It lets the same blob be read several times, or copied right after it
 * was stored, without hashing it again; it never outlives the process.
 */
import fs from 'node:fs/promises';

interface Identity {
  digest: string;
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

const LIMIT = 10_000;
const known = new Map<string, Identity>();

async function identify(file: string): Promise<Omit<Identity, 'digest'> | undefined> {
  try {
    const stat = await fs.stat(file, { bigint: true });
    return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
  } catch {
    return undefined;
  }
}

/** True when this process hashed `file` as `digest` and the file has not changed since. */
export async function isKnownVerified(file: string, digest: string): Promise<boolean> {
  const entry = known.get(file);
  if (!entry || entry.digest !== digest) return false;
  const now = await identify(file);
  const same =
    now !== undefined &&
    now.dev === entry.dev &&
    now.ino === entry.ino &&
    now.size === entry.size &&
    now.mtimeNs === entry.mtimeNs &&
    now.ctimeNs === entry.ctimeNs;
  if (!same) known.delete(file);
  return same;
}

/** Records that `file`'s current bytes hash to `digest`. Call only right after hashing them. */
export async function rememberVerified(file: string, digest: string): Promise<void> {
  const now = await identify(file);
  if (!now) return;
  known.delete(file);
  if (known.size >= LIMIT) {
    const oldest = known.keys().next();
    if (!oldest.done) known.delete(oldest.value);
  }
  known.set(file, { digest, ...now });
}

export function forgetVerified(file: string): void {
  known.delete(file);
}
