import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { fixture, problemAt, problemsOf } from './helpers.js';

/** Loads a fixture of test/fixtures/definitions/rules and returns `at(line, col)` for its problems. */
async function check(name: string, options: Parameters<typeof problemsOf>[1] = {}) {
  const file = fixture(`rules/${name}`);
  const problems = await problemsOf(file, options);
  return { problems, at: (line: number, col: number) => problemAt(problems, file, line, col) };
}

describe('validation rules', () => {
  it('a pipeline has at least two stages', async () => {
    const { at, problems } = await check('one-stage.template.yaml');
    expect(at(7, 9).message).toBe('a pipeline needs at least 2 stages (a source stage and one more); this one has 1');
    expect(problems).toHaveLength(1);
  });

  it('the first stage holds only sources, and only the first stage holds sources', async () => {
    const { at } = await check('source-stages.template.yaml');
    expect(at(13, 29)).toMatchObject({
      message: 'the first stage (Source) may only contain source actions; early-build is a Build action',
      hint: 'move early-build to a later stage',
    });
    expect(at(18, 29).message).toBe('only the first stage may contain source actions; late-source in stage Build is a Source action');
  });

  it('the first stage must contain a source', async () => {
    const { at } = await check('no-source.meridian.yaml');
    expect(at(3, 11)).toMatchObject({
      message: 'the first stage (Build) must contain a source action',
      hint: 'add `sources:` with a git repository; it becomes the first stage',
    });
  });

  it('stage names are unique, action names unique within a stage', async () => {
    const { at } = await check('duplicate-names.meridian.yaml');
    expect(at(12, 15).message).toBe('action name first is already used in stage Deploy (line 10)');
    expect(at(14, 11).message).toBe('stage name Deploy is already used by the stage at line 8');
    // forEach without ${region} in the name gives every region's copy the same name.
    expect(at(17, 15)).toMatchObject({
      message: 'action name rollout is already used in stage Deploy (line 17)',
      hint: 'this action runs once per region: put `${region}` in its name',
    });
  });

  it("names follow CodePipeline's character rules", async () => {
    const { at } = await check('bad-names.meridian.yaml');
    expect(at(1, 11)).toMatchObject({
      message: 'pipeline name `bad names` is not valid: a name may only contain letters, digits, `.`, `@`, `-` and `_`',
      hint: 'for example `bad-names`',
    });
    expect(at(7, 15).message).toContain('action name `build it` is not valid');
    expect(at(10, 19)).toMatchObject({
      message: 'artifact name `my.bundle` is not valid: an artifact name may only contain letters, digits, `_` and `-` (no dots or spaces)',
      hint: 'for example `my-bundle`',
    });
  });

  it('outputs are unique; inputs come from an action that runs before', async () => {
    const { at } = await check('artifacts.meridian.yaml');
    expect(at(13, 18)).toMatchObject({
      message: 'input artifact bundle is produced by action compile (stage Build, runOrder 1), which does not run before test',
      hint: 'give compile a lower runOrder than test (1)',
    });
    expect(at(18, 19).message).toBe('output artifact bundle is already produced by action compile (stage Build, runOrder 1)');
    expect(at(23, 18)).toMatchObject({ message: 'input artifact bundel is not produced by any action', hint: 'did you mean `bundle`?' });
  });

  it('runOrder is a whole number from 1 to 999, quoting CodePipeline', async () => {
    const { at } = await check('run-order.template.yaml');
    const quote = '("You cannot use fractions, decimals, negative numbers, or zero")';
    expect(at(15, 25).message).toBe(`runOrder 0 is not valid: it must be a whole number from 1 to 999 ${quote}`);
    expect(at(18, 25).message).toBe(`runOrder 1.5 is not valid: it must be a whole number from 1 to 999 ${quote}`);
    expect(at(20, 33).message).toBe("timeout 0 is not valid: a Manual approval's TimeoutInMinutes is a whole number from 5 to 86400 (60 days)");
  });

  it('namespaces are unique, not reserved, not artifact names; references need an earlier namespace', async () => {
    const { at, problems } = await check('namespaces.meridian.yaml');
    expect(at(14, 20).message).toBe('namespace codepipeline is reserved');
    expect(at(17, 20).message).toBe('namespace BuildVars is already declared by action build (stage Build, runOrder 1)');
    expect(at(20, 20).message).toBe('namespace bundle is also the name of an artifact');
    expect(at(24, 13).message).toBe('#{BuildVars.Version} comes from action build (stage Build, runOrder 1), which does not run before early');
    expect(at(31, 21)).toMatchObject({
      message: '#{BiuldVars.Version} refers to namespace BiuldVars, which no action declares',
      hint: 'did you mean `BuildVars`?',
    });
    expect(at(32, 23).message).toBe('#{variables.release} refers to pipeline variable release, which is not declared');
    // #{SourceVars.CommitId} comes from the source stage: fine.
    expect(problems.some((p) => p.message.includes('SourceVars'))).toBe(false);
  });

  it('cross-region actions need an artifact store there; sources stay home', async () => {
    const { at } = await check('cross-region.template.yaml');
    expect(at(10, 23).message).toBe('Source actions cannot run in another region: src runs in us-west-2, the pipeline lives in local');
    expect(at(16, 23)).toMatchObject({
      message: 'action deploy-us runs in us-east-1, which has no artifact store',
      hint: 'add an ArtifactStores entry for us-east-1',
    });
  });

  it('Commands actions need commands; other actions take none', async () => {
    const { at } = await check('commands.meridian.yaml');
    expect(at(7, 9).message).toBe('a Commands action needs 1 to 50 commands; empty has 0');
    expect(at(12, 19).message).toBe('commands only apply to Commands actions (Compute/AWS/Commands); build is Build/AWS/CodeBuild');
  });

  it('action types must be known when the caller lists them', async () => {
    const file = fixture('rules/unknown-type.meridian.yaml');
    await expect(loadDefinition(file)).resolves.toMatchObject({ name: 'unknown-type' });
    const { at } = await check('unknown-type.meridian.yaml', { knownActionTypes: ['Source/Meridian/Git', 'Build/AWS/CodeBuild', 'Compute/AWS/Commands'] });
    const unknown = at(8, 15);
    expect(unknown.message).toBe('unknown action type Build/AWS/CodeBuld: no provider runs it');
    expect(unknown.hint).toBe(
      'did you mean `Build/AWS/CodeBuild`? known action types: `Build/AWS/CodeBuild`, `Compute/AWS/Commands` and `Source/Meridian/Git`',
    );
  });

  it('a template parameter must be a mapping with a Type', async () => {
    const file = fixture('lost-parameter-name.template.yaml');
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 4, 3).message).toBe('Parameters.Type is not a parameter declaration (a parameter must be a mapping with a Type)');

    const untyped = fixture('rules/untyped-parameter.template.yaml');
    const more = await problemsOf(untyped);
    expect(problemAt(more, untyped, 2, 3)).toMatchObject({
      message: 'parameter Env has no Type (every parameter must contain a Type member)',
      hint: 'add `Type: String` (or the type you meant) under it',
    });
    expect(problemAt(more, untyped, 5, 5)).toMatchObject({ message: "Invalid template parameter property 'Defualt'", hint: 'did you mean `Default`?' });
    expect(problemAt(more, untyped, 7, 3)).toMatchObject({
      message: 'Parameters.Region is not a parameter declaration (a parameter must be a mapping with a Type)',
    });
  });
});
