import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { notFound } from '../../errors.js';
import type { Home, Role } from '../../store/repositories/index.js';

/** Roles that see the whole installed base. */
export const STAFF_READ: Role[] = ['admin', 'technician', 'monitor'];
/** Roles that change the registry. */
export const STAFF_WRITE: Role[] = ['admin', 'technician'];

/**
 * Loads a home the caller may see: staff see every home, a `client` user only the homes of their
 * own client. Anything else is answered 404 (not 403) so ids of other homes are not confirmed.
 */
export async function visibleHome(ctx: AppContext, req: FastifyRequest, homeId: string): Promise<Home> {
  const home = await ctx.repos.clients.getHome(homeId);
  const user = req.principal!.user;
  const visible =
    home !== null &&
    (STAFF_READ.includes(user.role) || (user.role === 'client' && user.clientId === home.clientId));
  if (!visible) throw notFound('Home');
  return home;
}
