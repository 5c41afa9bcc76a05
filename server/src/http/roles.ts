import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { forbidden, unauthenticated } from '../errors.js';
import { ROLES, type Role } from '../store/repositories/index.js';

/** A role check made by {@link requireRole}; `roles` is what the OpenAPI document lists. */
export type RoleHook = onRequestAsyncHookHandler & { readonly roles: readonly Role[] };

/**
 * The route's role check, declared as its `onRequest` hook: `onRequest: requireRole('admin')`.
 * The caller must be logged in and hold one of `roles` (any role when none is given).
 *
 * It runs in `onRequest`, before the body is read or validated, so a caller without the role gets
 * 403 and never a 400 that would reveal the body schema (server/src/http/README.md, "Declaring a route"). The
 * contract hook (`route-contract.ts`) documents the roles and the security requirement from it
 * and refuses a role check placed in `preHandler`.
 */
export function requireRole(...roles: Role[]): RoleHook {
  const allowed: readonly Role[] = roles.length > 0 ? roles : ROLES;
  const hook = async (req: FastifyRequest) => {
    if (!req.principal) throw unauthenticated();
    if (!allowed.includes(req.principal.user.role))
      throw forbidden(`This needs one of the roles: ${allowed.join(', ')}.`);
  };
  return Object.assign(hook, { roles: allowed });
}

export const isRoleHook = (f: unknown): f is RoleHook =>
  typeof f === 'function' && Array.isArray((f as Partial<RoleHook>).roles);
