import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, REPO_ROOT, runCli } from '../helpers/cli.js';
import { startServe } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURE = `${REPO_ROOT}test/fixtures/definitions/starts/triggers.template.yaml`;

/** The fixture with `edit` applied, written to a temp folder. */
function variant(name: string, edit: (text: string) => string): string {
  const file = path.join(tempDir(), name);
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  fs.writeFileSync(file, edited);
  return file;
}

describe('validate warns about a V2 trigger that nothing delivers pushes to', () => {
  it("a template whose trigger's source action no webhook targets and nothing polls: a warning at the trigger, exit 0", async () => {
    const result = await runCli(['validate', '-f', FIXTURE]);
    expect(result.code).toBe(0);
    // The fixture's webhook secret parameter is not set on this machine: validate warns of that too.
    const lines = result.stderr.split('\n');
    const at = lines.findIndex((line) => line.includes('trigger on source action'));
    const [warning, hint] = lines.slice(at);
    expect(warning).toBe(
      `${FIXTURE}:15:11: warning: the trigger on source action app never starts the pipeline: no webhook targets app and it is not polled, so no push reaches Meridian`,
    );
    expect(hint).toContain('POST /webhooks/github/orders');
    expect(hint).toContain('AWS::CodePipeline::Webhook resource with `TargetAction: app`');
    expect(hint).toContain('`PollForSourceChanges: true`');
    expect(result.stdout).toContain('pipeline orders is valid');
  });

  it('no warning once a webhook targets the source action, or once it is polled', async () => {
    const hooked = variant('hooked.template.yaml', (text) =>
      text
        .replace('TargetAction: schemas', 'TargetAction: app')
        .replace('refs/heads/{Branch}', 'refs/heads/{BranchName}')
        .replace('$.repository.name', '$.repository.full_name')
        .replace("'{Repo}'", "'{FullRepositoryId}'"),
    );
    const polled = variant('polled.template.yaml', (text) =>
      text.replace('BranchName: main\n', 'BranchName: main\n                PollForSourceChanges: true\n'),
    );
    for (const file of [hooked, polled]) {
      const result = await runCli(['validate', '-f', file]);
      expect(result.code).toBe(0);
      // What the machine lacks (the webhook secret parameter) may be warned of; the trigger is not.
      expect(result.stderr).not.toContain('trigger');
      expect(result.stderr.split('\n').filter((line) => line.includes('warning:') && !line.includes('is not set on this machine'))).toEqual([]);
    }
  });

  it('serve prints the same warning when it starts serving the pipeline', async () => {
    const served = await startServe(['-f', FIXTURE, '--state-dir', path.join(tempDir(), 'state')]);
    try {
      await eventually(() => served.child.output.stderr.includes('warning:'), 10_000, 'the warning');
      expect(served.child.output.stderr).toContain(`${FIXTURE}:15:11: warning: the trigger on source action app never starts the pipeline`);
      expect(served.child.output.stderr).toContain('POST /webhooks/github/orders');
    } finally {
      await served.stop();
    }
  });

  it('the get-pipeline JSON, which cannot declare a webhook, is told to poll', async () => {
    const file = `${REPO_ROOT}test/fixtures/definitions/starts/triggers.get-pipeline.json`;
    const result = await runCli(['validate', '-f', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: warning: the trigger on source action app never starts the pipeline`));
    expect(result.stderr).toContain('"PollForSourceChanges": "true"');
  });
});
