import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const NATIVE = 'test/fixtures/definitions/rules/provider-config.meridian.yaml';
const TEMPLATE = 'test/fixtures/definitions/rules/provider-config.template.yaml';

/** `FILE:LINE:COL: message` and its indented hint, as validate prints each problem. */
function problemLines(stderr: string, file: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !/^\d+ problems? found\.$/.test(line))
    .map((line) => line.replace(`${REPO_ROOT}${file}`, 'FILE'));
}

describe("validate runs each provider's own configuration checks", () => {
  it('native YAML: reported at the `with:` keys the author wrote, once for an action expanded per region; a #{variable} is judged later', async () => {
    const result = await runCli(['validate', '-f', `${REPO_ROOT}${NATIVE}`]);
    expect(result.code).toBe(2);
    expect(problemLines(result.stderr, NATIVE)).toEqual([
      'FILE:19:15: `stack` is required for `eu-west-1-infrastructure` and `us-east-1-infrastructure`',
      '  add `stack: …` under `with:`',
      'FILE:27:22: `changeSet` pipeline_1 is not a valid change set name',
      '  start with a letter; use letters, digits and hyphens',
      'FILE:29:25: CAPABILITY_EVERYTHING is not a CloudFormation capability',
      '  use CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND',
      'FILE:35:20: a command must be a single line',
      '  split it into several commands, or join lines with &&',
    ]);
  });

  it('a CloudFormation template: reported at its Configuration keys; a !Ref parameter is judged later', async () => {
    const result = await runCli(['validate', '-f', `${REPO_ROOT}${TEMPLATE}`]);
    expect(result.code).toBe(2);
    expect(problemLines(result.stderr, TEMPLATE)).toEqual([
      'FILE:23:17: StackName is required for infrastructure',
      "  add `StackName: …` under the action's `Configuration:`",
      'FILE:32:32: ChangeSetName pipeline_1 is not a valid change set name',
      '  start with a letter; use letters, digits and hyphens',
      'FILE:34:31: CAPABILITY_EVERYTHING is not a CloudFormation capability',
      '  use CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND',
    ]);
  });

  it('run refuses the same definition before it starts an execution', async () => {
    const stateDir = tempDir();
    const run = await runCli(['run', '-f', `${REPO_ROOT}${TEMPLATE}`, '--state-dir', stateDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${REPO_ROOT}${TEMPLATE}:23:17: StackName is required for infrastructure`);
    const listed = await runCli(['executions', '--state-dir', stateDir, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
