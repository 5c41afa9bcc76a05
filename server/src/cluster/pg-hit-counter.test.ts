import { describe } from 'vitest';
import { usePgInstances } from '../testing/pg-instances.js';
import { needPostgres } from '../testing/postgres.js';
import { PgHitCounter } from './pg-hit-counter.js';
import { hitCounterContract } from './testing-hit-counter.js';

// Instances alternate between two pools on one throwaway PostgreSQL.
describe.skipIf(!needPostgres())('PgHitCounter', () => {
  const pools = usePgInstances();
  hitCounterContract(
    'PostgreSQL (two pools, one database)',
    (name, max, windowMs, clock) => new PgHitCounter(pools.next(), name, max, windowMs, clock),
    true,
  );
});
