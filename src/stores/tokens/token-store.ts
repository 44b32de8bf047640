/**
 * API tokens. A token is shown once, when it is made; only its SHA-256 is stored, so a copy
 * of the state store gives nobody access. Roles: viewer (read), operator (start, stop,
 * retry, approve, override), admin (everything: tokens, parameters, reloads), and agent:
 * outside that ladder, scoped to one region, it may only use the agent protocol.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import { hasControlCharacter } from '../../domain/one-line-text.js';
import type { Database, TokensTable } from '../state/schema.js';

export const ROLES = ['viewer', 'operator', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
  /** An agent token's region; null for the other roles. */
  region: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

export class TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Makes a token; the returned `token` is the only copy there will ever be. An agent token needs its region. */
  async create(name: string, role: Role, at: string, region: string | null = null): Promise<TokenInfo & { token: string }> {
    if (name.trim() === '') throw new MeridianError('BAD_INPUT', 'a token needs a name, e.g. --name ci-bot');
    // The name goes into logs and events as who did what: a line break in it would forge lines.
    if (hasControlCharacter(name))
      throw new MeridianError('BAD_INPUT', 'a token name is one line of printable text, without control characters (CR, LF, tab...): e.g. --name ci-bot');
    if (role === 'agent' && (region === null || region.trim() === ''))
      throw new MeridianError('BAD_INPUT', 'an agent token is scoped to one region: pass --region, e.g. --region eu-west-1');
    if (role !== 'agent' && region !== null) throw new MeridianError('BAD_INPUT', `only agent tokens have a region; a ${role} token reaches every region`);
    const existing = await this.db.selectFrom('tokens').select('id').where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
    if (existing) throw new MeridianError('CONFLICT', `a token named ${name} exists; revoke it first or pick another name`);
    const token = `mrd_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    await this.db
      .insertInto('tokens')
      .values({ id, name, role, hash: hashToken(token), created_at: at, revoked_at: null, region })
      .execute();
    return { id, name, role, createdAt: at, revokedAt: null, region, token };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom('tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toInfo);
  }

  /** Revokes by id or by name. */
  async revoke(idOrName: string, at: string): Promise<TokenInfo> {
    const row = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new MeridianError('NOT_FOUND', `no active token ${idOrName}; see \`meridian tokens list\``);
    await this.db.updateTable('tokens').set({ revoked_at: at }).where('id', '=', row.id).execute();
    return { ...toInfo(row), revokedAt: at };
  }

  /** The active token with this value, if any. */
  async find(token: string): Promise<TokenInfo | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('hash', '=', hashToken(token)).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? toInfo(row) : undefined;
  }
}

function toInfo(row: Selectable<TokensTable>): TokenInfo {
  return { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at, revokedAt: row.revoked_at, region: row.region };
}
