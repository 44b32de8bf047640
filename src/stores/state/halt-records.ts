/**
 * Emergency halts (migration 009): while a halt of a region, or of every region, is active, no
 * deploy step starts there (engine/window-waits.ts holds it, as a window would). At most one
 * active halt per scope; the rows stay as the history of who halted and lifted, when and why.
 */
import type { Db } from './state-store.js';

/** `region` null: every region. */
export interface Halt {
  id: string;
  region: string | null;
  by: string;
  reason: string;
  at: string;
  lifted: { by: string; reason: string; at: string } | null;
}

const EVERYWHERE = '*';

/**
 * Records a halt unless one of the same scope is active; returns the active halt of the
 * scope, which is `halt` itself when it was recorded (compare the ids).
 */
export async function recordHalt(db: Db, halt: Omit<Halt, 'lifted'>): Promise<Halt> {
  const scope = halt.region ?? EVERYWHERE;
  await db
    .insertInto('halts')
    .values({ id: halt.id, scope, by: halt.by, reason: halt.reason, at: halt.at, lifted_by: null, lifted_reason: null, lifted_at: null })
    .onConflict((oc) => oc.column('scope').where('lifted_at', 'is', null).doNothing())
    .execute();
  const active = await activeHalt(db, halt.region);
  if (active === undefined) throw new Error(`the halt of ${scope} was neither recorded nor found`);
  return active;
}

/** Lifts the active halt of a scope; the lifted halt, or undefined when none was active. */
export async function liftHalt(db: Db, region: string | null, lift: { by: string; reason: string; at: string }): Promise<Halt | undefined> {
  const active = await activeHalt(db, region);
  if (active === undefined) return undefined;
  const updated = await db
    .updateTable('halts')
    .set({ lifted_by: lift.by, lifted_reason: lift.reason, lifted_at: lift.at })
    .where('id', '=', active.id)
    .where('lifted_at', 'is', null)
    .returning('id')
    .execute();
  return updated.length === 0 ? undefined : { ...active, lifted: lift };
}

export async function activeHalt(db: Db, region: string | null): Promise<Halt | undefined> {
  const row = await db
    .selectFrom('halts')
    .selectAll()
    .where('scope', '=', region ?? EVERYWHERE)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : toHalt(row);
}

/** Every active halt. */
export async function activeHalts(db: Db): Promise<Halt[]> {
  const rows = await db.selectFrom('halts').selectAll().where('lifted_at', 'is', null).orderBy('at').execute();
  return rows.map(toHalt);
}

/** Halts, newest first, lifted ones included. */
export async function haltHistory(db: Db, limit = 50): Promise<Halt[]> {
  const rows = await db.selectFrom('halts').selectAll().orderBy('at', 'desc').limit(limit).execute();
  return rows.map(toHalt);
}

/** The active halt that holds deploys in `region`: the region's own, else the one of every region. */
export function haltOf(halts: readonly Halt[], region: string): Halt | undefined {
  return halts.find((h) => h.region === region) ?? halts.find((h) => h.region === null);
}

function toHalt(row: {
  id: string;
  scope: string;
  by: string;
  reason: string;
  at: string;
  lifted_by: string | null;
  lifted_reason: string | null;
  lifted_at: string | null;
}): Halt {
  return {
    id: row.id,
    region: row.scope === EVERYWHERE ? null : row.scope,
    by: row.by,
    reason: row.reason,
    at: row.at,
    lifted: row.lifted_at === null ? null : { by: row.lifted_by ?? 'unknown', reason: row.lifted_reason ?? '', at: row.lifted_at },
  };
}
