import { randomBytes } from 'node:crypto';
import { DC09_DEFAULT_WINDOW } from '@baken/protocols';
import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { conflict, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { InAccounts } from './in-account-store.js';
import type { InLog } from './in-log-store.js';
import {
  InAccountBody,
  InAccountPatch,
  InAccountSchema,
  InEventSchema,
  LimitQuery,
  ReceiverStatusSchema,
  RejectedSchema,
} from './schemas.js';
import { parseHexKey } from './secret-box.js';

const TAG = 'alarm-centre';
/** Never matches a password: a DC-09 unit has no MQTT login. */
const NO_MQTT_LOGIN = '!dc09-unit-no-mqtt-login';
const DEFAULT_SUPERVISION_S = 3600;

export interface ReceiverStatus {
  listening: boolean;
  host: string | null;
  tcpPort: number | null;
  udpPort: number | null;
}

/** Third-party units reporting to Baken's DC-09 receiver [docs/alarm-centre.md §In]. */
export async function inRoutes(
  app: BakenApp,
  accounts: InAccounts,
  log: InLog,
  status: () => ReceiverStatus,
) {
  const ctx = app.baken;

  app.get(
    '/api/v1/alarm-centre/receiver',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: [TAG],
        operationId: 'getDc09Receiver',
        summary: "The server's DC-09 receiver: whether and where it listens",
        response: { 200: ReceiverStatusSchema, ...errorResponses(401, 403) },
      },
    },
    async () => status(),
  );

  app.get(
    '/api/v1/alarm-centre/units',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: [TAG],
        operationId: 'listDc09Units',
        summary: 'Third-party home units that report to the DC-09 receiver (keys are never returned)',
        response: { 200: Type.Array(InAccountSchema), ...errorResponses(401, 403) },
      },
    },
    async () => accounts.all(),
  );

  app.post(
    '/api/v1/alarm-centre/units',
    {
      onRequest: requireRole('admin', 'technician'),
      schema: {
        tags: [TAG],
        operationId: 'createDc09Unit',
        summary: 'Register a third-party home unit by its DC-09 account, key and supervision interval',
        body: InAccountBody,
        response: { 201: InAccountSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (!(await ctx.repos.clients.getHome(b.homeId))) throw notFound('Home');
      const key = b.key ? parseHexKey(b.key, '/body/key') : null;
      const receiver = b.receiver ?? null;
      const line = b.line ?? null;
      if (await accounts.exists(b.account, receiver, line))
        throw conflict('A unit with this DC-09 account (and receiver/line) is already registered.');
      const gatewayId = b.gatewayId ?? `dc09-${randomBytes(5).toString('hex')}`;
      if (await ctx.repos.gateways.get(gatewayId))
        throw conflict(`A home unit named ${gatewayId} exists already.`);
      const now = ctx.clock.now();
      // a home unit like Baken's own, so health, incidents and budgets count it [API.md]
      await ctx.repos.gateways.create({
        id: gatewayId,
        homeId: b.homeId,
        serial: `DC-09 #${b.account}`,
        createdAt: now,
        revokedAt: null,
        mqttPasswordHash: NO_MQTT_LOGIN,
      });
      const a = await accounts.create(
        {
          homeId: b.homeId,
          gatewayId,
          receiver,
          line,
          account: b.account,
          key,
          windowPastS: b.windowPastS ?? DC09_DEFAULT_WINDOW.pastMs / 1000,
          windowFutureS: b.windowFutureS ?? DC09_DEFAULT_WINDOW.futureMs / 1000,
          supervisionS: b.supervisionS ?? DEFAULT_SUPERVISION_S,
        },
        now,
      );
      return reply.code(201).send(a);
    },
  );

  const Params = Type.Object({ unitId: Type.String({ minLength: 1, maxLength: 100 }) });

  app.delete(
    '/api/v1/alarm-centre/units/:unitId',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: [TAG],
        operationId: 'deleteDc09Unit',
        summary: 'Remove a third-party unit: its account is deleted and its home unit revoked',
        params: Params,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const a = await accounts.get(req.params.unitId);
      if (!a) throw notFound('DC-09 unit');
      await accounts.remove(a.id);
      await ctx.repos.gateways.revoke(a.gatewayId, ctx.clock.now());
      await ctx.brokerCredentials?.revoke?.(a.gatewayId);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/v1/alarm-centre/units/:unitId',
    {
      onRequest: requireRole('admin', 'technician'),
      schema: {
        tags: [TAG],
        operationId: 'updateDc09Unit',
        summary: "Change a unit's key, timestamp window or supervision interval (history and home unit kept)",
        params: Params,
        body: InAccountPatch,
        response: { 200: InAccountSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = req.body;
      const key = b.key === undefined ? undefined : b.key === null ? null : parseHexKey(b.key, '/body/key');
      const a = await accounts.update(
        req.params.unitId,
        {
          ...(key === undefined ? {} : { key }),
          ...(b.windowPastS === undefined ? {} : { windowPastS: b.windowPastS }),
          ...(b.windowFutureS === undefined ? {} : { windowFutureS: b.windowFutureS }),
          ...(b.supervisionS === undefined ? {} : { supervisionS: b.supervisionS }),
        },
        ctx.clock.now(),
      );
      if (!a) throw notFound('DC-09 unit');
      return a;
    },
  );

  app.get(
    '/api/v1/alarm-centre/units/:unitId/events',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: [TAG],
        operationId: 'listDc09UnitEvents',
        summary: 'What a unit sent, newest first, with codes Baken does not map shown as they came',
        params: Params,
        querystring: LimitQuery,
        response: { 200: Type.Array(InEventSchema), ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      if (!(await accounts.get(req.params.unitId))) throw notFound('DC-09 unit');
      return (await log.events(req.params.unitId, req.query.limit ?? 100)).map(
        ({ accountId: _a, homeId: _h, ...e }) => e,
      );
    },
  );

  app.get(
    '/api/v1/alarm-centre/rejected',
    {
      onRequest: requireRole('admin', 'technician'),
      schema: {
        tags: [TAG],
        operationId: 'listDc09Rejected',
        summary: 'Frames the DC-09 receiver refused, newest first, each with its raw bytes and reason',
        querystring: LimitQuery,
        response: { 200: Type.Array(RejectedSchema), ...errorResponses(401, 403) },
      },
    },
    async (req) => log.rejected(req.query.limit ?? 100),
  );
}
