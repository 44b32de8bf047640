/** The configuration of `Compute/Meridian/Noop`, as config-schema.ts reads it. */
import type { ConfigSchema } from '../config-schema.js';

export const NOOP_SCHEMA: ConfigSchema = {
  summary: 'Does nothing, optionally slowly or unsuccessfully: for tests and benchmarks of the engine.',
  fields: {
    sleepMs: { type: 'integer', default: 0, description: 'Milliseconds to wait before succeeding.', example: 250 },
    fail: { type: 'string', description: 'Fail with this message instead of succeeding.', example: 'made to fail' },
  },
  example: { sleepMs: 250 },
};
