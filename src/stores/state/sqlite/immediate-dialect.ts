/**
 * Kysely's SQLite dialect with write transactions that take the write lock when they begin.
 *
 * Kysely begins every transaction with a plain (deferred) `begin`: it takes the write lock only
 * at its first write. In WAL mode a transaction that has read and then must upgrade to writing
 * while another process writes fails at once with SQLITE_BUSY — the busy timeout does not apply
 * to that upgrade, because waiting could deadlock — and a second `meridian run` on the same
 * state dir crashed mid-execution. `begin immediate` asks for the write lock first, where the
 * busy timeout does apply, so concurrent processes wait their turn instead. A transaction
 * begun with `setAccessMode('read only')` stays deferred: it never writes, so it never needs
 * the lock.
 */
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(settings?.accessMode === 'read only' ? 'begin' : 'begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}
