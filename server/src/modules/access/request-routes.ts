import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { AccessDeps, AccessService } from './access-service.js';
import type { AccessStores } from './access-stores.js';
import { CommandSchema, ReleaseSchema } from './api-schemas.js';
import { SITUATIONS } from './decide-access.js';
import { type RemoteOpenDeps, remoteOpen } from './remote-open.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const SituationSchema = Type.Union(SITUATIONS.map((s) => Type.Literal(s)));
const Granted = Type.Object({
  decision: Type.Literal('allow'),
  releaseId: Type.String(),
  mode: Type.Union([Type.Literal('online_pin'), Type.Literal('offline_window')]),
  code: Type.String(),
  validFrom: Type.Integer(),
  validUntil: Type.Integer(),
  delivery: Type.Union([Type.Literal('ok'), Type.Literal('offline')]),
  situation: SituationSchema,
  alarmId: Type.Union([Type.String(), Type.Null()]),
  keysafeDeviceId: Type.String(),
});

/** Code release: a worker asks; monitoring staff read a code out or open remotely. */
/** What the request routes use besides the requests themselves ({@link AccessService}). */
export type RequestRouteDeps = RemoteOpenDeps &
  Pick<AccessDeps, 'releases' | 'repos' | 'link'> & { stores: Pick<AccessStores, 'commands'> };

export async function requestRoutes(
  app: BakenApp,
  svc: Pick<AccessService, 'request' | 'offlineCodeOf'>,
  deps: RequestRouteDeps,
): Promise<void> {
  app.post(
    '/api/v1/access/requests',
    {
      onRequest: requireRole('care_worker', 'monitor', 'admin', 'informal_carer'),
      schema: {
        tags: ['access'],
        operationId: 'requestAccess',
        summary: 'Ask for access to a home: a one-time code for its key safe, or a refusal with the reason',
        body: Type.Object(
          { homeId: Id, situation: SituationSchema, alarmId: Type.Optional(Id) },
          { additionalProperties: false },
        ),
        response: { 201: Granted, ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.request(req.principal!.user, req.body)),
  );

  app.get(
    '/api/v1/access/releases/:id',
    {
      onRequest: requireRole('care_worker', 'monitor', 'admin'),
      schema: {
        tags: ['access'],
        operationId: 'getRelease',
        summary: 'A code release and how its delivery went (a care worker sees only their own)',
        params: Type.Object({ id: Id }),
        response: { 200: ReleaseSchema, ...errorResponses(404) },
      },
    },
    async (req) => {
      const r = await deps.releases.get(req.params.id);
      const user = req.principal!.user;
      if (!r || (user.role === 'care_worker' && r.userId !== user.id)) throw notFound('Release');
      const cmd = await deps.stores.commands.latestForRelease(r.id);
      // The offline code is recomputed for its owner only (after a failed push); PINs are never stored.
      const code = r.userId === user.id ? await svc.offlineCodeOf(r) : null;
      return { ...r, delivery: cmd?.status ?? (r.mode === 'offline_window' ? 'offline' : 'unknown'), code };
    },
  );

  app.post(
    '/api/v1/access/phone-code',
    {
      onRequest: requireRole('monitor', 'admin'),
      schema: {
        tags: ['access'],
        operationId: 'releasePhoneCode',
        summary:
          'Monitoring staff release a code for the responding worker, to read out by phone (alarm only)',
        body: Type.Object({ homeId: Id, alarmId: Id, forUserId: Id }, { additionalProperties: false }),
        response: { 201: Granted, ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (req, reply) => {
      const worker = await deps.repos.users.get(req.body.forUserId);
      if (!worker) throw notFound('User');
      const g = await svc.request(
        worker,
        { homeId: req.body.homeId, situation: 'alarm', alarmId: req.body.alarmId },
        req.principal!.user,
      );
      return reply.status(201).send(g);
    },
  );

  app.post(
    '/api/v1/access/remote-open',
    {
      onRequest: requireRole('monitor', 'admin'),
      schema: {
        tags: ['access'],
        operationId: 'remoteOpen',
        summary: 'Open the key safe remotely in an alarm (server-signed OPEN_NOW)',
        body: Type.Object(
          { homeId: Id, alarmId: Id, forUserId: Type.Optional(Id) },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ releaseId: Type.String(), commandId: Type.String() }),
          ...errorResponses(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (req, reply) => {
      if (req.body.forUserId && !(await deps.repos.users.get(req.body.forUserId))) throw notFound('User');
      return reply.status(202).send(await remoteOpen(deps, req.principal!.user, req.body));
    },
  );

  app.get(
    '/api/v1/access/commands/:id',
    {
      onRequest: requireRole('monitor', 'admin'),
      schema: {
        tags: ['access'],
        operationId: 'getKeysafeCommand',
        summary: 'A command sent to a key safe and its result',
        params: Type.Object({ id: Id }),
        response: { 200: CommandSchema, ...errorResponses(404) },
      },
    },
    async (req) => {
      const c = await deps.link.get(req.params.id);
      if (!c) throw new BakenError('BAKEN_ERR_NOT_FOUND', 404, 'Command was not found; check the id.');
      return c;
    },
  );
}
