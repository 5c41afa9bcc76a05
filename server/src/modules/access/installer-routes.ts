import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import type { Installer } from './installer.js';

const Params = Type.Object({
  deviceId: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'Registry id or serial of the key safe',
  }),
});

/**
 * Installer routes (REQUIREMENTS §8.5): the key reaches a newly paired key safe (KS-SERIAL §8.8), and the
 * installation check gets a trial code. Admins and technicians only.
 */
export async function installerRoutes(app: BakenApp, installer: Installer): Promise<void> {
  const installers = requireRole('admin', 'technician');

  app.post(
    '/api/v1/access/keysafes/:deviceId/key-install',
    {
      onRequest: installers,
      schema: {
        operationId: 'installKeysafeKey',
        tags: ['access-keysafes'],
        summary:
          'Give a newly paired key safe its key: press the pairing button inside its door, then send the installation code printed there',
        params: Params,
        body: Type.Object(
          {
            installationCode: Type.String({
              minLength: 32,
              maxLength: 64,
              description: '32 hex digits, dashes and spaces allowed (the label inside the key safe door)',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({
            deviceId: Type.String(),
            keyInstalled: Type.Literal(true),
            offlineKeyGeneration: Type.Integer(),
          }),
          ...errorResponses(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (req, reply) => {
      const device = await installer.keysafe(req.params.deviceId);
      const generation = await installer.installKey(device, req.body.installationCode, req.principal!.user);
      return reply
        .status(202)
        .send({ deviceId: device.id, keyInstalled: true, offlineKeyGeneration: generation });
    },
  );

  app.post(
    '/api/v1/access/keysafes/:deviceId/trial-code',
    {
      onRequest: installers,
      schema: {
        operationId: 'createKeysafeTrialCode',
        tags: ['access-keysafes'],
        summary:
          'A one-time code for the installation check’s trial opening, valid 10 minutes, confirmed by the key safe',
        params: Params,
        response: {
          201: Type.Object({
            deviceId: Type.String(),
            serial: Type.String(),
            code: Type.String({ pattern: '^[0-9]{8}$' }),
            validUntil: Type.Integer(),
          }),
          ...errorResponses(401, 403, 404, 503),
        },
      },
    },
    async (req, reply) => {
      const device = await installer.keysafe(req.params.deviceId);
      const { code, validUntil } = await installer.trialCode(device, req.principal!.user);
      return reply.status(201).send({ deviceId: device.id, serial: device.serial, code, validUntil });
    },
  );
}
