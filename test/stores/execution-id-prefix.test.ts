/**
 * An execution id prefix matches only the ids that literally start with it, on both stores:
 * `%` and `_` in it are characters, not wildcards (`meridian show %%%%%%` picks nothing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import type { Pipeline } from '../../src/domain/pipeline.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { testPipeline } from '../helpers/pipeline.js';
import { BACKENDS } from '../helpers/state-backends.js';

const pipeline: Pipeline = testPipeline({
  name: 'prefixes',
  homeRegion: 'eu-west-1',
  stages: [
    {
      name: 'Only',
      actions: [
        {
          name: 'a',
          type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
          runOrder: 1,
          region: 'eu-west-1',
          configuration: {},
          inputArtifacts: [],
          outputArtifacts: [],
        },
      ],
    },
  ],
  executionMode: 'PARALLEL',
  file: '/nowhere.yaml',
});
const context = { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe.each(BACKENDS)('execution id prefixes on $name', (backend) => {
  it.skipIf(!backend.available)('treat % and _ as themselves, not as wildcards', async () => {
    const { db } = await backend.open();
    closers.push(() => db.destroy());
    const store = new StateStore(db);
    const create = (id: string): Promise<void> =>
      store.transaction((tx) => store.createExecution(tx, { id, pipeline, trigger: { type: 'cli' }, context, at: '2026-11-27T10:00:00.000Z', owner: 'me' }));
    await create('4f3c2a1b-0000-4000-8000-000000000001');

    const refused = async (prefix: string): Promise<string> => {
      const error = await store.resolveExecutionId(db, prefix).then(
        (id) => new Error(`${prefix} picked ${id}`),
        (thrown: unknown) => thrown,
      );
      expect(error, prefix).toBeInstanceOf(MeridianError);
      return (error as MeridianError).code;
    };
    for (const prefix of ['%%%%%%', '______', '4f3c2_', '4f3c%1b', '%0000-4000', '4f3c2a1b_0000']) expect(await refused(prefix)).toBe('NOT_FOUND');
    expect(await store.resolveExecutionId(db, '4f3c2a')).toBe('4f3c2a1b-0000-4000-8000-000000000001');

    // An id that holds the characters is found by a prefix with them, and only by its own.
    await create('4f3c2_%x-0000-4000-8000-000000000002');
    await create('4f3c2ab%-0000-4000-8000-000000000003');
    expect(await store.resolveExecutionId(db, '4f3c2_')).toBe('4f3c2_%x-0000-4000-8000-000000000002');
    expect(await store.resolveExecutionId(db, '4f3c2_%')).toBe('4f3c2_%x-0000-4000-8000-000000000002');
    expect(await store.resolveExecutionId(db, '4f3c2ab%')).toBe('4f3c2ab%-0000-4000-8000-000000000003');
    expect(await refused('4f3c2a')).toBe('BAD_INPUT'); // two ids start with it
  });
});
