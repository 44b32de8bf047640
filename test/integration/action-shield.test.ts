/**
 * Pipeline code cannot read what Meridian holds: a command run by `meridian serve`'s own agent
 * looks for the admin token in the environment and command line of every process it can see
 * (its parent first, and every thread) and reads the master key file beside the state dir. It
 * finds neither, while it runs as usual (same user, its own work folder and environment).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const TOKEN = `shield-${randomBytes(12).toString('hex')}`;

// Greps every /proc entry it can read, then the key file; prints a FOUND line for each find.
const LOOK = [
  `for f in /proc/$PPID/environ /proc/$PPID/cmdline /proc/[0-9]*/environ /proc/[0-9]*/cmdline /proc/[0-9]*/task/[0-9]*/environ; do grep -qa "${TOKEN.slice(0, 20)}" "$f" 2>/dev/null && echo "FO""UND $f"; done; true`,
  'key="$MERIDIAN_STATE_DIR/master.key"; if [ -s "$key" ]; then echo "FO""UND $key"; fi',
  'echo "looked as $(id -un) in $(pwd)"',
];

describe('the code an action runs', () => {
  let served: Served;
  let stateDir: string;

  beforeAll(async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'peek.yaml': `pipeline: peek
sources:
  src: { git: ${makeRepo({ 'README.md': 'x' })} }
stages:
  - name: Peek
    actions:
      - name: look
        uses: commands
        inputs: [src]
        commands: ${JSON.stringify(LOOK)}
`,
    });
    stateDir = path.join(dir, 'state');
    served = await startServe(['-f', path.join(dir, 'peek.yaml'), '--state-dir', stateDir], { MERIDIAN_TOKEN: TOKEN });
  }, 60_000);
  afterAll(async () => {
    await served?.stop();
  });

  it("finds neither the server's token nor the master key, and runs as usual", async () => {
    expect(fs.statSync(path.join(stateDir, 'master.key')).size).toBeGreaterThan(0);
    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/peek/executions', {}, TOKEN);
    const summary = await ended(served, body.executionId, 60_000, TOKEN);
    expect(summary.status).toBe('Succeeded');
    const response = await fetch(`${served.url}/api/executions/${body.executionId}/actions/look/log`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const log = await response.text();
    expect(log).toContain('looked as');
    expect(log).not.toContain('FOUND');
  });
});
