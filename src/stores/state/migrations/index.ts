import type { Migration } from 'kysely';
import * as core from './001-core.js';

/** Every migration, in order. Names are permanent: never rename or edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '001-core': core,
};
