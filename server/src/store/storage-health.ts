import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import {
  REFUSAL_ACTION,
  REFUSAL_CODE,
  REFUSAL_TEXT,
  type StorageRefusal,
  storageRefusal,
} from './storage-refused.js';

/** While the disk refuses writes: since when, why, how many, the last error. */
export interface StorageTrouble {
  reason: StorageRefusal;
  code: (typeof REFUSAL_CODE)[StorageRefusal];
  /** Epoch ms of the first refusal of this spell. */
  since: number;
  lastRefusedAt: number;
  refused: number;
  /** The driver's message of the last refusal (never holds a secret: no URL, no values). */
  error: string;
}

/** A write that commits this long after the last refusal ends the spell (no flapping in between). */
export const STORAGE_CLEAR_AFTER_MS = 30_000;
/** While the spell lasts, the error log line is repeated this often (on the next refusal). */
export const STORAGE_REMIND_MS = 60_000;

export interface StorageHealthOptions {
  clock: Pick<Clock, 'now'>;
  log: Pick<Logger, 'error' | 'warn'>;
  registry?: Registry;
}

/**
 * The server's own health as its disk sees it (store README, "A disk that refuses writes"). Every
 * store failure the disk caused ({@link storageRefusal}) is reported here by the layer that saw it
 * (the storage wrapper `watchStorage`, the HTTP error handler); it starts a spell of trouble,
 * raised loudly: an error log line with the code and what to do (repeated every
 * {@link STORAGE_REMIND_MS} while it lasts), `/readyz` answering 503 with the reason, the gauge
 * `baken_storage_refusing` at 1 and `baken_storage_writes_refused_total` counting. A write that
 * commits {@link STORAGE_CLEAR_AFTER_MS} or more after the last refusal ends it, with a warning
 * line saying how long it lasted. Kept in memory: a disk that refuses writes cannot hold it.
 */
export class StorageHealth {
  #trouble: StorageTrouble | null = null;
  #remindedAt = 0;
  readonly #reported = new WeakSet<object>();
  readonly #refusing: Gauge | undefined;
  readonly #refusedTotal: Counter<'reason'> | undefined;

  constructor(private readonly o: StorageHealthOptions) {
    if (o.registry) {
      this.#refusing = new Gauge({
        name: 'baken_storage_refusing',
        help: "1 while the server's disk refuses writes (full, read-only, failing); see /readyz",
        registers: [o.registry],
      });
      this.#refusedTotal = new Counter({
        name: 'baken_storage_writes_refused_total',
        help: 'Store writes the disk refused, by reason (full, read_only, io_error); nothing of them was stored',
        labelNames: ['reason'],
        registers: [o.registry],
      });
    }
  }

  /** The current spell of trouble, or null while the disk takes writes. */
  get trouble(): StorageTrouble | null {
    return this.#trouble;
  }

  /**
   * Reports a failed store call: returns why the disk refused it, or null when `err` is something
   * else (then nothing changes).
   */
  refused(err: unknown): StorageRefusal | null {
    const reason = storageRefusal(err);
    if (!reason) return null;
    // one failure seen by two layers (the storage wrapper, then the HTTP error handler) counts once
    if (this.#seen(err)) return reason;
    const now = this.o.clock.now();
    const message = err instanceof Error ? err.message : String(err);
    const t = this.#trouble;
    const fresh = t === null || t.reason !== reason;
    this.#trouble = {
      reason,
      code: REFUSAL_CODE[reason],
      since: fresh ? now : t.since,
      lastRefusedAt: now,
      refused: fresh ? 1 : t.refused + 1,
      error: message,
    };
    this.#refusedTotal?.inc({ reason });
    this.#refusing?.set(1);
    if (fresh || now - this.#remindedAt >= STORAGE_REMIND_MS) {
      this.#remindedAt = now;
      const tr = this.#trouble;
      this.o.log.error(
        {
          code: tr.code,
          reason,
          since: new Date(tr.since).toISOString(),
          refused: tr.refused,
          error: message,
        },
        `${tr.code}: ${REFUSAL_TEXT[reason]}; writes fail and nothing new is stored (home units keep unacknowledged events and resend them; the dashboard answers 507 to changes). ${REFUSAL_ACTION[reason]} The server resumes by itself once writes succeed.`,
      );
    }
    return reason;
  }

  /** Whether `err` or an error it wraps was reported before; remembers them all. */
  #seen(err: unknown): boolean {
    const chain: object[] = [];
    for (
      let e: unknown = err;
      e && typeof e === 'object' && chain.length < 4;
      e = (e as { cause?: unknown }).cause
    )
      chain.push(e);
    if (chain.some((e) => this.#reported.has(e))) return true;
    for (const e of chain) this.#reported.add(e);
    return false;
  }

  /** Reports a write that committed: ends the spell once the refusals have stopped long enough. */
  wrote(): void {
    const t = this.#trouble;
    if (!t) return;
    const now = this.o.clock.now();
    if (now - t.lastRefusedAt < STORAGE_CLEAR_AFTER_MS) return;
    this.#trouble = null;
    this.#refusing?.set(0);
    this.o.log.warn(
      { code: t.code, reason: t.reason, since: new Date(t.since).toISOString(), refused: t.refused },
      `the server's disk takes writes again after ${Math.round((now - t.since) / 1000)} s (${REFUSAL_TEXT[t.reason]}; ${t.refused} writes were refused, nothing of them stored; home units resend their unacknowledged events)`,
    );
  }

  /** For `/readyz`: ok, or what is wrong and since when. */
  check(): { ok: boolean; detail?: string } {
    const t = this.#trouble;
    if (!t) return { ok: true };
    return {
      ok: false,
      detail: `${t.code}: ${REFUSAL_TEXT[t.reason]} since ${new Date(t.since).toISOString()} (${t.refused} writes refused, last ${new Date(t.lastRefusedAt).toISOString()}). ${REFUSAL_ACTION[t.reason]}`,
    };
  }
}
