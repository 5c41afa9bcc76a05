import { ProvisionRequestSchema, ProvisionResponseSchema } from '@baken/protocols';
import { Type } from '@sinclair/typebox';
import { defineModule } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError, notFound } from '../../errors.js';
import { assertGatewaySupported } from '../../gateway-versions.js';
import { errorResponses } from '../../http/error-schema.js';
import { PUBLIC } from '../../http/route-contract.js';
import { IdParams } from '../registry/schemas.js';
import { bulkEnrolmentRoutes } from './bulk-routes.js';
import { EnrolmentService } from './enrolment-service.js';

const SERIAL_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** Enrolment tokens for a home and the gateway's provision call. */
export const enrolmentModule = defineModule({ name: 'enrolment', encapsulate: true }, async (app) => {
  const service = new EnrolmentService(app.baken);
  // Provision is unauthenticated (the token is the credential): limit guesses per IP.
  const limiter = app.baken.cluster.hitCounters('provision.ip', 20, 60_000);
  await bulkEnrolmentRoutes(app);

  app.post(
    '/api/v1/homes/:id/enrolment-tokens',
    {
      onRequest: requireRole('admin', 'technician'),
      schema: {
        tags: ['enrolment'],
        operationId: 'createEnrolmentToken',
        summary: 'A one-time enrolment token for a home unit of this home',
        params: IdParams,
        response: {
          201: Type.Object({
            id: Type.String(),
            token: Type.String({ description: 'Shown once; give it to the gateway at installation.' }),
            expiresAt: Type.Integer(),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      if (!(await app.baken.repos.clients.getHome(req.params.id))) throw notFound('Home');
      return reply.status(201).send(await service.createToken(req.params.id, req.principal!.user.id));
    },
  );

  app.post(
    '/api/v1/provision',
    {
      schema: {
        tags: ['enrolment'],
        operationId: 'provisionGateway',
        security: PUBLIC,
        summary: 'A home unit enrols with its one-time token and gets its MQTT credentials',
        // [MQTT-MAP §5] the provisioning contract lives in protocols, shared with the gateway's CLI.
        body: ProvisionRequestSchema,
        response: {
          200: ProvisionResponseSchema,
          ...errorResponses(400, 401, 426, 429),
        },
      },
    },
    async (req) => {
      const wait = await limiter.retryAfterMs(req.ip);
      if (wait > 0)
        throw new BakenError('BAKEN_ERR_RATE_LIMITED', 429, 'Too many provision attempts; wait a minute.', {
          headers: { 'retry-after': String(Math.ceil(wait / 1000)) },
        });
      await limiter.hit(req.ip);
      const { token, hardwareId, software, protocol } = req.body;
      // before the token is spent: an unsupported gateway can retry with the same token once updated
      assertGatewaySupported(software, protocol);
      // The unit's hardware id is its serial number in the registry (REQUIREMENTS §11.4) when it fits.
      const serial = SERIAL_PATTERN.test(hardwareId) && hardwareId.length <= 64 ? hardwareId : undefined;
      return service.provision(token, { ...(serial ? { serial } : {}), firmware: software });
    },
  );
});
