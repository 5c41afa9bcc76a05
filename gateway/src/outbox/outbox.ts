import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '@baken/hardware';
import Database from 'better-sqlite3';
import { GatewayError } from '../errors.js';
import { MemoryQueue } from './memory-queue.js';
import { OutboxFile } from './outbox-file.js';
import {
  DEFAULT_OUTBOX_LIMITS,
  type OpenDatabase,
  type OutboxEntry,
  type OutboxEntryInput,
  type OutboxEvents,
  type OutboxLimits,
  type OutboxStats,
} from './outbox-types.js';
import {
  classifyStorageError,
  errorCode,
  MEMORY_ONLY_STATES,
  SpaceReserve,
  type StorageHealth,
  type StorageState,
  storageAdvice,
} from './storage-health.js';

export * from './outbox-types.js';

/** The real SQLite binding (better-sqlite3). */
export const openSqlite: OpenDatabase = (path) => new Database(path);

type MemoryState = Exclude<StorageState, 'ok' | 'low-space'>;

/**
 * The durable store-and-forward queue. Every event is committed here before anything
 * else happens with it and leaves only by `ack()` (app-level) or `release: 'puback'`.
 * Open with `Outbox.open()`; the constructor only assigns fields.
 *
 * A failing disk never loses an entry [gateway/README.md "Storage failures"]: when SQLite refuses a
 * write for lack of space, the space reserve is freed and the write retried; when it still (or for
 * another storage reason: read-only, I/O error, cannot open) refuses, the entry is kept in a bounded
 * memory queue, announced by `insert` like a committed one (so it is sent directly) and read back by
 * `pendingAfter`. The disk is tried again every `retryMs`; when it takes writes again the memory
 * queue is moved to it (`moved-to-disk`; `resequenced` when their seqs had to change). `storage`
 * reports every change of state.
 */
export class Outbox extends EventEmitter<OutboxEvents> {
  readonly path: string;
  #file: OutboxFile | undefined;
  readonly #clock: Clock;
  readonly #limits: OutboxLimits;
  readonly #openDb: OpenDatabase;
  readonly #reserve: SpaceReserve;
  readonly #memory: MemoryQueue;
  /** Ids acknowledged while the disk refused the delete; applied on recovery, hidden meanwhile. */
  readonly #pendingAcks = new Set<string>();
  /** Highest seq handed out (disk or memory); memory entries continue after the disk's. */
  #lastSeq = 0;
  #memoryCoalesced = 0;
  #closed = false;
  #storage: { state: StorageState; since: number; code: string | null };
  #retryTimer: TimerHandle | undefined;

  constructor(path: string, clock: Clock, limits: OutboxLimits, openDb: OpenDatabase = openSqlite) {
    super();
    this.path = path;
    this.#clock = clock;
    this.#limits = limits;
    this.#openDb = openDb;
    this.#reserve = new SpaceReserve(`${path}.reserve`, limits.reserveBytes);
    this.#memory = new MemoryQueue({
      maxEntries: limits.memoryMaxEntries,
      hardMaxEntries: limits.memoryHardMaxEntries,
    });
    this.#storage = { state: 'ok', since: clock.now(), code: null };
  }

  /**
   * Opens (creating) the outbox. A disk that cannot be written (read-only, full, missing) does not
   * throw: the outbox starts in a memory-only state and keeps trying the disk every `retryMs`.
   * Any other failure (not a storage error) throws `BAKEN_ERR_OUTBOX`.
   */
  static open(
    path: string,
    clock: Clock,
    limits: Partial<OutboxLimits> = {},
    openDb: OpenDatabase = openSqlite,
  ): Outbox {
    const outbox = new Outbox(path, clock, { ...DEFAULT_OUTBOX_LIMITS, ...limits }, openDb);
    try {
      outbox.#connect();
      outbox.#checkReserve();
    } catch (err) {
      const state = classifyStorageError(err);
      if (state === null) {
        throw new GatewayError(
          'BAKEN_ERR_OUTBOX',
          `cannot open outbox at ${path}: ${String(err)}`,
          { path },
          { cause: err },
        );
      }
      outbox.#degrade(state, err);
    }
    return outbox;
  }

  #connect(): OutboxFile {
    const file = OutboxFile.open(this.#openDb, this.path, this.#limits);
    this.#file = file;
    this.#lastSeq = Math.max(this.#lastSeq, file.maxSeq);
    return file;
  }

  #assertOpen(): void {
    if (this.#closed) throw new GatewayError('BAKEN_ERR_OUTBOX_CLOSED', `outbox ${this.path} is closed`);
  }

  /** True while new entries go to memory instead of disk. */
  get #memoryOnly(): boolean {
    return this.#file === undefined || MEMORY_ONLY_STATES.has(this.#storage.state);
  }

  /** The storage state now (for the heartbeat, the status file and the watchdog). */
  storage(): StorageHealth {
    return {
      ...this.#storage,
      memoryDepth: this.#memory.size,
      lostInMemory: this.#memory.lost,
      advice: storageAdvice(this.#storage.state),
    };
  }

  /**
   * For the systemd watchdog: the outbox takes entries and, while the disk refuses them, keeps
   * trying it. A degraded disk alone is NOT unhealthy: a restart would not mend the disk and would
   * lose what is held in memory; it is reported through `storage()` (heartbeat, status, log).
   */
  isHealthy(): boolean {
    if (this.#closed) return false;
    return !this.#memoryOnly || this.#retryTimer !== undefined;
  }

  /**
   * True while new entries are committed to disk (`ok`, `low-space`); false while they are held in
   * memory. What "committed" promises to a device that waits for it (the Baken pendant's ack).
   */
  writesToDisk(): boolean {
    return !this.#closed && !this.#memoryOnly;
  }

  /** `isHealthy()` and the storage state in one object (status pages, the watchdog's log line). */
  health(): { ok: boolean; storage: StorageHealth } {
    return { ok: this.isHealthy(), storage: this.storage() };
  }

  /** Makes the space reserve if it is missing (at open and after every recovery). */
  #checkReserve(): void {
    if (this.#reserve.ensure()) this.#setState('ok', null);
    else {
      this.#setState('low-space', 'ENOSPC');
      this.#armRetry();
    }
  }

  #setState(state: StorageState, code: string | null): void {
    if (this.#storage.state === state) {
      this.#storage.code = code; // same state, another error code: no news
      return;
    }
    this.#storage = { state, since: this.#clock.now(), code };
    this.emit('storage', this.storage());
  }

  /** The disk refused: switch to memory and try the disk again later. */
  #degrade(state: MemoryState, err: unknown): void {
    this.#setState(state, errorCode(err));
    this.#armRetry();
  }

  #armRetry(): void {
    if (this.#retryTimer !== undefined || this.#closed) return;
    this.#retryTimer = this.#clock.setTimeout(
      () => {
        this.#retryTimer = undefined;
        this.retryStorage();
      },
      this.#limits.retryMs,
      { unref: true },
    );
  }

  /**
   * Tries the disk again (run every `retryMs` while degraded): opens it if needed, moves the memory
   * queue and the acknowledgements made meanwhile to it, and remakes the space reserve. Returns
   * true when entries reach the disk.
   */
  retryStorage(): boolean {
    if (this.#closed) return false;
    if (this.#storage.state === 'ok' && this.#file !== undefined) return true;
    try {
      const opened = this.#file === undefined;
      const file = this.#file ?? this.#connect();
      const moved = this.#memory.all();
      // memory seqs continue the disk's, so entries keep them; a file first opened now (read-only
      // start) may already use them: then they get new ones and readers start over
      const renumber = opened && moved.some((e) => e.seq <= file.maxSeq);
      const acks = [...this.#pendingAcks];
      // a full disk counts as back only with room for at least the reserve (else it would flap)
      if (this.#storage.state === 'full' && !this.#reserve.roomFor(this.#reserve.bytes)) {
        this.#armRetry();
        return false;
      }
      file.transaction(() => {
        file.probeWrite(this.#clock.now());
        for (const id of acks) file.deleteId(id);
        for (const e of moved) file.insertOne(e, e.createdAt, renumber ? null : e.seq);
      });
      this.#pendingAcks.clear();
      this.#memory.remove(moved.map((e) => e.id));
      this.#lastSeq = Math.max(this.#lastSeq, file.maxSeq);
      this.#checkReserve();
      if (moved.length > 0) this.emit('moved-to-disk', moved);
      if (renumber) this.emit('resequenced');
      return true;
    } catch (err) {
      const state = this.#storageError(err);
      // `low-space` still writes to disk: only a refused write moves entries to memory
      if (this.#memoryOnly) this.#setState(state, errorCode(err));
      this.#armRetry();
      return false;
    }
  }

  /** The storage state an error means, after resyncing the totals; rethrows anything else. */
  #storageError(err: unknown): MemoryState {
    const state = classifyStorageError(err);
    if (state === null) throw err;
    try {
      this.#file?.loadTotals();
    } catch {
      // the disk cannot even be read; the totals are refreshed on recovery
    }
    return state;
  }

  /** Durably inserts one entry (or, while the disk refuses writes, keeps it in memory). */
  insert(input: OutboxEntryInput): OutboxEntry {
    const [entry] = this.insertMany([input]);
    return entry!;
  }

  /** Inserts entries in one transaction (one fsync), in the given order. */
  insertMany(inputs: readonly OutboxEntryInput[]): OutboxEntry[] {
    this.#assertOpen();
    const now = this.#clock.now();
    const entries = this.#memoryOnly ? this.#toMemory(inputs, now) : this.#toDisk(inputs, now);
    for (const entry of entries) this.emit('insert', entry);
    return entries;
  }

  #toDisk(inputs: readonly OutboxEntryInput[], now: number): OutboxEntry[] {
    const file = this.#file!;
    // one seq counter for disk and memory, so an entry written after a spell in memory still sorts
    // after what the sender has read (its cursor)
    const write = (): OutboxEntry[] => {
      const first = this.#lastSeq + 1;
      const entries = file.transaction(() => inputs.map((input, i) => file.insertOne(input, now, first + i)));
      this.#lastSeq = Math.max(this.#lastSeq, file.maxSeq);
      return entries;
    };
    try {
      return write();
    } catch (first) {
      let err = first;
      let state = this.#storageError(err);
      if (state === 'full' && this.#reserve.release()) {
        this.#setState('low-space', errorCode(err));
        this.#armRetry();
        try {
          return write();
        } catch (again) {
          state = this.#storageError(again);
          err = again;
        }
      }
      this.#degrade(state, err);
      return this.#toMemory(inputs, now);
    }
  }

  #toMemory(inputs: readonly OutboxEntryInput[], now: number): OutboxEntry[] {
    return inputs.map((input) => {
      const entry: OutboxEntry = { ...input, seq: ++this.#lastSeq, createdAt: now };
      if (input.alarm) delete entry.coalesceKey;
      this.#memoryCoalesced += this.#memory.push(entry);
      return entry;
    });
  }

  /** Runs a disk read; a storage error degrades the outbox and yields `fallback` instead. */
  #read<T>(fn: (file: OutboxFile) => T, fallback: T): T {
    const file = this.#file;
    if (file === undefined) return fallback;
    try {
      return fn(file);
    } catch (err) {
      const state = this.#storageError(err);
      if (!this.#memoryOnly) this.#degrade(state, err);
      return fallback;
    }
  }

  /** Removes the entries with these ids (the server's app-level ack); returns the ids removed. */
  ack(ids: readonly string[]): string[] {
    this.#assertOpen();
    if (ids.length === 0) return [];
    const removed = this.#memory.remove(ids);
    const rest = ids.filter((id) => !removed.includes(id) && !this.#pendingAcks.has(id));
    const file = this.#file;
    if (rest.length === 0 || file === undefined) return removed;
    try {
      return [...removed, ...file.transaction(() => rest.filter((id) => file.deleteId(id)))];
    } catch (err) {
      const state = this.#storageError(err);
      // the delete waits for the disk; meanwhile the entry is hidden from readers
      const onDisk = this.#read((f) => rest.filter((id) => f.has(id)), rest);
      for (const id of onDisk) this.#pendingAcks.add(id);
      if (this.#memoryOnly || this.#storage.state !== 'low-space') this.#degrade(state, err);
      else this.#armRetry();
      return [...removed, ...onDisk];
    }
  }

  /** Up to `limit` entries with `seq > afterSeq`, in insertion order (disk first, then memory). */
  pendingAfter(afterSeq: number, limit: number): OutboxEntry[] {
    this.#assertOpen();
    const fromDisk = this.#read((f) => f.pendingAfter(afterSeq, limit, this.#pendingAcks), []);
    if (fromDisk.length >= limit) return fromDisk;
    const after = fromDisk.length > 0 ? fromDisk[fromDisk.length - 1]!.seq : afterSeq;
    return [...fromDisk, ...this.#memory.after(after, limit - fromDisk.length)];
  }

  has(id: string): boolean {
    this.#assertOpen();
    if (this.#memory.has(id)) return true;
    if (this.#pendingAcks.has(id)) return false;
    return this.#read((f) => f.has(id), false);
  }

  depth(): number {
    const onDisk = this.#file === undefined ? 0 : this.#file.count - this.#pendingAcks.size;
    return onDisk + this.#memory.size;
  }

  /** Age of the oldest unacknowledged entry on the injected clock, or 0 when empty. */
  oldestAgeMs(): number {
    this.#assertOpen();
    const oldest = this.#read((f) => f.oldestCreatedAt(), undefined) ?? this.#memory.oldestCreatedAt();
    return oldest === undefined ? 0 : Math.max(0, this.#clock.now() - oldest);
  }

  stats(): OutboxStats {
    this.#assertOpen();
    const disk = this.#read(
      (f) => ({ alarms: f.alarms(), dropped: f.meta('dropped'), coalesced: f.meta('coalesced') }),
      { alarms: 0, dropped: 0, coalesced: 0 },
    );
    return {
      depth: this.depth(),
      bytes: (this.#file?.bytes ?? 0) + this.#memory.bytes(),
      alarms: disk.alarms + this.#memory.alarms(),
      dropped: disk.dropped + this.#memory.dropped,
      coalesced: disk.coalesced + this.#memoryCoalesced,
      overBound: this.#file?.overBound ?? false,
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Checkpoints the WAL and closes the file; safe to call twice. Entries held only in memory are
   * tried on disk one last time first (if the disk still refuses, they end with the process).
   */
  close(): void {
    if (this.#closed) return;
    if (this.#memory.size > 0 || this.#pendingAcks.size > 0) this.#quietly(() => this.retryStorage());
    this.#closed = true;
    this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#quietly(() => this.#file?.close());
  }

  #quietly(fn: () => unknown): void {
    try {
      fn();
    } catch {
      // closing: nothing more to do about a failing disk
    }
  }
}
