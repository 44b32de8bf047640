/**
 * API tokens. A token is shown once, when it is made; only its SHA-256 is stored, so a copy
 * of the state store gives nobody access. Roles: viewer (read), operator (start, stop,
 * retry, approve, override), admin (everything: tokens, parameters, reloads).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import type { Database } from '../state/schema.js';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

export class TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Makes a token; the returned `token` is the only copy there will ever be. */
  async create(name: string, role: Role, at: string): Promise<TokenInfo & { token: string }> {
    if (name.trim() === '') throw new MeridianError('BAD_INPUT', 'a token needs a name, e.g. --name ci-bot');
    const existing = await this.db.selectFrom('tokens').select('id').where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
    if (existing) throw new MeridianError('CONFLICT', `a token named ${name} exists; revoke it first or pick another name`);
    const token = `mrd_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    await this.db.insertInto('tokens').values({ id, name, role, hash: hashToken(token), created_at: at, revoked_at: null }).execute();
    return { id, name, role, createdAt: at, revokedAt: null, token };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom('tokens').selectAll().orderBy('created_at').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at, revokedAt: row.revoked_at }));
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
    return { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at, revokedAt: at };
  }

  /** The active token with this value, if any. */
  async find(token: string): Promise<TokenInfo | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('hash', '=', hashToken(token)).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at, revokedAt: null } : undefined;
  }
}
