/**
 * A compiled Pipeline for tests that drive the engine or the stores directly: its name and
 * stages, and whatever else the test cares about; everything else empty (no variables,
 * parameters, triggers, webhooks, polls or resources), PARALLEL, native, from a file that
 * does not exist.
 */
import type { Action, Pipeline } from '../../src/domain/pipeline.js';

export function testPipeline(parts: Pick<Pipeline, 'name' | 'stages'> & Partial<Pipeline>): Pipeline {
  return {
    homeRegion: 'local',
    regions: [],
    variables: [],
    parameters: [],
    executionMode: 'PARALLEL',
    triggers: [],
    webhooks: [],
    polls: [],
    resources: {},
    file: '/nowhere/meridian.yaml',
    format: 'native',
    ...parts,
  };
}

/** A pipeline of one stage with one action, at home in eu-west-1 (whose store is a folder). */
export function oneActionPipeline(name: string, stage: string, action: Action): Pipeline {
  return testPipeline({
    name,
    homeRegion: 'eu-west-1',
    regions: [{ name: 'eu-west-1', timezone: 'UTC', store: { kind: 'folder', location: 'stores/eu-west-1' } }],
    stages: [{ name: stage, actions: [action] }],
  });
}
