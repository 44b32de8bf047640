/** A reader that stops early (`meridian schema | head -c 10`) ends the command quietly, with exit 0. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

describe('stdout closed by the reader', () => {
  it('stops the command quietly instead of failing with EPIPE', async () => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/meridian.js'), 'plan', '-f', path.join(REPO_ROOT, 'examples/service-x/meridian.yaml'), '--at', '2026-11-26T12:00:00Z'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The reader is gone before the first line, as with `| head -0`.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
