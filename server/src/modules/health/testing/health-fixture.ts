import type { Repositories } from '../../../store/repositories/index.js';
import type { Storage } from '../../../store/storage.js';
import type { MakeStore } from '../../../store/testing/store-fixture.js';
import { DEFAULT_HEALTH_POLICY } from '../health-policy.js';
import type { HealthStores } from '../health-stores.js';
import { healthStoresOn } from '../health-stores-on.js';

export const T0 = 1_800_000_000_000;
export const POLICY = DEFAULT_HEALTH_POLICY;

/** The health stores of one binding over an empty database, and what a contract case needs beside them. */
export interface HealthFixture {
  /** The database: `storage.transaction(…)` hands the transaction's handle (build stores on it). */
  storage: Storage;
  /** The health stores on the shared handle. */
  stores: HealthStores;
  /** The core repositories on the same database (homes and gateways the state rows join). */
  repos: Repositories;
  /** Inserts an alarm in `state`; null where this binding has no alarms table yet. */
  addAlarm: ((id: string, state: string) => Promise<void>) | null;
}

export type MakeHealth = MakeStore<HealthFixture>;

/** The stores a transaction's handle gives (what in-turn work builds on `ctx.tx`). */
export const storesIn = (storage: Storage, fn: (tx: HealthStores) => Promise<unknown>): Promise<unknown> =>
  storage.transaction((tx) => fn(healthStoresOn(tx, POLICY)));

/** A client with one home in `region`, and enrolled gateways on it; the home's id. */
export async function seedHome(
  repos: Repositories,
  gateways: readonly string[],
  region: string | null = null,
): Promise<string> {
  const c = await repos.clients.createClient({ name: 'Client' }, T0);
  const h = await repos.clients.createHome(
    { clientId: c.id, address: 'Straat 1', ...(region ? { region } : {}) },
    T0,
  );
  for (const id of gateways)
    await repos.gateways.create({
      id,
      homeId: h.id,
      serial: null,
      createdAt: T0,
      revokedAt: null,
      mqttPasswordHash: 'x',
    });
  return h.id;
}
