/**
 * Overriding a window on a real `meridian serve`: a disruptive execution waits for windows
 * that open only in 2030; an operator starts one region through the API and the other
 * with `meridian windows override --server`, and who, when and why are in its events. A
 * plain execution of the same `disruptive-only` pipeline goes straight through.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: nightly
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
windows:
  policy: disruptive-only
  allow: "2030-01-01 to 2030-01-02"
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["echo deployed \${region}"] }
`;

describe('meridian windows override', () => {
  let served: Served;
  let operator: string;

  beforeAll(async () => {
    const dir = tempDir();
    writeFiles(dir, { 'pipeline.yaml': definition(makeRepo({ 'README.md': 'nightly' })) });
    const stateDir = path.join(dir, 'state');
    operator = (await runCli(['tokens', 'create', '--role', 'operator', '--name', 'release-manager', '--state-dir', stateDir])).stdout.trim();
    served = await startServe(['-f', path.join(dir, 'pipeline.yaml'), '--state-dir', stateDir]);
  });
  afterAll(async () => {
    await served.stop();
  });

  it('a plain execution is not disruptive and does not wait', async () => {
    const started = await served.api<{ executionId: string }>('POST', '/api/pipelines/nightly/executions', {}, operator);
    expect(started.status).toBe(201);
    expect((await ended(served, started.body.executionId)).status).toBe('Succeeded');
  });

  it('starts the waiting actions of a region now, over the API and from the CLI, and records who and why', async () => {
    const started = await served.api<{ executionId: string }>('POST', '/api/pipelines/nightly/executions', { disruptive: true }, operator);
    const id = started.body.executionId;
    const waiting = await eventually(
      async () => {
        const { body } = await served.api<Summary>('GET', `/api/executions/${id}`);
        const actions = body.stages[1]?.actions ?? [];
        return actions.length === 2 && actions.every((a) => a.status === 'Waiting') ? actions : undefined;
      },
      30_000,
      'both regions to wait',
    );
    expect(waiting.map((a) => a.name)).toEqual(['eu-west-1-deploy', 'us-east-1-deploy']);
    // The summary says why an action waits; this window (2030) does not open within a year.
    expect((waiting[0] as unknown as { waiting: unknown }).waiting).toEqual({
      reason: 'window: outside 2030-01-01 to 2030-01-02; no window opens within a year',
      opensAt: null,
    });

    const refused = await served.api('POST', `/api/executions/${id}/windows/eu-west-1/override`, {}, operator);
    expect(refused.status).toBe(400);

    const api = await served.api<{ by: string; actions: string[] }>(
      'POST',
      `/api/executions/${id}/windows/eu-west-1/override`,
      { reason: 'customer escalation 7' },
      operator,
    );
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ by: 'release-manager', actions: ['eu-west-1-deploy'] });

    const cli = await runCli(['windows', 'override', id, 'us-east-1', '--reason', 'same fix for the US', '--server', served.url], {
      env: { MERIDIAN_TOKEN: operator },
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`Window of us-east-1 overridden for execution ${id} by release-manager: us-east-1-deploy starts`);

    expect((await ended(served, id)).status).toBe('Succeeded');
    const { body: events } = await served.api<
      Array<{ type: string; at: string; action: string | null; description: string; data: Record<string, unknown> | null }>
    >('GET', `/api/executions/${id}/events`);
    const overrides = events.filter((e) => e.type === 'window-override');
    expect(overrides.map((e) => e.data)).toEqual([
      expect.objectContaining({ region: 'eu-west-1', by: 'release-manager', reason: 'customer escalation 7' }),
      expect.objectContaining({ region: 'us-east-1', by: 'release-manager', reason: 'same fix for the US' }),
    ]);
    expect(overrides.every((e) => typeof e.data?.at === 'string')).toBe(true);
    const waited = events.filter((e) => e.type === 'action-waiting');
    expect(waited[0]?.description).toContain('outside 2030-01-01 to 2030-01-02');
    expect(events.find((e) => e.type === 'action-started' && e.action === 'eu-west-1-deploy')?.description).toBe(
      'eu-west-1-deploy (eu-west-1) started: window overridden by release-manager: customer escalation 7',
    );
  });
});
