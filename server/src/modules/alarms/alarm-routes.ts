import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { AlarmAction, AlarmService } from './alarm-service.js';
import type { AlarmRow } from './alarm-store.js';
import { alarmView } from './alarm-view.js';
import { AlarmSchema, AlarmStateSchema, Note, TransitionSchema } from './schemas.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const ACTION_SUMMARY: Record<AlarmAction, string> = {
  ack: 'Acknowledge an alarm (monitoring staff)',
  assign: 'Assign an acknowledged alarm to a team and optionally a member',
  'on-site': 'Record that help is on site',
  close: 'Close an alarm',
  'confirm-cancel':
    'Confirm an unverified cancel (from a pendant that cannot be authenticated) after calling the client',
};

/** A care worker sees and acts only on alarms assigned to them; others answer 404. */
const visible = (req: FastifyRequest, a: AlarmRow | undefined): AlarmRow => {
  const u = req.principal!.user;
  if (!a || (u.role === 'care_worker' && a.assignedUserId !== u.id)) throw notFound('Alarm');
  return a;
};

/** The alarm inbox API: list, detail with transitions, and the state actions. */
export async function alarmRoutes(app: BakenApp, alarms: AlarmService): Promise<void> {
  app.get(
    '/api/v1/alarms',
    {
      onRequest: requireRole('admin', 'monitor', 'care_worker'),
      schema: {
        tags: ['alarms'],
        operationId: 'listAlarms',
        summary: 'The alarm inbox (a care worker sees only alarms assigned to them)',
        querystring: Type.Object(
          {
            state: Type.Optional(AlarmStateSchema),
            open: Type.Optional(Type.Boolean()),
            homeId: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AlarmSchema) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      const u = req.principal!.user;
      const rows = await alarms.store.list({
        limit: q.limit ?? 100,
        offset: q.offset ?? 0,
        ...(q.state !== undefined ? { state: q.state } : {}),
        ...(q.open !== undefined ? { open: q.open } : {}),
        ...(q.homeId !== undefined ? { homeId: q.homeId } : {}),
        ...(u.role === 'care_worker' ? { assignedUserId: u.id } : {}),
      });
      return { items: rows.map(alarmView) };
    },
  );

  app.get(
    '/api/v1/alarms/:id',
    {
      onRequest: requireRole('admin', 'monitor', 'care_worker'),
      schema: {
        tags: ['alarms'],
        operationId: 'getAlarm',
        summary: 'An alarm with its transitions',
        params: IdParams,
        response: {
          200: Type.Intersect([AlarmSchema, Type.Object({ transitions: Type.Array(TransitionSchema) })]),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const a = visible(req, await alarms.store.get(req.params.id));
      return { ...alarmView(a), transitions: await alarms.store.transitions(a.id) };
    },
  );

  const action = (
    name: AlarmAction,
    roles: Parameters<typeof requireRole>,
    bodySchema = Type.Object({ note: Note }, { additionalProperties: false }),
  ) =>
    app.post(
      `/api/v1/alarms/:id/${name}`,
      {
        onRequest: requireRole(...roles),
        schema: {
          tags: ['alarms'],
          operationId: `${name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())}Alarm`,
          summary: ACTION_SUMMARY[name],
          params: IdParams,
          body: bodySchema,
          response: { 200: AlarmSchema, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const a = visible(req, await alarms.store.get(req.params.id));
        const b = (req.body ?? {}) as { note?: string; teamId?: string; userId?: string };
        return alarmView(await alarms.act(a.id, name, req.principal!.user.id, b));
      },
    );
  action('ack', ['admin', 'monitor']);
  action(
    'assign',
    ['admin', 'monitor'],
    Type.Object(
      {
        teamId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        userId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        note: Note,
      },
      { additionalProperties: false },
    ),
  );
  action('on-site', ['admin', 'monitor', 'care_worker']);
  action('close', ['admin', 'monitor', 'care_worker']);
  // an unverified cancel (from an unauthenticated pendant) counts only once staff confirm it
  action('confirm-cancel', ['admin', 'monitor']);
}
