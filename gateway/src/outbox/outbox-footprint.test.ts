// What the outbox costs the home unit's memory per event (docs/scaling.md, gateway section).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from './outbox.js';
import { OUTBOX_CACHE_KIB } from './outbox-file.js';

describe('Outbox memory footprint', () => {
  let dir: string;
  let outbox: Outbox | undefined;
  let db: Database.Database | undefined;
  let transactions = 0;
  /** The real binding, counting how often a transaction function is built. */
  const openCounting = (path: string): Database.Database => {
    db = new Database(path);
    const real = db.transaction.bind(db);
    db.transaction = ((fn: Parameters<typeof real>[0]) => {
      transactions += 1;
      return real(fn);
    }) as typeof real;
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-outbox-mem-'));
    transactions = 0;
  });
  afterEach(() => {
    outbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds its transaction function once, not one per insert or ack', () => {
    outbox = Outbox.open(join(dir, 'outbox.db'), new MockClock(), { reserveBytes: 0 }, openCounting);
    for (let i = 0; i < 50; i++) {
      const id = `evt-${String(i).padStart(8, '0')}`;
      outbox.insert({ id, topic: 'events', payload: '{}', alarm: i % 10 === 0, release: 'app-ack' });
      outbox.ack([id]);
    }
    expect(outbox.depth()).toBe(0);
    expect(transactions).toBe(1);
  });

  it("keeps SQLite's page cache at 1 MB instead of better-sqlite3's 16 MB", () => {
    outbox = Outbox.open(join(dir, 'outbox.db'), new MockClock(), { reserveBytes: 0 }, openCounting);
    expect(OUTBOX_CACHE_KIB).toBe(1024);
    expect(db?.pragma('cache_size', { simple: true })).toBe(-1024);
  });
});
