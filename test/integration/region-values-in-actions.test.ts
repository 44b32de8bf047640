/**
 * `${region.KEY}` inside a release action's `with:` (its hooks and its health check) is the
 * region's `values:`, as in a rollout check: each region's hook writes its own text and each
 * region's health check reaches its own service.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

async function service(): Promise<{ port: number; calls: string[]; close: () => Promise<void> }> {
  const calls: string[] = [];
  const server = http.createServer((request, response) => {
    calls.push(request.url ?? '');
    response.writeHead(request.url === '/health' ? 200 : 404).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('${region.KEY} in release hooks and health checks', () => {
  let eu: Awaited<ReturnType<typeof service>>;
  let us: Awaited<ReturnType<typeof service>>;
  beforeAll(async () => {
    [eu, us] = await Promise.all([service(), service()]);
  });
  afterAll(async () => {
    await Promise.all([eu.close(), us.close()]);
  });

  it("runs each region's hook with its values and checks each region's own port", async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    writeFiles(dir, {
      'out/.keep': '',
      'values.yaml': `pipeline: values
regions:
  eu-west-1: { values: { port: "${eu.port}", greeting: dia duit } }
  us-east-1: { values: { port: "${us.port}", greeting: howdy } }
sources:
  src: { git: ${makeRepo({ 'README.md': 'x' })} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - name: "\${region}-release"
        uses: release
        inputs: [src]
        with:
          target: deploy/\${region}
          hooks: { afterActivate: "echo '\${region.greeting}' > ${out}/\${region}.txt" }
          healthCheck: { url: "http://127.0.0.1:\${region.port}/health", retries: 2 }
`,
    });
    const result = await runCli(['run', '-f', path.join(dir, 'values.yaml'), '--state-dir', path.join(dir, 'state'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as ExecutionSummary).status).toBe('Succeeded');
    expect(readFileSync(path.join(out, 'eu-west-1.txt'), 'utf8')).toBe('dia duit\n');
    expect(readFileSync(path.join(out, 'us-east-1.txt'), 'utf8')).toBe('howdy\n');
    expect(eu.calls).toContain('/health');
    expect(us.calls).toContain('/health');
  }, 60_000);
});
