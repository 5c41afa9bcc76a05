/**
 * A stand-in server instance for the lease hand-over test: holds the `health.sweep` lease on the
 * PostgreSQL store named by `BAKEN_DATABASE_URL` with a LeaseKeeper on the system clock, prints
 * `held <holder>` once it holds it, and then keeps renewing until it is killed.
 */
import { SystemClock } from '../../../clock.js';
import { LeaseKeeper } from '../../lease-keeper.js';
import { openPgStore } from '../../open-store.js';

const url = process.env['BAKEN_DATABASE_URL'];
const interval = Number(process.env['LEASE_INTERVAL_MS']);
if (!url || !Number.isFinite(interval))
  throw new Error('BAKEN_DATABASE_URL and LEASE_INTERVAL_MS are needed');
const store = await openPgStore(url);
const clock = new SystemClock();
const keeper = new LeaseKeeper(store.lease('health.sweep'), `instance-${process.pid}`, clock, {
  intervalMs: interval,
});
keeper.start();
const wait = setInterval(() => {
  if (!keeper.held()) return;
  clearInterval(wait);
  process.stdout.write(`held ${keeper.holder}\n`);
}, 10);
// keep the process alive while it renews (SystemClock's timers do not hold it open)
setInterval(() => undefined, 60_000);
