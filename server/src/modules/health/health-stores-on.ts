import { bindStore, type StoreHandle } from '../../store/storage.js';
import type { HealthPolicy } from './health-policy.js';
import type { HealthStores } from './health-stores.js';
import { pgHealthStores } from './pg-health-stores.js';
import { sqliteHealthStores } from './sqlite-health-stores.js';

/**
 * The health stores on `h` — the shared handle (routes, the sweep) or an ingest turn's transaction
 * (`ctx.tx`). Cheap: it only allocates the store objects (statements are cached per connection), so
 * in-turn work builds it per turn.
 */
export function healthStoresOn(
  h: StoreHandle,
  policy: Pick<HealthPolicy, 'bucketMs' | 'defaultIntervalS'>,
): HealthStores {
  return bindStore(h, {
    sqlite: (s) => sqliteHealthStores(s, policy),
    postgres: (p) => pgHealthStores(p, policy),
  });
}
