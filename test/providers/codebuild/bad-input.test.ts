import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBuildProvider } from '../../../src/providers/codebuild/index.js';
import { makeAction } from '../context.js';
import { failed, FIXTURES, output, runBuildspec } from './build.js';

async function fixture(name: string): Promise<string> {
  return readFile(join(FIXTURES, name), 'utf8');
}

describe('codebuild: bad input fails in the phase CodeBuild fails it, naming file:line:col and the fix', () => {
  it('a YAML syntax error fails DOWNLOAD_SOURCE (YAML_FILE_ERROR)', async () => {
    const run = await runBuildspec(await fixture('yaml-error.yml'));
    const error = failed(run);
    expect(error.message).toMatch(/^DOWNLOAD_SOURCE failed: buildspec\.yml:6:\d+: YAML syntax error: /);
    expect(run.log).toContain('Phase context status code: YAML_FILE_ERROR');
    expect(run.log).not.toContain('Entering phase INSTALL');
  });

  it('an unknown key names the key and suggests the right one', async () => {
    const error = failed(await runBuildspec(await fixture('unknown-key.yml')));
    expect(error.message).toContain('buildspec.yml:4:5: unknown key `comands` in phase build\n  did you mean `commands`?');
  });

  it('a missing version says to add it', async () => {
    const error = failed(await runBuildspec(await fixture('no-version.yml')));
    expect(error.message).toBe('DOWNLOAD_SOURCE failed: buildspec.yml:1:1: the buildspec has no `version`\n  add `version: 0.2` as its first line');
  });

  it('a phase without commands is refused (CB-SPEC: commands required)', async () => {
    const error = failed(await runBuildspec(await fixture('phase-without-commands.yml')));
    expect(error.message).toContain('buildspec.yml:3:3: phase pre_build has no commands');
  });

  it('an unknown runtime fails INSTALL with a did-you-mean (CB-SPEC runtime-versions)', async () => {
    const run = await runBuildspec(await fixture('unknown-runtime.yml'));
    const error = failed(run);
    expect(error.message).toBe("INSTALL failed: buildspec.yml:5:14: Unknown runtime named 'nodjs': did you mean `nodejs`?");
    expect(run.log).toContain('Phase complete: INSTALL State: FAILED');
    expect(run.log).not.toContain('Entering phase BUILD');
  });

  it('a runtime version the host lacks fails INSTALL naming what is installed (CB-SPEC runtime-versions)', async () => {
    const run = await runBuildspec('version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: 4.x\n  build:\n    commands: [echo never]\n');
    expect(failed(run).message).toMatch(
      /^INSTALL failed: buildspec\.yml:5:15: Node\.js 4\.x is required by runtime-versions \(nodejs: 4\.x\), but this host has \d+\.\d+\.\d+: install Node\.js 4\.x, or write nodejs: \d+\.x$/,
    );
    const ok = await runBuildspec(
      `version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: ${process.versions.node.split('.')[0]}.x\n  build:\n    commands: [echo built]\n`,
    );
    expect(output(ok.log)).toEqual(['built']);
    expect(ok.log).toContain("Selecting 'nodejs' runtime version");
  });

  it('a missing parameter fails DOWNLOAD_SOURCE with where it is named and how to create it', async () => {
    const run = await runBuildspec(await fixture('missing-parameter.yml'));
    const error = failed(run);
    expect(error.message).toBe(
      'DOWNLOAD_SOURCE failed: buildspec.yml:4:13: parameter-store BUCKET: parameter /Environment/EU/Missing not found; create it with `meridian params put /Environment/EU/Missing VALUE`, or fix the name',
    );
    expect(run.log).toContain('Phase context status code: Decrypted Variables Error');
  });

  it('a missing secret fails DOWNLOAD_SOURCE', async () => {
    const error = failed(
      await runBuildspec('version: 0.2\nenv:\n  secrets-manager:\n    TOKEN: prod/api:token\nphases:\n  build:\n    commands: [echo never]\n'),
    );
    expect(error.message).toContain('buildspec.yml:4:12: secrets-manager TOKEN: secret prod/api:token not found');
  });

  it('an artifact path outside the source folder fails UPLOAD_ARTIFACTS after the build ran', async () => {
    const run = await runBuildspec(await fixture('artifact-outside.yml'), { outputs: ['out'] });
    const error = failed(run);
    expect(error.message).toContain(
      'UPLOAD_ARTIFACTS failed: buildspec.yml:8:7: artifact path ../../etc/passwd is outside the source folder (CODEBUILD_SRC_DIR)',
    );
    expect(run.log).toContain('Phase complete: BUILD State: SUCCEEDED');
  });

  it('a missing buildspec.yml says where it looked', async () => {
    const error = failed(await runBuildspec(undefined));
    expect(error.message).toBe(
      'DOWNLOAD_SOURCE failed: no buildspec at buildspec.yml in the primary source src: add buildspec.yml to the source, or set BuildSpec to its path or to inline YAML',
    );
  });

  it('reserved CODEBUILD_ names, bad on-failure and unknown shells are all reported at once', async () => {
    const error = failed(
      await runBuildspec(
        'version: 0.2\nenv:\n  shell: pwsh\n  variables:\n    CODEBUILD_X: 1\nphases:\n  build:\n    on-failure: STOP\n    commands: [echo never]\n',
      ),
    );
    expect(error.message.split('\n').filter((line) => line.startsWith('buildspec.yml') || line.startsWith('DOWNLOAD_SOURCE'))).toHaveLength(3);
    expect(error.message).toContain('buildspec.yml:5:5: CODEBUILD_X: names starting with CODEBUILD_ are reserved');
    expect(error.message).toContain('buildspec.yml:8:17: on-failure STOP is not one of');
  });

  it('validate flags a missing PrimarySource with several inputs and reserved action variables', () => {
    const action = makeAction({
      type: 'Build/AWS/CodeBuild',
      inputs: { a: '/a', b: '/b' },
      configuration: { EnvironmentVariables: '[{"name":"CODEBUILD_Y","value":"1"}]' },
    });
    expect(codeBuildProvider.validate!(action).map((problem) => problem.field)).toEqual(['EnvironmentVariables', 'PrimarySource']);
  });
});

describe('codebuild: where the buildspec comes from (CB-SPEC)', () => {
  it("takes the project's inline Source.BuildSpec, and the action's BuildSpec path over it", async () => {
    const resources = {
      Build: {
        type: 'AWS::CodeBuild::Project',
        properties: { Name: 'inline', Source: { Type: 'CODEPIPELINE', BuildSpec: 'version: 0.2\nphases:\n  build:\n    commands: [echo from project]\n' } },
      },
    };
    const inline = await runBuildspec(undefined, { configuration: { ProjectName: 'inline' }, prepare: (test) => void (test.ctx.resources = resources) });
    expect(output(inline.log)).toEqual(['from project']);
    const path = await runBuildspec(undefined, {
      configuration: { ProjectName: 'inline', BuildSpec: 'ci/build.yml' },
      files: { 'ci/build.yml': 'version: 0.2\nphases:\n  build:\n    commands: [echo from path]\n' },
      prepare: (test) => void (test.ctx.resources = resources),
    });
    expect(output(path.log)).toEqual(['from path']);
    const bad = failed(
      await runBuildspec(undefined, {
        configuration: { BuildSpec: 'ci/build.yml' },
        files: { 'ci/build.yml': 'version: 0.2\nphases:\n  build:\n    comands: [x]\n' },
      }),
    );
    expect(bad.message).toContain('ci/build.yml:4:5: unknown key `comands`');
  });
});
