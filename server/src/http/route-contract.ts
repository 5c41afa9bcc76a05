import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { BakenApp } from '../app-context.js';
import { BakenError } from '../errors.js';
import { errorResponses } from './error-schema.js';
import { isRoleHook } from './roles.js';
import { undeclaredProperties } from './undeclared-properties.js';

/** OpenAPI security requirement of a route with a role check: an API token or a session cookie. */
export const AUTHENTICATED = [{ bearer: [] }, { session: [] }];
/** OpenAPI security requirement of a public route (login, provisioning, probes): declare it. */
export const PUBLIC: [] = [];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

type Schema = Record<string, unknown> & { response?: Record<string | number, unknown> };

/**
 * Completes and checks each API route's declaration as it is added (server/src/http/README.md, "Declaring a
 * route"):
 * - a role check (`requireRole`) must be an `onRequest` hook, so it runs before the body is read
 *   and validated; one in `preHandler` stops the server at start-up;
 * - from the role check it sets the route's `security` requirement (unless declared) and lists the
 *   roles as `x-baken-roles` and in the description;
 * - it adds the error answers every route can give whatever its handler does: 401 (a bad API token
 *   is refused on any route), 403 (role check, or CSRF on a state change), 400 (request schema or
 *   unreadable body), 413 and 415 (body too large, unsupported media type), 414 (a path parameter
 *   too long to route), 507 on a change (the server's disk refused the write: full or read-only).
 * What only the handler knows (its 2xx, 404, 409, …) each route declares itself; the
 * OpenAPI-driven test (`api-contract.test.ts`) fails on anything missing.
 *
 * With `strictResponses` (the contract test) an answer carrying a property its response schema
 * does not declare is turned into a 500 naming it, instead of the property being dropped silently.
 */
export function installRouteContract(app: BakenApp, opts: { strictResponses?: boolean } = {}): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = (route.schema ?? {}) as Schema;
    if (schema['hide'] === true) return;
    const where = `${asArray(route.method).join(',')} ${route.url}`;
    if (asArray(route.preHandler).some(isRoleHook))
      throw new Error(
        `${where}: requireRole() must be the route's onRequest hook, not preHandler, so the role is checked before the body is validated (server/src/http/README.md).`,
      );
    const roleHook = asArray(route.onRequest).find(isRoleHook);
    if (roleHook) {
      schema['security'] ??= AUTHENTICATED;
      schema['x-baken-roles'] = [...roleHook.roles];
      const roles = `Roles: ${roleHook.roles.join(', ')}.`;
      const description = schema['description'];
      schema['description'] = typeof description === 'string' ? `${description}\n\n${roles}` : roles;
    }
    const methods = asArray(route.method);
    const changes = methods.some((m) => !SAFE_METHODS.has(m));
    const statuses = [401];
    if (roleHook || changes) statuses.push(403);
    if (schema['body'] || schema['querystring'] || schema['params'] || changes) statuses.push(400);
    // a change the server's disk cannot store (full, read-only) is refused with 507, nothing stored
    if (changes) statuses.push(413, 415, 507);
    // A path parameter longer than Fastify's maxParamLength is refused with 414 before routing.
    if (route.url.includes(':')) statuses.push(414);
    const response = schema.response ?? {};
    for (const [status, s] of Object.entries(errorResponses(...statuses)))
      if (!(status in response)) response[status] = s;
    schema.response = response;
    route.schema = schema;
    if (opts.strictResponses)
      route.preSerialization = [...asArray(route.preSerialization), refuseUndeclared(where, response)];
  });
}

/** preSerialization hook: refuses an answer with properties its response schema would drop. */
function refuseUndeclared(where: string, response: Record<string | number, unknown>) {
  return async (_req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const status = String(reply.statusCode);
    const schema = response[status] ?? response[`${status[0]}xx`];
    const extra = schema ? undeclaredProperties(payload, schema) : [];
    if (extra.length > 0)
      throw new BakenError(
        'BAKEN_ERR_INTERNAL',
        500,
        `${where} answered ${status} with ${extra.slice(0, 5).join(', ')}, which its response schema does not declare (it would be dropped): add it to the schema.`,
      );
    return payload;
  };
}
