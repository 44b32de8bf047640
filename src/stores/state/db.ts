/** What every store function runs its statements on: the database, or a transaction on it. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Db = Kysely<Database> | Transaction<Database>;
