/**
 * A compiled Pipeline for tests that drive the engine or the stores directly: its name and
 * stages, and whatever else the test cares about; everything else empty (no variables,
 * parameters, triggers, webhooks, polls or resources), PARALLEL, native, from a file that
 * does not exist.
 */
import type { Pipeline } from '../../src/domain/pipeline.js';

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
