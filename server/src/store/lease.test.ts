import { LocalLease } from './lease.js';
import { leaseContract, leaseKeeperContract, type MakeLease } from './testing/lease-contract.js';

// One process: every "contender" of a name shares that name's one in-memory lease.
const leases = new Map<string, LocalLease>();
const local: MakeLease = (name, clock) => {
  let l = leases.get(name);
  if (!l) {
    l = new LocalLease(name, clock);
    leases.set(name, l);
  }
  return l;
};
leaseContract('LocalLease (one process, SQLite deployment)', local);
leaseKeeperContract('LocalLease', local);
