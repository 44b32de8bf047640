/**
 * RollbackStage on a server: `POST /api/pipelines/:name/stages/:stage/rollback`, driven by
 * `meridian rollback --server`, rolls a stage back while the server runs the rollback.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, makeRepo } from '../helpers/git-repo.js';
import { ADMIN_TOKEN, ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { liveVersion, writeRollbackShop } from '../helpers/rollback-shop.js';
import { tempDir } from '../helpers/temp.js';

describe('RollbackStage through the API', () => {
  let served: Served;
  let repo: string;
  let dir: string;
  const live = (region: string): string => liveVersion(dir, region);

  beforeAll(async () => {
    repo = makeRepo({ VERSION: '1' });
    dir = tempDir();
    const file = writeRollbackShop(dir, repo);
    served = await startServe(['-f', file, '--state-dir', path.join(dir, 'state')]);
  });
  afterAll(async () => {
    await served.stop();
  });

  it('starts rollback executions that put every region back, and refuses what cannot be rolled back', async () => {
    const start = async (): Promise<Summary> =>
      ended(served, (await served.api<{ executionId: string }>('POST', '/api/pipelines/shop/executions', {})).body.executionId);
    const v1 = await start();
    commit(repo, { VERSION: '2' }, 'Version 2');
    const v2 = await start();
    expect([v1.status, v2.status, live('eu-west-1'), live('us-east-1')]).toEqual(['Succeeded', 'Succeeded', '2', '2']);

    const asked = await runCli(['rollback', 'shop', 'Deploy', '--server', served.url, '--json'], { env: { MERIDIAN_TOKEN: ADMIN_TOKEN } });
    expect(asked.code, asked.stderr).toBe(0);
    const { executionIds } = JSON.parse(asked.stdout) as { executionIds: string[] };
    expect(executionIds).toHaveLength(1);
    const rollback = await ended(served, executionIds[0]!);
    expect([rollback.status, rollback.trigger.type]).toEqual(['Succeeded', 'rollback']);
    expect(rollback.trigger.detail).toContain(`after execution ${v2.executionId}: rolled back by admin`);
    expect([live('eu-west-1'), live('us-east-1')]).toEqual(['1', '1']);

    const nothing = await served.api<{ error: { message: string } }>('POST', '/api/pipelines/shop/stages/Deploy/rollback', {});
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.message).toContain('nothing to roll back stage Deploy to in eu-west-1, us-east-1');
    const badRegion = await served.api<{ error: { message: string } }>('POST', '/api/pipelines/shop/stages/Deploy/rollback', { regions: ['ap-south-1'] });
    expect(badRegion.status).toBe(400);
    expect(badRegion.body.error.message).toContain('not in ap-south-1');
  });
});
