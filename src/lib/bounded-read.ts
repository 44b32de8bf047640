/**
 * Reading a repository file that Meridian parses (a buildspec, a CloudFormation template)
 * within a size bound. Whoever can push to a repository chooses these files, and parsing
 * them runs in the server's process when the server's own agent runs the job: a bound keeps
 * one file from taking the event loop (or memory) from everything else the server does.
 */
import { open } from 'node:fs/promises';

export type BoundedText = { text: string } | { tooLarge: { size: number; limit: number } };

/** The file's text, or its size when it is larger than `limit` bytes (then nothing is read). */
export async function readTextWithin(file: string, limit: number): Promise<BoundedText> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > limit) return { tooLarge: { size, limit } };
    // Read one byte more than the limit: the file may have grown since stat.
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > limit) return { tooLarge: { size: length, limit } };
    }
    return { text: buffer.subarray(0, length).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/** `262,144 bytes (256 KB)`: sizes as messages show them. */
export function bytesText(bytes: number): string {
  const kb = bytes / 1024;
  const short = kb >= 1024 ? `${(kb / 1024).toFixed(kb % 1024 === 0 ? 0 : 1)} MB` : `${kb.toFixed(Number.isInteger(kb) ? 0 : 1)} KB`;
  return `${bytes.toLocaleString('en-US')} bytes (${short})`;
}
