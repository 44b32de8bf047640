import { execFile } from 'node:child_process';
import { access, lstat, readFile, readdir, readlink, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { gitSourceProvider } from '../../src/providers/git-source/index.js';
import { makeAction, makeTempDir, makeTestContext, type TestContextOptions } from './context.js';
import { commit, gitIn, makeRepo } from './git-fixture.js';
import { failure } from '../helpers/failure.js';

const run = promisify(execFile);

function nativeSource(repository: string, branch?: string, extra: Partial<TestContextOptions> = {}): TestContextOptions {
  return {
    type: 'Source/Meridian/Git',
    configuration: branch ? { Repository: repository, Branch: branch } : { Repository: repository },
    outputs: ['src'],
    ...extra,
  };
}

describe('git source: local repositories', () => {
  it('exports the tree of a branch without .git and reports CodePipeline-style variables', async () => {
    const repo = await makeRepo();
    await commit(repo, { 'README.md': 'main\n' }, 'first');
    await gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    const head = await commit(repo, { 'README.md': 'feature\n', 'src/app.js': 'x\n' }, 'Add app\n\nwith a body', '2024-05-06T07:08:09+02:00');
    await gitIn(repo, ['checkout', '--quiet', 'main']);

    const test = await makeTestContext(nativeSource(repo, 'feature'));
    const result = await gitSourceProvider.run(test.ctx);

    const out = test.outputs.get('src') ?? '';
    expect(await readFile(join(out, 'README.md'), 'utf8')).toBe('feature\n');
    expect(await readFile(join(out, 'src/app.js'), 'utf8')).toBe('x\n');
    expect((await readdir(out)).sort()).toEqual(['README.md', 'src']);
    expect(result.outputVariables).toEqual({
      CommitId: head,
      BranchName: 'feature',
      CommitMessage: 'Add app\n\nwith a body',
      AuthorDate: '2024-05-06T05:08:09.000Z',
      CommitterDate: '2024-05-06T05:08:09.000Z',
      RepositoryName: 'service-x',
    });
    expect(result.summary).toBe(`feature@${head.slice(0, 7)} Add app`);
    // The user's checkout is untouched.
    expect(await gitIn(repo, ['status', '--porcelain'])).toBe('');
    expect(await gitIn(repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main');
  });

  it('keeps executable bits and symlinks', async () => {
    const repo = await makeRepo();
    await symlink('run.sh', join(repo, 'link.sh'));
    await commit(repo, { 'run.sh': '!#!/bin/sh\necho hi\n', 'plain.txt': 'p\n' }, 'scripts');

    const test = await makeTestContext(nativeSource(repo, 'main'));
    await gitSourceProvider.run(test.ctx);

    const out = test.outputs.get('src') ?? '';
    expect((await stat(join(out, 'run.sh'))).mode & 0o111).not.toBe(0);
    expect((await stat(join(out, 'plain.txt'))).mode & 0o111).toBe(0);
    expect((await lstat(join(out, 'link.sh'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(out, 'link.sh'))).toBe('run.sh');
  });

  it('uses the checked-out branch when none is configured, and leaves uncommitted changes out', async () => {
    const repo = await makeRepo();
    await commit(repo, { 'a.txt': 'committed\n' }, 'one');
    await import('node:fs/promises').then((fs) => fs.writeFile(join(repo, 'a.txt'), 'dirty\n'));

    const test = await makeTestContext(nativeSource(repo));
    const result = await gitSourceProvider.run(test.ctx);

    expect(result.outputVariables?.BranchName).toBe('main');
    expect(await readFile(join(test.outputs.get('src') ?? '', 'a.txt'), 'utf8')).toBe('committed\n');
  });

  it('names the branches that exist when the branch is missing', async () => {
    const repo = await makeRepo();
    await commit(repo, { 'a.txt': 'a\n' }, 'one');
    await gitIn(repo, ['branch', 'release/1.0']);

    const test = await makeTestContext(nativeSource(repo, 'develop'));
    const error = await failure(gitSourceProvider.run(test.ctx));

    expect(error.code).toBe('SOURCE');
    expect(error.message).toContain('branch develop not found');
    expect(error.message).toContain('its branches are: main, release/1.0');
  });

  it('says how to point at a repository when the folder is not one', async () => {
    const folder = await makeTempDir();
    const test = await makeTestContext(nativeSource(folder, 'main'));
    const error = await failure(gitSourceProvider.run(test.ctx));
    expect(error.code).toBe('SOURCE');
    expect(error.message).toBe(`${folder} is not a git repository; pass --source NAME=PATH pointing at a folder with a .git`);
  });

  it('does not treat a folder inside a repository as the repository', async () => {
    const repo = await makeRepo();
    await commit(repo, { 'sub/a.txt': 'a\n' }, 'one');
    const test = await makeTestContext(nativeSource(join(repo, 'sub'), 'main'));
    const error = await failure(gitSourceProvider.run(test.ctx));
    expect(error.message).toContain('is not a git repository');
  });

  it('exports the revision an override asks for, from the override location', async () => {
    const repo = await makeRepo();
    const first = await commit(repo, { 'v.txt': '1\n' }, 'one');
    await commit(repo, { 'v.txt': '2\n' }, 'two');

    const test = await makeTestContext(nativeSource('/nowhere/else', 'main', { sourceOverride: { location: repo, revision: first } }));
    const result = await gitSourceProvider.run(test.ctx);

    expect(await readFile(join(test.outputs.get('src') ?? '', 'v.txt'), 'utf8')).toBe('1\n');
    expect(result.outputVariables?.CommitId).toBe(first);
    expect(result.outputVariables?.BranchName).toBe('main');
  });

  it('rejects an unknown revision and a revision that is not a commit id', async () => {
    const repo = await makeRepo();
    await commit(repo, { 'v.txt': '1\n' }, 'one');
    const unknown = await makeTestContext(nativeSource(repo, 'main', { sourceOverride: { location: repo, revision: 'deadbeef' } }));
    expect((await failure(gitSourceProvider.run(unknown.ctx))).message).toContain('commit deadbeef not found');
    const option = await makeTestContext(nativeSource(repo, 'main', { sourceOverride: { location: repo, revision: '--output=x' } }));
    expect((await failure(gitSourceProvider.run(option.ctx))).message).toContain('is not a commit id');
  });

  it('runs a GitHub action against an overriding local path, with GitHub variables', async () => {
    const repo = await makeRepo();
    const head = await commit(repo, { 'a.txt': 'a\n' }, 'one');
    const test = await makeTestContext({
      type: 'Source/ThirdParty/GitHub',
      configuration: { Owner: 'acme', Repo: 'service-x', Branch: 'main', OAuthToken: '****', PollForSourceChanges: 'false' },
      outputs: ['src'],
      sourceOverride: { location: repo },
    });
    const result = await gitSourceProvider.run(test.ctx);
    expect(result.outputVariables).toMatchObject({
      CommitId: head,
      BranchName: 'main',
      RepositoryName: 'service-x',
      CommitUrl: `https://api.github.com/repos/acme/service-x/git/commits/${head}`,
    });
  });

  it('outputs a full clone on the branch for CodeStarSourceConnection with CODEBUILD_CLONE_REF', async () => {
    const repo = await makeRepo();
    await commit(repo, { 'a.txt': 'a\n' }, 'one');
    await gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    const head = await commit(repo, { 'b.txt': 'b\n' }, 'two');
    await gitIn(repo, ['checkout', '--quiet', 'main']);

    const test = await makeTestContext({
      type: 'Source/AWS/CodeStarSourceConnection',
      configuration: {
        ConnectionArn: 'arn:aws:codestar-connections:eu-west-1:123456789012:connection/abc',
        FullRepositoryId: 'acme/service-x',
        BranchName: 'feature',
        OutputArtifactFormat: 'CODEBUILD_CLONE_REF',
      },
      outputs: ['src'],
      sourceOverride: { location: repo },
    });
    const result = await gitSourceProvider.run(test.ctx);

    const out = test.outputs.get('src') ?? '';
    await access(join(out, '.git'));
    expect(await gitIn(out, ['rev-parse', 'HEAD'])).toBe(head);
    expect(await gitIn(out, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('feature');
    expect(await gitIn(out, ['status', '--porcelain'])).toBe('');
    expect(await readFile(join(out, 'b.txt'), 'utf8')).toBe('b\n');
    expect(result.outputVariables).toMatchObject({
      FullRepositoryName: 'acme/service-x',
      ConnectionArn: 'arn:aws:codestar-connections:eu-west-1:123456789012:connection/abc',
    });
  });
});

describe('git source: remote URLs', () => {
  async function bareRemote(): Promise<{ url: string; head: string }> {
    const repo = await makeRepo();
    await commit(repo, { 'a.txt': 'old\n' }, 'one');
    const head = await commit(repo, { 'a.txt': 'new\n', 'run.sh': '!echo\n' }, 'two');
    await gitIn(repo, ['branch', 'other']);
    const bare = join(await makeTempDir(), 'remote.git');
    await run('git', ['clone', '--quiet', '--bare', repo, bare]);
    return { url: `file://${bare}`, head };
  }

  it('clones a branch of a URL and exports its tree', async () => {
    const { url, head } = await bareRemote();
    const test = await makeTestContext(nativeSource(url, 'main'));
    const result = await gitSourceProvider.run(test.ctx);
    const out = test.outputs.get('src') ?? '';
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('new\n');
    expect((await stat(join(out, 'run.sh'))).mode & 0o111).not.toBe(0);
    expect((await readdir(out)).sort()).toEqual(['a.txt', 'run.sh']);
    expect(result.outputVariables).toMatchObject({ CommitId: head, BranchName: 'main', RepositoryName: 'remote' });
    // The scratch clone is gone.
    expect((await readdir(test.ctx.workDir)).filter((name) => name.startsWith('.git-source-'))).toEqual([]);
  });

  it('fetches an older revision that a shallow clone lacks', async () => {
    const { url } = await bareRemote();
    const first = await gitIn(url.slice('file://'.length), ['rev-parse', 'main~1']);
    const test = await makeTestContext(nativeSource(url, 'main', { sourceOverride: { location: url, revision: first } }));
    const result = await gitSourceProvider.run(test.ctx);
    expect(result.outputVariables?.CommitId).toBe(first);
    expect(await readFile(join(test.outputs.get('src') ?? '', 'a.txt'), 'utf8')).toBe('old\n');
  });

  it('lists the remote branches when the branch is missing', async () => {
    const { url } = await bareRemote();
    const test = await makeTestContext(nativeSource(url, 'nope'));
    const error = await failure(gitSourceProvider.run(test.ctx));
    expect(error.code).toBe('SOURCE');
    expect(error.message).toContain('its branches are: main, other');
  });

  it('names the URL and suggests --source when it cannot be fetched', async () => {
    const url = `file://${await makeTempDir()}/missing.git`;
    const test = await makeTestContext(nativeSource(url, 'main'));
    const error = await failure(gitSourceProvider.run(test.ctx));
    expect(error.code).toBe('SOURCE');
    expect(error.message).toContain(`cannot fetch ${url}`);
    expect(error.message).toContain('--source NAME=PATH');
  });
});

describe('git source: validation and cancellation', () => {
  it('reports the missing keys of each action type', () => {
    const problems = (type: string, configuration: Record<string, string>): string[] =>
      (gitSourceProvider.validate?.(makeAction({ type, configuration, outputs: ['src'] })) ?? []).map((problem) => problem.field);
    expect(problems('Source/ThirdParty/GitHub', { Branch: 'main' })).toEqual(['Owner', 'Repo']);
    expect(problems('Source/AWS/CodeCommit', {})).toEqual(['RepositoryName', 'BranchName']);
    expect(
      problems('Source/AWS/CodeStarSourceConnection', { ConnectionArn: 'a', FullRepositoryId: 'no-slash', BranchName: 'main', OutputArtifactFormat: 'TAR' }),
    ).toEqual(['OutputArtifactFormat', 'FullRepositoryId']);
    expect(problems('Source/ThirdParty/GitHub', { Owner: 'a', Repo: 'b', Branch: '-x', PollForSourceChanges: 'maybe' })).toEqual([
      'PollForSourceChanges',
      'Branch',
    ]);
    expect(problems('Source/Meridian/Git', { Repository: '.' })).toEqual([]);
  });

  it('needs exactly one output artifact and no inputs', () => {
    const action = makeAction({ type: 'Source/Meridian/Git', configuration: { Repository: '.' }, inputs: { x: '/x' }, outputs: [] });
    expect(gitSourceProvider.validate?.(action).map((problem) => problem.message)).toEqual([
      'source action act cannot have input artifacts',
      'source action act needs exactly one output artifact, not 0',
    ]);
  });

  it('fails with the abort reason when stopped', async () => {
    const repo = await makeRepo();
    await commit(repo, { 'a.txt': 'a\n' }, 'one');
    const test = await makeTestContext(nativeSource(repo, 'main'));
    const reason = new MeridianError('TIMEOUT', 'timed out after 1 minute');
    test.abort(reason);
    await expect(gitSourceProvider.run(test.ctx)).rejects.toBe(reason);
  });
});
