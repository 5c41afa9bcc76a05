import { EventEmitter } from 'node:events';
import type { Clock } from '@baken/hardware';
import Database from 'better-sqlite3';
import { GatewayError } from '../errors.js';

/**
 * How an entry leaves the outbox:
 * - `'app-ack'`: only when the server names its id on the `ack` topic (events; issue 5 §2). A PUBACK
 *   only proves the broker got it, not that the server stored it.
 * - `'puback'`: when the broker acknowledges the QoS 1 publish (heartbeats and command responses:
 *   liveness/status data that the server does not acknowledge one by one).
 */
export type OutboxRelease = 'app-ack' | 'puback';

export interface OutboxEntryInput {
  /** Unique id (the event id the server deduplicates by). */
  id: string;
  /** Topic suffix under the gateway's prefix (`'events'`, `'heartbeat'`, `'cmd/res'`). */
  topic: string;
  payload: string;
  alarm: boolean;
  release: OutboxRelease;
  /** Only the newest non-alarm entry with the same key is kept (heartbeat, per-device status). */
  coalesceKey?: string;
}

export interface OutboxEntry extends OutboxEntryInput {
  /** Insertion order; strictly increasing, never reused within one file. */
  seq: number;
  createdAt: number;
}

export interface OutboxLimits {
  /**
   * Size bound. Defaults: 100,000 entries or 64 MiB of payload, whichever is hit first. At ~500 bytes
   * per event that is days of a busy home offline, and fits on the smallest SD card we support.
   * When full, the oldest NON-alarm entries are dropped first (counted in `stats().dropped`); alarms
   * are never dropped, so a file made only of alarms may exceed the bound (`stats().overBound`).
   */
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 };

export interface OutboxStats {
  depth: number;
  bytes: number;
  alarms: number;
  /** Non-alarm entries dropped by the size bound since the file was created. */
  dropped: number;
  /** Entries replaced by a newer one with the same coalesce key since the file was created. */
  coalesced: number;
  overBound: boolean;
}

export interface OutboxEvents {
  /** Emitted synchronously after the entry is durably committed (the alarm fast path listens). */
  insert: [entry: OutboxEntry];
}

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

/**
 * The durable store-and-forward queue (issue 5 §2). Every event is committed here before anything
 * else happens with it and leaves only by `ack()` (app-level) or `release: 'puback'`.
 * Open with `Outbox.open()`; the constructor only assigns fields.
 */
export class Outbox extends EventEmitter<OutboxEvents> {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #limits: OutboxLimits;
  #count = 0;
  #bytes = 0;
  #closed = false;
  /** Statements compiled once per SQL text (the insert/ack path runs them per event). */
  readonly #statements = new Map<string, Database.Statement>();

  constructor(path: string, db: Database.Database, clock: Clock, limits: OutboxLimits) {
    super();
    this.path = path;
    this.#db = db;
    this.#clock = clock;
    this.#limits = limits;
  }

  static open(path: string, clock: Clock, limits: Partial<OutboxLimits> = {}): Outbox {
    let db: Database.Database;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      // synchronous=FULL: in WAL mode NORMAL may lose the last committed transactions on power loss
      // (the WAL is not fsynced per commit). An alarm that was "inserted" must survive a power cut of
      // the home unit, so every commit is fsynced; the cost is one fsync per insert, fine at alarm
      // rates, and bulk writers use `insertMany()` (one fsync per batch). [issue 5 §2]
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
    } catch (err) {
      throw new GatewayError(
        'BAKEN_ERR_OUTBOX',
        `cannot open outbox at ${path}: ${String(err)}`,
        { path },
        { cause: err },
      );
    }
    const outbox = new Outbox(path, db, clock, { ...DEFAULT_OUTBOX_LIMITS, ...limits });
    outbox.#loadTotals();
    return outbox;
  }

  #loadTotals(): void {
    const row = this.#prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM entries').get() as {
      n: number;
      b: number;
    };
    this.#count = row.n;
    this.#bytes = row.b;
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #assertOpen(): void {
    if (this.#closed) throw new GatewayError('BAKEN_ERR_OUTBOX_CLOSED', `outbox ${this.path} is closed`);
  }

  /** Durably inserts one entry; resolves nothing, throws on a disk error (the caller must log it loudly). */
  insert(input: OutboxEntryInput): OutboxEntry {
    const [entry] = this.insertMany([input]);
    return entry!;
  }

  /** Inserts entries in one transaction (one fsync), in the given order. */
  insertMany(inputs: readonly OutboxEntryInput[]): OutboxEntry[] {
    this.#assertOpen();
    const now = this.#clock.now();
    const entries = this.#db.transaction(() => inputs.map((input) => this.#insertOne(input, now)))();
    for (const entry of entries) this.emit('insert', entry);
    return entries;
  }

  #insertOne(input: OutboxEntryInput, now: number): OutboxEntry {
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
      'INSERT INTO entries (id, topic, payload, alarm, release, coalesce_key, created_at, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(input.id, input.topic, input.payload, input.alarm ? 1 : 0, input.release, coalesceKey, now, size);
    this.#count += 1;
    this.#bytes += size;
    this.#enforceBound();
    return {
      ...input,
      coalesceKey: coalesceKey ?? undefined,
      seq: Number(info.lastInsertRowid),
      createdAt: now,
    };
  }

  #deleteSeq(seq: number, size: number): void {
    this.#prepare('DELETE FROM entries WHERE seq = ?').run(seq);
    this.#count -= 1;
    this.#bytes -= size;
  }

  /** Drops oldest non-alarm entries until within the bound (or only alarms are left). */
  #enforceBound(): void {
    let dropped = 0;
    while (this.#count > this.#limits.maxEntries || this.#bytes > this.#limits.maxBytes) {
      const victims = this.#prepare(
        'SELECT seq, size FROM entries WHERE alarm = 0 ORDER BY seq LIMIT 256',
      ).all() as { seq: number; size: number }[];
      if (victims.length === 0) break;
      for (const v of victims) {
        if (this.#count <= this.#limits.maxEntries && this.#bytes <= this.#limits.maxBytes) break;
        this.#deleteSeq(v.seq, v.size);
        dropped += 1;
      }
    }
    if (dropped > 0) this.#bumpMeta('dropped', dropped);
  }

  #bumpMeta(key: string, by: number): void {
    this.#prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value',
    ).run(key, by);
  }

  #meta(key: string): number {
    const row = this.#prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: number }
      | undefined;
    return row?.value ?? 0;
  }

  /** Removes the entries with these ids (the server's app-level ack); returns the ids removed. */
  ack(ids: readonly string[]): string[] {
    this.#assertOpen();
    if (ids.length === 0) return [];
    const select = this.#prepare('SELECT seq, size FROM entries WHERE id = ?');
    return this.#db.transaction(() => {
      const removed: string[] = [];
      for (const id of ids) {
        const row = select.get(id) as { seq: number; size: number } | undefined;
        if (!row) continue;
        this.#deleteSeq(row.seq, row.size);
        removed.push(id);
      }
      return removed;
    })();
  }

  /** Up to `limit` entries with `seq > afterSeq`, in insertion order. */
  pendingAfter(afterSeq: number, limit: number): OutboxEntry[] {
    this.#assertOpen();
    const rows = this.#prepare('SELECT * FROM entries WHERE seq > ? ORDER BY seq LIMIT ?').all(
      afterSeq,
      limit,
    ) as Row[];
    return rows.map(toEntry);
  }

  has(id: string): boolean {
    this.#assertOpen();
    return this.#prepare('SELECT 1 FROM entries WHERE id = ?').get(id) !== undefined;
  }

  depth(): number {
    return this.#count;
  }

  /** Age of the oldest unacknowledged entry on the injected clock, or 0 when empty. */
  oldestAgeMs(): number {
    this.#assertOpen();
    const row = this.#prepare('SELECT created_at FROM entries ORDER BY seq LIMIT 1').get() as
      | { created_at: number }
      | undefined;
    return row ? Math.max(0, this.#clock.now() - row.created_at) : 0;
  }

  stats(): OutboxStats {
    this.#assertOpen();
    const alarms = (this.#prepare('SELECT count(*) AS n FROM entries WHERE alarm = 1').get() as { n: number })
      .n;
    return {
      depth: this.#count,
      bytes: this.#bytes,
      alarms,
      dropped: this.#meta('dropped'),
      coalesced: this.#meta('coalesced'),
      overBound: this.#count > this.#limits.maxEntries || this.#bytes > this.#limits.maxBytes,
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Checkpoints the WAL and closes the file; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
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
