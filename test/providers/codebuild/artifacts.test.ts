import { lstat, readlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { glob } from 'tinyglobby';
import { failed, runBuildspec, succeeded } from './build.js';

/** Relative paths of every file (and link) in an output folder. */
async function tree(dir: string | undefined): Promise<string[]> {
  expect(dir).toBeDefined();
  return (await glob(['**/*'], { cwd: dir!, dot: true, onlyFiles: true, followSymbolicLinks: false })).sort();
}

const SOURCE = {
  'README.md': 'readme',
  'dist/app.js': 'app',
  'dist/lib/util.js': 'util',
  'dist/lib/deep/more.js': 'more',
  'dist/app.js.map': 'map',
  'build-eu/eu.zip': 'eu',
  'build-us/us.zip': 'us',
  'docs/a/index.html': 'a',
  'docs/b/index.html': 'b',
};

function artifacts(section: string): string {
  return `version: 0.2\nphases:\n  build:\n    commands: [echo built]\nartifacts:\n${section}`;
}

describe('codebuild: artifacts (CB-SPEC artifacts)', () => {
  it("'**/*' takes everything, keeping paths", async () => {
    const run = await runBuildspec(artifacts("  files: ['**/*']\n"), { files: SOURCE, outputs: ['out'] });
    succeeded(run);
    expect(await tree(run.test.outputs.get('out'))).toEqual([
      'README.md',
      'build-eu/eu.zip',
      'build-us/us.zip',
      'buildspec.yml',
      'dist/app.js',
      'dist/app.js.map',
      'dist/lib/deep/more.js',
      'dist/lib/util.js',
      'docs/a/index.html',
      'docs/b/index.html',
    ]);
  });

  it("'dir/*' takes direct children only; 'dir/**/*' everything under dir", async () => {
    const direct = await runBuildspec(artifacts("  files: ['dist/*']\n"), { files: SOURCE, outputs: ['out'] });
    expect(await tree(direct.test.outputs.get('out'))).toEqual(['dist/app.js', 'dist/app.js.map']);
    const deep = await runBuildspec(artifacts("  files: ['dist/lib/**/*']\n"), { files: SOURCE, outputs: ['out'] });
    expect(await tree(deep.test.outputs.get('out'))).toEqual(['dist/lib/deep/more.js', 'dist/lib/util.js']);
  });

  it('base-directory leaves the matched folder itself out; exclude-paths is relative to it', async () => {
    const run = await runBuildspec(artifacts("  base-directory: dist\n  files: ['**/*']\n  exclude-paths: ['**/*.map', 'lib/deep/**/*']\n"), {
      files: SOURCE,
      outputs: ['out'],
    });
    succeeded(run);
    expect(await tree(run.test.outputs.get('out'))).toEqual(['app.js', 'lib/util.js']);
  });

  it('a base-directory glob takes the contents of every matching folder', async () => {
    const run = await runBuildspec(artifacts("  base-directory: 'build-*'\n  files: ['*.zip']\n"), { files: SOURCE, outputs: ['out'] });
    succeeded(run);
    expect(await tree(run.test.outputs.get('out'))).toEqual(['eu.zip', 'us.zip']);
  });

  it('discard-paths flattens the tree', async () => {
    const run = await runBuildspec(artifacts("  files: ['dist/**/*']\n  discard-paths: yes\n"), { files: SOURCE, outputs: ['out'] });
    succeeded(run);
    expect(await tree(run.test.outputs.get('out'))).toEqual(['app.js', 'app.js.map', 'more.js', 'util.js']);
  });

  it('discard-paths with two files of one name fails clearly', async () => {
    const run = await runBuildspec(artifacts("  files: ['docs/**/*']\n  discard-paths: yes\n"), { files: SOURCE, outputs: ['out'] });
    expect(failed(run).message).toBe(
      'UPLOAD_ARTIFACTS failed: artifacts (output out): docs/a/index.html and docs/b/index.html would both be index.html in the artifact (discard-paths: yes); rename one, narrow files, or set discard-paths: no',
    );
  });

  it('no matching artifact paths found fails the build', async () => {
    const run = await runBuildspec(artifacts("  files: ['target/*.jar']\n"), { files: SOURCE, outputs: ['out'] });
    expect(failed(run).message).toContain(
      'UPLOAD_ARTIFACTS failed: buildspec.yml:6:11: no matching artifact paths found for artifacts (output out) (files: target/*.jar)',
    );
  });

  it('secondary-artifacts fill the output artifacts of the same name', async () => {
    const run = await runBuildspec(
      artifacts(`  files: ['**/*']
  secondary-artifacts:
    web:
      base-directory: dist
      files: ['**/*']
    packages:
      files: ['build-*/*.zip']
      discard-paths: yes
`),
      { files: SOURCE, outputs: ['web', 'packages'] },
    );
    succeeded(run);
    expect(await tree(run.test.outputs.get('web'))).toEqual(['app.js', 'app.js.map', 'lib/deep/more.js', 'lib/util.js']);
    expect(await tree(run.test.outputs.get('packages'))).toEqual(['eu.zip', 'us.zip']);
  });

  it('several outputs without a secondary artifact of that name fail, naming the missing one', async () => {
    const run = await runBuildspec(artifacts("  files: ['**/*']\n  secondary-artifacts:\n    web:\n      files: ['dist/*']\n"), {
      files: SOURCE,
      outputs: ['web', 'other'],
    });
    expect(failed(run).message).toContain('output artifact other has no secondary-artifacts entry of that name');
  });

  it('enable-symlinks keeps links as links; without it the file is copied', async () => {
    const spec = (enable: string): string =>
      `version: 0.2\nphases:\n  build:\n    commands:\n      - ln -s dist/app.js link.js\nartifacts:\n  files: ['link.js']\n  enable-symlinks: ${enable}\n`;
    const kept = await runBuildspec(spec('yes'), { files: SOURCE, outputs: ['out'] });
    succeeded(kept);
    expect(await readlink(`${kept.test.outputs.get('out')!}/link.js`)).toBe('dist/app.js');
    const copied = await runBuildspec(spec('no'), { files: SOURCE, outputs: ['out'] });
    expect((await lstat(`${copied.test.outputs.get('out')!}/link.js`)).isFile()).toBe(true);
  });

  it('name uses shell expansion with the environment at the end of the build', async () => {
    const run = await runBuildspec(
      `version: 0.2\nphases:\n  build:\n    commands: [export STAMP=42]\nartifacts:\n  files: [README.md]\n  name: bundle-$AWS_REGION-$STAMP-$(echo x)\n`,
      { files: SOURCE, outputs: ['out'] },
    );
    succeeded(run);
    expect(run.log).toContain('Artifact out: name bundle-eu-west-1-42-x');
  });
});
