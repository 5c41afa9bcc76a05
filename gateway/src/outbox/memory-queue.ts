import type { OutboxEntry } from './outbox-types.js';

export interface MemoryQueueLimits {
  /** Non-alarm entries are dropped (oldest first) past this many entries in memory. */
  maxEntries: number;
  /**
   * Alarms are kept past `maxEntries`; only past this hard cap is the oldest entry (an alarm by
   * then) dropped, and counted in `lost` so the unit can say so loudly.
   */
  hardMaxEntries: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryQueueLimits = { maxEntries: 10_000, hardMaxEntries: 50_000 };

/**
 * The bounded in-memory part of the outbox, used while the disk refuses writes [gateway/README.md
 * "Storage failures"]. Entries keep the seq the outbox gave them (greater than every seq on disk),
 * so the sender reads disk and memory as one ordered queue.
 */
export class MemoryQueue {
  readonly #limits: MemoryQueueLimits;
  readonly #entries = new Map<string, OutboxEntry>();
  /** Non-alarm entries dropped by `maxEntries`. */
  dropped = 0;
  /** Entries dropped by `hardMaxEntries` (alarms among them). */
  lost = 0;

  constructor(limits: MemoryQueueLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }

  alarms(): number {
    let n = 0;
    for (const e of this.#entries.values()) if (e.alarm) n += 1;
    return n;
  }

  bytes(): number {
    let n = 0;
    for (const e of this.#entries.values()) n += Buffer.byteLength(e.payload);
    return n;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Adds an entry; a non-alarm entry replaces older ones with the same coalesce key. */
  push(entry: OutboxEntry): number {
    let coalesced = 0;
    if (!entry.alarm && entry.coalesceKey !== undefined) {
      for (const [id, old] of this.#entries) {
        if (!old.alarm && old.coalesceKey === entry.coalesceKey) {
          this.#entries.delete(id);
          coalesced += 1;
        }
      }
    }
    this.#entries.set(entry.id, entry);
    this.#enforce();
    return coalesced;
  }

  #enforce(): void {
    if (this.#entries.size > this.#limits.maxEntries) {
      for (const [id, e] of this.#entries) {
        if (this.#entries.size <= this.#limits.maxEntries) break;
        if (e.alarm) continue;
        this.#entries.delete(id);
        this.dropped += 1;
      }
    }
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.#limits.hardMaxEntries) break;
      this.#entries.delete(id);
      this.lost += 1;
    }
  }

  /** Removes these ids; returns the ones that were here. */
  remove(ids: Iterable<string>): string[] {
    const removed: string[] = [];
    for (const id of ids) if (this.#entries.delete(id)) removed.push(id);
    return removed;
  }

  /** Up to `limit` entries with `seq > afterSeq`, in seq order (insertion order is seq order). */
  after(afterSeq: number, limit: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.#entries.values()) {
      if (out.length >= limit) break;
      if (e.seq > afterSeq) out.push(e);
    }
    return out;
  }

  oldestCreatedAt(): number | undefined {
    return this.#entries.values().next().value?.createdAt;
  }

  /** All entries in seq order (to move them to disk). */
  all(): OutboxEntry[] {
    return [...this.#entries.values()];
  }

  clear(): void {
    this.#entries.clear();
  }
}
