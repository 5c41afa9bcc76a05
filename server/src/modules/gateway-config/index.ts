import { pendantPairingMode } from '@baken/protocols';
import { Type } from '@sinclair/typebox';
import { type BakenApp, defineModule } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError, notFound } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import { bindStore } from '../../store/storage.js';
import { loadMasterKey } from '../access/keysafe-keys.js';
import { GatewayConfigPublisher } from './config-publisher.js';
import type { PendantPairing, PendantPairingRepository } from './pendant-pairings.js';
import { PgPendantPairings } from './pg-pendant-pairings.js';
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

/** A pairing as the API shows it: never the key, always whether the pendant is authenticated. */
const PairingView = Type.Object({
  deviceId: Type.String(),
  address: Type.String(),
  format: Type.String(),
  hasKey: Type.Boolean(),
  mode: Type.Union([Type.Literal('baken'), Type.Literal('bthome_encrypted'), Type.Literal('bthome_plain')]),
  /** True when a key proves every advert [PENDANT SPEC §5.1]; plaintext BTHome can be forged. */
  authenticated: Type.Boolean(),
  /** Set when the pairing is not authenticated: what to do about it. */
  advice: Type.Optional(Type.String()),
});

export const PLAINTEXT_PAIRING_ADVICE =
  "Plaintext BTHome: anyone in radio range can forge this pendant's alarms and cancels; its cancels are " +
  "only unverified cancels. Recommended: turn on the pendant's BTHome encryption and pair it again with its " +
  'bind key (keyHex), or use a Baken pendant.';

function pairingView(p: PendantPairing) {
  const mode = pendantPairingMode({ format: p.format, ...(p.key ? { key: p.key } : {}) });
  return {
    deviceId: p.deviceId,
    address: p.address.toUpperCase(),
    format: p.format,
    hasKey: p.key !== null,
    mode,
    authenticated: mode !== 'bthome_plain',
    ...(mode === 'bthome_plain' ? { advice: PLAINTEXT_PAIRING_ADVICE } : {}),
  };
}

/**
 * Gateway configuration (MQTT-MAP §4.7): pendant pairings kept by the server and pushed
 * to each home unit as its retained `config` when it comes online and whenever a pairing changes.
 */
export const gatewayConfigModule = defineModule(
  { name: 'gateway-config', dependencies: ['ingest'], encapsulate: true },
  gatewayConfig,
);

async function gatewayConfig(app: BakenApp): Promise<void> {
  const ctx = app.baken;
  const master = loadMasterKey(ctx.config.dataDir, process.env);
  const pairings = bindStore<PendantPairingRepository>(ctx.storage.handle, {
    sqlite: (h) => new SqlitePendantPairings(h, master),
    postgres: (h) => new PgPendantPairings(h, master),
  });
  const publisher = new GatewayConfigPublisher(ctx, pairings);

  const off = app.ingest.bus.on('ingest.availability', (e) => {
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
        summary:
          "Pair a pendant: its BLE address, advert format and key, pushed to the home unit's config (encrypted BTHome or Baken recommended)",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: PairingBody,
        response: {
          200: Type.Intersect([PairingView, Type.Object({ gatewaysUpdated: Type.Integer() })]),
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
      if (req.body.format === 'baken' && !key) {
        throw new BakenError(
          'BAKEN_ERR_VALIDATION',
          400,
          'A Baken pendant needs its key (keyHex, 16–32 bytes): without it none of its adverts can be accepted.',
        );
      }
      await pairings.upsert(
        { deviceId: d.id, address: req.body.address, format: req.body.format, key },
        req.principal!.user.id,
        ctx.clock.now(),
      );
      const gatewaysUpdated = d.homeId ? await publisher.publishForHome(d.homeId) : 0;
      return {
        ...pairingView({ deviceId: d.id, address: req.body.address, format: req.body.format, key }),
        gatewaysUpdated,
      };
    },
  );

  app.get(
    '/api/v1/homes/:id/pendant-pairings',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: ['devices'],
        operationId: 'listHomePendantPairings',
        summary: "The pairings of a home's pendants, with whether each is authenticated (never the keys)",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Intersect([PairingView, Type.Object({ serial: Type.String() })])),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      if (!(await ctx.repos.clients.getHome(req.params.id))) throw notFound('Home');
      const devices = await ctx.repos.devices.list({
        homeId: req.params.id,
        type: 'pendant',
        limit: 64,
        offset: 0,
      });
      const items = [];
      for (const d of devices) {
        const p = await pairings.get(d.id);
        if (p) items.push({ ...pairingView(p), serial: d.serial });
      }
      return { items };
    },
  );

  app.get(
    '/api/v1/devices/:id/pairing',
    {
      onRequest: requireRole('admin', 'technician', 'monitor'),
      schema: {
        tags: ['devices'],
        operationId: 'getPendantPairing',
        summary:
          "A pendant's pairing: address, advert format and whether its adverts are authenticated (never the key)",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: PairingView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await pairings.get(req.params.id);
      if (!p) throw notFound('Pendant pairing');
      return pairingView(p);
    },
  );
}
