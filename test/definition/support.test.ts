import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATUS_WORDS, SUPPORT } from '../../src/definition/support.js';
import { registerBuiltinProviders } from '../../src/providers/builtin.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const registered = registerBuiltinProviders(new ProviderRegistry()).types();

describe('the support table', () => {
  it('lists every registered provider type as running, and no refused type is registered', () => {
    for (const type of registered) {
      const entry = SUPPORT.find((e) => e.type === type);
      expect(entry, `${type} is missing from src/definition/support.ts`).toBeDefined();
      expect(entry!.status).not.toBe('refused');
    }
    for (const entry of SUPPORT.filter((e) => e.status !== 'refused' && !e.type.startsWith('Rule/'))) expect(registered).toContain(entry.type);
    for (const entry of SUPPORT.filter((e) => e.status === 'refused')) expect(entry.alternative, entry.type).toBeTruthy();
  });

  it('refuses each unsupported action type at its line, naming the nearest supported alternative', async () => {
    const refused = SUPPORT.filter((e) => e.status === 'refused' && !e.type.startsWith('Rule/'));
    const actions = refused.map((entry, i) => {
      const [category, owner, provider] = entry.type.split('/');
      const source = category === 'Source';
      return `            - Name: a${i}
              ActionTypeId: { Category: ${category}, Owner: ${owner}, Provider: ${provider}, Version: 1 }
              ${source ? `OutputArtifacts: [{ Name: out${i} }]` : 'InputArtifacts: [{ Name: src }]'}`;
    });
    const sources = actions.filter((_, i) => refused[i]!.type.startsWith('Source/'));
    const others = actions.filter((_, i) => !refused[i]!.type.startsWith('Source/'));
    const file = await tempDefinition(
      'template.yaml',
      `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: refusals
      ArtifactStore: { Type: S3, Location: refusals }
      Stages:
        - Name: Source
          Actions:
            - Name: src
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: 1 }
              Configuration: { ConnectionArn: arn, FullRepositoryId: acme/app, BranchName: main }
              OutputArtifacts: [{ Name: src }]
${sources.join('\n')}
        - Name: Other
          Actions:
${others.join('\n')}
`,
    );
    const problems = await problemsOf(file, { knownActionTypes: registered });
    expect(problems).toHaveLength(refused.length);
    const lines = readFileSync(file, 'utf8').split('\n');
    refused.forEach((entry, i) => {
      const line = lines.findIndex((text) => text.includes(`- Name: a${i}`)) + 2;
      const found = problemAt(problems, file, line, 29);
      expect(found.message).toBe(`${entry.type} is not supported by Meridian: ${entry.note}`);
      expect(found.hint).toContain(entry.alternative!);
    });
  });

  it('is the table of docs/codepipeline-support.md, as scripts/support-table.mjs writes it now', () => {
    const generated = execFileSync(process.execPath, ['scripts/support-table.mjs', '--stdout'], { cwd: REPO_ROOT, encoding: 'utf8' });
    const page = readFileSync(`${REPO_ROOT}docs/codepipeline-support.md`, 'utf8');
    expect(page, 'docs/codepipeline-support.md is stale: run `npm run docs` and commit the page').toBe(generated);
    for (const entry of SUPPORT) expect(page).toContain(`| \`${entry.type}\` | ${STATUS_WORDS[entry.status]} | ${entry.note.replaceAll('|', '\\|')}`);
  });
});
