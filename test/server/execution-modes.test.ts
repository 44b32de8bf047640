/**
 * CodePipeline's execution modes through a real `meridian serve`: three executions started
 * through the API race through a pipeline whose stages each take about a second.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

function definition(mode: string): string {
  return `pipeline: race
executionMode: ${mode}
sources:
  src: { git: SRC }
stages:
  - name: Build
    actions:
      - name: build
        uses: commands
        inputs: [src]
        commands: ['sleep 1']
  - name: Deploy
    actions:
      - name: deploy
        uses: commands
        commands: ['sleep 1']
`;
}

const stageSpan = (summary: Summary, stage: string): [number, number] => {
  const action = summary.stages.find((s) => s.name === stage)?.actions[0];
  return [Date.parse(action?.startedAt ?? ''), Date.parse(action?.endedAt ?? '')];
};

describe('execution modes under meridian serve', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  async function race(mode: string): Promise<Summary[]> {
    const repo = makeRepo({ 'README.md': 'race' });
    const dir = tempDir();
    writeFiles(dir, { 'pipeline.yaml': definition(mode).replace('SRC', repo) });
    served = await startServe(['-f', path.join(dir, 'pipeline.yaml'), '--state-dir', path.join(dir, 'state')]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await served.api<{ executionId: string }>('POST', '/api/pipelines/race/executions', {});
      expect(started.status).toBe(201);
      ids.push(started.body.executionId);
    }
    const summaries: Summary[] = [];
    for (const id of ids) summaries.push(await ended(served, id));
    return summaries;
  }

  it('SUPERSEDED: the middle execution, overtaken while waiting in front of a stage, is superseded', async () => {
    const [first, second, third] = await race('SUPERSEDED');
    expect([first?.status, second?.status, third?.status]).toEqual(['Succeeded', 'Superseded', 'Succeeded']);
    // It never got to Build: superseded in front of a stage, never inside one.
    expect(second?.stages.find((s) => s.name === 'Build')?.status).toBe('Skipped');
    const events = await served!.api<Array<{ type: string; description: string }>>('GET', `/api/executions/${second!.executionId}/events`);
    expect(events.body.map((e) => e.description).join('\n')).toMatch(/Waiting to enter stage (Source|Build): stage locked by execution .*\n.*superseded by /s);
    // One execution at a time in each stage.
    const [, firstBuildEnd] = stageSpan(first!, 'Build');
    const [thirdBuildStart] = stageSpan(third!, 'Build');
    expect(thirdBuildStart).toBeGreaterThanOrEqual(firstBuildEnd);
  }, 90_000);

  it('QUEUED: all three run, each stage holding one execution at a time, in the order they started', async () => {
    const summaries = await race('QUEUED');
    expect(summaries.map((s) => s.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    for (const stage of ['Build', 'Deploy']) {
      const spans = summaries.map((s) => stageSpan(s, stage));
      expect(spans[1]![0]).toBeGreaterThanOrEqual(spans[0]![1]);
      expect(spans[2]![0]).toBeGreaterThanOrEqual(spans[1]![1]);
    }
  }, 90_000);

  it('PARALLEL: all three run at the same time', async () => {
    const summaries = await race('PARALLEL');
    expect(summaries.map((s) => s.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    const builds = summaries.map((s) => stageSpan(s, 'Build'));
    // Every Build started before the first one ended.
    const firstEnd = Math.min(...builds.map(([, end]) => end));
    for (const [start] of builds) expect(start).toBeLessThan(firstEnd);
  }, 90_000);
});
