import { randomBytes } from 'node:crypto';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { attachSerial } from '@baken/device-sim/keysafe/transports';
import type { Gateway } from '@baken/gateway';
import { MockSerialWire } from '@baken/hardware';
import { KeysafeKeys } from '@baken/server/modules/access/keysafe-keys';
import { PgKeysafeKeyStore } from '@baken/server/modules/access/pg-keysafe-keys';
import { clock, type Instance, type PgRegion, until } from './pg-region.js';

const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));

/** A home whose gateway has the device-sim key safe on a serial cable, and a care worker for it. */
export interface KeysafeHome {
  gw: Gateway;
  safe: KeySafe;
  homeId: string;
  deviceId: string;
  worker: { id: string; auth: { authorization: string } };
  /**
   * Keeps what the key safe sends on its cable until {@link answer}: the key safe acts on a frame
   * at once, its answer waits. Bytes held, so a test sees when the safe has answered.
   */
  hold(): void;
  held(): number;
  /** Sends what was held, in order (the gateway's link takes the answers then); ms it was held. */
  answer(): number;
}

/**
 * Home `n` with a key safe behind its gateway (the real bridge on an in-memory serial cable,
 * KS-SERIAL): the device registered through instance `i`, its key K imported into the region's
 * database as at the factory (sealed under the region's master key), and a care worker whose
 * team serves the home with an all-week function, set up through the API.
 */
export async function keysafeHome(region: PgRegion, i: Instance, n: number): Promise<KeysafeHome> {
  const serial = `KS-CLUSTER-${n}`;
  const key = new Uint8Array(randomBytes(32));
  const e = await region.enrol(i, n);
  const dev = await region.api<{ id: string }>(i, 'POST', '/api/v1/devices', {
    serial,
    type: 'keysafe',
    status: 'installed',
    homeId: e.homeId,
  });
  await region.db.sql.query('UPDATE devices SET gateway_id = $1 WHERE id = $2', [e.gatewayId, dev.id]);
  const master = Buffer.from(region.env['BAKEN_KEYSAFE_MASTER_KEY']!, 'hex');
  await new KeysafeKeys(new PgKeysafeKeyStore(region.db), master).importKey(dev.id, serial, key, Date.now());

  const fn = await region.api<{ id: string }>(i, 'POST', '/api/v1/access/functions', {
    name: 'alarm responder',
    windows: { alarm: allWeek, planned_care: allWeek },
  });
  const team = await region.api<{ id: string }>(i, 'POST', '/api/v1/access/teams', { name: `Team ${n}` });
  const worker = await region.user('care_worker', `worker-${n}`);
  await region.api(i, 'PATCH', `/api/v1/access/teams/${team.id}`, {
    clientIds: [e.clientId],
    memberIds: [worker.id],
  });
  await region.api(i, 'PUT', `/api/v1/access/employees/${worker.id}/functions`, { functionIds: [fn.id] });
  await region.api(i, 'POST', `/api/v1/access/employees/${worker.id}/declarations`, {
    signedAt: Date.now() - 1000,
    documentRef: 'VOG+declaration.pdf',
  });

  const safe = new KeySafe({ serial, key, clock, nv: new MemoryNvStore() });
  let held: Uint8Array[] | null = null;
  let heldSince = 0;
  let toGateway: (bytes: Uint8Array) => void | Promise<void> = () => undefined;
  const wire = new MockSerialWire({ pathA: `/dev/mock-ks-${serial}`, pathB: `/dev/mock-gw-${serial}` });
  await wire.a.open();
  attachSerial(
    {
      setWriter: (w) => {
        toGateway = w;
        safe.setWriter((bytes) => {
          if (!held) return w(bytes);
          if (held.length === 0) heldSince = Date.now();
          held.push(bytes);
        });
      },
      receive: (bytes) => safe.receive(bytes),
    },
    wire.a,
  );
  const gw = await region.gateway(i, n, e, {
    devices: [{ id: serial, kind: 'keysafe', serialPath: `/dev/mock-gw-${serial}` }],
    transports: { openSerial: () => wire.b },
  });
  safe.powerOn();
  await until(() => gw.devices.get(serial)?.link === 'up', 'the key safe’s link up', 30_000);
  await until(
    async () =>
      (
        await region.api<Array<{ deviceId: string; online: boolean }>>(i, 'GET', '/api/v1/access/keysafes')
      ).some((k) => k.deviceId === dev.id && k.online),
    'the key safe online at the server',
    30_000,
  );
  return {
    gw,
    safe,
    homeId: e.homeId,
    deviceId: dev.id,
    worker,
    hold: () => {
      held ??= [];
    },
    held: () => held?.length ?? 0,
    answer: () => {
      const out = held ?? [];
      held = null;
      for (const b of out) void toGateway(b);
      return out.length > 0 ? Date.now() - heldSince : 0;
    },
  };
}
