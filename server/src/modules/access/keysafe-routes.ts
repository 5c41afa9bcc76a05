import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { AccessQueries } from './access-queries.js';
import type { AccessDeps } from './access-service.js';
import type { AccessStores } from './access-stores.js';
import { ALERT_KINDS } from './alerts.js';
import {
  AcknowledgedSchema,
  AlertsSchema,
  BlockSchema,
  CommandSchema,
  KeysafeProvisionSchema,
  KeysafeSchema,
} from './api-schemas.js';
import type { Revocation } from './revocation.js';
import { AccessSettingsSchema } from './settings.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });

/** Key safes, blocks, pending revocations, alerts and settings. */
/** What the key-safe, block and settings routes use besides {@link Revocation}. */
export type KeysafeRouteDeps = Pick<
  AccessDeps,
  'clock' | 'audit' | 'repos' | 'link' | 'alerts' | 'settings' | 'keys' | 'matrix'
> &
  Pick<AccessQueries, 'isBlocked'> & { stores: Pick<AccessStores, 'keysafeState' | 'settings'> };

export async function keysafeRoutes(app: BakenApp, deps: KeysafeRouteDeps, rev: Revocation): Promise<void> {
  const { stores, clock, audit, repos, link, alerts } = deps;
  const staff = requireRole('admin', 'monitor');

  app.post(
    '/api/v1/access/keysafes/:deviceId/provision',
    {
      onRequest: requireRole('admin', 'technician'),
      schema: {
        tags: ['access-keysafes'],
        operationId: 'provisionKeysafe',
        summary: 'Create the key safe key on the server (never returned) and queue its offline-code key',
        params: Type.Object({ deviceId: Id }),
        response: { 202: KeysafeProvisionSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const d = await repos.devices.get(req.params.deviceId);
      if (d?.type !== 'keysafe') throw notFound('Key safe');
      const generation = await rev.provisionOfflineKey(d, `user:${req.principal!.user.id}`);
      return reply.status(202).send({
        deviceId: d.id,
        offlineKeyGeneration: generation,
        pending: (await link.pending(d.id)).length,
      });
    },
  );

  app.get(
    '/api/v1/access/keysafes',
    {
      // technicians too: they install the keys (the Key safes screen) and check them afterwards
      onRequest: requireRole('admin', 'monitor', 'technician'),
      schema: {
        tags: ['access-keysafes'],
        operationId: 'listKeysafes',
        summary: 'List the key safes with their key, link, clock and delivery state',
        response: { 200: Type.Array(KeysafeSchema) },
      },
    },
    async () => {
      const list = await repos.devices.list({ type: 'keysafe', limit: 500, offset: 0 });
      const s = await deps.settings();
      const out = [];
      for (const d of list) {
        const st = await stores.keysafeState.get(d.id);
        const offset = st?.clockOffsetMs ?? null;
        out.push({
          deviceId: d.id,
          serial: d.serial,
          homeId: d.homeId,
          hasKey: await deps.keys.has(d.id),
          online: await link.isOnline(d),
          blocked: await deps.isBlocked('keysafe', d.id),
          clockOffsetMs: offset,
          clockReportedAt: st?.clockReportedAt ?? null,
          clockDrifting: offset !== null && Math.abs(offset) >= s.driftWarnSeconds * 1000,
          offlineKeyDelivered: (await stores.keysafeState.offlineDeliveredGeneration(d.id)) !== null,
          auditAnchorSeq: st?.auditAnchorSeq ?? 0,
          notYetReceived: (await link.pending(d.id)).length,
        });
      }
      return out;
    },
  );

  app.get(
    '/api/v1/access/revocations/pending',
    {
      onRequest: staff,
      schema: {
        tags: ['access-keysafes'],
        operationId: 'listPendingRevocations',
        summary: 'Blocks, revocations and time syncs not yet received',
        response: { 200: Type.Array(CommandSchema) },
      },
    },
    async () => link.pending(),
  );

  app.post(
    '/api/v1/access/blocks',
    {
      onRequest: staff,
      schema: {
        tags: ['access-keysafes'],
        operationId: 'createBlock',
        summary: 'Block a key safe, a person or a team: their codes stop working',
        response: { 201: BlockSchema, ...errorResponses(404) },
        body: Type.Object(
          {
            scope: Type.Union([Type.Literal('keysafe'), Type.Literal('person'), Type.Literal('team')]),
            target: Id,
            reason: Type.String({ minLength: 1, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const { scope, target } = req.body;
      if (scope === 'person' && !(await repos.users.get(target))) throw notFound('User');
      if (scope === 'team' && !(await deps.matrix.getTeam(target))) throw notFound('Team');
      if (scope === 'keysafe' && (await repos.devices.get(target))?.type !== 'keysafe')
        throw notFound('Key safe');
      return reply.status(201).send(await rev.block(scope, target, req.body.reason, req.principal!.user.id));
    },
  );
  app.get(
    '/api/v1/access/blocks',
    {
      onRequest: staff,
      schema: {
        tags: ['access-keysafes'],
        operationId: 'listBlocks',
        summary: 'List the blocks, lifted ones included',
        response: { 200: Type.Array(BlockSchema) },
      },
    },
    async () => rev.listBlocks(false),
  );
  app.delete(
    '/api/v1/access/blocks/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['access-keysafes'],
        operationId: 'liftBlock',
        summary: 'Lift a block',
        params: Type.Object({ id: Id }),
        response: { 200: BlockSchema, ...errorResponses(404) },
      },
    },
    async (req) => {
      const b = await rev.lift(req.params.id, req.principal!.user.id);
      if (!b) throw notFound('Block');
      return b;
    },
  );

  app.get(
    '/api/v1/access/alerts',
    {
      onRequest: staff,
      schema: {
        tags: ['access'],
        operationId: 'listAccessAlerts',
        summary: 'Access alerts for monitoring staff (repeated refusals, wrong codes, lockouts, …)',
        response: { 200: AlertsSchema },
        querystring: Type.Object(
          {
            open: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => ({
      kinds: [...ALERT_KINDS],
      alerts: await alerts.list({ open: req.query.open ?? false, limit: req.query.limit }),
    }),
  );
  app.post(
    '/api/v1/access/alerts/:id/ack',
    {
      onRequest: staff,
      schema: {
        tags: ['access'],
        operationId: 'acknowledgeAccessAlert',
        summary: 'Acknowledge an open access alert',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: AcknowledgedSchema, ...errorResponses(404) },
      },
    },
    async (req) => {
      if (!(await alerts.acknowledge(req.params.id, req.principal!.user.id, clock.now())))
        throw notFound('Open alert');
      return { acknowledged: true };
    },
  );

  app.get(
    '/api/v1/access/settings',
    {
      onRequest: staff,
      schema: {
        tags: ['access'],
        operationId: 'getAccessSettings',
        summary: 'The access settings (code validity, retention, clock drift warning, review interval)',
        response: { 200: AccessSettingsSchema },
      },
    },
    async () => deps.settings(),
  );
  app.put(
    '/api/v1/access/settings',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['access'],
        operationId: 'setAccessSettings',
        summary: 'Replace the access settings',
        body: AccessSettingsSchema,
        response: { 200: AccessSettingsSchema },
      },
    },
    async (req) => {
      const before = await deps.settings();
      const next = Value.Clean(AccessSettingsSchema, structuredClone(req.body)) as typeof req.body;
      await stores.settings.save(next);
      await audit.append({
        at: clock.now(),
        actor: `user:${req.principal!.user.id}`,
        action: 'access.settings_changed',
        subject: 'settings',
        details: { before, after: next },
      });
      return next;
    },
  );
}
