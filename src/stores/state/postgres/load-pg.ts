/**
 * The PostgreSQL driver, loaded when a command first connects to PostgreSQL: with SQLite (the
 * default) it is never evaluated, and evaluating it costs start-up time (it also wakes Node's
 * built-in fetch to look for a Cloudflare runtime).
 */
import { lazy } from '../../../lib/lazy.js';

export const loadPg = lazy(async () => (await import('pg')).default);
