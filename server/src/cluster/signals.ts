import type { Clock } from '../clock.js';
import type { PgHandle } from '../store/pg/pg-database.js';
import { type ChannelListener, PgNotifier, pgNotify } from '../store/pg/pg-notifier.js';

export type { ChannelListener } from '../store/pg/pg-notifier.js';

/**
 * Signals between the instances of a deployment (store README, "Signals between instances"):
 * `notify(channel, id)` reaches every listener of `channel` on every instance, this one included.
 *
 * - Payloads are ids (under 8000 bytes), never rows: the listener reads what the id names.
 * - Send after the change the id names is committed (or inside its transaction where the binding
 *   has one), so a listener never reads a change that is not there.
 * - Nothing is kept for a listener that is away: after a lost connection `onResync` tells it to
 *   re-read what may have changed meanwhile.
 *
 * Bindings: {@link LocalSignals} (one process; the embedded default) and {@link PgSignals}
 * (PostgreSQL `LISTEN`/`NOTIFY`).
 */
export interface Signals {
  notify(channel: string, payload: string): Promise<void>;
  /** Listens on `channel`; resolves, once listening, with a function that stops it. */
  listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** One process: a signal is delivered to this process's listeners, at once (never lost, never a resync). */
export class LocalSignals implements Signals {
  readonly #listeners = new Map<string, Set<ChannelListener>>();

  async notify(channel: string, payload: string): Promise<void> {
    this.deliver(channel, payload);
  }

  /** Delivers synchronously (what {@link notify} does before its promise settles). */
  deliver(channel: string, payload: string): void {
    for (const l of [...(this.#listeners.get(channel) ?? [])]) l.onMessage(payload);
  }

  async listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
    };
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/**
 * PostgreSQL: `NOTIFY` through the pool (or {@link notifyIn} inside the transaction storing the
 * change, delivered at its commit), one listening connection per instance ({@link PgNotifier}).
 * The URL is a secret and is never logged.
 */
export class PgSignals implements Signals {
  readonly notifier: PgNotifier;

  constructor(
    private readonly db: PgHandle,
    url: string,
    clock: Clock,
    opts: { retryMs?: number; onError?: (err: unknown) => void } = {},
  ) {
    this.notifier = new PgNotifier(url, clock, opts);
  }

  notify(channel: string, payload: string): Promise<void> {
    return pgNotify(this.db.sql, channel, payload);
  }

  /** Inside a transaction: delivered only if and when `tx` commits. */
  notifyIn(tx: PgHandle, channel: string, payload: string): Promise<void> {
    return pgNotify(tx.sql, channel, payload);
  }

  listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    return this.notifier.listen(channel, listener);
  }

  start(): Promise<void> {
    return this.notifier.start();
  }

  stop(): Promise<void> {
    return this.notifier.stop();
  }
}
