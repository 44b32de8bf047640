/**
 * Every built-in provider's configuration is checked strictly (providers/config-schema.ts):
 * a typo'd key inside `with:` or `Configuration:` is refused at its line with the nearest
 * right spelling, a value of the wrong type is refused, and a `#{...}` defers only the value
 * that holds it. The same schemas reach `meridian schema`.
 */
import { describe, expect, it } from 'vitest';
import { providerChecks } from '../../src/cli/load.js';
import { registerBuiltinProviders } from '../../src/providers/builtin.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { problemsOf, tempDefinition } from './helpers.js';

const checks = providerChecks(registerBuiltinProviders(new ProviderRegistry()));

/** A native pipeline with one source and `action` (its lines indented as an action of stage Deploy). */
function native(action: string): string {
  return `pipeline: typos
sources:
  src: { git: /tmp/meridian-none, branch: main, namespace: Src }
stages:
  - name: Deploy
    actions:
${action}`;
}

/** Each built-in `uses:`, with a typo'd key on line 11 (col 11) and the spelling the hint names. */
const TYPOS: Array<{ uses: string; with: string; typo: string; want: string }> = [
  { uses: 'release', with: 'target: /srv/app', typo: 'healthChek: { url: "http://127.0.0.1:1/" }', want: 'healthCheck' },
  { uses: 'cloudformation', with: 'mode: DELETE_ONLY', typo: 'stak: service-x', want: 'stack' },
  { uses: 'codebuild', with: 'project: build', typo: 'buildSpec: ci/buildspec.yml', want: 'buildspec' },
  { uses: 'commands', with: 'files: [dist/**]', typo: 'file: [dist/**]', want: 'files' },
  { uses: 'approval', with: 'message: ship it?', typo: 'lnk: https://example.com', want: 'link' },
  { uses: 'Compute/Meridian/Noop', with: 'sleepMs: 1', typo: 'sleepMS: 2', want: 'sleepMs' },
  { uses: 'Source/AWS/CodeCommit', with: 'RepositoryName: service-x', typo: 'BranchNme: main', want: 'BranchName' },
];

describe('a typo inside `with:`', () => {
  it.each(TYPOS)('of uses: $uses is refused at its line with the right spelling', async ({ uses, with: good, typo, want }) => {
    const source = uses.startsWith('Source/');
    const file = await tempDefinition(
      'meridian.yaml',
      native(`      - name: act
        uses: ${uses}
        inputs: [${source ? '' : 'src'}]
        outputs: [${source ? 'Out' : ''}]
        commands: ['true']
        with:
          ${good}
          ${typo}
`),
    );
    const problems = await problemsOf(file, checks);
    const found = problems.find((p) => p.message.startsWith(`unknown key \`${typo.split(':')[0]!}\``));
    expect(found, problems.map((p) => `${p.location.line}:${p.location.col} ${p.message}`).join('\n')).toBeDefined();
    expect(found!.message).toContain('in `with:` of act');
    expect(found!.location.line).toBe(14);
    expect(found!.hint).toBe(`did you mean \`${want}\`?`);
  });

  it('is refused next to a value that holds a variable, whose own check alone waits', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      native(`      - name: release
        uses: release
        inputs: [src]
        with:
          target: /srv/app
          keep: '#{Src.CommitId}'
          healthCheck:
            ulr: http://127.0.0.1:8080/health
            bodyContains: '#{Src.CommitId}'
            retries: often
`),
    );
    const problems = await problemsOf(file, checks);
    const said = problems.map((p) => `${p.location.line}:${p.location.col} ${p.message}`);
    expect(said).toEqual([
      '14:13 healthCheck needs exactly one of url or command',
      '14:18 unknown key `ulr` in `healthCheck`',
      '16:22 `healthCheck.retries` must be a whole number',
    ]);
  });

  it('of a type check: a list where text belongs, text where a number belongs, a value not allowed', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      native(`      - name: stack
        uses: cloudformation
        with:
          mode: DELETE_ONLY
          stack: [a, b]
      - name: wait
        uses: Compute/Meridian/Noop
        with: { sleepMs: soon }
`),
    );
    const said = (await problemsOf(file, checks)).map((p) => `${p.location.line}:${p.location.col} ${p.message}`);
    expect(said).toEqual(['11:18 `stack` must be text, not a list or map', '14:26 `sleepMs` must be a whole number']);
  });
});

describe('a typo inside a template action’s Configuration:', () => {
  it('is refused at its line, in CodePipeline’s spelling', async () => {
    const file = await tempDefinition(
      'pipeline.yaml',
      `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: typos
      RoleArn: arn:aws:iam::111122223333:role/p
      ArtifactStore: { Type: S3, Location: bucket }
      Stages:
        - Name: Source
          Actions:
            - Name: src
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeCommit, Version: '1' }
              Configuration: { RepositoryName: service-x, BranchName: main }
              OutputArtifacts: [{ Name: Src }]
        - Name: Deploy
          Actions:
            - Name: stack
              ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: '1' }
              InputArtifacts: [{ Name: Src }]
              Configuration:
                ActionMode: CREATE_UPDATE
                StackName: service-x
                TemplatePath: Src::template.yaml
                Capabilites: CAPABILITY_IAM
`,
    );
    const problems = await problemsOf(file, checks);
    const found = problems.find((p) => p.message.startsWith('unknown key `Capabilites`'));
    expect(found?.location.line).toBe(24);
    expect(found?.hint).toBe('did you mean `Capabilities`?');
  });
});

describe('an output variable known before its action runs', () => {
  it('is refused when misspelt, with the name its action sets', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      native(`      - name: build
        uses: commands
        inputs: [src]
        namespace: B
        outputVariables: [TAG]
        commands: ['echo #{Src.CommitID}', 'export TAG=1']
      - name: use
        uses: commands
        runOrder: 2
        commands: ['echo #{B.Tag} #{B.TAG} #{Src.BranchName}']
      - name: stack
        uses: cloudformation
        runOrder: 2
        with: { mode: DELETE_ONLY, stack: '#{B.TAG}' }
`),
    );
    const problems = await problemsOf(file, checks);
    expect(problems.map((p) => [p.location.line, p.message, p.hint])).toEqual([
      [12, '#{Src.CommitID}: action src (stage Source, runOrder 1) sets no variable CommitID', 'did you mean `CommitId`?'],
      [16, '#{B.Tag}: action build (stage Deploy, runOrder 1) sets no variable Tag', 'did you mean `TAG`?'],
    ]);
  });
});
