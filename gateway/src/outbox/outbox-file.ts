import type Database from 'better-sqlite3';
import type { OpenDatabase, OutboxEntry, OutboxEntryInput, OutboxLimits } from './outbox-types.js';

interface Row {
  seq: number;
  id: string;
  topic: string;
  payload: string;
  alarm: number;
  release: string;
  coalesce_key: string | null;
  created_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  alarm INTEGER NOT NULL,
  release TEXT NOT NULL,
  coalesce_key TEXT,
  created_at INTEGER NOT NULL,
  size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_alarm_seq ON entries (alarm, seq);
CREATE INDEX IF NOT EXISTS entries_coalesce ON entries (coalesce_key) WHERE coalesce_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/** SQLite page cache of the outbox connection, KiB. */
export const OUTBOX_CACHE_KIB = 1024;

/**
 * The outbox's SQLite file: the entries table, its running totals and the size bound. Every method
 * may throw the library's `SqliteError`; the `Outbox` decides what a storage error means.
 */
export class OutboxFile {
  readonly #db: Database.Database;
  readonly #limits: Pick<OutboxLimits, 'maxEntries' | 'maxBytes'>;
  /** Statements compiled once per SQL text (the insert/ack path runs them per event). */
  readonly #statements = new Map<string, Database.Statement>();
  /**
   * One transaction function for every call: better-sqlite3's `db.transaction(fn)` builds five
   * wrapper functions each time it is called, about 6 KB of garbage per event on the insert path.
   */
  readonly #transaction: Database.Transaction<(fn: () => unknown) => unknown>;
  count = 0;
  bytes = 0;
  maxSeq = 0;

  constructor(db: Database.Database, limits: Pick<OutboxLimits, 'maxEntries' | 'maxBytes'>) {
    this.#db = db;
    this.#limits = limits;
    this.#transaction = db.transaction((fn: () => unknown) => fn());
  }

  /** Opens (creating) the file and loads its totals; closes it again if any step fails. */
  static open(openDb: OpenDatabase, path: string, limits: OutboxLimits): OutboxFile {
    const db = openDb(path);
    try {
      db.pragma('journal_mode = WAL');
      // synchronous=FULL: in WAL mode NORMAL may lose the last committed transactions on power loss
      // (the WAL is not fsynced per commit). An alarm that was "inserted" must survive a power cut of
      // the home unit, so every commit is fsynced; the cost is one fsync per insert, fine at alarm
      // rates, and bulk writers use `insertMany()` (one fsync per batch). [MQTT-MAP §4.2]
      db.pragma('synchronous = FULL');
      // better-sqlite3 builds SQLite with a 16 MB page cache per connection; the outbox appends at
      // the tail and reads and deletes near the head, so 1 MB serves it, and a backlog of days
      // offline no longer grows the unit's memory by up to 16 MB (docs/scaling.md, gateway section)
      db.pragma(`cache_size = -${OUTBOX_CACHE_KIB}`);
      db.exec(SCHEMA);
      const file = new OutboxFile(db, limits);
      file.loadTotals();
      return file;
    } catch (err) {
      try {
        db.close();
      } catch {
        // already unusable
      }
      throw err;
    }
  }

  /** Re-reads the totals (after a rolled-back transaction they may be off). */
  loadTotals(): void {
    const row = this.#prepare(
      'SELECT count(*) AS n, coalesce(sum(size), 0) AS b, coalesce(max(seq), 0) AS s FROM entries',
    ).get() as { n: number; b: number; s: number };
    this.count = row.n;
    this.bytes = row.b;
    this.maxSeq = Math.max(this.maxSeq, row.s);
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.#transaction(fn) as T;
  }

  /**
   * Inserts one entry (call inside `transaction`) with the given seq, or the next one when null; an
   * id already stored is left as it is.
   */
  insertOne(input: OutboxEntryInput, now: number, seqWanted: number | null = null): OutboxEntry {
    const size = Buffer.byteLength(input.payload) + input.topic.length + input.id.length;
    const coalesceKey = input.alarm ? null : (input.coalesceKey ?? null);
    if (coalesceKey !== null) {
      const old = this.#prepare('SELECT seq, size FROM entries WHERE coalesce_key = ? AND alarm = 0').all(
        coalesceKey,
      ) as { seq: number; size: number }[];
      for (const o of old) this.#deleteSeq(o.seq, o.size);
      if (old.length > 0) this.#bumpMeta('coalesced', old.length);
    }
    const info = this.#prepare(
      'INSERT OR IGNORE INTO entries (seq, id, topic, payload, alarm, release, coalesce_key, created_at, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      seqWanted,
      input.id,
      input.topic,
      input.payload,
      input.alarm ? 1 : 0,
      input.release,
      coalesceKey,
      now,
      size,
    );
    const seq = Number(info.lastInsertRowid);
    if (info.changes > 0) {
      this.count += 1;
      this.bytes += size;
      this.maxSeq = Math.max(this.maxSeq, seq);
      this.#enforceBound();
    }
    return { ...input, coalesceKey: coalesceKey ?? undefined, seq, createdAt: now };
  }

  #deleteSeq(seq: number, size: number): void {
    this.#prepare('DELETE FROM entries WHERE seq = ?').run(seq);
    this.count -= 1;
    this.bytes -= size;
  }

  /**
   * Writes a small row (call inside `transaction`): proves the disk takes writes again even when no
   * entry is waiting to be moved to it.
   */
  probeWrite(now: number): void {
    this.#prepare(
      "INSERT INTO meta (key, value) VALUES ('probe', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(now);
  }

  /** Deletes the entry with this id; false when there is none. */
  deleteId(id: string): boolean {
    const row = this.#prepare('SELECT seq, size FROM entries WHERE id = ?').get(id) as
      | { seq: number; size: number }
      | undefined;
    if (!row) return false;
    this.#deleteSeq(row.seq, row.size);
    return true;
  }

  /** Drops oldest non-alarm entries until within the bound (or only alarms are left). */
  #enforceBound(): void {
    let dropped = 0;
    while (this.count > this.#limits.maxEntries || this.bytes > this.#limits.maxBytes) {
      const victims = this.#prepare(
        'SELECT seq, size FROM entries WHERE alarm = 0 ORDER BY seq LIMIT 256',
      ).all() as { seq: number; size: number }[];
      if (victims.length === 0) break;
      for (const v of victims) {
        if (this.count <= this.#limits.maxEntries && this.bytes <= this.#limits.maxBytes) break;
        this.#deleteSeq(v.seq, v.size);
        dropped += 1;
      }
    }
    if (dropped > 0) this.#bumpMeta('dropped', dropped);
  }

  get overBound(): boolean {
    return this.count > this.#limits.maxEntries || this.bytes > this.#limits.maxBytes;
  }

  #bumpMeta(key: string, by: number): void {
    this.#prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value',
    ).run(key, by);
  }

  meta(key: 'dropped' | 'coalesced'): number {
    const row = this.#prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: number }
      | undefined;
    return row?.value ?? 0;
  }

  /** Up to `limit` entries with `seq > afterSeq` whose id is not in `hidden`, in insertion order. */
  pendingAfter(afterSeq: number, limit: number, hidden: ReadonlySet<string>): OutboxEntry[] {
    const rows = this.#prepare('SELECT * FROM entries WHERE seq > ? ORDER BY seq LIMIT ?').all(
      afterSeq,
      limit + hidden.size,
    ) as Row[];
    return rows
      .filter((r) => !hidden.has(r.id))
      .slice(0, limit)
      .map(toEntry);
  }

  has(id: string): boolean {
    return this.#prepare('SELECT 1 FROM entries WHERE id = ?').get(id) !== undefined;
  }

  oldestCreatedAt(): number | undefined {
    const row = this.#prepare('SELECT created_at FROM entries ORDER BY seq LIMIT 1').get() as
      | { created_at: number }
      | undefined;
    return row?.created_at;
  }

  alarms(): number {
    return (this.#prepare('SELECT count(*) AS n FROM entries WHERE alarm = 1').get() as { n: number }).n;
  }

  /** Checkpoints the WAL and closes the file. */
  close(): void {
    this.#db.close();
  }
}

function toEntry(row: Row): OutboxEntry {
  const entry: OutboxEntry = {
    seq: row.seq,
    id: row.id,
    topic: row.topic,
    payload: row.payload,
    alarm: row.alarm === 1,
    release: row.release === 'puback' ? 'puback' : 'app-ack',
    createdAt: row.created_at,
  };
  if (row.coalesce_key !== null) entry.coalesceKey = row.coalesce_key;
  return entry;
}
