import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../app.js';
import type { BakenApp } from '../../app-context.js';
import type { BrokerClient } from '../../broker/cluster/broker-client.js';
import { ManualClock } from '../../clock.js';
import { createLogger } from '../../logger.js';
import { testConfig } from '../../testing/test-app.js';
import { type Db, openDatabase } from '../database.js';

/**
 * A real SQLite disk that fills up: `PRAGMA max_page_count` caps the database file at the pages it
 * has now, so the next write that needs a new page fails with SQLite's own `SQLITE_FULL` —
 * exactly what a full disk gives, without a tiny file system. `free()` lifts the cap (space is
 * back). The cap is per connection and forgotten on close.
 */
export function fillDisk(db: Db): { free(): void } {
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return { free: () => void db.pragma('max_page_count = 4294967294') };
}

/** A fresh folder for a database file; `remove()` deletes it. */
export function tempDataDir(): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'baken-disk-'));
  return {
    dir,
    file: join(dir, 'baken.sqlite'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A log line as the tests read it back. */
export interface LoggedLine {
  level: number;
  msg: string;
  code?: string;
}

/** The whole app on a real SQLite file in a fresh folder, with its log lines kept for reading. */
export interface AppOnDisk {
  app: BakenApp;
  db: Db;
  clock: ManualClock;
  logged: LoggedLine[];
  /** Closes the app and the database, and deletes the folder. */
  close(): Promise<void>;
}

/**
 * Builds the app on a database file of its own (what {@link fillDisk} and `query_only` act on),
 * a manual clock and a logger at `info` whose lines land in `logged`. `mqtt`: a broker client
 * stand-in (the library boundary) when the test drives ingest.
 */
export async function appOnDisk(o: { mqtt?: BrokerClient } = {}): Promise<AppOnDisk> {
  const dir = tempDataDir();
  const db = openDatabase(dir.file);
  const clock = new ManualClock();
  const logged: LoggedLine[] = [];
  const logger = createLogger('info', {
    write: (line: string) => void logged.push(JSON.parse(line) as LoggedLine),
  } as unknown as NodeJS.WritableStream);
  const app = await buildApp({
    config: testConfig(),
    clock,
    db,
    logger,
    ...(o.mqtt ? { mqtt: o.mqtt } : {}),
  });
  await app.ready();
  return {
    app,
    db,
    clock,
    logged,
    close: async () => {
      await app.close();
      db.close();
      dir.remove();
    },
  };
}
