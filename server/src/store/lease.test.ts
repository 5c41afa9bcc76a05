import { LocalLease } from './lease.js';
import { leaseContract } from './testing/lease-contract.js';

// One process: both "contenders" share the one in-memory lease of that name.
const leases = new Map<string, LocalLease>();
leaseContract('LocalLease (one process, SQLite deployment)', (name, clock) => {
  let l = leases.get(name);
  if (!l) {
    l = new LocalLease(name, clock);
    leases.set(name, l);
  }
  return l;
});
