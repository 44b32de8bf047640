/**
 * Issue 18 item 5: a build runs as it would in a clean checkout of its source, even when
 * Meridian runs from the root of a project (the state dir defaults to `.meridian` inside it).
 * The enclosing project is an ES module package (`"type": "module"`) with its own `.npmrc`,
 * `node_modules` and git repository; none of them may reach the Commands or CodeBuild action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { attemptsRoot } from '../../src/lib/attempt-scratch.js';
import { runCli } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

/** What each action reports about where it runs, as output variables. */
const PROBES = [
  // Resolved from the enclosing project's node_modules, it would print "leaked".
  `export RESOLVE=$(node -e "try { require.resolve('leaky'); console.log('leaked') } catch { console.log('isolated') }")`,
  'export TOP=$(git rev-parse --show-toplevel 2>/dev/null || echo none)',
  'export NPM_TAG=$(npm config get tag)',
];

const BUILDSPEC = `version: 0.2
env:
  exported-variables: [RESOLVE, TOP, NPM_TAG]
phases:
  build:
    commands:
      - node test.js
${PROBES.map((line) => `      - ${JSON.stringify(line)}`).join('\n')}
`;

const PIPELINE = (repo: string): string => `pipeline: isolated
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: commands
        uses: commands
        inputs: [src]
        commands:
          - node test.js
${PROBES.map((line) => `          - ${JSON.stringify(line)}`).join('\n')}
        outputVariables: [RESOLVE, TOP, NPM_TAG]
      - { name: build, uses: codebuild, inputs: [src], with: { buildspec: buildspec.yml } }
`;

describe('a build run from inside an ES module project', () => {
  it('runs a CommonJS test as in a clean checkout: no package.json, .npmrc, node_modules or git repository of the project reaches it', async () => {
    const repo = makeRepo({
      'test.js': "const path = require('node:path');\nconsole.log('CommonJS test passed in ' + path.basename(process.cwd()));\n",
      'buildspec.yml': BUILDSPEC,
    });
    const project = tempDir('meridian-esm-project-');
    writeFiles(project, {
      'package.json': '{ "name": "enclosing", "type": "module" }\n',
      '.npmrc': 'tag=leaked-from-the-project\n',
      'node_modules/leaky/index.js': 'export default 1;\n',
      'node_modules/leaky/package.json': '{ "name": "leaky", "main": "index.js" }\n',
      'meridian.yaml': PIPELINE(repo),
    });
    git(project, 'init', '-q');

    // From the project's root, with the default state dir (.meridian inside it).
    const result = await runCli(['run', '-f', 'meridian.yaml', '--json'], { cwd: project, env: { NPM_CONFIG_UPDATE_NOTIFIER: 'false' } });
    const summary = JSON.parse(result.stdout) as ExecutionSummary;
    const actions = summary.stages.flatMap((stage) => stage.actions);
    for (const name of ['commands', 'build']) {
      const action = actions.find((candidate) => candidate.name === name);
      expect(action?.error ?? null, `${name}: ${result.stderr}`).toBeNull();
      expect(action?.status).toBe('Succeeded');
      expect(action?.outputVariables).toEqual({ RESOLVE: 'isolated', TOP: 'none', NPM_TAG: 'latest' });
    }
    expect(result.code).toBe(0);

    // The state dir keeps itself out of the project's git.
    expect(fs.readFileSync(path.join(project, '.meridian', '.gitignore'), 'utf8').split('\n')).toContain('*');
    expect(git(project, 'status', '--porcelain', '--untracked-files=all')).not.toContain('.meridian');
  }, 120_000);

  it('leaves no work or scratch folder behind, whether the action succeeded or failed', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    fs.writeFileSync(
      path.join(dir, 'meridian.yaml'),
      `pipeline: tidy
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - { name: passes, uses: commands, inputs: [src], commands: ["cp a.txt b.txt"] }
      - { name: fails, uses: commands, inputs: [src], commands: ["cp a.txt c.txt", "exit 3"] }
`,
    );
    const result = await runCli(['run', '-f', path.join(dir, 'meridian.yaml'), '--state-dir', state, '--json']);
    expect(result.code, result.stderr).toBe(1);
    // The CLI runs with this process's TMPDIR: its attempts folder is the one computed here,
    // removed with the empty work and scratch folders as the run closed.
    expect(fs.existsSync(attemptsRoot(state))).toBe(false);
    expect(fs.readdirSync(state)).not.toContain('work');
  }, 60_000);
});
