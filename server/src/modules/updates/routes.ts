import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { authenticateGateway, GATEWAY_BASIC } from './gateway-auth.js';
import { storeRelease } from './release-service.js';
import {
  CreateRolloutBody,
  ReleaseView,
  RolloutDetail,
  RolloutParams,
  RolloutView,
  UploadReleaseBody,
  VersionParams,
} from './schemas.js';
import type { UpdatesService } from './updates-service.js';

const TAG = ['updates'];
/** A release upload carries the package base64 in JSON. */
const UPLOAD_LIMIT = 192 * 1024 * 1024;

/** The updates API (README.md beside this file): releases, rollouts, and the units' downloads. */
export async function updateRoutes(app: BakenApp, svc: UpdatesService): Promise<void> {
  const { clock } = app.baken;
  const actor = (req: { principal: { user: { id: string } } | null }) =>
    `user:${req.principal?.user.id ?? '?'}`;

  app.post(
    '/api/v1/updates/releases',
    {
      bodyLimit: UPLOAD_LIMIT,
      onRequest: requireRole('admin'),
      schema: {
        tags: TAG,
        operationId: 'uploadRelease',
        summary:
          'Upload a gateway release signed offline with the release key; refused unless the signature verifies',
        body: UploadReleaseBody,
        response: { 201: ReleaseView, ...errorResponses(409, 503) },
      },
    },
    async (req, reply) => {
      const r = await storeRelease(svc.store, svc.keys(), req.body, actor(req), clock.now());
      await svc.audit(
        'update.release.upload',
        `release:${r.version}`,
        { sha256: r.sha256, keyId: r.keyId, size: r.size },
        actor(req),
      );
      return reply.code(201).send(r);
    },
  );

  app.get(
    '/api/v1/updates/releases',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: TAG,
        operationId: 'listReleases',
        summary: 'List uploaded gateway releases',
        response: { 200: Type.Array(ReleaseView) },
      },
    },
    async () => svc.store.releases(),
  );

  app.post(
    '/api/v1/updates/rollouts',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: TAG,
        operationId: 'createRollout',
        summary: 'Roll a release out to all or some home units, in waves (default: 10 %, then the rest)',
        body: CreateRolloutBody,
        response: { 201: RolloutView, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.createRollout(req.body, actor(req), clock.now())),
  );

  app.get(
    '/api/v1/updates/rollouts',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: TAG,
        operationId: 'listRollouts',
        summary: 'List rollouts with their counts per unit state',
        response: { 200: Type.Array(RolloutView) },
      },
    },
    async () => Promise.all((await svc.store.rollouts()).map((r) => svc.view(r))),
  );

  app.get(
    '/api/v1/updates/rollouts/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: TAG,
        operationId: 'getRollout',
        summary: 'One rollout with the state and version of each unit',
        params: RolloutParams,
        response: { 200: RolloutDetail, ...errorResponses(404) },
      },
    },
    async (req) => svc.detail(req.params.id),
  );

  for (const action of ['pause', 'resume', 'abort'] as const) {
    app.post(
      `/api/v1/updates/rollouts/:id/${action}`,
      {
        onRequest: requireRole('admin'),
        schema: {
          tags: TAG,
          operationId: `${action}Rollout`,
          summary: {
            pause: 'Pause a running rollout: no further offers',
            resume: 'Resume a paused rollout, accepting the failures seen so far',
            abort: 'Abort a rollout: nothing more is offered',
          }[action],
          params: RolloutParams,
          response: { 200: RolloutView, ...errorResponses(404, 409) },
        },
      },
      async (req) => svc.act(req.params.id, action, actor(req), clock.now()),
    );
  }

  for (const what of ['package', 'signature'] as const) {
    app.get(
      `/api/v1/gateway/releases/:version/${what}`,
      {
        schema: {
          tags: TAG,
          operationId: what === 'package' ? 'getReleasePackage' : 'getReleaseSignature',
          summary:
            what === 'package'
              ? 'The release package, for a home unit (its own credentials); the unit verifies it before installing'
              : "The release's signature document [RELEASE SPEC §3], for a home unit (its own credentials)",
          security: GATEWAY_BASIC,
          params: VersionParams,
          ...(what === 'package' ? { produces: ['application/octet-stream'] } : {}),
          response: {
            200:
              what === 'package'
                ? Type.String({ format: 'binary' })
                : Type.Record(Type.String(), Type.Unknown()),
            ...errorResponses(404),
          },
        },
      },
      async (req, reply) => {
        await authenticateGateway(req, app.baken.repos.gateways, app.baken.machineCredentials);
        const v = req.params.version;
        if (what === 'signature') {
          const sig = await svc.store.releaseSignature(v);
          if (sig === null) throw notFound(`Release ${v}`);
          return JSON.parse(sig) as Record<string, unknown>;
        }
        const pkg = await svc.store.releasePackage(v);
        if (pkg === null) throw notFound(`Release ${v}`);
        // the bytes as stored; the response schema's string is the OpenAPI description of a binary body
        return reply.type('application/octet-stream').send(pkg as unknown as string);
      },
    );
  }
}

/** 409 for an action the rollout's state does not allow. */
export const wrongState = (id: string, state: string, action: string): BakenError =>
  new BakenError('BAKEN_ERR_ROLLOUT_STATE', 409, `Rollout ${id} is ${state}; it cannot ${action} now.`);
