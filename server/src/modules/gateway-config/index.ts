import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { loadMasterKey } from '../access/keysafe-keys.js';
import { domainEvents } from '../ingest/index.js';
import { GatewayConfigPublisher } from './config-publisher.js';
import { SqlitePendantPairings } from './sqlite-pendant-pairings.js';

const PairingBody = Type.Object(
  {
    address: Type.String({ pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$' }),
    format: Type.Union([Type.Literal('bthome'), Type.Literal('baken')]),
    /** BTHome bind key (16 bytes) or Baken pendant key (16–32 bytes), hex. Stored sealed; never returned. */
    keyHex: Type.Optional(Type.String({ pattern: '^([0-9a-fA-F]{2}){16,32}$' })),
  },
  { additionalProperties: false },
);

/**
 * Gateway configuration (issue 5 §1, MQTT-MAP §4.7): pendant pairings kept by the server and pushed
 * to each home unit as its retained `config` when it comes online and whenever a pairing changes.
 */
export async function gatewayConfigModule(app: BakenApp): Promise<void> {
  const ctx = app.baken;
  const pairings = new SqlitePendantPairings(ctx.db, loadMasterKey(ctx.config.dataDir, process.env));
  const publisher = new GatewayConfigPublisher(ctx, pairings);

  const off = domainEvents(ctx).on('ingest.availability', (e) => {
    if (e.availability.state !== 'online') return;
    publisher.publish(e.gatewayId).catch((err: unknown) => {
      app.log.warn({ err, gatewayId: e.gatewayId }, 'gateway config not published');
    });
  });
  app.addHook('onClose', async () => off());

  app.put(
    '/api/v1/devices/:id/pairing',
    {
      onRequest: requireRole('admin', 'technician'),
      schema: {
        tags: ['devices'],
        operationId: 'setPendantPairing',
        summary: "Pair a pendant: its BLE address, advert format and key, pushed to the home unit's config",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: PairingBody,
        response: {
          200: Type.Object({
            deviceId: Type.String(),
            address: Type.String(),
            format: Type.String(),
            hasKey: Type.Boolean(),
            gatewaysUpdated: Type.Integer(),
          }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => {
      const d = await ctx.repos.devices.get(req.params.id);
      if (!d) throw notFound('Device');
      if (d.type !== 'pendant') {
        throw new BakenError('BAKEN_ERR_CONFLICT', 409, `Device ${d.serial} is a ${d.type}, not a pendant.`);
      }
      const key = req.body.keyHex ? new Uint8Array(Buffer.from(req.body.keyHex, 'hex')) : null;
      if (req.body.format === 'bthome' && key && key.length !== 16) {
        throw new BakenError('BAKEN_ERR_VALIDATION', 400, 'A BTHome bind key is 16 bytes (32 hex digits).');
      }
      pairings.upsert(
        { deviceId: d.id, address: req.body.address, format: req.body.format, key },
        req.principal!.user.id,
        ctx.clock.now(),
      );
      const gatewaysUpdated = d.homeId ? await publisher.publishForHome(d.homeId) : 0;
      return {
        deviceId: d.id,
        address: req.body.address.toUpperCase(),
        format: req.body.format,
        hasKey: key !== null,
        gatewaysUpdated,
      };
    },
  );
}
