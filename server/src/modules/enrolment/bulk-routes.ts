import { GatewayIdSchema } from '@baken/protocols';
import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import { bulkEnrol } from './bulk-enrolment.js';

/**
 * Most homes one API call enrols: each costs one machine-credential hash, and the answer must come
 * within a client's timeout. Larger batches call again, or use the enrol-fleet CLI on the server.
 */
export const MAX_BULK_HOMES_PER_CALL = 50;

const BulkEnrolBody = Type.Object(
  {
    homes: Type.Integer({ minimum: 1, maximum: MAX_BULK_HOMES_PER_CALL }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const BulkEnrolResponse = Type.Object({
  mqtt: Type.Object({ urls: Type.Array(Type.String()) }),
  homes: Type.Array(
    Type.Object({
      homeId: Type.String(),
      gatewayId: GatewayIdSchema,
      password: Type.String({ description: 'Shown once; stored only as a hash.' }),
    }),
  ),
});

/**
 * `POST /api/v1/enrolment/bulk` (device-sim/README.md "Bulk enrolment"): N clients, homes and
 * enrolled gateways in one call, for a technician enrolling a batch of units or a load test. The
 * passwords are in this answer only; an external Mosquitto broker gets each one as `provision`
 * gives it. Admins only: it creates clients.
 */
export async function bulkEnrolmentRoutes(app: BakenApp): Promise<void> {
  app.post(
    '/api/v1/enrolment/bulk',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['enrolment'],
        operationId: 'bulkEnrol',
        summary:
          'Create N clients, each with a home and an enrolled home unit, and return their MQTT credentials once',
        body: BulkEnrolBody,
        response: { 201: BulkEnrolResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const { repos, clock, brokerCredentials, mqttPublicUrls, machineCredentials } = app.baken;
      const homes = await bulkEnrol(repos, () => clock.now(), {
        credentials: machineCredentials,
        homes: req.body.homes,
        label: req.body.label ?? 'Fleet',
        ...(req.body.region === undefined ? {} : { region: req.body.region }),
      });
      for (const h of homes) await brokerCredentials?.issue(h.gatewayId, h.password);
      return reply.status(201).send({ mqtt: { urls: mqttPublicUrls }, homes });
    },
  );
}
