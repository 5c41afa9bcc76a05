import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole, SESSION_COOKIE, sessionCookieOptions } from '../../auth/auth-plugin.js';
import { forgetFirstAdminPassword } from '../../auth/first-admin.js';
import { verifyPassword } from '../../auth/password.js';
import { BakenError, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { PUBLIC } from '../../http/route-contract.js';
import { NewPassword, UserSchema } from './schemas.js';

const TokenMeta = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  createdAt: Type.Integer(),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
});

/** Login/logout/me for web pages (session cookie + CSRF token) and API tokens for scripts. */
export async function authRoutes(app: BakenApp): Promise<void> {
  const { auth, config } = app.baken;

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        operationId: 'login',
        security: PUBLIC,
        summary: 'Log in with username and password: a session cookie and its CSRF token',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 128 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ user: UserSchema, csrfToken: Type.String(), expiresAt: Type.Integer() }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (req, reply) => {
      const r = await auth.login(req.body.username, req.body.password, req.ip);
      reply.setCookie(
        SESSION_COOKIE,
        r.sessionSecret,
        sessionCookieOptions(config.http.secureCookies, r.expiresAt),
      );
      return { user: r.user, csrfToken: r.csrfToken, expiresAt: r.expiresAt };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        security: PUBLIC,
        summary: 'End the session of the cookie sent',
        response: { 204: Type.Null(), ...errorResponses(403) },
      },
    },
    async (req, reply) => {
      if (req.sessionSecret) await auth.logout(req.sessionSecret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      onRequest: requireRole(),
      schema: {
        tags: ['auth'],
        operationId: 'getMe',
        summary: 'Who is calling, how they are authenticated, and the CSRF token of a session',
        response: {
          200: Type.Object({
            user: UserSchema,
            via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
            csrfToken: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(401),
        },
      },
    },
    async (req) => {
      const p = req.principal!;
      return { user: p.user, via: p.via, csrfToken: p.csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      onRequest: requireRole(),
      schema: {
        tags: ['auth'],
        operationId: 'changeOwnPassword',
        summary: 'Change your own password (needs the current one); ends your sessions',
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: NewPassword },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const me = req.principal!.user;
      const found = await app.baken.repos.users.findForLogin(me.username);
      if (!found || !(await verifyPassword(req.body.currentPassword, found.passwordHash)))
        throw new BakenError('BAKEN_ERR_VALIDATION', 400, 'The current password is wrong.', {
          details: [{ field: '/body/currentPassword', message: 'is wrong' }],
        });
      const passwordHash = await app.baken.auth.hashPassword(req.body.newPassword);
      await app.baken.repos.users.update(me.id, { passwordHash }, app.baken.clock.now());
      if (forgetFirstAdminPassword(app.baken.config.dataDir, me.username))
        req.log.info('first admin password file deleted: the password it held was changed');
      await app.baken.repos.sessions.deleteForUser(me.id);
      if (req.sessionSecret) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/tokens',
    {
      onRequest: requireRole(),
      schema: {
        tags: ['auth'],
        operationId: 'createApiToken',
        summary: 'Create an API token for scripts; the secret is shown once',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            expiresInS: Type.Optional(Type.Integer({ minimum: 60, maximum: 5 * 365 * 86400 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            token: Type.String({ description: 'Shown once; store it safely.' }),
            meta: TokenMeta,
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const r = await auth.createApiToken(req.principal!.user.id, req.body.name, req.body.expiresInS ?? null);
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/api/v1/auth/tokens',
    {
      onRequest: requireRole(),
      schema: {
        tags: ['auth'],
        operationId: 'listApiTokens',
        summary: 'List your API tokens (never the secrets)',
        response: { 200: Type.Array(TokenMeta), ...errorResponses(401) },
      },
    },
    async (req) => app.baken.repos.apiTokens.listForUser(req.principal!.user.id),
  );

  app.delete(
    '/api/v1/auth/tokens/:id',
    {
      onRequest: requireRole(),
      schema: {
        tags: ['auth'],
        operationId: 'revokeApiToken',
        summary: 'Revoke one of your API tokens',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const ok = await app.baken.repos.apiTokens.revoke(
        req.params.id,
        req.principal!.user.id,
        app.baken.clock.now(),
      );
      if (!ok) throw notFound('API token');
      return reply.status(204).send(null);
    },
  );
}
