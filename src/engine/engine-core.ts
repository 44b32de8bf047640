/**
 * What the engine's systems share: the state store, the clock, this process's owner id, the
 * transactional write (execution-writes.ts) and the advance of an execution (execution-advance.ts).
 * The Engine (engine.ts) builds one and hands it to each system.
 */
import type { Clock } from '../lib/clock.js';
import type { StateStore } from '../stores/state/state-store.js';
import type { ExecutionWrite } from './execution-writes.js';

export interface EngineCore {
  store: StateStore;
  clock: Clock;
  /** Identifies this process as the driver of the executions it starts or resumes. */
  owner: string;
  write: ExecutionWrite;
  /** Applies steps until the execution waits for running actions or has ended. */
  advance(executionId: string): Promise<void>;
}
