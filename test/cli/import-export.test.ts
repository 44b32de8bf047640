import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const SEED_SHAPE = fileURLToPath(new URL('../../examples/orders/orders.template.yaml', import.meta.url));
const TERMS = fileURLToPath(new URL('../fixtures/definitions/convert/codepipeline-terms.meridian.yaml', import.meta.url));
const EXPORTS = {
  OrdersBuildRole: 'arn:aws:iam::111122223333:role/orders-build',
  OrdersPipelineRole: 'arn:aws:iam::111122223333:role/orders-pipeline',
  OrdersDeployRole: 'arn:aws:iam::111122223333:role/orders-deploy',
};

async function stateWithExports(): Promise<string> {
  const state = path.join(tempDir(), 'state');
  for (const [name, value] of Object.entries(EXPORTS)) expect((await runCli(['exports', 'set', name, value, '--state-dir', state])).code).toBe(0);
  return state;
}

describe('meridian import, export and providers', () => {
  it("imports the seed-shaped template into a native file whose plan is the template's", async () => {
    const state = await stateWithExports();
    const out = path.join(tempDir(), 'meridian.yaml');
    const imported = await runCli(['import', SEED_SHAPE, '-o', out, '--state-dir', state]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe(`${out}: pipeline orders, 3 stages, 11 actions; it compiles to the same pipeline as ${SEED_SHAPE}.\n`);
    expect(fs.readFileSync(out, 'utf8')).toContain('forEach: region');
    const at = '2026-11-02T03:00:00.000Z';
    const planOf = async (file: string): Promise<unknown> =>
      JSON.parse((await runCli(['plan', '-f', file, '--json', '--at', at, '--state-dir', state])).stdout) as unknown;
    expect(await planOf(out)).toEqual(await planOf(SEED_SHAPE));
  });

  it("reports the original file's problems as FILE:LINE:COL and writes nothing", async () => {
    const out = path.join(tempDir(), 'meridian.yaml');
    const result = await runCli(['import', SEED_SHAPE, '-o', out, '--state-dir', path.join(tempDir(), 'state')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${SEED_SHAPE}:20:20: export OrdersBuildRole is not defined`);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('exports a native file as a template that validates and imports back', async () => {
    const dir = tempDir();
    const template = path.join(dir, 'template.yaml');
    const exported = await runCli(['export', '-f', TERMS, '--format', 'codepipeline', '-o', template, '--state-dir', path.join(dir, 'state')]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect((await runCli(['validate', '-f', template, '--state-dir', path.join(dir, 'state')])).code).toBe(0);
    const back = path.join(dir, 'meridian.yaml');
    const imported = await runCli(['import', template, '-o', back, '--state-dir', path.join(dir, 'state')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect((await runCli(['validate', '-f', back, '--state-dir', path.join(dir, 'state')])).code).toBe(0);

    const wrong = await runCli(['export', '-f', TERMS, '--format', 'terraform']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--format terraform is not known; write --format codepipeline');
  });

  it('lists what runs, what runs with a substitute and what is refused', async () => {
    const text = await runCli(['providers']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Deploy\/AWS\/CloudFormation\s+runs\s+every ActionMode/m);
    expect(text.stdout).toMatch(/^Build\/AWS\/CodeBuild\s+runs with a substitute\s+the buildspec runs on this host/m);
    expect(text.stdout).toMatch(/^Deploy\/AWS\/S3\s+refused at validation\s+Meridian does not extract artifacts into buckets; instead: /m);
    const json = JSON.parse((await runCli(['providers', '--json'])).stdout) as Array<{ type: string; status: string }>;
    expect(json.find((entry) => entry.type === 'Rule/AWS/CloudWatchAlarm')?.status).toBe('refused');
  });
});
