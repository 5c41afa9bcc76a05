import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BakenApp } from '../../app-context.js';
import type { ManualClock } from '../../clock.js';
import type { Db } from '../../store/database.js';
import { type AppOnDisk, appOnDisk, type LoggedLine } from '../../store/testing/full-disk.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';

// The platform's sign of life is written every second. On a disk that refuses writes (a real
// SQLite connection switched to `query_only`, as a read-only disk answers) the storage health
// raises it once, with what to do; the sign of life must not add a warning with a stack every
// second on top of that, which buries the one line that matters in the log at 3 a.m.

let onDisk: AppOnDisk;
let db: Db;
let app: BakenApp;
let clock: ManualClock;
let logged: LoggedLine[];

beforeEach(async () => {
  onDisk = await appOnDisk();
  ({ app, db, clock, logged } = onDisk);
});
afterEach(async () => {
  db.pragma('query_only = 0');
  await onDisk.close();
});

/** Lets the timers' async writes fail and their handlers run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('the platform sign of life on a disk that refuses writes', () => {
  it('leaves the raising to the storage health: no warning every second', async () => {
    db.pragma('query_only = 1');
    for (let s = 0; s < 30; s++) {
      clock.advance(DEFAULT_HEALTH_POLICY.platformAliveMs);
      await settle();
    }
    expect(app.baken.storageHealth.trouble).toMatchObject({ reason: 'read_only' });
    const liveness = logged.filter((l) => /platform liveness/.test(l.msg));
    expect(liveness).toEqual([]);
    expect(logged.filter((l) => l.code === 'BAKEN_ERR_STORAGE_READ_ONLY')).toHaveLength(1);
  });

  it('warns about another failure at most once a minute, saying what it means', async () => {
    // the runs' table is away (an operator's cleanup): the write fails for a reason the disk is not
    db.prepare('ALTER TABLE platform_runs RENAME TO platform_runs_away').run();
    for (let s = 0; s < 150; s++) {
      clock.advance(DEFAULT_HEALTH_POLICY.platformAliveMs);
      await settle();
    }
    const liveness = logged.filter((l) => /platform liveness/.test(l.msg));
    expect(liveness.length).toBeGreaterThanOrEqual(2);
    expect(liveness.length).toBeLessThanOrEqual(3);
    expect(liveness[0]!.msg).toMatch(/outage/);
    db.prepare('ALTER TABLE platform_runs_away RENAME TO platform_runs').run();
  });
});
