import type SqliteDatabase from 'better-sqlite3';

/**
 * Kysely prepares every query anew; the engine runs the same few dozen statements thousands
 * of times. Reusing prepared statements by SQL text takes that cost out of each action.
 */
export function withStatementCache(db: SqliteDatabase.Database, limit = 500): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string): SqliteDatabase.Statement => {
        let statement = cache.get(sql);
        if (!statement) {
          statement = prepare(sql);
          if (cache.size >= limit) cache.clear();
          cache.set(sql, statement);
        }
        return statement;
      };
    },
  });
}
