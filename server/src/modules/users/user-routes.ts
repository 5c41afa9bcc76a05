import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { forgetFirstAdminPassword } from '../../auth/first-admin.js';
import { BakenError, conflict, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { AdminGuard } from './admin-guard.js';
import { NewPassword, RoleSchema, Username, UserSchema } from './schemas.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** User management: admins only (a technician cannot manage users). */
export async function userRoutes(app: BakenApp): Promise<void> {
  const { repos, clock } = app.baken;
  const adminOnly = requireRole('admin');
  const guard = new AdminGuard(repos.users);

  const checkClientLink = async (role: string, clientId: string | null | undefined) => {
    if (role === 'client' && !clientId)
      throw new BakenError(
        'BAKEN_ERR_VALIDATION',
        400,
        'A client user needs a clientId (the client they represent).',
        {
          details: [{ field: '/body/clientId', message: 'is required for role client' }],
        },
      );
    if (clientId && !(await repos.clients.getClient(clientId))) throw notFound('Client');
  };

  app.get(
    '/api/v1/users',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['users'],
        operationId: 'listUsers',
        summary: 'List the users',
        response: { 200: Type.Array(UserSchema), ...errorResponses(401, 403) },
      },
    },
    async () => repos.users.list(),
  );

  app.post(
    '/api/v1/users',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create a user with a role (a client user is bound to a client)',
        body: Type.Object(
          {
            username: Username,
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            role: RoleSchema,
            password: NewPassword,
            clientId: Type.Optional(Type.String({ minLength: 1 })),
            validUntil: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      await checkClientLink(b.role, b.clientId);
      if (await repos.users.findForLogin(b.username)) throw conflict(`Username "${b.username}" is taken.`);
      const user = await repos.users.create(
        {
          username: b.username,
          displayName: b.displayName,
          role: b.role,
          passwordHash: await app.baken.auth.hashPassword(b.password),
          clientId: b.clientId ?? null,
          validUntil: b.validUntil ?? null,
        },
        clock.now(),
      );
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['users'],
        operationId: 'updateUser',
        summary:
          'Change a user: name, role, password, client, expiry, disabled (never losing the last admin)',
        params: IdParams,
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            role: Type.Optional(RoleSchema),
            password: Type.Optional(NewPassword),
            clientId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
            validUntil: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const b = req.body;
      const { password, ...rest } = b;
      const passwordHash = password ? await app.baken.auth.hashPassword(password) : undefined;
      const updated = await guard.serial(async () => {
        const cur = await repos.users.get(req.params.id);
        if (!cur) throw notFound('User');
        await checkClientLink(b.role ?? cur.role, b.clientId === undefined ? cur.clientId : b.clientId);
        await guard.checkPatch(req.principal!.user.id, cur, b, clock.now());
        return repos.users.update(
          cur.id,
          { ...rest, ...(passwordHash ? { passwordHash } : {}) },
          clock.now(),
        );
      });
      if (!updated) throw notFound('User');
      // A password change, role change or disabling ends every open session of that user.
      if (password || b.role || b.disabled) await repos.sessions.deleteForUser(updated.id);
      if (password && forgetFirstAdminPassword(app.baken.config.dataDir, updated.username))
        req.log.info('first admin password file deleted: the password it held was changed');
      return updated;
    },
  );

  app.delete(
    '/api/v1/users/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['users'],
        operationId: 'deleteUser',
        summary: 'Delete a user (not yourself, not the last active admin)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      if (req.params.id === req.principal!.user.id) throw conflict('You cannot delete your own account.');
      await guard.serial(async () => {
        const target = await repos.users.get(req.params.id);
        if (!target) throw notFound('User');
        await guard.checkDelete(target, clock.now());
        if (!(await repos.users.delete(target.id))) throw notFound('User');
      });
      return reply.status(204).send(null);
    },
  );
}
