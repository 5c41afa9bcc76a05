import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import { eventStoreOn } from '../ingest/index.js';
import { visibleHome } from '../registry/access.js';
import type { HealthService } from './health-service.js';
import {
  BudgetSchema,
  DeviceHealthSchema,
  GatewayHealthSchema,
  Id,
  IncidentSchema,
  WarningSchema,
} from './schemas.js';
import { deviceView, gatewayView } from './views.js';

const DAY = 24 * 3600_000;

/** One home's health page data: staff see any home, a client only their own (others answer 404). */
export async function homeRoutes(app: BakenApp, health: HealthService): Promise<void> {
  const ctx = app.baken;
  // the ingest module's events, for the home's timeline
  const events = eventStoreOn(health.handle);
  app.get(
    '/api/v1/homes/:id/health',
    {
      onRequest: requireRole('admin', 'monitor', 'technician', 'client'),
      schema: {
        tags: ['health'],
        operationId: 'getHomeHealth',
        summary: 'Health of one home: its gateway, devices, incidents, budget, warnings and timeline',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            homeId: Type.String(),
            gateway: Type.Union([GatewayHealthSchema, Type.Null()]),
            devices: Type.Array(DeviceHealthSchema),
            incidents: Type.Array(IncidentSchema),
            budget: BudgetSchema,
            warnings: Type.Array(WarningSchema),
            history: Type.Array(
              Type.Object({
                bucketStart: Type.Integer(),
                heartbeats: Type.Integer(),
                offline: Type.Integer(),
              }),
            ),
            timeline: Type.Array(
              Type.Object({
                id: Type.String(),
                at: Type.Integer(),
                deviceId: Type.String(),
                deviceKind: Type.String(),
                kind: Type.String(),
                /** Sent during the installation check: a trial, never an alarm [MQTT-MAP §4.1.1]. */
                trial: Type.Boolean(),
              }),
            ),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const home = await visibleHome(ctx, req, req.params.id);
      const now = ctx.clock.now();
      const gws = await health.states.gatewaysOfHome(home.id);
      const gw = gws[0] ?? null;
      return {
        homeId: home.id,
        gateway: gw ? gatewayView(health, gw, now) : null,
        devices: (
          await Promise.all(
            gws.map(async (g) =>
              (await health.states.devices(g.gatewayId)).map((d) => deviceView(health, g, d, now)),
            ),
          )
        ).flat(),
        incidents: await health.incidents.list({ homeId: home.id, limit: 50, offset: 0 }),
        budget: { scope: home.id, ...(await health.budget(home.id, now)) },
        warnings: (
          await Promise.all(gws.map((g) => health.warnings.list({ gatewayId: g.gatewayId, limit: 100 })))
        ).flat(),
        history: gw ? await health.states.buckets(gw.gatewayId, now - DAY) : [],
        timeline: (await events.recentForHome(home.id, now - 7 * DAY, 100)).map((e) => ({
          id: e.id,
          at: e.receivedAt,
          deviceId: e.deviceId,
          deviceKind: e.deviceKind,
          kind: e.kind,
          trial: e.trial,
        })),
      };
    },
  );
}
