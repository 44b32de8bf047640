/**
 * An error the server did not expect is answered 500 without its message — which may hold a
 * query, a file path or a stack — but with the request's id; `serve` prints the whole error
 * with that id to stderr, for whoever runs it.
 */
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('an unexpected error', () => {
  let served: Served;
  let stateDir: string;

  beforeAll(async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: p
sources:
  src: { git: ${makeRepo({ 'README.md': 'x' })} }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [src], commands: ['true'] }
`,
    });
    stateDir = path.join(dir, 'state');
    served = await startServe(['-f', path.join(dir, 'p.yaml'), '--state-dir', stateDir]);
  }, 60_000);
  afterAll(async () => {
    await served?.stop();
  });

  it('is answered 500 with a request id and no internals, and the server prints it whole', async () => {
    // A table gone from under the server: its query fails with the driver's own message.
    const db = new SqliteDatabase(path.join(stateDir, 'state.db'));
    db.exec('DROP TABLE halts');
    db.close();
    const answer = await served.api<{ error: { code: string; message: string } }>('GET', '/api/halts');
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('INTERNAL');
    expect(answer.body.error.message).not.toContain('halts');
    const requestId = /\(request ([^)]+)\)/.exec(answer.body.error.message)?.[1];
    expect(requestId).toBeDefined();
    await eventually(
      () => (served.child.output.stderr.includes(`no such table: halts (request ${requestId})`) ? true : undefined),
      5_000,
      'serve to print the error with its request id',
    );
  });
});
