import pg from 'pg';
import type { Clock, TimerHandle } from '../../clock.js';
import type { Sql } from './pg-database.js';

/** A channel name: lower-case words joined by `_` or `.` (it is quoted as an SQL identifier). */
const CHANNEL = /^[a-z][a-z0-9_.]{0,62}$/;

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more: send ids, never rows. */
export const MAX_PAYLOAD_BYTES = 7999;

export interface ChannelListener {
  /** One notification's payload, in commit order. */
  onMessage(payload: string): void;
  /**
   * The listening connection was lost and is back: notifications sent meanwhile are gone, so
   * re-read what may have changed (e.g. a live stream re-reads from its last event id).
   */
  onResync?(): void;
}

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
}

/**
 * Sends `payload` on `channel` through `sql` — inside a transaction it is delivered only if and
 * when that transaction commits, so listeners never see a change that was rolled back.
 */
export async function pgNotify(sql: Sql, channel: string, payload: string): Promise<void> {
  checkChannel(channel);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
    throw new Error(`notification payload over ${MAX_PAYLOAD_BYTES} bytes on ${channel}`);
  await sql.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/**
 * Signals between server instances over PostgreSQL `LISTEN`/`NOTIFY` (store README, "Signals
 * between instances"): one dedicated connection per instance listens on every channel its
 * listeners asked for. When that connection breaks it reconnects after `retryMs` on the injected
 * clock, listens again and calls every `onResync`, since NOTIFY keeps nothing for an absent listener.
 * The URL is a secret: it is never logged, and errors passed to `onError` come from the driver.
 */
export class PgNotifier {
  readonly #listeners = new Map<string, Set<ChannelListener>>();
  #client: pg.Client | undefined;
  #retry: TimerHandle | undefined;
  #stopped = true;
  #connecting: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly clock: Clock,
    private readonly opts: { retryMs?: number; onError?: (err: unknown) => void } = {},
  ) {}

  /** Connects and listens; resolves once listening (rejects if the first connection fails). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect(false);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) this.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#connecting?.catch(() => undefined);
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
  }

  /** Whether the listening connection is up now. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Listens on `channel`; resolves, once PostgreSQL listens, with a function that stops it. */
  async listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    checkChannel(channel);
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
      await this.#client?.query(`LISTEN "${channel}"`);
    }
    set.add(listener);
    return async () => {
      const s = this.#listeners.get(channel);
      if (!s?.delete(listener) || s.size > 0) return;
      this.#listeners.delete(channel);
      await this.#client?.query(`UNLISTEN "${channel}"`).catch(() => undefined);
    };
  }

  #connect(resync: boolean): Promise<void> {
    this.#connecting ??= this.#open(resync).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(resync: boolean): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      application_name: 'baken-notifier',
    });
    client.on('notification', (n) => {
      for (const l of this.#listeners.get(n.channel) ?? []) l.onMessage(n.payload ?? '');
    });
    const lost = (err?: unknown): void => {
      if (this.#client !== client) return;
      this.#client = undefined;
      if (err !== undefined) this.opts.onError?.(err);
      client.end().catch(() => undefined);
      this.#scheduleRetry();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      for (const channel of this.#listeners.keys()) await client.query(`LISTEN "${channel}"`);
    } catch (e) {
      await client.end().catch(() => undefined);
      if (!resync) throw e;
      this.opts.onError?.(e);
      this.#scheduleRetry();
      return;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    if (resync) for (const set of this.#listeners.values()) for (const l of set) l.onResync?.();
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retry) return;
    this.#retry = this.clock.setTimeout(() => {
      this.#retry = undefined;
      if (!this.#stopped) void this.#connect(true);
    }, this.opts.retryMs ?? 1000);
  }
}
