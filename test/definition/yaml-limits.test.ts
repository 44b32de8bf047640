/**
 * Files that would exhaust the parser or its readers are definition problems at the place
 * that goes over the limit: aliases of aliases ("billion laughs") and deep nesting.
 */
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const PIPELINE = `pipeline: laughs
sources:
  app: { git: /srv/app }
stages:
  - name: Build
    actions:
      - name: test
        uses: commands
        inputs: [app]
        commands: [echo ok]
`;

/** Nine levels of nine aliases each: 9^9 values once expanded. */
export function billionLaughs(): string {
  const names = 'abcdefghi';
  const lines = ['laughs:', '  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < names.length; i++)
    lines.push(
      `  ${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('YAML limits', () => {
  it('refuses a billion laughs at the alias that expands past the limit', async () => {
    const file = await tempDefinition('meridian.yaml', `${billionLaughs()}${PIPELINE}`);
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(1);
    // Line 7 is `f: &f [*e, ...]`: its first *e brings the expanded values past 100,000.
    const found = problemAt(problems, file, 7, 10);
    expect(found.message).toMatch(/^alias \*e makes the aliases of this file stand for more than 100,000 values/);
    expect(found.hint).toMatch(/write the values out/);
  });

  it('refuses a billion laughs in a CloudFormation template too', async () => {
    const file = await tempDefinition(
      'pipeline.template.yaml',
      `AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n${billionLaughs().replace(/^/gm, '  ').trimEnd()}\nResources: {}\n`,
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 9, 12).message).toMatch(/^alias \*e /);
  });

  it('refuses more aliases than the limit, at the first one too many', async () => {
    const items = Array.from({ length: 1001 }, () => '  - *tag').join('\n');
    const file = await tempDefinition('meridian.yaml', `tag: &tag x\ntags:\n${items}\n${PIPELINE}`);
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 1003, 5).message).toMatch(/^alias \*tag is one alias too many: a file may hold at most 1,000 aliases/);
  });

  it('refuses aliases that nest an anchor deeper than the limit', async () => {
    const lines = ['deep:', '  l0: &l0 [x]'];
    for (let i = 1; i <= 100; i++) lines.push(`  l${i}: &l${i} [*l${i - 1}]`);
    const file = await tempDefinition('meridian.yaml', `${lines.join('\n')}\n${PIPELINE}`);
    const problems = await problemsOf(file);
    // `l98: &l98 [*l97]` sits two levels deep and *l97 is 98 levels: 101.
    expect(problemAt(problems, file, 100, 14).message).toMatch(/^alias \*l97 nests its anchor's content 101 levels deep; Meridian reads at most 100 levels/);
  });

  it('reads an anchor used more than a hundred times, which is no attack', async () => {
    const actions = Array.from({ length: 120 }, (_, i) => `      - { name: t${i}, uses: commands, inputs: [app], commands: *checks }`).join('\n');
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: many\nshared:\n  checks: &checks [npm ci, npm test]\nsources:\n  app: { git: /srv/app }\nstages:\n  - name: Build\n    actions:\n${actions}\n`,
    );
    const problems = await problemsOf(file);
    // The unknown `shared` key is the only problem: every alias was read.
    expect(problems.map((p) => p.message)).toEqual(['unknown key `shared` in the pipeline']);
  });

  it.each([
    ['lists', '[', ']'],
    ['mappings', '{a: ', '}'],
  ])('refuses %s nested 5,000 deep at the first level past the limit', async (_what, open, close) => {
    const file = await tempDefinition('meridian.yaml', `pipeline: deep\nx: ${open.repeat(5000)}1${close.repeat(5000)}\n`);
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(1);
    // The root mapping is level 1, so the 100th opening after `x: ` starts level 101.
    const found = problemAt(problems, file, 2, 4 + 99 * open.length);
    expect(found.message).toBe('this value is nested more than 100 levels deep; Meridian reads at most 100 levels of mappings and lists');
    expect(found.hint).toMatch(/close the brackets/);
  });

  it('reads nesting up to the limit', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `${PIPELINE.replace('commands: [echo ok]', 'commands: [echo ok]\n        with: { deep: ' + '['.repeat(94) + ']'.repeat(94) + ' }')}`,
    );
    await expect(loadDefinition(file)).resolves.toMatchObject({ name: 'laughs' });
  });
});
