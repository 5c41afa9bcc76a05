import { describe } from 'vitest';
import { PgLease } from '../store/pg/pg-lease.js';
import { usePgInstances } from '../testing/pg-instances.js';
import { needPostgres } from '../testing/postgres.js';
import { periodicJobContract } from './testing-periodic.js';

// Two "instances" with a pool each on one throwaway PostgreSQL, the lease's clock injected.
describe.skipIf(!needPostgres())('periodic work under the PostgreSQL lease', () => {
  const pools = usePgInstances();
  // Instances alternate: the first job of a test is on pool a, the second on pool b.
  periodicJobContract(
    'PgLease (two pools, one database)',
    (name, clock) => new PgLease(pools.next(), name, { clock }),
  );
});
