import { randomBytes } from 'node:crypto';
import { type LoggedEvent, StreamLog } from '../modules/health/stream-log.js';
import type { DomainEvent } from '../modules/ingest/domain-events.js';
import type { StoreHandle } from '../store/storage.js';

export type { LoggedEvent } from '../modules/health/stream-log.js';

/**
 * The events every dashboard's live stream shows, from every instance (`GET /api/v1/stream`). An
 * instance appends what its own domain bus emitted (the bus holds events until their commit, so
 * nothing rolled back is appended); every instance's subscribers receive every appended event, each
 * with an id a reconnecting dashboard sends back (`Last-Event-ID`) to get what it missed — from
 * whichever instance it reconnects to.
 *
 * Bindings: {@link LocalLiveFeed} (one process; the embedded default) and `PgLiveFeed`.
 */
/** Internal gateway traffic the live stream never shows (`ingest.*`, `command.*`). */
const INTERNAL = /^(ingest\.|command\.)/;

/** Whether `e` goes on the live stream at all (who may see it is the stream route's business). */
export const streamed = (e: DomainEvent): boolean => !INTERNAL.test(e.type);

export interface LiveFeed {
  /** An event this instance's bus emitted (after its commit); one already written by {@link writeIn} is skipped. */
  append(event: DomainEvent): void;
  /**
   * Writes `events` (those {@link streamed}) inside the transaction `tx` that stores what they
   * report, so they are on the stream exactly when it commits; the bus emitting them afterwards
   * appends nothing again. Only bindings whose feed is in the same database as the turn have it.
   */
  writeIn?(tx: StoreHandle, events: readonly DomainEvent[]): Promise<void>;
  /** Every event appended from now on, on any instance, in the order this instance learns of them. */
  subscribe(fn: (e: LoggedEvent) => void): () => void;
  /** The events after `lastId`, oldest first; `'gap'` when some are no longer known (reload in full). */
  since(lastId: string): Promise<LoggedEvent[] | 'gap'>;
}

/**
 * One process: the last 2,000 events in memory ({@link StreamLog}), delivered to subscribers at
 * once. Ids are `<boot>-<seq>`, so an id from before a restart answers `'gap'`.
 */
export class LocalLiveFeed implements LiveFeed {
  readonly #log: StreamLog;
  readonly #subscribers = new Set<(e: LoggedEvent) => void>();

  constructor(boot = randomBytes(4).toString('hex')) {
    this.#log = new StreamLog(boot);
  }

  append(event: DomainEvent): void {
    const logged = this.#log.append(event);
    for (const fn of [...this.#subscribers]) fn(logged);
  }

  subscribe(fn: (e: LoggedEvent) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  async since(lastId: string): Promise<LoggedEvent[] | 'gap'> {
    return this.#log.since(lastId);
  }
}
