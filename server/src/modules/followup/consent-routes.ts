import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { CarerConsent, CarerConsentService } from '../access/carer-consent.js';
import { visibleHome } from '../registry/access.js';
import type { CarerStore } from './carer-store.js';
import { nameCache } from './chain-routes.js';
import { Id } from './schemas.js';

const WindowSchema = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7 }),
    fromMinute: Type.Integer({ minimum: 0, maximum: 1439 }),
    toMinute: Type.Integer({ minimum: 1, maximum: 1440 }),
  },
  { additionalProperties: false },
);
const ConsentSchema = Type.Object({
  windows: Type.Array(WindowSchema),
  alarmOnly: Type.Boolean(),
  grantedAt: Type.Integer(),
  grantedBy: Type.Union([Type.String(), Type.Null()]),
  withdrawnAt: Type.Union([Type.Integer(), Type.Null()]),
  withdrawnBy: Type.Union([Type.String(), Type.Null()]),
});

/**
 * Key access for informal carers, only as far as the client consents [REQUIREMENTS §9.6]: the
 * client (or an admin for them) grants it per carer with weekly windows, and withdraws it. The
 * access module decides each code request against it and logs every grant, withdrawal and use.
 */
export async function consentRoutes(
  app: BakenApp,
  carers: CarerStore,
  consents: CarerConsentService,
): Promise<void> {
  const ctx = app.baken;
  const Params = Type.Object({ id: Id, userId: Id });
  const carerOfHome = async (homeId: string, userId: string, req: Parameters<typeof visibleHome>[1]) => {
    const home = await visibleHome(ctx, req, homeId);
    const c = (await carers.list(home.clientId)).find((x) => x.userId === userId);
    if (!c) throw notFound('Informal carer of this client');
    return home;
  };

  app.get(
    '/api/v1/homes/:id/carer-access',
    {
      onRequest: requireRole('admin', 'monitor', 'client'),
      schema: {
        tags: ['access'],
        operationId: 'getCarerAccess',
        summary:
          "The client's informal carers and whether each may get a key-safe code, when; with the history",
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            carers: Type.Array(
              Type.Object({
                userId: Type.String(),
                name: Type.String(),
                position: Type.Integer(),
                consent: Type.Union([ConsentSchema, Type.Null()]),
              }),
            ),
            history: Type.Array(
              Type.Intersect([
                ConsentSchema,
                Type.Object({ carer: Type.Union([Type.String(), Type.Null()]) }),
              ]),
            ),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (req) => {
      const home = await visibleHome(ctx, req, req.params.id);
      const name = nameCache(app);
      const view = async (c: CarerConsent) => ({
        windows: c.windows,
        alarmOnly: c.alarmOnly,
        grantedAt: c.grantedAt,
        grantedBy: await name(c.grantedBy),
        withdrawnAt: c.withdrawnAt,
        withdrawnBy: await name(c.withdrawnBy),
      });
      const list = [];
      for (const c of await carers.list(home.clientId)) {
        if (c.userId === null) continue;
        const a = await consents.store.active(home.id, c.userId);
        list.push({
          userId: c.userId,
          name: c.name,
          position: c.position,
          consent: a ? await view(a) : null,
        });
      }
      const history = [];
      for (const c of await consents.store.ofHome(home.id))
        history.push({ ...(await view(c)), carer: await name(c.carerUserId) });
      return { carers: list, history };
    },
  );

  app.put(
    '/api/v1/homes/:id/carer-access/:userId',
    {
      onRequest: requireRole('admin', 'client'),
      schema: {
        tags: ['access'],
        operationId: 'grantCarerAccess',
        summary:
          'The client lets an informal carer get a key-safe code, in these weekly windows (replaces an earlier grant)',
        params: Params,
        body: Type.Object(
          { windows: Type.Array(WindowSchema, { minItems: 1, maxItems: 28 }), alarmOnly: Type.Boolean() },
          { additionalProperties: false },
        ),
        response: { 200: ConsentSchema, ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const home = await carerOfHome(req.params.id, req.params.userId, req);
      const c = await consents.grant(home.id, req.params.userId, req.body, req.principal!.user.id);
      return {
        windows: c.windows,
        alarmOnly: c.alarmOnly,
        grantedAt: c.grantedAt,
        grantedBy: req.principal!.user.displayName,
        withdrawnAt: null,
        withdrawnBy: null,
      };
    },
  );

  app.delete(
    '/api/v1/homes/:id/carer-access/:userId',
    {
      onRequest: requireRole('admin', 'client'),
      schema: {
        tags: ['access'],
        operationId: 'withdrawCarerAccess',
        summary:
          "The client withdraws an informal carer's key access (codes already given stay one-time and short)",
        params: Params,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const home = await carerOfHome(req.params.id, req.params.userId, req);
      await consents.withdraw(home.id, req.params.userId, req.principal!.user.id);
      return reply.status(204).send(null);
    },
  );
}
