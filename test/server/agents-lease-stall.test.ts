/**
 * A server that stands still does not take a healthy agent's job from it (issue 17, High 5):
 * a real `meridian serve` with a 2 s lease is paused (SIGSTOP, as a 40 s parse froze it) for
 * 6 s while a real remote agent runs an action and reports it; when the server runs again the
 * job is recorded as the agent reported it, attempt 1, with no lease expiry and no second run.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAgentToken, serveForAgents, slowDefinition, startAgent, type StartedAgent } from '../helpers/agent.js';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe("a lease across the server's own stall", () => {
  const started: Array<Served | StartedAgent> = [];
  afterAll(async () => {
    for (const process of started.splice(0).reverse()) await process.stop('SIGKILL');
  });

  it('keeps the job of an agent that reported while the server was paused', async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    writeFiles(dir, { 'paused.yaml': slowDefinition('paused', makeRepo({ 'README.md': 'x' }), 2) });
    const token = await makeAgentToken(stateDir, 'eu-west-1', 'eu-a');
    const served = await serveForAgents(path.join(dir, 'paused.yaml'), stateDir);
    started.push(served);
    const agent = await startAgent(served.url, 'eu-west-1', token, path.join(dir, 'a'));
    started.push(agent);
    // Past the server's start-up grace (one lease), so its sweep would hand the job on.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/paused/executions', {});
    const id = body.executionId;
    await eventually(() => agent.ran().some((line) => line.startsWith('Running slow')) || undefined, 30_000, 'the agent to start slow');
    served.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    served.child.kill('SIGCONT');

    const summary = await ended(served, id, 30_000);
    expect(summary.status).toBe('Succeeded');
    expect(summary.stages.find((s) => s.name === 'Deploy')?.actions[0]?.attempts).toBe(1);
    const events = (await served.api<Array<{ type: string }>>('GET', `/api/executions/${id}/events`)).body;
    expect(events.filter((e) => e.type === 'lease-expired')).toEqual([]);
    expect(agent.ran().filter((line) => line.startsWith('Running slow'))).toHaveLength(1);
  }, 120_000);
});
