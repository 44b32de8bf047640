/**
 * Emergency halts on a real `meridian serve`: an operator halts one region with
 * `meridian halt --server` and every region through the API; an execution deploys to the other
 * region and holds in the halted one (its view says why); lifting (CLI and API) lets it finish.
 * A second halt of a scope is refused (409, exit 1) naming the first; a viewer reads halts but
 * cannot halt (403); `meridian halts --json` lists them.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: shop
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${repo} }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [src], commands: ['echo built'] }
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, inputs: [src], commands: ["echo deployed \${region}"] }
`;

interface HaltJson {
  id: string;
  region: string | null;
  by: string;
  reason: string;
  at: string;
  lifted: { by: string; reason: string; at: string } | null;
}

interface ActionView {
  name: string;
  status: string;
  waitingFor: string | null;
  waitingReason: string | null;
}

interface EventJson {
  type: string;
  description: string;
  data: Record<string, unknown> | null;
}

describe('emergency halts through the server', () => {
  let served: Served;
  let operator: string;
  let viewer: string;

  beforeAll(async () => {
    const dir = tempDir();
    writeFiles(dir, { 'shop.yaml': definition(makeRepo({ 'README.md': 'shop' })) });
    const stateDir = path.join(dir, 'state');
    operator = (await runCli(['tokens', 'create', '--role', 'operator', '--name', 'release-manager', '--state-dir', stateDir])).stdout.trim();
    viewer = (await runCli(['tokens', 'create', '--role', 'viewer', '--name', 'onlooker', '--state-dir', stateDir])).stdout.trim();
    served = await startServe(['-f', path.join(dir, 'shop.yaml'), '--state-dir', stateDir]);
  });
  afterAll(async () => {
    await served?.stop();
  });

  const cli = (args: string[], token = operator) => runCli([...args, '--server', served.url], { env: { MERIDIAN_TOKEN: token } });

  it('a viewer reads halts but cannot halt or lift; bodies are checked', async () => {
    expect(await served.api('GET', '/api/halts', undefined, viewer)).toEqual({ status: 200, body: [] });
    const refused = await served.api<{ error: { code: string; message: string } }>('POST', '/api/halts', { region: 'us-east-1', reason: 'no' }, viewer);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('needs the operator role');
    expect((await served.api('POST', '/api/halts/lift', { reason: 'no' }, viewer)).status).toBe(403);
    const byCli = await cli(['halt', '--region', 'us-east-1', '--reason', 'no'], viewer);
    expect(byCli.code).toBe(2);
    expect(byCli.stderr).toContain('HTTP 403');

    expect((await served.api('POST', '/api/halts', { region: 'us-east-1' }, operator)).status).toBe(400);
    expect((await served.api('POST', '/api/halts', { region: 'us-east-1', reason: 'x'.repeat(513) }, operator)).status).toBe(400);
    expect((await served.api('POST', '/api/halts', { region: 'us-east-1', reason: 'ok', by: 'someone else' }, operator)).status).toBe(400);
    const unknown = await served.api<{ error: { message: string } }>('POST', '/api/halts', { region: 'us-east1', reason: 'typo' }, operator);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('known regions: eu-west-1, us-east-1');
    expect(await served.api('GET', '/api/halts', undefined, viewer)).toEqual({ status: 200, body: [] });
  });

  it('holds the halted region while the other deploys, records halts and lifts in the execution, and finishes once lifted', async () => {
    const halted = await cli(['halt', '--region', 'us-east-1', '--reason', 'us database failing over']);
    expect(halted.code, halted.stderr).toBe(0);
    expect(halted.stdout).toContain('Deploys to us-east-1 halted by release-manager at ');
    expect(halted.stdout).toContain('Lift it with: meridian unhalt --region us-east-1 --reason TEXT');

    // The first halt stands: a second one of the same scope is refused, over the API and the CLI.
    const again = await served.api<{ error: { code: string; message: string }; halt: HaltJson }>(
      'POST',
      '/api/halts',
      { region: 'us-east-1', reason: 'me too' },
      operator,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect(again.body.error.message).toContain('deploys to us-east-1 are already halted by release-manager at ');
    expect(again.body.error.message).toContain(': us database failing over');
    expect(again.body.halt).toMatchObject({ region: 'us-east-1', by: 'release-manager', reason: 'us database failing over', lifted: null });
    const cliAgain = await cli(['halt', '--region', 'us-east-1', '--reason', 'me too']);
    expect(cliAgain.code).toBe(1);
    expect(cliAgain.stderr).toContain('already halted by release-manager');

    const listed = await cli(['halts', '--json'], viewer);
    expect(listed.code, listed.stderr).toBe(0);
    const halts = JSON.parse(listed.stdout) as HaltJson[];
    expect(halts).toEqual([expect.objectContaining({ region: 'us-east-1', by: 'release-manager', reason: 'us database failing over', lifted: null })]);
    const table = await cli(['halts'], viewer);
    expect(table.stdout).toMatch(/^SCOPE\s+BY\s+AT\s+REASON\nus-east-1\s+release-manager\s+\S+\s+us database failing over\n$/);

    const id = (await served.api<{ executionId: string }>('POST', '/api/pipelines/shop/executions', {}, operator)).body.executionId;
    const deploy = (view: { stages: Array<{ actions: ActionView[] }> }, name: string): ActionView | undefined =>
      view.stages.flatMap((s) => s.actions).find((a) => a.name === name);
    const view = await eventually(
      async () => {
        const { body } = await served.api<{ stages: Array<{ actions: ActionView[] }> }>('GET', `/api/executions/${id}/view`, undefined, viewer);
        return deploy(body, 'eu-west-1-deploy')?.status === 'Succeeded' && deploy(body, 'us-east-1-deploy')?.status === 'Waiting' ? body : undefined;
      },
      30_000,
      'eu-west-1 to deploy while us-east-1 holds',
    );
    expect(deploy(view, 'us-east-1-deploy')).toMatchObject({ waitingFor: 'halt' });
    expect(deploy(view, 'us-east-1-deploy')?.waitingReason).toContain('deploys to us-east-1 halted by release-manager at ');
    expect(deploy(view, 'us-east-1-deploy')?.waitingReason).toContain('us database failing over');

    // A halt of every region while the execution is in progress: an event of it.
    const everywhere = await served.api<HaltJson & { executions: string[] }>('POST', '/api/halts', { reason: 'incident 7' }, operator);
    expect(everywhere.status).toBe(201);
    expect(everywhere.body).toMatchObject({ region: null, by: 'release-manager', reason: 'incident 7', lifted: null, executions: [id] });

    // Lifting the region's halt leaves the step held by the halt of every region.
    const liftRegion = await served.api<HaltJson>('POST', '/api/halts/lift', { region: 'us-east-1', reason: 'failover done' }, operator);
    expect(liftRegion.status).toBe(200);
    expect(liftRegion.body.lifted).toMatchObject({ by: 'release-manager', reason: 'failover done' });
    expect((await served.api('POST', '/api/halts/lift', { region: 'us-east-1', reason: 'again' }, operator)).status).toBe(404);
    const stillHeld = await served.api<{ status: string; stages: Array<{ actions: ActionView[] }> }>('GET', `/api/executions/${id}/view`, undefined, viewer);
    expect(stillHeld.body.status).toBe('InProgress');
    expect(deploy(stillHeld.body, 'us-east-1-deploy')?.waitingReason).toContain('deploys to every region halted by release-manager');

    const unhalted = await cli(['unhalt', '--reason', 'incident 7 over']);
    expect(unhalted.code, unhalted.stderr).toBe(0);
    expect(unhalted.stdout).toContain('Halt of every region (by release-manager at ');
    expect(unhalted.stdout).toContain('lifted by release-manager at ');
    expect((await ended(served, id)).status).toBe('Succeeded');

    const nothing = await cli(['unhalt', '--reason', 'nothing left']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('not halted, so there is nothing to lift; active halts: none');

    const { body: events } = await served.api<EventJson[]>('GET', `/api/executions/${id}/events`, undefined, viewer);
    expect(events.filter((e) => e.type === 'halt').map((e) => e.data)).toEqual([
      expect.objectContaining({ region: null, by: 'release-manager', reason: 'incident 7', actions: ['us-east-1-deploy'] }),
    ]);
    expect(events.filter((e) => e.type === 'halt-lifted').map((e) => [e.data?.region, e.data?.by, e.data?.reason])).toEqual([
      ['us-east-1', 'release-manager', 'failover done'],
      [null, 'release-manager', 'incident 7 over'],
    ]);

    const history = (await served.api<HaltJson[]>('GET', '/api/halts?all=1', undefined, viewer)).body;
    expect(history.map((h) => [h.region, h.lifted?.reason])).toEqual([
      [null, 'incident 7 over'],
      ['us-east-1', 'failover done'],
    ]);
    const all = await cli(['halts', '--all'], viewer);
    expect(all.stdout).toContain('lifted by release-manager at ');
    expect((await served.api('GET', '/api/halts', undefined, viewer)).body).toEqual([]);
  });
});
