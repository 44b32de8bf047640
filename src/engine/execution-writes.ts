/**
 * The engine's one way to change an execution: `write` runs its work in a transaction holding
 * the execution's lock, keeps the events the work records and writes them together before the
 * commit, and only after the commit tells the listeners (`onEvent`). A write that does not
 * commit forgets the rollback executions it created (rollback-follow-ups.ts); one that does
 * lets the executions waiting in front of a stage try again (stage-gates.ts).
 */
import type { Clock } from '../lib/clock.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';
import type { EngineEvent, EngineListener } from './engine-events.js';

/** Records an event about the execution being written, or about another one (`about`). */
export type Recorder = (event: NewEvent, about?: string) => Promise<void>;

/** Runs `fn` in a transaction holding the execution's lock; the events it records reach listeners only after commit. */
export type ExecutionWrite = <T>(executionId: string, fn: (tx: Db, record: Recorder) => Promise<T>) => Promise<T>;

export interface WriteHooks {
  /** Called as a write begins; the undo it returns runs when the write does not commit. */
  begin(executionId: string): () => void;
  /** Called after a write committed and its events reached the listeners. */
  committed(): void;
}

export class ExecutionWrites {
  private readonly listeners = new Set<EngineListener>();

  constructor(private readonly deps: { store: StateStore; clock: Clock; hooks: WriteHooks }) {}

  onEvent(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async write<T>(executionId: string, fn: (tx: Db, record: Recorder) => Promise<T>): Promise<T> {
    const pending: EngineEvent[] = [];
    const undo = this.deps.hooks.begin(executionId);
    const result = await this.deps.store
      .transaction(async (tx) => {
        await this.deps.store.lockExecution(tx, executionId);
        // Events are kept until the transaction's work is done, then written together (in
        // order, before the commit): a stage of 50 actions writes its 50 starts in one statement.
        const unwritten: Array<NewEvent & { executionId: string; at: string }> = [];
        const record = (event: NewEvent, about = executionId): Promise<void> => {
          const at = this.deps.clock.now().toISOString();
          unwritten.push({ ...event, executionId: about, at });
          pending.push({
            executionId: about,
            at,
            type: event.type,
            stage: event.stage ?? null,
            action: event.action ?? null,
            description: event.description,
            data: event.data ?? null,
          });
          return Promise.resolve();
        };
        const done = await fn(tx, record);
        await this.deps.store.appendEvents(tx, unwritten);
        return done;
      })
      .catch((error: unknown) => {
        undo();
        throw error;
      });
    for (const event of pending) for (const listener of this.listeners) listener(event);
    this.deps.hooks.committed();
    return result;
  }
}
