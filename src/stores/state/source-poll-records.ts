/**
 * Where each polled source stood at its last poll (`PollForSourceChanges`, native `poll:`):
 * kept in the store, so a restarted server neither misses a commit nor builds one twice.
 */
import type { Db } from './db.js';

/** A pipeline's source action. */
export interface PolledSource {
  pipeline: string;
  sourceAction: string;
}

/** The revision the last poll of a source saw; undefined before its first poll. */
export async function polledRevision(db: Db, source: PolledSource): Promise<string | undefined> {
  const row = await db
    .selectFrom('source_polls')
    .select('revision')
    .where('pipeline', '=', source.pipeline)
    .where('source_action', '=', source.sourceAction)
    .executeTakeFirst();
  return row?.revision;
}

/** A source's first poll: where it stands. */
export async function recordFirstPoll(db: Db, source: PolledSource, revision: string, at: string): Promise<void> {
  await db.insertInto('source_polls').values({ pipeline: source.pipeline, source_action: source.sourceAction, revision, checked_at: at }).execute();
}

/** A later poll: the revision it saw (unchanged when omitted) and when. */
export async function recordPoll(db: Db, source: PolledSource, seen: { revision?: string; at: string }): Promise<void> {
  await db
    .updateTable('source_polls')
    .set({ ...(seen.revision === undefined ? {} : { revision: seen.revision }), checked_at: seen.at })
    .where('pipeline', '=', source.pipeline)
    .where('source_action', '=', source.sourceAction)
    .execute();
}
