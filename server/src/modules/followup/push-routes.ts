import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { LOCALES, type Locale, toLocale } from '../../i18n/index.js';
import type { Role } from '../../store/repositories/index.js';
import { LANG_COOKIE } from '../../web/request-i18n.js';
import type { NotificationChannel } from './notify/channel.js';
import type { PushSubscriptionStore } from './notify/push-subscription-store.js';
import { Id, SubscriptionInput } from './schemas.js';

/** Who can be asked to go to an alarm, so who registers a phone for notifications. */
const RESPONDERS: Role[] = ['informal_carer', 'care_worker', 'monitor', 'admin'];

/**
 * Web Push registration from the installable app (`/app/sw.js`): the server's VAPID public key,
 * and one subscription per device. Endpoints must be https (a push service) unless the deployment
 * allows http for a local push service (`push.allowHttpEndpoints`, tests).
 */
export async function pushRoutes(
  app: BakenApp,
  subs: PushSubscriptionStore,
  push: NotificationChannel,
  opts: { publicKey: string; allowHttpEndpoints: boolean; testMessage: (l: Locale | null) => string },
): Promise<void> {
  app.get(
    '/api/v1/push/key',
    {
      onRequest: requireRole(...RESPONDERS),
      schema: {
        tags: ['push'],
        operationId: 'getPushKey',
        summary: "The server's VAPID public key, for the browser's push subscription",
        response: { 200: Type.Object({ publicKey: Type.String() }), ...errorResponses(401, 403) },
      },
    },
    async () => ({ publicKey: opts.publicKey }),
  );

  app.post(
    '/api/v1/push/subscriptions',
    {
      onRequest: requireRole(...RESPONDERS),
      schema: {
        tags: ['push'],
        operationId: 'addPushSubscription',
        summary: "Register this device's push subscription (PushSubscription.toJSON()) for your alarms",
        body: SubscriptionInput,
        response: { 201: Type.Object({ id: Type.String() }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      let url: URL;
      try {
        url = new URL(b.endpoint);
      } catch {
        throw badEndpoint();
      }
      if (!(url.protocol === 'https:' || (opts.allowHttpEndpoints && url.protocol === 'http:')))
        throw badEndpoint();
      const s = await subs.upsert(
        {
          userId: req.principal!.user.id,
          endpoint: b.endpoint,
          p256dh: b.keys.p256dh,
          auth: b.keys.auth,
          label: b.label ?? null,
          // the language asked for, else the one the person picked on this browser's pages
          lang:
            b.lang ??
            toLocale((req.cookies as Record<string, string | undefined> | undefined)?.[LANG_COOKIE]) ??
            null,
        },
        app.baken.clock.now(),
      );
      return reply.status(201).send({ id: s.id });
    },
  );

  app.get(
    '/api/v1/push/subscriptions',
    {
      onRequest: requireRole(...RESPONDERS),
      schema: {
        tags: ['push'],
        operationId: 'listPushSubscriptions',
        summary: 'Your devices registered for notifications (without their keys)',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                label: Type.Union([Type.String(), Type.Null()]),
                lang: Type.Union([Type.Literal('nl'), Type.Literal('en'), Type.Null()]),
                createdAt: Type.Integer(),
                lastSuccessAt: Type.Union([Type.Integer(), Type.Null()]),
                failures: Type.Integer(),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => ({
      items: (await subs.ofUser(req.principal!.user.id)).map(
        ({ id, label, lang, createdAt, lastSuccessAt, failures }) => ({
          id,
          label,
          lang,
          createdAt,
          lastSuccessAt,
          failures,
        }),
      ),
    }),
  );

  app.delete(
    '/api/v1/push/subscriptions/:id',
    {
      onRequest: requireRole(...RESPONDERS),
      schema: {
        tags: ['push'],
        operationId: 'deletePushSubscription',
        summary: 'Stop notifications to one of your devices',
        params: Type.Object({ id: Id }),
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      if (!(await subs.delete(req.params.id, req.principal!.user.id))) throw notFound('Push subscription');
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/push/test',
    {
      onRequest: requireRole(...RESPONDERS),
      schema: {
        tags: ['push'],
        operationId: 'sendTestPush',
        summary: 'Send a test notification to your own devices',
        response: {
          200: Type.Object({ delivered: Type.Integer(), failed: Type.Integer() }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => {
      const r = await push.send(req.principal!.user.id, {
        title: 'Baken',
        body: opts.testMessage(null),
        inLanguage: Object.fromEntries(
          LOCALES.map((l) => [l, { title: 'Baken', body: opts.testMessage(l) }]),
        ),
        url: '/app/respond',
        alarmId: '',
        tag: 'test',
        ttlSeconds: 60,
      });
      return { delivered: r.delivered, failed: r.failed };
    },
  );
}

const badEndpoint = () =>
  new BakenError('BAKEN_ERR_VALIDATION', 400, 'The push endpoint must be an https URL of a push service.', {
    details: [{ field: '/body/endpoint', message: 'must be an https URL' }],
  });
