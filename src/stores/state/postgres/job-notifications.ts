/**
 * Wake-ups between servers sharing a PostgreSQL database: a queued job is announced with
 * `pg_notify` in the transaction that queues it (delivered on commit), and every server
 * LISTENs on one connection of its own, waking its agent at once instead of at its next
 * poll. The poll stays as the safety net for a dropped connection.
 */
import { loadPg } from './load-pg.js';

export const JOBS_CHANNEL = 'meridian_jobs';

export interface Listener {
  close(): Promise<void>;
}

export async function listenForJobs(url: string, onJob: (region: string) => void, onError: (error: Error) => void): Promise<Listener> {
  const pg = await loadPg();
  const client = new pg.Client({ connectionString: url });
  client.on('error', onError);
  client.on('notification', (message) => {
    if (message.channel === JOBS_CHANNEL) onJob(message.payload ?? '');
  });
  await client.connect();
  await client.query(`listen ${JOBS_CHANNEL}`);
  return { close: () => client.end() };
}
