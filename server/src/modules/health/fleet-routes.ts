import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import { STAFF_READ } from '../registry/access.js';
import type { HealthService } from './health-service.js';
import {
  BudgetAlertSchema,
  BudgetSchema,
  GatewayHealthSchema,
  Id,
  IncidentSchema,
  LinkStateSchema,
  Paging,
  StateCountsSchema,
  WarningSchema,
} from './schemas.js';
import { byGateway } from './state-round.js';
import { deviceView, emptyCounts, gatewayView, isDegraded } from './views.js';

/** Fleet-wide health for staff (admin, monitor, technician): summary, gateways, incidents, budgets, warnings. */
export async function fleetRoutes(app: BakenApp, health: HealthService): Promise<void> {
  const { clock } = app.baken;
  const staff = { onRequest: requireRole(...STAFF_READ) };

  app.get(
    '/api/v1/fleet/summary',
    {
      ...staff,
      schema: {
        tags: ['health'],
        operationId: 'getFleetSummary',
        summary:
          'Fleet health at a glance: gateways and devices by state, open incidents, burning budgets, open alarms',
        response: {
          200: Type.Object({
            at: Type.Integer(),
            gateways: StateCountsSchema,
            devices: StateCountsSchema,
            openIncidents: Type.Integer(),
            /** Home units that work but report a degraded outbox disk [MQTT-MAP §4.3.1]. */
            degradedGateways: Type.Integer(),
            budgetsBurning: Type.Integer(),
            devicesNeedingAttention: Type.Integer(),
            openAlarms: Type.Integer(),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async () => {
      const now = clock.now();
      const gateways = emptyCounts();
      const devices = emptyCounts();
      const attention = new Set<string>();
      let degradedGateways = 0;
      const devicesOf = byGateway(await health.states.devices());
      for (const g of await health.states.gateways()) {
        const gs = health.gatewayState(g, now);
        gateways[gs]++;
        if (isDegraded(g)) degradedGateways++;
        for (const d of devicesOf.get(g.gatewayId) ?? []) {
          const v = deviceView(health, g, d, now);
          devices[v.state]++;
          if (v.state === 'offline') attention.add(`${g.gatewayId}/${d.deviceId}`);
        }
      }
      for (const w of await health.warnings.list({ open: true, limit: 100_000 }))
        attention.add(`${w.gatewayId}/${w.deviceId}`);
      const openAlarms = await health.stores.readModel.openAlarmCount();
      return {
        at: now,
        gateways,
        devices,
        openIncidents: await health.incidents.countOpen(),
        degradedGateways,
        budgetsBurning: (await health.alerts.burningScopes()).length,
        devicesNeedingAttention: attention.size,
        openAlarms,
      };
    },
  );

  app.get(
    '/api/v1/fleet/gateways',
    {
      ...staff,
      schema: {
        tags: ['health'],
        operationId: 'listFleetGateways',
        summary: 'Gateways with their health state',
        querystring: Type.Object(
          {
            ...Paging,
            state: Type.Optional(LinkStateSchema),
            region: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(GatewayHealthSchema), total: Type.Integer() }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const now = clock.now();
      const { limit = 100, offset = 0, state, region } = req.query;
      const all = (await health.states.gateways())
        .map((g) => gatewayView(health, g, now))
        .filter(
          (g) => (state === undefined || g.state === state) && (region === undefined || g.region === region),
        );
      return { items: all.slice(offset, offset + limit), total: all.length };
    },
  );

  app.get(
    '/api/v1/incidents',
    {
      ...staff,
      schema: {
        tags: ['health'],
        operationId: 'listIncidents',
        summary: 'Connectivity incidents (open or all)',
        querystring: Type.Object(
          { ...Paging, open: Type.Optional(Type.Boolean()), homeId: Type.Optional(Id) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(IncidentSchema) }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const { limit = 100, offset = 0, open, homeId } = req.query;
      return {
        items: await health.incidents.list({
          limit,
          offset,
          ...(open !== undefined ? { open } : {}),
          ...(homeId !== undefined ? { homeId } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/v1/budgets',
    {
      ...staff,
      schema: {
        tags: ['health'],
        operationId: 'getBudgets',
        summary: 'Downtime budgets of the platform and per home, with their alerts',
        querystring: Type.Object({ burning: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            platform: BudgetSchema,
            homes: Type.Array(Type.Intersect([BudgetSchema, Type.Object({ homeId: Type.String() })])),
            alerts: Type.Array(BudgetAlertSchema),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const now = clock.now();
      const burning = new Set(await health.alerts.burningScopes());
      const homeIds = await health.stores.readModel.homeIds();
      // one read of the year's incidents for every scope
      const budget = await health.budgets(now);
      const homes = homeIds
        .filter((id) => !req.query.burning || burning.has(id))
        .map((homeId) => ({ homeId, scope: homeId, ...budget(homeId) }));
      return {
        platform: { scope: 'platform', ...budget('platform') },
        homes,
        alerts: await health.alerts.list({ open: true, limit: 500 }),
      };
    },
  );

  app.get(
    '/api/v1/warnings',
    {
      ...staff,
      schema: {
        tags: ['health'],
        operationId: 'listWarnings',
        summary: 'Device warnings (battery, storage, possible spoofing, …)',
        querystring: Type.Object(
          { open: Type.Optional(Type.Boolean()), limit: Paging.limit },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(WarningSchema) }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => ({
      items: await health.warnings.list({
        limit: req.query.limit ?? 100,
        ...(req.query.open !== undefined ? { open: req.query.open } : {}),
      }),
    }),
  );
}
