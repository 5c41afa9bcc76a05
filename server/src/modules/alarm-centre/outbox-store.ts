import type { ContentFormat } from './out-account-store.js';

/** `pending` until the centre's ACK (`delivered`) or its DUH (`refused`: it will not take it). */
export type DeliveryState = 'pending' | 'delivered' | 'refused';

/** One message for the alarm centre, persisted from the moment its cause is committed. */
export interface OutboxEntry {
  id: number;
  accountId: string;
  homeId: string;
  /** What caused it, unique per account (`event:<id>`, `incident:<id>:opened`): enqueueing is idempotent. */
  sourceKey: string;
  eventId: string | null;
  /** Baken's name for it (`pendant/alarm`, `gateway/offline`). */
  kind: string;
  /** The DC-09 sequence number, fixed at enqueue: a re-send after a restart repeats it. */
  seq: number;
  content: ContentFormat;
  /** The message data inside `[…]`, from the codec's event mapping. */
  data: string;
  state: DeliveryState;
  attempts: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  receiverId: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export type NewOutboxEntry = Pick<
  OutboxEntry,
  'accountId' | 'homeId' | 'sourceKey' | 'eventId' | 'kind' | 'seq' | 'content' | 'data' | 'createdAt'
>;

/**
 * The persisted outbound queue (`dc09_outbox`), as the sender, the routes and the metrics use it.
 * Bindings: SQLite (`sqlite-outbox.ts`) and PostgreSQL (`pg-outbox.ts`), built by `outboxOn`; the
 * contract is `testing/outbox-contract.ts`.
 */
export interface OutboxStore {
  /** The message queued for this cause, if any. */
  bySource(accountId: string, sourceKey: string): Promise<OutboxEntry | undefined>;
  /** The kind of the home's latest message among `kinds` (any account), or null when none was queued. */
  latestKind(homeId: string, kinds: readonly string[]): Promise<string | null>;
  /** Queues a message unless one with its source key exists for the account: its id, or null. */
  add(e: NewOutboxEntry): Promise<number | null>;
  /** The oldest pending message of the account: the centre gets them in order. */
  nextPending(accountId: string): Promise<OutboxEntry | undefined>;
  get(id: number): Promise<OutboxEntry | undefined>;
  attempted(id: number, at: number, error: string | null, receiverId: string): Promise<void>;
  /**
   * The centre answered: `delivered` on ACK, `refused` on DUH. Only a pending entry moves (one
   * conditional statement); true when this call moved it.
   */
  settle(
    id: number,
    state: 'delivered' | 'refused',
    at: number,
    receiverId: string,
    note: string | null,
  ): Promise<boolean>;
  /** The latest messages of a home, newest first. */
  ofHome(homeId: string, limit: number): Promise<OutboxEntry[]>;
  /** The messages caused by these events, in queue order (the alarm cards' delivery state). */
  ofEvents(eventIds: readonly string[]): Promise<OutboxEntry[]>;
  pendingOf(accountId: string): Promise<number>;
  countPending(): Promise<number>;
}
