import { afterEach, beforeEach } from 'vitest';
import type { Repositories } from '../../../store/repositories/index.js';
import type { AccessStores } from '../access-stores.js';
import type { Release } from '../releases.js';

/** One binding's access stores over an empty, migrated store, with the core repositories beside them. */
export interface AccessStoresUnderTest {
  stores: AccessStores;
  repos: Repositories;
  /** Every row of a table as JSON text (what someone reading the database would see). */
  dumpTable(table: string): Promise<string>;
  dispose(): Promise<void>;
}

export type MakeAccessStores = () => Promise<AccessStoresUnderTest>;

/** Registers the per-test set-up and returns a getter for the current test's stores. */
export function useAccessStores(make: MakeAccessStores): () => AccessStoresUnderTest {
  let current: AccessStoresUnderTest | undefined;
  beforeEach(async () => {
    current = await make();
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('access stores are only available inside a test');
    return current;
  };
}

/** An instant with milliseconds and past 2^32 s·1000, so truncation or float drift shows. */
export const T0 = 1_765_432_100_123;

let n = 0;
/** A release of key safe `ks-1` with every field set; `over` replaces any of them. */
export function release(over: Partial<Release> = {}): Release {
  n++;
  return {
    id: `rel-${String(n).padStart(4, '0')}`,
    homeId: 'home-1',
    deviceId: 'ks-1',
    userId: 'user-1',
    teamId: 'team-noord',
    functionId: 'fn-1',
    situation: 'planned_care',
    alarmId: null,
    mode: 'online_pin',
    holderId: 4_000_000_000,
    slot: 1,
    validFrom: T0,
    validUntil: T0 + 900_000,
    issuedAt: T0,
    issuedBy: 'user-1',
    alarmRaisedAt: null,
    openedAt: null,
    revokedAt: null,
    ...over,
  };
}
