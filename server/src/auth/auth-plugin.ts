import { createHash, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { BakenError, unauthenticated } from '../errors.js';
import type { AuthService, Principal } from './auth-service.js';

export const SESSION_COOKIE = 'baken_session';
/** Header a cookie-authenticated caller must send on POST/PUT/PATCH/DELETE (synchronizer token). */
export const CSRF_HEADER = 'x-baken-csrf';
/** Routes a home unit calls with HTTP Basic (its gateway id and MQTT password) instead of a user's token. */
export const GATEWAY_BASIC_PREFIX = '/api/v1/gateway/';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The raw session secret from the cookie, when the caller is cookie-authenticated. */
    sessionSecret: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Compares a presented CSRF token with the session's in constant time: both are hashed first, so
 * neither the contents nor the length of the expected token leak through timing.
 */
export function csrfTokenMatches(presented: string | string[] | undefined, expected: string | null): boolean {
  if (typeof presented !== 'string' || expected === null) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Authenticates every request: `Authorization: Bearer <api token>` (scripts) or the session
 * cookie (web pages). A bad bearer token is refused at once (no fallback to the cookie). For
 * cookie-authenticated state changes, the `x-baken-csrf` header must equal the session's CSRF
 * token; together with `SameSite=Strict` this stops cross-site requests.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { auth: AuthService; secureCookies: boolean }) => {
    await app.register(cookie);
    app.decorateRequest('principal', null);
    app.decorateRequest('sessionSecret', null);
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const header = req.headers.authorization;
      if (header !== undefined) {
        // a home unit's own credentials (HTTP Basic), checked by the routes it calls (modules/updates)
        if (/^Basic /i.test(header) && req.url.startsWith(GATEWAY_BASIC_PREFIX)) return;
        const m = /^Bearer\s+(\S+)$/i.exec(header);
        const p = m ? await opts.auth.fromBearer(m[1]!) : null;
        if (!p) throw unauthenticated('The API token is invalid, expired or revoked.');
        req.principal = p;
        return;
      }
      const secret = req.cookies[SESSION_COOKIE];
      if (!secret) return;
      const p = await opts.auth.fromSession(secret);
      if (!p) {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return;
      }
      if (!SAFE_METHODS.has(req.method) && !csrfTokenMatches(req.headers[CSRF_HEADER], p.csrfToken))
        throw new BakenError(
          'BAKEN_ERR_CSRF',
          403,
          `State-changing requests with a session cookie need the ${CSRF_HEADER} header from /api/v1/auth/me.`,
        );
      req.principal = p;
      req.sessionSecret = secret;
    });
  },
  { name: 'baken-auth' },
);

export function sessionCookieOptions(secure: boolean, expiresAt: number) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure, expires: new Date(expiresAt) };
}

/** The role check is an onRequest hook, declared per route; see `http/roles.ts`. */
export { requireRole } from '../http/roles.js';
