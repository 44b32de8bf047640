/**
 * A buildspec is a repository file that whoever pushes chooses, and the server's own agent
 * parses it on the server's event loop. A real `meridian serve` keeps answering /healthz
 * within a second while a build reads a large buildspec: one over the limit (about 900 KB,
 * 40,000 variables, which froze the server for half a minute) fails naming the file, its size
 * and the limit; one of 10,000 variables just under the limit runs.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

type ActionSummary = Summary['stages'][number]['actions'][number] & {
  error: { code: string; message: string } | null;
  outputVariables: Record<string, string>;
};

function buildspec(variables: number): string {
  const lines = ['version: 0.2', 'env:', '  exported-variables: [LAST]', '  variables:'];
  for (let i = 0; i < variables; i++) lines.push(`    V${i}: "v${i}"`);
  lines.push('phases:', '  build:', '    commands:', `      - export LAST="$V${variables - 1}"`);
  return `${lines.join('\n')}\n`;
}

/** Asks /healthz every 100 ms until stopped; returns the slowest answer's time. */
function watchHealth(url: string): { stop: () => Promise<{ slowestMs: number; answers: number }> } {
  let running = true;
  let slowestMs = 0;
  let answers = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      // An answer that never comes counts as slow as the wait for it.
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) })
        .then((response) => response.text())
        .catch(() => undefined);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      answers += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { slowestMs, answers };
    },
  };
}

describe('a large buildspec under meridian serve', () => {
  const servers: Served[] = [];
  afterEach(async () => {
    for (const served of servers.splice(0)) await served.stop();
  });

  async function build(text: string): Promise<{ action: ActionSummary; slowestMs: number; answers: number }> {
    const repo = makeRepo({ 'buildspec.yml': text });
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: bigspec
sources:
  app: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - { name: build, uses: codebuild, inputs: [app], namespace: B }
`,
    });
    const served = await startServe(['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state')]);
    servers.push(served);
    const health = watchHealth(served.url);
    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/bigspec/executions', {});
    const summary = await ended(served, body.executionId);
    const { slowestMs, answers } = await health.stop();
    const action = summary.stages[1]?.actions[0] as ActionSummary;
    return { action, slowestMs, answers };
  }

  it('refuses a buildspec over 256 KB with its name, size and the limit, and /healthz answers within a second throughout', async () => {
    const text = buildspec(40_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(780 * 1024);
    const { action, slowestMs, answers } = await build(text);
    expect(action.status).toBe('Failed');
    expect(action.error?.message).toContain(`buildspec buildspec.yml in the primary source app is ${Buffer.byteLength(text).toLocaleString('en-US')} bytes`);
    expect(action.error?.message).toContain('at most 262,144 bytes (256 KB)');
    expect(answers).toBeGreaterThan(0);
    expect(slowestMs).toBeLessThan(1000);
  }, 120_000);

  // How long parsing it takes depends on the machine; test/definition/duplicate-keys.test.ts shows the check is linear.
  it('runs a buildspec of 10,000 variables just under the limit', async () => {
    const text = buildspec(10_000);
    expect(Buffer.byteLength(text)).toBeLessThan(256 * 1024);
    const { action } = await build(text);
    expect(action.error).toBeNull();
    expect(action.outputVariables.LAST).toBe('v9999');
  }, 120_000);
});
