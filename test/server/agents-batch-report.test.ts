/**
 * Outcomes reported together: a real `meridian serve` on 127.0.0.1, and the agent's own
 * HTTP client (AgentClient) and outcome batch driving the agent routes, as `meridian agent`
 * does. Jobs that end while a report is in flight leave together in the next request; the
 * server records each held one once, refuses the others one by one as the single-job route
 * would, and hands out as many next jobs as were asked for.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentClient, type ClaimedJob } from '../../src/agent/agent-client.js';
import { OutcomeBatch, type FinishedJob } from '../../src/agent/outcome-batch.js';
import { makeAgentToken } from '../helpers/agent.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ADMIN_TOKEN, ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const ACTIONS = 5;

function definition(repo: string): string {
  const actions = Array.from({ length: ACTIONS }, (_, i) => `      - { name: n${i}, uses: Compute/Meridian/Noop, region: eu-west-1 }`).join('\n');
  return `pipeline: batch
home: us-east-1
regions:
  us-east-1: { timezone: America/New_York }
  eu-west-1: { timezone: Europe/Dublin }
sources:
  src: { git: ${repo} }
stages:
  - name: Noops
    actions:
${actions}
`;
}

describe('batched outcome reports', () => {
  const started: Served[] = [];
  afterAll(async () => {
    for (const served of started.splice(0)) await served.stop('SIGKILL');
  });

  it('records each held job once, refuses the rest one by one, and claims the freed slots’ next jobs', async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    writeFiles(dir, { 'batch.yaml': definition(makeRepo({ 'README.md': 'x' })) });
    const token = await makeAgentToken(stateDir, 'eu-west-1', 'eu-batch');
    // The source stage runs in the server (us-east-1); the no-ops wait for a remote agent of eu-west-1.
    const served = await startServe(['-f', path.join(dir, 'batch.yaml'), '--state-dir', stateDir, '--remote-regions', 'eu-west-1', '--agent-poll', '2']);
    started.push(served);
    const agent = new AgentClient(served.url, token, 'batch-host:1:aaa');
    const stranger = new AgentClient(served.url, token, 'batch-host:2:bbb');
    try {
      const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/batch/executions', {});
      const claim = { region: 'eu-west-1', labels: [], concurrency: 3, max: 3 };
      const held: ClaimedJob[] = [];
      for (let tries = 0; held.length < 3 && tries < 20; tries++)
        held.push(...(await agent.claim({ ...claim, max: 3 - held.length }, new AbortController().signal)));
      expect(held).toHaveLength(3);
      const [first, second, third] = held.map((claimed) => claimed.spec.job.id) as [string, string, string];

      // A report for a job another agent holds is refused (409) and records nothing.
      const refused = await stranger.completeMany([{ jobId: third, outcome: { status: 'Failed' }, log: [] }]);
      expect(refused.results.get(third)).toEqual({ status: 409, message: expect.stringContaining('no longer holds job') });
      expect(refused.next).toEqual([]);

      // Three reports leave in two requests: the first at once, the two that came while it was in flight together.
      const batches: string[][] = [];
      const outcomes = new OutcomeBatch(async (reports: FinishedJob[], claimNext: number) => {
        batches.push(reports.map((report) => report.jobId));
        return agent.completeMany(reports, { claimNext, labels: [] });
      });
      const answers = await Promise.all([
        outcomes.add({ jobId: first, outcome: { status: 'Succeeded', summary: 'did nothing' }, log: ['first line', 'last line'] }, true),
        outcomes.add({ jobId: second, outcome: { status: 'Succeeded' }, log: [] }, true),
        outcomes.add({ jobId: 'no-such-job', outcome: { status: 'Succeeded' }, log: [] }, false),
      ]);
      expect(batches).toEqual([[first], [second, 'no-such-job']]);
      expect(answers.map((answer) => answer.result)).toEqual([{ recorded: true }, { recorded: true }, { status: 404, message: 'no job no-such-job' }]);
      // Two slots asked for a next job and got one each (two no-ops were still queued); the third asked for none.
      const next = answers.flatMap((answer) => answer.next.map((claimed) => claimed.spec.job.id));
      expect(answers.map((answer) => answer.next.length)).toEqual([1, 1, 0]);
      expect(new Set([...next, first, second, third]).size).toBe(5);

      // The rest are reported in one request, with one of them twice and a late duplicate of the first: refused, not recorded twice.
      const rest = await agent.completeMany([
        ...[third, ...next].map((jobId) => ({ jobId, outcome: { status: 'Succeeded' as const }, log: [] })),
        { jobId: third, outcome: { status: 'Failed' }, log: [] },
        { jobId: first, outcome: { status: 'Failed' }, log: [] },
      ]);
      // One result per job id (the map keeps the last said of each): third's second report was refused, first's late one too.
      expect(rest.results.get(next[0]!)).toEqual({ recorded: true });
      expect(rest.results.get(next[1]!)).toEqual({ recorded: true });
      expect(rest.results.get(third)).toEqual({ status: 409, message: expect.stringContaining('reported twice in this request') });
      expect(rest.results.get(first)).toEqual({ status: 409, message: expect.stringContaining('no longer holds job') });

      // A batch may carry more than one job's report may (log tails of several jobs), up to 16 MiB.
      const post = (bytes: number) =>
        fetch(`${served.url}/api/agents/jobs/complete`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'x-meridian-agent': 'batch-host:1:aaa', 'content-type': 'application/json' },
          body: JSON.stringify({ reports: [{ jobId: 'no-such-job', status: 'Succeeded', log: ['x'.repeat(bytes)] }] }),
        });
      const twoMiB = await post(2 * 1024 * 1024);
      expect(twoMiB.status).toBe(200);
      expect(((await twoMiB.json()) as { results: unknown[] }).results).toEqual([
        { jobId: 'no-such-job', status: 404, error: { code: 'NOT_FOUND', message: 'no job no-such-job' } },
      ]);
      // Past it, the server answers 413 before it has read the body, and may close the connection while it is still being sent.
      const tooLarge = await post(17 * 1024 * 1024).then(
        (response) => String(response.status),
        (error: Error) => (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.message,
      );
      expect(['413', 'EPIPE', 'ECONNRESET']).toContain(tooLarge);

      const summary = await ended(served, body.executionId, 30_000);
      expect(summary.status).toBe('Succeeded');
      const noops = summary.stages.find((stage) => stage.name === 'Noops')?.actions ?? [];
      expect(noops.map((action) => [action.status, action.attempts])).toEqual(Array.from({ length: ACTIONS }, () => ['Succeeded', 1]));
      const events = (
        await served.api<Array<{ type: string; action: string | null; description: string }>>('GET', `/api/executions/${body.executionId}/events`)
      ).body;
      const finished = events.filter((event) => event.type === 'action-finished' && event.action?.startsWith('n'));
      expect(finished).toHaveLength(ACTIONS);
      const firstName = held[0]?.spec.action.name ?? '';
      expect(finished.find((event) => event.action === firstName)?.description).toMatch(/succeeded in \d+m?s \(did nothing\)$/);
      const log = await (
        await fetch(`${served.url}/api/executions/${body.executionId}/actions/${firstName}/log`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      ).text();
      expect(log.split('\n').slice(-3)).toEqual(['first line', 'last line', '']);
    } finally {
      await agent.close();
      await stranger.close();
    }
  }, 90_000);
});
