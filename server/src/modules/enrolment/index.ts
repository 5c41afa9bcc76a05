import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { RateLimiter } from '../../auth/rate-limiter.js';
import { BakenError, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { IdParams, Serial } from '../registry/schemas.js';
import { EnrolmentService } from './enrolment-service.js';

/** Enrolment tokens for a home and the gateway's provision call. */
export async function enrolmentModule(app: BakenApp): Promise<void> {
  const service = new EnrolmentService(app.baken);
  // Provision is unauthenticated (the token is the credential): limit guesses per IP.
  const limiter = new RateLimiter(app.baken.clock, 20, 60_000);

  app.post(
    '/api/v1/homes/:id/enrolment-tokens',
    {
      preHandler: requireRole('admin', 'technician'),
      schema: {
        tags: ['enrolment'],
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
        body: Type.Object(
          {
            token: Type.String({ minLength: 8, maxLength: 200 }),
            serial: Type.Optional(Serial),
            model: Type.Optional(Type.String({ maxLength: 100 })),
            firmware: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            gatewayId: Type.String(),
            mqtt: Type.Object({
              urls: Type.Array(Type.String()),
              username: Type.String(),
              password: Type.String(),
            }),
            heartbeatIntervalS: Type.Integer(),
          }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (req) => {
      const wait = limiter.retryAfterMs(req.ip);
      if (wait > 0)
        throw new BakenError('BAKEN_ERR_RATE_LIMITED', 429, 'Too many provision attempts; wait a minute.', {
          headers: { 'retry-after': String(Math.ceil(wait / 1000)) },
        });
      limiter.hit(req.ip);
      const { token, ...device } = req.body;
      return service.provision(token, device);
    },
  );
}
