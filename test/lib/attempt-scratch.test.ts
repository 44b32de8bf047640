/**
 * The attempts folder of a state dir lies outside it, in a folder of the temp dir that only
 * this user may enter: one per state dir, the same through any path to it, and refused when
 * the temp dir holds another user's folder (or a link) under its name; removed when empty.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { attemptsRoot, removeEmptyAttemptsRoot, scratchFolder, workFolder } from '../../src/lib/attempt-scratch.js';
import { tempDir } from '../helpers/temp.js';

const user = `meridian-${process.getuid?.() ?? os.userInfo().username}`;
let tmp: string;
let saved: string | undefined;

beforeEach(() => {
  saved = process.env.TMPDIR;
  tmp = tempDir();
  process.env.TMPDIR = tmp;
});

afterEach(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
});

describe('attemptsRoot', () => {
  it('is a folder of TMPDIR/meridian-UID (0700) per state dir, outside it, the same through a link to it', () => {
    const project = tempDir();
    const state = path.join(project, '.meridian');
    const other = path.join(project, 'other-state');
    fs.mkdirSync(state);
    fs.mkdirSync(other);
    fs.symlinkSync(state, path.join(project, 'link'));

    const root = attemptsRoot(state);
    expect(path.dirname(root)).toBe(path.join(tmp, user));
    expect(fs.statSync(path.join(tmp, user)).mode & 0o777).toBe(0o700);
    expect(root.startsWith(project)).toBe(false);
    expect(attemptsRoot(path.join(project, 'link'))).toBe(root);
    expect(attemptsRoot(other)).not.toBe(root);
    expect(workFolder(state, 'job-1')).toBe(path.join(root, 'work', 'job-1'));
    expect(scratchFolder(state, 'job-1')).toBe(path.join(root, 'scratch', 'job-1'));
  });

  it('is removed as a Meridian closes only when no attempt holds anything in it', () => {
    const state = tempDir();
    fs.mkdirSync(workFolder(state, 'running-job'), { recursive: true });
    fs.mkdirSync(scratchFolder(state, 'running-job'), { recursive: true });
    removeEmptyAttemptsRoot(state);
    expect(fs.readdirSync(attemptsRoot(state)).sort()).toEqual(['scratch', 'work']);

    fs.rmdirSync(workFolder(state, 'running-job'));
    fs.rmdirSync(scratchFolder(state, 'running-job'));
    removeEmptyAttemptsRoot(state);
    expect(fs.readdirSync(path.join(tmp, user))).toEqual([]);
  });

  it.skipIf(process.getuid === undefined)('refuses a folder others may enter, or a link, naming it and what to do', () => {
    fs.mkdirSync(path.join(tmp, user), { mode: 0o755 });
    fs.chmodSync(path.join(tmp, user), 0o755);
    expect(() => attemptsRoot(tempDir())).toThrow(/with mode 755, not to uid \d+ alone \(0700\)\. Remove it, or set TMPDIR/);

    fs.rmdirSync(path.join(tmp, user));
    fs.symlinkSync(tempDir(), path.join(tmp, user));
    let thrown: unknown;
    try {
      attemptsRoot(tempDir());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MeridianError);
    expect((thrown as MeridianError).code).toBe('STATE_DIR');
    expect((thrown as MeridianError).message).toContain('it is not a folder');
  });
});
