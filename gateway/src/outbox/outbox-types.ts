import type Database from 'better-sqlite3';
import { DEFAULT_MEMORY_LIMITS } from './memory-queue.js';
import type { StorageHealth } from './storage-health.js';

/**
 * How an entry leaves the outbox:
 * - `'app-ack'`: only when the server names its id on the `ack` topic (events; MQTT-MAP §4.2). A PUBACK
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
  /**
   * Disk space held back in a reserve file beside the outbox and freed when SQLite reports the disk
   * full, so alarms are still committed to disk (default 4 MiB: thousands of alarms). 0: none.
   */
  reserveBytes: number;
  /** While the disk refuses writes, try it again this often (default 2 s). */
  retryMs: number;
  /** Bounds of the memory queue used while the disk refuses writes. */
  memoryMaxEntries: number;
  memoryHardMaxEntries: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = {
  maxEntries: 100_000,
  maxBytes: 64 * 1024 * 1024,
  reserveBytes: 4 * 1024 * 1024,
  retryMs: 2_000,
  memoryMaxEntries: DEFAULT_MEMORY_LIMITS.maxEntries,
  memoryHardMaxEntries: DEFAULT_MEMORY_LIMITS.hardMaxEntries,
};

/** Opens the SQLite file; the library boundary (tests inject failures here). */
export type OpenDatabase = (path: string) => Database.Database;

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
  /**
   * Emitted synchronously after the entry is durably committed, or, while the disk refuses writes,
   * held in the memory queue (the alarm fast path listens).
   */
  insert: [entry: OutboxEntry];
  /** The storage state changed (the gateway logs it and puts it in the heartbeat). */
  storage: [health: StorageHealth];
  /**
   * Entries held in memory were moved to disk with new seqs: readers restart from the beginning
   * (`pendingAfter(0, …)`).
   */
  resequenced: [];
  /** Entries held in memory are now committed to disk (the disk takes writes again). */
  'moved-to-disk': [entries: OutboxEntry[]];
}
