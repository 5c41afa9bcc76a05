import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { STAFF_READ, STAFF_WRITE, visibleHome } from './access.js';
import { ClientSchema, ContactInput, HomeFields, HomeSchema, Id, IdParams, Paging } from './schemas.js';

const toContacts = (
  list: Array<{
    name: string;
    relation: string;
    phone?: string | null;
    email?: string | null;
    priority?: number;
  }>,
) =>
  list.map((c, i) => ({
    name: c.name,
    relation: c.relation,
    phone: c.phone ?? null,
    email: c.email ?? null,
    priority: c.priority ?? i + 1,
  }));

/** Clients, contact persons and homes (REQUIREMENTS §8.5). */
export async function clientHomeRoutes(app: BakenApp): Promise<void> {
  const { repos, clock } = app.baken;
  const ctx = app.baken;

  app.post(
    '/api/v1/clients',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'createClient',
        summary: 'Register a client with their contact persons',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            phone: Type.Optional(Type.String({ maxLength: 40 })),
            notes: Type.Optional(Type.String({ maxLength: 4000 })),
            contacts: Type.Optional(Type.Array(ContactInput, { maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ClientSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const { contacts, ...rest } = req.body;
      const c = await repos.clients.createClient(
        { ...rest, contacts: toContacts(contacts ?? []) },
        clock.now(),
      );
      return reply.status(201).send(c);
    },
  );

  app.get(
    '/api/v1/clients',
    {
      onRequest: requireRole(...STAFF_READ),
      schema: {
        tags: ['registry'],
        operationId: 'listClients',
        summary: 'List the clients',
        querystring: Type.Object(Paging, { additionalProperties: false }),
        response: { 200: Type.Array(ClientSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => repos.clients.listClients(req.query.limit, req.query.offset),
  );

  app.get(
    '/api/v1/clients/:id',
    {
      onRequest: requireRole(...STAFF_READ, 'client'),
      schema: {
        tags: ['registry'],
        operationId: 'getClient',
        summary: 'A client with their contact persons',
        params: IdParams,
        response: { 200: ClientSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const u = req.principal!.user;
      const c = await repos.clients.getClient(req.params.id);
      if (!c || (u.role === 'client' && u.clientId !== c.id)) throw notFound('Client');
      return c;
    },
  );

  app.put(
    '/api/v1/clients/:id/contacts',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'setClientContacts',
        summary: "Replace a client's contact persons",
        params: IdParams,
        body: Type.Array(ContactInput, { maxItems: 20 }),
        response: { 200: ClientSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const c = await repos.clients.setContacts(req.params.id, toContacts(req.body), clock.now());
      if (!c) throw notFound('Client');
      return c;
    },
  );

  app.post(
    '/api/v1/homes',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'createHome',
        summary: 'Register a home of a client',
        body: Type.Object({ clientId: Id, ...HomeFields }, { additionalProperties: false }),
        response: { 201: HomeSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      if (!(await repos.clients.getClient(req.body.clientId))) throw notFound('Client');
      return reply.status(201).send(await repos.clients.createHome(req.body, clock.now()));
    },
  );

  app.get(
    '/api/v1/homes',
    {
      onRequest: requireRole(...STAFF_READ, 'client'),
      schema: {
        tags: ['registry'],
        operationId: 'listHomes',
        summary: 'List the homes (a client sees only their own)',
        querystring: Type.Object(
          { ...Paging, region: Type.Optional(Type.String({ maxLength: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(HomeSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const u = req.principal!.user;
      // A client user sees only their own homes, whatever the query says.
      const clientId = u.role === 'client' ? (u.clientId ?? '\u0000none') : undefined;
      return repos.clients.listHomes({
        limit: req.query.limit,
        offset: req.query.offset,
        ...(req.query.region !== undefined ? { region: req.query.region } : {}),
        ...(clientId !== undefined ? { clientId } : {}),
      });
    },
  );

  app.get(
    '/api/v1/homes/:id',
    {
      onRequest: requireRole(...STAFF_READ, 'client'),
      schema: {
        tags: ['registry'],
        operationId: 'getHome',
        summary: 'A home (a client sees only their own)',
        params: IdParams,
        response: { 200: HomeSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => visibleHome(ctx, req, req.params.id),
  );

  app.patch(
    '/api/v1/homes/:id',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'updateHome',
        summary: 'Change the address, region or access procedure of a home',
        params: IdParams,
        body: Type.Partial(Type.Object(HomeFields), { additionalProperties: false }),
        response: { 200: HomeSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const h = await repos.clients.updateHome(req.params.id, req.body, clock.now());
      if (!h) throw notFound('Home');
      return h;
    },
  );
}
