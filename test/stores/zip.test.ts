import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { unzipTo, zipFolder } from '../../src/stores/artifacts/zip.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { craftZip } from './craft-zip.js';

function digestOf(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A build output with nesting, an executable, an empty folder and an internal symlink. */
function sampleFolder(): string {
  const dir = tempDir('meridian-zip-src-');
  writeFiles(dir, {
    'template.yaml': 'Resources: {}\n',
    'bin/run.sh': '#!/bin/sh\necho hi\n',
    'lib/b.js': 'export const b = 2;\n',
    'lib/a.js': 'export const a = 1;\n',
    'lib/nested/deep.txt': 'deep\n',
  });
  fs.chmodSync(path.join(dir, 'bin/run.sh'), 0o755);
  fs.mkdirSync(path.join(dir, 'empty'));
  fs.symlinkSync('lib/a.js', path.join(dir, 'current.js'));
  return dir;
}

async function zipOf(folder: string): Promise<string> {
  const file = path.join(tempDir('meridian-zip-out-'), 'out.zip');
  await zipFolder(folder, file);
  return file;
}

async function refusal(promise: Promise<unknown>): Promise<MeridianError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeridianError);
  expect((error as MeridianError).code).toBe('ARTIFACT');
  return error as MeridianError;
}

describe('zipFolder', () => {
  it('gives the same content the same digest, whatever the times and creation order', async () => {
    const first = sampleFolder();
    const digest = digestOf(await zipOf(first));
    expect(digestOf(await zipOf(first))).toBe(digest);

    const second = tempDir('meridian-zip-src-');
    // Created in another order, with other times and another umask-like mode on a file.
    fs.mkdirSync(path.join(second, 'empty'));
    writeFiles(second, {
      'lib/nested/deep.txt': 'deep\n',
      'lib/a.js': 'export const a = 1;\n',
      'lib/b.js': 'export const b = 2;\n',
      'bin/run.sh': '#!/bin/sh\necho hi\n',
      'template.yaml': 'Resources: {}\n',
    });
    fs.chmodSync(path.join(second, 'bin/run.sh'), 0o700);
    fs.chmodSync(path.join(second, 'template.yaml'), 0o600);
    fs.symlinkSync('lib/a.js', path.join(second, 'current.js'));
    const past = new Date('2001-02-03T04:05:06Z');
    fs.utimesSync(path.join(second, 'lib/a.js'), past, past);
    expect(digestOf(await zipOf(second))).toBe(digest);
  });

  it('gives the same digest in every time zone', async () => {
    const folder = sampleFolder();
    const saved = process.env['TZ'];
    const digests: string[] = [];
    try {
      for (const zone of ['UTC', 'Pacific/Auckland', 'America/Los_Angeles']) {
        process.env['TZ'] = zone;
        digests.push(digestOf(await zipOf(folder)));
      }
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
    expect(new Set(digests).size).toBe(1);
  });

  it('changes the digest when a byte or the executable bit changes', async () => {
    const folder = sampleFolder();
    const digest = digestOf(await zipOf(folder));
    fs.chmodSync(path.join(folder, 'bin/run.sh'), 0o644);
    const withoutX = digestOf(await zipOf(folder));
    expect(withoutX).not.toBe(digest);
    fs.writeFileSync(path.join(folder, 'lib/a.js'), 'export const a = 3;\n');
    expect(digestOf(await zipOf(folder))).not.toBe(withoutX);
  });

  it('round-trips content, the executable bit, empty folders and inside symlinks', async () => {
    const out = tempDir('meridian-unzip-');
    await unzipTo(await zipOf(sampleFolder()), out);
    expect(fs.readFileSync(path.join(out, 'lib/nested/deep.txt'), 'utf8')).toBe('deep\n');
    expect(fs.statSync(path.join(out, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(out, 'lib/a.js')).mode & 0o777).toBe(0o644);
    expect(fs.statSync(path.join(out, 'empty')).isDirectory()).toBe(true);
    expect(fs.readlinkSync(path.join(out, 'current.js'))).toBe('lib/a.js');
    expect(fs.readFileSync(path.join(out, 'current.js'), 'utf8')).toBe('export const a = 1;\n');
  });

  it('stores the file a symlink points at when it points outside the folder', async () => {
    const outside = path.join(tempDir(), 'shared.txt');
    fs.writeFileSync(outside, 'shared\n');
    const folder = tempDir();
    fs.symlinkSync(outside, path.join(folder, 'shared.txt'));
    const out = tempDir();
    await unzipTo(await zipOf(folder), out);
    expect(fs.lstatSync(path.join(out, 'shared.txt')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(out, 'shared.txt'), 'utf8')).toBe('shared\n');
  });

  it('refuses a folder that does not exist', async () => {
    await refusal(zipFolder(path.join(tempDir(), 'missing'), path.join(tempDir(), 'x.zip')));
  });
});

describe('unzipTo refuses entries that escape its folder', () => {
  async function crafted(entries: Parameters<typeof craftZip>[1]): Promise<string> {
    const file = path.join(tempDir('meridian-evil-'), 'evil.zip');
    await craftZip(file, entries);
    return file;
  }

  it('refuses ../evil and writes nothing outside', async () => {
    const parent = tempDir();
    const out = path.join(parent, 'out');
    const error = await refusal(
      unzipTo(
        await crafted([
          { name: 'ok.txt', content: 'ok' },
          { name: '../evil', content: 'pwned' },
        ]),
        out,
      ),
    );
    expect(error.message).toContain('"../evil"');
    expect(fs.existsSync(path.join(parent, 'evil'))).toBe(false);
  });

  it('refuses a .. hidden in the middle of a name', async () => {
    const error = await refusal(unzipTo(await crafted([{ name: 'a/../../evil', content: 'x' }]), tempDir()));
    expect(error.message).toContain('a/../../evil');
  });

  it('refuses absolute names', async () => {
    const error = await refusal(unzipTo(await crafted([{ name: '/tmp/meridian-evil', content: 'x' }]), tempDir()));
    expect(error.message).toContain('/tmp/meridian-evil');
    expect(fs.existsSync('/tmp/meridian-evil')).toBe(false);
  });

  it('refuses symlinks that point outside', async () => {
    for (const target of ['../outside', '/etc/passwd', 'a/../../outside', 'sub/../..']) {
      const error = await refusal(unzipTo(await crafted([{ name: 'link', content: target, mode: 0o120777 }]), tempDir()));
      expect(error.message).toContain('"link"');
    }
  });

  it('refuses to write through a symlink, even one that points inside', async () => {
    const out = tempDir();
    const zip = await crafted([
      { name: 'sub/keep.txt', content: 'keep' },
      { name: 'alias', content: 'sub', mode: 0o120777 },
      { name: 'alias/x.txt', content: 'x' },
    ]);
    const error = await refusal(unzipTo(zip, out));
    expect(error.message).toContain('alias/x.txt');
  });

  it('accepts a symlink that climbs but stays inside', async () => {
    const out = tempDir();
    await unzipTo(
      await crafted([
        { name: 'a/b.txt', content: 'b' },
        { name: 'a/link', content: '../a/b.txt', mode: 0o120777 },
      ]),
      out,
    );
    expect(fs.readFileSync(path.join(out, 'a/link'), 'utf8')).toBe('b');
  });

  it('reports a file that is not a zip', async () => {
    const file = path.join(tempDir(), 'not.zip');
    fs.writeFileSync(file, 'hello');
    const error = await refusal(unzipTo(file, tempDir()));
    expect(error.message).toContain(file);
  });
});
