import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { OutAccount, OutAccounts } from './out-account-store.js';
import type { OutboxStore } from './outbox-store.js';
import { DeliverySchema, HomeParams, LimitQuery, OutAccountBody, OutAccountSchema } from './schemas.js';
import { parseHexKey } from './secret-box.js';
import type { Dc09Sender, LinkStatus } from './sender.js';

const TAG = 'alarm-centre';

const linkView = (l: LinkStatus | null) => {
  if (!l) return null;
  const { accountId: _a, ...rest } = l;
  return rest;
};

/** A home's alarm-centre account, its receivers and what was sent [docs/alarm-centre.md §API]. */
export async function outRoutes(
  app: BakenApp,
  accounts: OutAccounts,
  outbox: OutboxStore,
  sender: Pick<Dc09Sender, 'status'> & { configure: (accountId: string) => void },
) {
  const home = async (id: string) => {
    if (!(await app.baken.repos.clients.getHome(id))) throw notFound('Home');
  };
  const view = async (a: OutAccount) => ({
    ...a,
    receivers: (await accounts.receivers(a.id)).map(({ accountId: _a, ...r }) => r),
    link: linkView(sender.status(a.id)),
    pending: await outbox.pendingOf(a.id),
  });

  app.get(
    '/api/v1/alarm-centre/accounts',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: [TAG],
        operationId: 'listAlarmCentreAccounts',
        summary:
          "Every home's alarm-centre account with its receivers and link state (keys are never returned)",
        response: { 200: Type.Array(OutAccountSchema), ...errorResponses(401, 403) },
      },
    },
    async () => Promise.all((await accounts.all()).map(view)),
  );

  app.get(
    '/api/v1/homes/:id/alarm-centre',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: [TAG],
        operationId: 'getHomeAlarmCentre',
        summary: "A home's alarm-centre account, receivers and link state (the key is never returned)",
        params: HomeParams,
        response: { 200: OutAccountSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      await home(req.params.id);
      const a = await accounts.byHome(req.params.id);
      if (!a) throw notFound('Alarm-centre account');
      return view(a);
    },
  );

  app.put(
    '/api/v1/homes/:id/alarm-centre',
    {
      onRequest: requireRole('admin', 'technician'),
      schema: {
        tags: [TAG],
        operationId: 'setHomeAlarmCentre',
        summary: "Set a home's alarm-centre account and receivers (primary first, then backups)",
        params: HomeParams,
        body: OutAccountBody,
        response: { 200: OutAccountSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      await home(req.params.id);
      const b = req.body;
      const old = await accounts.byHome(req.params.id);
      // an omitted key keeps the one stored; null makes the account plain
      const key =
        b.key === undefined
          ? old
            ? await accounts.key(old.id)
            : null
          : b.key === null
            ? null
            : parseHexKey(b.key, '/body/key');
      const a = await accounts.put(
        req.params.id,
        {
          receiver: b.receiver ?? null,
          line: b.line ?? null,
          account: b.account,
          key,
          content: b.content ?? 'ADM-CID',
          supervisionS: b.supervisionS ?? 0,
          receivers: b.receivers,
        },
        app.baken.clock.now(),
      );
      sender.configure(a.id);
      return view(a);
    },
  );

  app.delete(
    '/api/v1/homes/:id/alarm-centre',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: [TAG],
        operationId: 'deleteHomeAlarmCentre',
        summary: "Remove a home's alarm-centre account (its unsent messages go with it)",
        params: HomeParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const a = await accounts.byHome(req.params.id);
      if (!a) throw notFound('Alarm-centre account');
      await accounts.remove(req.params.id);
      sender.configure(a.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/homes/:id/alarm-centre/messages',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: [TAG],
        operationId: 'listHomeAlarmCentreMessages',
        summary: 'Messages for the alarm centre from this home, newest first, with their delivery state',
        params: HomeParams,
        querystring: LimitQuery,
        response: { 200: Type.Array(DeliverySchema), ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      await home(req.params.id);
      return (await outbox.ofHome(req.params.id, req.query.limit ?? 100)).map(
        ({ accountId: _a, sourceKey: _s, ...e }) => e,
      );
    },
  );

  app.get(
    '/api/v1/alarm-centre/deliveries',
    {
      onRequest: requireRole('admin', 'monitor'),
      schema: {
        tags: [TAG],
        operationId: 'listAlarmCentreDeliveries',
        summary: 'Delivery state at the alarm centre of the messages caused by these events (alarm cards)',
        querystring: Type.Object({
          eventId: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 500 }),
        }),
        response: { 200: Type.Array(DeliverySchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) =>
      (await outbox.ofEvents(req.query.eventId)).map(({ accountId: _a, sourceKey: _s, ...e }) => e),
  );
}
