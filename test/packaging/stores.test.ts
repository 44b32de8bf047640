/**
 * Where `meridian package` writes: `--store`, else the running execution's store for the
 * region (MERIDIAN_ARTIFACT_STORES, exported inside builds), else `<state-dir>/stores/<region>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { copyFixture, keyOfUrl, meridianPackage, objectKeys, ok, readTemplate } from './helpers.js';

describe('meridian package: the region store', () => {
  it("writes to the region's folder from MERIDIAN_ARTIFACT_STORES, as a buildspec calling it once per region does", async () => {
    const dir = copyFixture('json');
    const stores = { 'eu-west-1': tempDir(), 'us-east-1': tempDir() };
    const stateDir = tempDir();
    const env = { MERIDIAN_ARTIFACT_STORES: JSON.stringify(stores), MERIDIAN_STATE_DIR: stateDir };
    const result = ok(await meridianPackage(['--template-file', path.join(dir, 'template.json'), '--region', 'us-east-1'], { env }));
    const key = keyOfUrl(readTemplate(result.stdout).Resources.Fn?.Properties.CodeUri, 'meridian-us-east-1');
    expect(objectKeys(stores['us-east-1'])).toEqual([key]);
    expect(objectKeys(stores['eu-west-1'])).toEqual([]);
    expect(fs.existsSync(path.join(stateDir, 'stores'))).toBe(false);
    expect(result.stderr).not.toContain('warning');
  });

  it('--store (a folder or a file:// URL) wins over MERIDIAN_ARTIFACT_STORES', async () => {
    const dir = copyFixture('json');
    const execution = tempDir();
    const chosen = tempDir();
    const env = { MERIDIAN_ARTIFACT_STORES: JSON.stringify({ 'eu-west-1': execution }) };
    const template = path.join(dir, 'template.json');
    ok(await meridianPackage(['--template-file', template, '--region', 'eu-west-1', '--store', pathToFileURL(chosen).href], { env }));
    expect(objectKeys(chosen)).toHaveLength(1);
    expect(objectKeys(execution)).toEqual([]);
  });

  it('falls back to <state-dir>/stores/<region> (MERIDIAN_STATE_DIR inside a build), warning when the execution has no store for the region', async () => {
    const dir = copyFixture('json');
    const stateDir = tempDir();
    const env = { MERIDIAN_ARTIFACT_STORES: JSON.stringify({ 'eu-west-1': tempDir() }), MERIDIAN_STATE_DIR: stateDir };
    const result = ok(await meridianPackage(['--template-file', path.join(dir, 'template.json'), '--region', 'ap-southeast-2'], { env }));
    expect(objectKeys(path.join(stateDir, 'stores', 'ap-southeast-2'))).toHaveLength(1);
    expect(result.stderr).toContain('warning: this execution has no artifact store for ap-southeast-2 (MERIDIAN_ARTIFACT_STORES has eu-west-1)');
  });

  it('refuses a malformed MERIDIAN_ARTIFACT_STORES, a --store that is neither a folder nor s3:// and a prefix that climbs out of objects/ (exit 2)', async () => {
    const dir = copyFixture('json');
    const template = path.join(dir, 'template.json');
    const bad = await meridianPackage(['--template-file', template, '--region', 'eu-west-1'], { env: { MERIDIAN_ARTIFACT_STORES: '{eu-west-1' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('MERIDIAN_ARTIFACT_STORES is not JSON');
    const http = await meridianPackage(['--template-file', template, '--region', 'eu-west-1', '--store', 'https://example.com/bucket']);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('--store https://example.com/bucket is not a folder');
    const climb = await meridianPackage(['--template-file', template, '--region', 'eu-west-1', '--state-dir', tempDir(), '--s3-prefix', '../x']);
    expect(climb.code).toBe(2);
    expect(climb.stderr).toContain('may not contain ".." segments');
  });
});
