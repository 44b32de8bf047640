/**
 * An Engine over a real SQLite state dir, for tests that drive executions by hand on a fake
 * clock. `close` is idempotent and also queued in `closers`, which the test empties afterEach.
 */
import { Engine } from '../../src/engine/engine.js';
import type { Clock } from '../../src/lib/clock.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';

export interface SqliteEngine {
  engine: Engine;
  store: StateStore;
  close: () => Promise<void>;
}

export async function openSqliteEngine(stateDir: string, clock: Clock, owner: string, closers: Array<() => Promise<void>>): Promise<SqliteEngine> {
  const db = await openSqlite(stateDir);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await db.destroy();
  };
  closers.push(close);
  const store = new StateStore(db);
  return { engine: new Engine({ store, clock, owner }), store, close };
}
