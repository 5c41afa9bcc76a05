import type { Clock } from '../clock.js';
import type { DomainEvent } from '../modules/ingest/domain-events.js';
import type { Lease } from '../store/lease.js';
import type { PgHandle } from '../store/pg/pg-database.js';
import type { StoreHandle } from '../store/storage.js';
import { type LiveFeed, type LoggedEvent, streamed } from './live-feed.js';
import { PeriodicJob } from './periodic-job.js';
import type { Signals } from './signals.js';

/** The channel carrying the id of each appended live event. */
export const LIVE_CHANNEL = 'live_events';
/** At most this many events are replayed to a reconnecting dashboard; further back it reloads. */
export const LIVE_REPLAY_LIMIT = 2_000;
/** Live events are kept this long (a dashboard away longer reloads in full). */
export const LIVE_KEEP_MS = 15 * 60_000;
/** Ids remembered as delivered, so a notification and a resync read never deliver one twice. */
const DELIVERED_MEMORY = 10_000;

interface Row {
  id: number;
  type: string;
  body: string;
}

const toLogged = (r: Row): LoggedEvent => ({
  id: String(r.id),
  event: { type: r.type, body: JSON.parse(r.body) } as DomainEvent,
});

/**
 * The live feed of a clustered deployment, in PostgreSQL table `live_events`: an instance inserts
 * each event and notifies its id in the same statement (so the notification goes out at the
 * insert's commit); every instance listens, reads the notified rows (ids only travel, never rows)
 * and hands them to its subscribers. Ids are the table's, shared by all instances, so a dashboard
 * resumes after its `Last-Event-ID` on any instance. After the listening connection was lost,
 * `onResync` reads every row after the highest id this instance delivered.
 *
 * What an ingest turn publishes is written by {@link writeIn} inside the turn's own transaction,
 * before it commits: the events are on the stream exactly when the change they report is stored,
 * also when the instance dies right after its commit. The bus delivers them after the commit as
 * usual, and {@link append} skips them (known by their body objects, in a `WeakSet`).
 *
 * Other appends (what a request or the sweep emits after its own commit) of one instance are
 * written one after another, in the order its bus emitted them. An append that fails (database
 * unreachable) is reported and not retried: the dashboards miss it live and see it at their next
 * reload. Rows older than {@link LIVE_KEEP_MS} are deleted by one instance at a time (lease
 * `live.prune`).
 */
export class PgLiveFeed implements LiveFeed {
  readonly #subscribers = new Set<(e: LoggedEvent) => void>();
  readonly #delivered = new Set<number>();
  /** Bodies of events written in a turn's transaction: their emit after the commit appends nothing. */
  readonly #written = new WeakSet<object>();
  #maxDelivered = 0;
  #appending: Promise<void> = Promise.resolve();
  #pending: number[] = [];
  #reading: Promise<void> | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  readonly #prune: PeriodicJob;

  constructor(
    private readonly db: PgHandle,
    private readonly signals: Signals,
    private readonly clock: Clock,
    pruneLease: Lease,
    holder: string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.#prune = new PeriodicJob(pruneLease, holder, clock, {
      name: 'live.prune',
      intervalMs: 60_000,
      run: async (now) => {
        await this.db.sql.query('DELETE FROM live_events WHERE at < $1', [now - LIVE_KEEP_MS]);
      },
      onError: (e) => onError(e),
    });
  }

  /** Listens for other instances' events (and this one's), and starts pruning. */
  async start(): Promise<void> {
    const top = await this.db.sql.query<{ id: number | null }>('SELECT max(id) AS id FROM live_events');
    this.#maxDelivered = Number(top.rows[0]?.id ?? 0);
    this.#unlisten = await this.signals.listen(LIVE_CHANNEL, {
      onMessage: (payload) => {
        const id = Number(payload);
        if (Number.isSafeInteger(id)) this.#read([id]);
      },
      onResync: () => this.#read('after'),
    });
    this.#prune.start();
  }

  async stop(): Promise<void> {
    await this.#prune.stop();
    await this.#unlisten?.();
    await this.#appending;
    await this.#reading;
  }

  async writeIn(tx: StoreHandle, events: readonly DomainEvent[]): Promise<void> {
    if (tx.kind !== 'postgres') return;
    const mine = events.filter(streamed);
    if (mine.length === 0) return;
    await tx.pg.sql.query(
      `WITH e AS (
         INSERT INTO live_events (type, body, at)
         SELECT t, b, $3::bigint FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(t, b, n) ORDER BY n
         RETURNING id)
       SELECT pg_notify('${LIVE_CHANNEL}', id::text) FROM e`,
      [mine.map((e) => e.type), mine.map((e) => JSON.stringify(e.body)), this.clock.now()],
    );
    for (const e of mine) this.#written.add(e.body);
  }

  append(event: DomainEvent): void {
    if (this.#written.has(event.body)) return;
    const body = JSON.stringify(event.body);
    const at = this.clock.now();
    this.#appending = this.#appending
      .then(() =>
        this.db.sql.query(
          `WITH e AS (INSERT INTO live_events (type, body, at) VALUES ($1, $2, $3) RETURNING id)
           SELECT pg_notify('${LIVE_CHANNEL}', id::text) FROM e`,
          [event.type, body, at],
        ),
      )
      .then(
        () => undefined,
        (e: unknown) => this.onError(e),
      );
  }

  /** Settles once every append made so far is written (tests). */
  async flushed(): Promise<void> {
    await this.#appending;
  }

  subscribe(fn: (e: LoggedEvent) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  async since(lastId: string): Promise<LoggedEvent[] | 'gap'> {
    if (!/^\d{1,15}$/.test(lastId.trim())) return 'gap';
    const after = Number(lastId.trim());
    const b = await this.db.sql.query<{ oldest: number | null; top: number | null }>(
      'SELECT min(id) AS oldest, max(id) AS top FROM live_events',
    );
    const { oldest, top } = b.rows[0] ?? { oldest: null, top: null };
    // nothing kept, pruned past it, or an id this database never gave out: the dashboard reloads
    if (oldest === null || top === null || after < Number(oldest) - 1 || after > Number(top)) return 'gap';
    const r = await this.db.sql.query<Row>(
      `SELECT id, type, body FROM live_events WHERE id > $1 ORDER BY id LIMIT ${LIVE_REPLAY_LIMIT + 1}`,
      [after],
    );
    if (r.rows.length > LIVE_REPLAY_LIMIT) return 'gap';
    return r.rows.map(toLogged);
  }

  /** Reads the notified ids (batched while a read is in flight), or every row after the last delivered. */
  #read(what: number[] | 'after'): void {
    if (what === 'after') this.#pending.push(-1);
    else this.#pending.push(...what);
    this.#reading ??= this.#drain().finally(() => {
      this.#reading = undefined;
      if (this.#pending.length > 0) this.#read([]);
    });
  }

  async #drain(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    try {
      const r = batch.includes(-1)
        ? await this.db.sql.query<Row>('SELECT id, type, body FROM live_events WHERE id > $1 ORDER BY id', [
            this.#maxDelivered,
          ])
        : await this.db.sql.query<Row>(
            'SELECT id, type, body FROM live_events WHERE id = ANY($1) ORDER BY id',
            [batch],
          );
      for (const row of r.rows) this.#deliver(row);
    } catch (e) {
      this.onError(e);
    }
  }

  #deliver(row: Row): void {
    const id = Number(row.id);
    if (this.#delivered.has(id)) return;
    this.#delivered.add(id);
    if (this.#delivered.size > DELIVERED_MEMORY) {
      const oldest = this.#delivered.values().next().value;
      if (oldest !== undefined) this.#delivered.delete(oldest);
    }
    if (id > this.#maxDelivered) this.#maxDelivered = id;
    const logged = toLogged(row);
    for (const fn of [...this.#subscribers]) fn(logged);
  }
}
