/**
 * Hashing reads and hashing copies. SHA-256 is the cost that matters (about 1 GB/s with
 * SHA-NI, while a page-cache copy runs at 3 GB/s), so reads are issued one chunk ahead and
 * writes one chunk behind: the disk work overlaps the hashing on the main thread.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';

// 1 MiB measured fastest for 100 MB files (4 and 8 MiB were slower on the same machine).
const CHUNK = 1 << 20;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let index = 0;
    let next = handle.read(buffers[0]!, 0, CHUNK, null);
    for (;;) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) break;
      index += 1;
      next = handle.read(buffers[index % 2]!, 0, CHUNK, null);
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export interface HashedCopy {
  digest: string;
  bytes: number;
}

/** Copies `source` into the new file `dest` (which must not exist), hashing the bytes written. */
export async function copyHashing(source: string | Readable, dest: string): Promise<HashedCopy> {
  const out = await fs.open(dest, 'wx', 0o644);
  try {
    return typeof source === 'string' ? await copyFileHashing(source, out) : await copyStreamHashing(source, out);
  } finally {
    await out.close();
  }
}

async function copyFileHashing(source: string, out: fs.FileHandle): Promise<HashedCopy> {
  const hash = createHash('sha256');
  const input = await fs.open(source, 'r');
  let bytes = 0;
  try {
    // Two buffers suffice: while chunk i is written and hashed, chunk i+1 is read into the
    // buffer chunk i-1 used, whose write has been awaited.
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let index = 0;
    let written: Promise<unknown> = Promise.resolve();
    let next = input.read(buffers[0]!, 0, CHUNK, null);
    for (;;) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) break;
      await written;
      index += 1;
      next = input.read(buffers[index % 2]!, 0, CHUNK, null);
      const chunk = buffer.subarray(0, bytesRead);
      written = out.write(chunk, 0, bytesRead);
      hash.update(chunk);
      bytes += bytesRead;
    }
    await written;
  } finally {
    await input.close();
  }
  return { digest: hash.digest('hex'), bytes };
}

async function copyStreamHashing(source: Readable, out: fs.FileHandle): Promise<HashedCopy> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const data of source) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
    hash.update(chunk);
    await out.write(chunk);
    bytes += chunk.length;
  }
  return { digest: hash.digest('hex'), bytes };
}
