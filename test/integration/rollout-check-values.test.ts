/**
 * `${region.KEY}` in a rollout's health checks means what it means in an action: the region's
 * `values:`. A check reaches each region's own port; a key a region has no value for is
 * refused at the check's line by validate, before anything runs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

/** A region's service: answers /health with 200 and counts the calls. */
async function service(): Promise<{ port: number; calls: string[]; close: () => Promise<void> }> {
  const calls: string[] = [];
  const server = http.createServer((request, response) => {
    calls.push(request.url ?? '');
    response.writeHead(request.url === '/health' ? 200 : 404).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const definition = (repo: string, eu: number, us: number, key = 'port'): string => `pipeline: checked
home: eu-west-1
regions:
  eu-west-1: { values: { port: "${eu}" } }
  us-east-1: { values: { port: "${us}" } }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, inputs: [src], commands: ["echo deployed \${region}"] }
rollout:
  waves: [[eu-west-1], [us-east-1]]
  bake: 1s
  checks:
    - { http: "http://127.0.0.1:\${region.${key}}/health" }
`;

describe('${region.KEY} in rollout checks', () => {
  let eu: Awaited<ReturnType<typeof service>>;
  let us: Awaited<ReturnType<typeof service>>;
  beforeAll(async () => {
    [eu, us] = await Promise.all([service(), service()]);
  });
  afterAll(async () => {
    await Promise.all([eu.close(), us.close()]);
  });

  it('checks each region at its own port, and the run succeeds', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'checked.yaml': definition(makeRepo({ 'README.md': 'x' }), eu.port, us.port) });
    const result = await runCli(['run', '-f', path.join(dir, 'checked.yaml'), '--state-dir', path.join(dir, 'state'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as ExecutionSummary).status).toBe('Succeeded');
    expect(eu.calls).toContain('/health');
    expect(us.calls).toContain('/health');
  }, 60_000);

  it('refuses a key a region has no value for, at the check, with the right spelling', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'checked.yaml': definition(makeRepo({ 'README.md': 'x' }), eu.port, us.port, 'prot') });
    const result = await runCli(['validate', '-f', path.join(dir, 'checked.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('checked.yaml:17:7');
    expect(result.stderr).toContain('`${region.prot}` names no value of region `eu-west-1` and `us-east-1`');
    expect(result.stderr).toContain('did you mean `port`?');
  });
});
