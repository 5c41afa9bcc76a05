import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { hashSecret, newSecret } from '../../auth/secrets.js';
import { BakenError, conflict, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { PUBLIC } from '../../http/route-contract.js';
import type { Role } from '../../store/repositories/index.js';
import { NewPassword, Username } from '../users/schemas.js';
import type { CarerStore, InformalCarer } from './carer-store.js';
import { CarerSchema, Id, InvitationSchema } from './schemas.js';

/** An invitation works for three days, once. */
export const INVITATION_TTL_MS = 3 * 24 * 3_600_000;
/** Staff who name carers on a client's behalf (the client's representative; contact persons are §8.5 data). */
const ON_BEHALF: Role[] = ['admin', 'technician'];
const STAFF_READ: Role[] = ['admin', 'technician', 'monitor'];

/** The client themself, or staff: anyone else gets 404 (ids of other clients are not confirmed). */
function ownClient(req: FastifyRequest, clientId: string, staff: readonly Role[]): void {
  const u = req.principal!.user;
  if (!(staff.includes(u.role) || (u.role === 'client' && u.clientId === clientId))) throw notFound('Client');
}

/**
 * A client's informal carers (README.md "Informal carers"): the client or their representative
 * names them and their order; each gets a one-time invitation and accepts it on their own phone,
 * choosing a username and password. `onRemoved` withdraws what the carer was given (key consent).
 */
export async function carerRoutes(
  app: BakenApp,
  carers: CarerStore,
  onRemoved: (c: InformalCarer, byUserId: string) => Promise<void>,
): Promise<void> {
  const { clock, repos, config } = app.baken;
  const view = async (c: InformalCarer) => {
    const open = c.userId === null ? await carers.openInvitation(c.id, clock.now()) : null;
    return {
      id: c.id,
      clientId: c.clientId,
      name: c.name,
      relation: c.relation,
      position: c.position,
      status:
        c.userId !== null
          ? ('active' as const)
          : open !== null
            ? ('invited' as const)
            : ('not_invited' as const),
      userId: c.userId,
      invitationExpiresAt: open,
      acceptedAt: c.acceptedAt,
    };
  };
  const invite = async (c: InformalCarer, by: string) => {
    const token = newSecret('bkc_');
    const now = clock.now();
    const expiresAt = now + INVITATION_TTL_MS;
    await carers.invite(c.id, hashSecret(token), by, now, expiresAt);
    const base = config.http.publicUrl ?? '';
    return { carerId: c.id, token, url: `${base}/carer/invite#token=${token}`, expiresAt };
  };
  const carerOf = async (clientId: string, carerId: string) => {
    const c = await carers.get(carerId);
    if (!c || c.clientId !== clientId) throw notFound('Informal carer');
    return c;
  };
  const ClientParams = Type.Object({ id: Id });
  const CarerParams = Type.Object({ id: Id, carerId: Id });

  app.get(
    '/api/v1/clients/:id/carers',
    {
      onRequest: requireRole(...STAFF_READ, 'client'),
      schema: {
        tags: ['followup'],
        operationId: 'listCarers',
        summary: "A client's informal carers in the order they are asked (a client sees only their own)",
        params: ClientParams,
        response: { 200: Type.Object({ items: Type.Array(CarerSchema) }), ...errorResponses(404) },
      },
    },
    async (req) => {
      ownClient(req, req.params.id, STAFF_READ);
      if (!(await repos.clients.getClient(req.params.id))) throw notFound('Client');
      return { items: await Promise.all((await carers.list(req.params.id)).map(view)) };
    },
  );

  app.post(
    '/api/v1/clients/:id/carers',
    {
      onRequest: requireRole(...ON_BEHALF, 'client'),
      schema: {
        tags: ['followup'],
        operationId: 'addCarer',
        summary: 'Name an informal carer (last in the order) and get their one-time invitation link',
        params: ClientParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            relation: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ carer: CarerSchema, invitation: InvitationSchema }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (req, reply) => {
      ownClient(req, req.params.id, ON_BEHALF);
      if (!(await repos.clients.getClient(req.params.id))) throw notFound('Client');
      const by = req.principal!.user.id;
      const c = await carers.add(
        { clientId: req.params.id, name: req.body.name, relation: req.body.relation ?? null, by },
        clock.now(),
      );
      const invitation = await invite(c, by);
      return reply.status(201).send({ carer: await view(c), invitation });
    },
  );

  app.put(
    '/api/v1/clients/:id/carers/order',
    {
      onRequest: requireRole(...ON_BEHALF, 'client'),
      schema: {
        tags: ['followup'],
        operationId: 'orderCarers',
        summary: 'Set the order in which the informal carers are asked (all of them, first asked first)',
        params: ClientParams,
        body: Type.Object({ carerIds: Type.Array(Id, { maxItems: 50 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(CarerSchema) }), ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      ownClient(req, req.params.id, ON_BEHALF);
      if (!(await repos.clients.getClient(req.params.id))) throw notFound('Client');
      if (!(await carers.reorder(req.params.id, req.body.carerIds)))
        throw new BakenError(
          'BAKEN_ERR_VALIDATION',
          400,
          'Name every informal carer of this client exactly once.',
        );
      return { items: await Promise.all((await carers.list(req.params.id)).map(view)) };
    },
  );

  app.post(
    '/api/v1/clients/:id/carers/:carerId/invitation',
    {
      onRequest: requireRole(...ON_BEHALF, 'client'),
      schema: {
        tags: ['followup'],
        operationId: 'inviteCarer',
        summary: 'A new invitation link for a carer who has not accepted yet (earlier links stop working)',
        params: CarerParams,
        response: { 201: InvitationSchema, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      ownClient(req, req.params.id, ON_BEHALF);
      const c = await carerOf(req.params.id, req.params.carerId);
      if (c.userId !== null)
        throw conflict('This carer has already accepted; they log in with their own account.');
      return reply.status(201).send(await invite(c, req.principal!.user.id));
    },
  );

  app.delete(
    '/api/v1/clients/:id/carers/:carerId',
    {
      onRequest: requireRole(...ON_BEHALF, 'client'),
      schema: {
        tags: ['followup'],
        operationId: 'removeCarer',
        summary:
          'Remove an informal carer: no longer asked, their key consent withdrawn, their invitation void',
        params: CarerParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      ownClient(req, req.params.id, ON_BEHALF);
      const c = await carerOf(req.params.id, req.params.carerId);
      await carers.remove(c.id, clock.now());
      await onRemoved(c, req.principal!.user.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/carer-invitations/accept',
    {
      schema: {
        security: PUBLIC,
        tags: ['followup'],
        operationId: 'acceptCarerInvitation',
        summary:
          'An informal carer accepts their invitation on their own phone and chooses a username and password',
        body: Type.Object(
          {
            token: Type.String({ minLength: 10, maxLength: 200 }),
            username: Username,
            password: NewPassword,
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ userId: Type.String(), username: Type.String(), displayName: Type.String() }),
          ...errorResponses(400, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const { token, username, password } = req.body;
      if (await repos.users.findForLogin(username))
        throw conflict(`Username "${username}" is taken; choose another.`);
      const passwordHash = await app.baken.auth.hashPassword(password);
      const now = clock.now();
      const c = await carers.redeem(hashSecret(token), now);
      if (!c)
        throw new BakenError(
          'BAKEN_ERR_NOT_FOUND',
          404,
          'This invitation is unknown, used or expired; ask for a new link.',
        );
      const user = await repos.users.create(
        { username, displayName: c.name, role: 'informal_carer', passwordHash },
        now,
      );
      await carers.linkUser(c.id, user.id, now);
      return reply
        .status(201)
        .send({ userId: user.id, username: user.username, displayName: user.displayName });
    },
  );
}
