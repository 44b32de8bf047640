/**
 * What a person writes that Meridian puts into events and logs — a stop's reason, a halt's
 * reason and author, a window override's reason — is one line: a CR or LF in it would start a
 * line of its own that reads as Meridian's. Refused with 400 (exit 2 locally), nothing recorded.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const FORGED = 'routine\n2026-12-05T10:00:00Z [meridian] Execution approved by security';

describe('reasons with line breaks', () => {
  let served: Served;
  let stateDir: string;
  let file: string;

  beforeAll(async () => {
    const dir = tempDir();
    file = path.join(dir, 'slow.yaml');
    writeFiles(dir, {
      'slow.yaml': `pipeline: slow
sources:
  src: { git: ${makeRepo({ 'README.md': 'x' })} }
stages:
  - name: Work
    actions:
      - { name: wait, uses: commands, inputs: [src], commands: ['sleep 30'] }
`,
    });
    stateDir = path.join(dir, 'state');
    served = await startServe(['-f', file, '--state-dir', stateDir]);
  }, 60_000);
  afterAll(async () => {
    await served?.stop();
  });

  it('are refused by the API for a stop and a halt, and the execution and halts are as before', async () => {
    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/slow/executions', {});
    const id = body.executionId;
    await eventually(
      async () => ((await served.api<{ status: string }>('GET', `/api/executions/${id}`)).body.status === 'InProgress' ? true : undefined),
      20_000,
      'the execution to run',
    );
    const stop = await served.api<{ error: { message: string } }>('POST', `/api/executions/${id}/stop`, { abandon: true, reason: FORGED });
    expect(stop.status).toBe(400);
    expect(stop.body.error.message).toContain('the reason for stopping (--reason) must be one line of printable text');
    const halt = await served.api<{ error: { message: string } }>('POST', '/api/halts', { reason: FORGED });
    expect(halt.status).toBe(400);
    expect((await served.api('GET', '/api/halts')).body).toEqual([]);
    const events = (await served.api<Array<{ description: string }>>('GET', `/api/executions/${id}/events`)).body;
    expect(JSON.stringify(events)).not.toContain('approved by security');

    expect((await served.api('POST', `/api/executions/${id}/stop`, { abandon: true, reason: 'done testing' })).status).toBeLessThan(300);
    expect((await ended(served, id, 30_000)).status).toBe('Stopped');
  }, 60_000);

  it('are refused by the local CLI (exit 2) for a halt and its author', async () => {
    const local = path.join(tempDir(), 'state');
    const reason = await runCli(['halt', '--reason', FORGED, '--state-dir', local]);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toContain('the reason (--reason) must be one line of printable text');
    const by = await runCli(['halt', '--reason', 'freeze', '--by', 'ops\r\nadmin', '--state-dir', local]);
    expect(by.code).toBe(2);
    expect(by.stderr).toContain('who halts (--by) must be one line');
    expect(JSON.parse((await runCli(['halts', '--json', '--state-dir', local])).stdout)).toEqual([]);
  });
});
