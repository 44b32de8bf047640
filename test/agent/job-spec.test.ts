/**
 * A job's spec reads only the actions it depends on: namespaced actions (their variables) and
 * the producers of its inputs, transitively (the commit each input was built from). Real
 * SQLite, a real engine; the outputs of earlier actions are recorded as an agent would report
 * them.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobDispatch } from '../../src/engine/dispatch/job-dispatch.js';
import { prepareJob } from '../../src/engine/dispatch/job-specs.js';
import type { Action } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import { systemClock } from '../../src/lib/clock.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { testPipeline } from '../helpers/pipeline.js';
import { tempDir } from '../helpers/temp.js';

const type = (category: Action['type']['category'], provider: string): Action['type'] => ({ category, owner: 'AWS', provider, version: '1' });
const action = (name: string, parts: Partial<Action>): Action => ({
  name,
  type: type('Build', 'CodeBuild'),
  runOrder: 1,
  region: 'local',
  configuration: {},
  inputArtifacts: [],
  outputArtifacts: [],
  ...parts,
});

describe('job specs', () => {
  it('resolve namespaces and input revisions from the actions they depend on, through a build to its source', async () => {
    const db = await openSqlite(path.join(tempDir(), 'state'));
    try {
      const store = new StateStore(db);
      const engine = new Engine({ store, clock: systemClock, owner: 'test-host:1:aaa' });
      const pipeline = testPipeline({
        name: 'chain',
        stages: [
          { name: 'Source', actions: [action('src', { type: type('Source', 'Git'), outputArtifacts: ['code'], namespace: 'SourceVariables' })] },
          // Twenty unrelated actions beside the build, and the build that turns the source into a package.
          {
            name: 'Build',
            actions: [
              ...Array.from({ length: 20 }, (_, i) => action(`noise-${i}`, { type: type('Compute', 'Noop') })),
              action('build', { inputArtifacts: ['code'], outputArtifacts: ['pkg'] }),
            ],
          },
          {
            name: 'Deploy',
            actions: [
              action('deploy', { type: type('Deploy', 'Release'), inputArtifacts: ['pkg'], configuration: { Version: '#{SourceVariables.CommitId}' } }),
            ],
          },
        ],
      });
      const id = await engine.start(pipeline, { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} });
      const dispatch = new JobDispatch({ store, engine }, 60_000);
      // Runs the jobs as they are queued (reporting `outputs` by action name) until `until`'s job comes.
      const runUntil = async (until: string, outputs: Record<string, Record<string, string>>) => {
        for (;;) {
          const job = await dispatch.claim('test-host:1:aaa');
          if (!job) throw new Error(`no job of ${until} was queued`);
          const name = pipeline.stages[job.stageIndex]?.actions[job.actionIndex]?.name ?? '';
          if (name === until) return job;
          for (const artifact of pipeline.stages[job.stageIndex]?.actions[job.actionIndex]?.outputArtifacts ?? []) {
            await store.recordArtifact(db, { executionId: id, name: artifact, digest: 'a'.repeat(64), size: 1, region: 'local', producedBy: name });
          }
          await dispatch.report(job.id, 'test-host:1:aaa', { status: 'Succeeded', outputVariables: outputs[name] ?? {} });
        }
      };
      const deploy = await runUntil('deploy', { src: { CommitId: 'c0ffee1', BranchName: 'main' } });
      const spec = await prepareJob(store, deploy);
      // The package was built from the source's commit: found through the build, which has no CommitId of its own.
      expect(spec.inputRevisions).toEqual({ pkg: 'c0ffee1' });
      expect(spec.action.configuration).toEqual({ Version: 'c0ffee1' });
      expect(spec.inputs).toEqual([{ name: 'pkg', digest: 'a'.repeat(64), size: 1 }]);
      expect(spec.problem).toBeUndefined();
    } finally {
      await db.destroy();
    }
  });
});
