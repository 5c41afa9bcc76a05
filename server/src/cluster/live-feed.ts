import { randomBytes } from 'node:crypto';
import { type LoggedEvent, StreamLog } from '../modules/health/stream-log.js';
import type { DomainEvent } from '../modules/ingest/domain-events.js';

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
export interface LiveFeed {
  append(event: DomainEvent): void;
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
