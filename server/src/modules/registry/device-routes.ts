import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { conflict, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { STAFF_READ, STAFF_WRITE } from './access.js';
import {
  DeviceSchema,
  DeviceStatusSchema,
  DeviceTypeSchema,
  GatewaySchema,
  HistorySchema,
  Id,
  IdParams,
  IsoDate,
  Paging,
  Serial,
} from './schemas.js';

const DeviceFields = {
  model: Type.Optional(Type.String({ maxLength: 100 })),
  firmware: Type.Optional(Type.String({ maxLength: 64 })),
  homeId: Type.Optional(Type.Union([Id, Type.Null()])),
  installDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
};

/** The device registry with lifecycle history (REQUIREMENTS §11.4) and the gateway list. */
export async function deviceRoutes(app: BakenApp): Promise<void> {
  const { repos, clock } = app.baken;
  const checkHome = async (homeId: string | null | undefined) => {
    if (homeId && !(await repos.clients.getHome(homeId))) throw notFound('Home');
  };

  app.post(
    '/api/v1/devices',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'createDevice',
        summary: 'Register a device by its serial (each serial once)',
        body: Type.Object(
          {
            serial: Serial,
            type: DeviceTypeSchema,
            status: Type.Optional(DeviceStatusSchema),
            ...DeviceFields,
          },
          { additionalProperties: false },
        ),
        response: { 201: DeviceSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await checkHome(req.body.homeId);
      if (await repos.devices.getBySerial(req.body.serial))
        throw conflict(`Serial ${req.body.serial} is already registered; every serial is registered once.`);
      const d = await repos.devices.create(
        { ...req.body, status: req.body.status ?? 'in_stock' },
        { userId: req.principal!.user.id },
        clock.now(),
      );
      return reply.status(201).send(d);
    },
  );

  app.get(
    '/api/v1/devices',
    {
      onRequest: requireRole(...STAFF_READ),
      schema: {
        tags: ['registry'],
        operationId: 'listDevices',
        summary: 'List the registered devices',
        querystring: Type.Object(
          {
            ...Paging,
            homeId: Type.Optional(Id),
            status: Type.Optional(DeviceStatusSchema),
            type: Type.Optional(DeviceTypeSchema),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(DeviceSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => repos.devices.list(req.query),
  );

  app.get(
    '/api/v1/devices/:id',
    {
      onRequest: requireRole(...STAFF_READ),
      schema: {
        tags: ['registry'],
        operationId: 'getDevice',
        summary: 'A device with its lifecycle history',
        params: IdParams,
        response: {
          200: Type.Object({ device: DeviceSchema, history: Type.Array(HistorySchema) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const device = await repos.devices.get(req.params.id);
      if (!device) throw notFound('Device');
      return { device, history: await repos.devices.history(device.id) };
    },
  );

  app.patch(
    '/api/v1/devices/:id',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'updateDevice',
        summary: 'Change a device: model, firmware, home, gateway, install date',
        params: IdParams,
        body: Type.Object(DeviceFields, { additionalProperties: false }),
        response: { 200: DeviceSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      await checkHome(req.body.homeId);
      const d = await repos.devices.update(req.params.id, req.body, clock.now());
      if (!d) throw notFound('Device');
      return d;
    },
  );

  app.post(
    '/api/v1/devices/:id/status',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'setDeviceStatus',
        summary: 'Move a device along its lifecycle (stock, installed, repair, retired, …)',
        params: IdParams,
        body: Type.Object(
          { status: DeviceStatusSchema, note: Type.Optional(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 200: DeviceSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const d = await repos.devices.setStatus(
        req.params.id,
        req.body.status,
        { userId: req.principal!.user.id, note: req.body.note ?? null },
        clock.now(),
      );
      if (!d) throw notFound('Device');
      return d;
    },
  );

  app.get(
    '/api/v1/gateways',
    {
      onRequest: requireRole(...STAFF_READ),
      schema: {
        tags: ['registry'],
        operationId: 'listGateways',
        summary: 'List the home units (gateways) with their home',
        querystring: Type.Object({ homeId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Array(GatewaySchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => repos.gateways.list(req.query.homeId),
  );
}
