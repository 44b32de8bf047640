/**
 * Meridian installs as people install a CLI (issue 18, item 9): `npm pack` makes a tarball
 * that `npm install -g` puts on a PATH, and the installed `meridian` runs from any folder.
 * The tarball carries the built bundle (dist/), since npm does not build a package installed
 * from a tarball. The install skips install scripts (better-sqlite3's native build, minutes
 * on this machine): `--version` and `validate` without a state dir never open the database.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const run = promisify(execFile);
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function npm(args: string[], cwd: string): Promise<string> {
  // The test's own npm environment (npm_config_* of `npm test`) must not steer the install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const { stdout } = await run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe('npm pack and a global install', () => {
  it('installs the packed tarball into a prefix whose meridian prints its version and validates an example from any folder', { timeout: 300_000 }, async () => {
    const work = tempDir('meridian-pack-');
    // The bundle is already built (test/helpers/global-setup.ts); prepare would build it again.
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT);
    const [info] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['bin/meridian.js', 'dist/meridian.cjs', 'dist/web/index.html', 'examples/service-x/meridian.yaml']));
    expect(files.filter((file) => file.startsWith('src/') || file.startsWith('test/') || file.startsWith('node_modules/'))).toEqual([]);

    const prefix = path.join(work, 'prefix');
    await npm(['install', '-g', '--prefix', prefix, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, info!.filename)], work);
    const meridian = path.join(prefix, 'bin', 'meridian');
    const elsewhere = tempDir();

    for (const flag of ['--version', '-V']) {
      const { stdout } = await run(meridian, [flag], { cwd: elsewhere });
      expect(stdout).toBe(`${VERSION}\n`);
    }
    const example = path.join(prefix, 'lib', 'node_modules', 'meridian', 'examples', 'service-x', 'meridian.yaml');
    const { stdout } = await run(meridian, ['validate', '-f', example], { cwd: elsewhere });
    expect(stdout).toContain('pipeline service-x is valid: 3 stages, 11 actions');
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
