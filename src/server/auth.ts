/**
 * Bearer tokens on every `/api` route. Each route declares the least role it needs
 * (`config: { role }`); the token's role must rank at least as high. `MERIDIAN_TOKEN` is an
 * admin token kept only in the server's environment; the others live, hashed, in the store.
 * The agent role stands apart: agent routes take only agent tokens (each scoped to one
 * region, which the routes check), and an agent token opens no other route. Only the live
 * streams (`config: LIVE_STREAM`) take the token as `?token=`, since EventSource cannot
 * send headers; anywhere else a URL with a token is refused, as it ends up in logs.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, type Role, type TokenStore } from '../stores/tokens/token-store.js';

export interface Principal {
  name: string;
  role: Role;
  /** An agent token's region. */
  region?: string;
}

const RANK: Record<Exclude<Role, 'agent'>, number> = { viewer: 0, operator: 1, admin: 2 };

export function allows(principal: Principal, needed: Role): boolean {
  if (principal.role === 'agent' || needed === 'agent') return principal.role === needed;
  return RANK[principal.role] >= RANK[needed];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route needs; routes without one are public (health, metrics, webhooks). */
    role?: Role;
    /** A live stream a browser's EventSource opens: it may take the token as `?token=`. */
    queryToken?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The route config of a live stream that a browser's EventSource opens: a viewer's, token in `?token=` allowed. */
export const LIVE_STREAM = { role: 'viewer', queryToken: true } as const;

/**
 * How long an agent token, once found, is trusted without looking it up again: agents call
 * for every job, people seldom. A revoked agent token is refused within this time.
 */
export const AGENT_TOKEN_CACHE_MS = 1000;

export function makeAuthenticator(tokens: TokenStore, adminToken: string | undefined) {
  const adminHash = adminToken === undefined || adminToken === '' ? undefined : Buffer.from(hashToken(adminToken), 'hex');
  /** Agent token hash -> its principal and until when it is trusted. */
  const agents = new Map<string, { principal: Principal; until: number }>();
  const identify = async (token: string): Promise<Principal | undefined> => {
    const hash = hashToken(token);
    if (adminHash && timingSafeEqual(Buffer.from(hash, 'hex'), adminHash)) return { name: 'admin (MERIDIAN_TOKEN)', role: 'admin' };
    const cached = agents.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    agents.delete(hash);
    const found = await tokens.find(token);
    if (!found) return undefined;
    const principal: Principal = found.region === null ? { name: found.name, role: found.role } : { name: found.name, role: found.role, region: found.region };
    if (principal.role === 'agent') agents.set(hash, { principal, until: Date.now() + AGENT_TOKEN_CACHE_MS });
    return principal;
  };

  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const needed = request.routeOptions.config.role;
    if (needed === undefined) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // EventSource cannot send headers: the dashboard's live streams pass the token as ?token=.
    const fromQuery = (request.query as Record<string, unknown> | undefined)?.['token'];
    if (fromQuery !== undefined && request.routeOptions.config.queryToken !== true) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(errorBody('UNAUTHORIZED', 'this route does not take ?token= (URLs end up in logs): send Authorization: Bearer <token> instead'));
      return;
    }
    const token = match?.[1] ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
    if (token === undefined) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(errorBody('UNAUTHORIZED', 'send Authorization: Bearer <token> (MERIDIAN_TOKEN, or one made with `meridian tokens create`)'));
      return;
    }
    const principal = await identify(token);
    if (!principal) {
      await reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send(errorBody('UNAUTHORIZED', 'the token is not known or was revoked'));
      return;
    }
    if (!allows(principal, needed)) {
      await reply.code(403).send(errorBody('FORBIDDEN', `this needs the ${needed} role; the token ${principal.name} has ${principal.role}`));
      return;
    }
    request.principal = principal;
  };
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
