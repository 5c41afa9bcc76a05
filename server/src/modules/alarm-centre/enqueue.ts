import type { Db } from '../../store/database.js';
import type { EventProcessor, IncidentEventBody } from '../ingest/index.js';
import { outboundData } from './content.js';
import type { SqliteOutAccounts } from './sqlite-out-accounts.js';
import type { OutboxEntry, SqliteOutbox } from './sqlite-outbox.js';

/** Pendant events that start an alarm: a home whose follow-up chain asks people first holds them back. */
const ALARM_KINDS = ['pendant/alarm', 'pendant/fall'];
const CANCEL_KIND = 'pendant/cancel';

/** What became of an alarm handed to the alarm centre by its home's follow-up chain. */
export type HandOver =
  | { state: 'queued'; entry: OutboxEntry }
  | { state: 'no_account' }
  | { state: 'not_forwarded' };

/**
 * Puts what the alarm centre must hear into the persisted outbound queue [docs/alarm-centre.md §Out].
 * Events are queued inside the ingest transaction, so an event is never stored without its message;
 * a home unit going offline or coming back is queued when health commits the incident. Both are
 * idempotent by their source (`event:<id>`, `incident:<id>:opened|closed`).
 */
export class Enqueuer {
  constructor(
    private readonly db: Db,
    /** The synchronous reads of the SQLite accounts: the processor runs inside the ingest turn. */
    private readonly accounts: Pick<SqliteOutAccounts, 'byHomeNow' | 'takeSeqNow'>,
    /** The synchronous path of the SQLite outbox: the processor runs inside the ingest turn. */
    private readonly outbox: Pick<
      SqliteOutbox,
      'hasNow' | 'bySourceNow' | 'latestKindNow' | 'addNow' | 'getNow'
    >,
    /** Told after the commit, to send at once. */
    private readonly kick: (accountId: string) => void,
    /**
     * True when the home's follow-up chain asks people before the alarm centre: its alarms go to the
     * centre only when the chain hands them over ({@link handOver}) [followup/README.md].
     */
    private readonly heldByChain: (homeId: string) => boolean = () => false,
  ) {}

  /** Queues one message; returns the account to kick, or null when nothing was queued. */
  private add(
    homeId: string,
    sourceKey: string,
    eventId: string | null,
    kind: string,
    now: number,
  ): string | null {
    const a = this.accounts.byHomeNow(homeId);
    if (!a) return null;
    const data = outboundData(kind, a.content, a.account);
    if (data === null || this.outbox.hasNow(a.id, sourceKey)) return null;
    if (eventId !== null && this.held(homeId, kind)) return null;
    const seq = this.accounts.takeSeqNow(a.id);
    if (seq === null) return null;
    this.outbox.addNow({
      accountId: a.id,
      homeId,
      sourceKey,
      eventId,
      kind,
      seq,
      content: a.content,
      data,
      createdAt: now,
    });
    return a.id;
  }

  /**
   * Whether ingest keeps this event from the centre: an alarm while the chain asks people first; a
   * cancel when the centre never got the alarm it cancels (the last alarm message it got was a cancel).
   */
  private held(homeId: string, kind: string): boolean {
    if (!ALARM_KINDS.includes(kind) && kind !== CANCEL_KIND) return false;
    if (!this.heldByChain(homeId)) return false;
    if (ALARM_KINDS.includes(kind)) return true;
    const last = this.outbox.latestKindNow(homeId, [...ALARM_KINDS, CANCEL_KIND]);
    return last === null || !ALARM_KINDS.includes(last);
  }

  /**
   * The follow-up chain reached its alarm-centre step: the alarm (its pendant event) is queued for
   * the home's centre now, unless it already was (a chain that starts at the centre: ingest queued
   * it), and after it a cancel the client pressed meanwhile that staff have not confirmed (held back
   * by ingest; the centre decides, as it would have at once without the chain). Idempotent by event.
   */
  handOver(
    a: { homeId: string; eventId: string; kind: 'alarm' | 'fall'; cancelEventId: string | null },
    now: number,
  ): HandOver {
    const account = this.accounts.byHomeNow(a.homeId);
    if (!account) return { state: 'no_account' };
    const queue = (eventId: string, kind: string): OutboxEntry | null => {
      const sourceKey = `event:${eventId}`;
      const had = this.outbox.bySourceNow(account.id, sourceKey);
      if (had) return had;
      const data = outboundData(kind, account.content, account.account);
      const seq = data === null ? null : this.accounts.takeSeqNow(account.id);
      if (data === null || seq === null) return null;
      const id = this.outbox.addNow({
        accountId: account.id,
        homeId: a.homeId,
        sourceKey,
        eventId,
        kind,
        seq,
        content: account.content,
        data,
        createdAt: now,
      });
      return id === null ? null : (this.outbox.getNow(id) ?? null);
    };
    const entry = this.db.transaction(() => {
      const e = queue(a.eventId, `pendant/${a.kind}`);
      if (e !== null && a.cancelEventId !== null) queue(a.cancelEventId, CANCEL_KIND);
      return e;
    })();
    if (entry === null) return { state: 'not_forwarded' };
    this.kick(account.id);
    return { state: 'queued', entry };
  }

  /** The ingest processor: runs inside the event's transaction, kicks the sender after the commit. */
  readonly processor: EventProcessor = (e, { homeId, storedAt }) => {
    // [MQTT-MAP §4.1.1] a trial from the installation check never reaches the centre
    if (e.trial === true || homeId === null) return undefined;
    const accountId = this.add(homeId, `event:${e.id}`, e.id, `${e.deviceKind}/${e.kind}`, storedAt);
    return accountId === null ? undefined : () => this.kick(accountId);
  };

  /** A home unit's downtime incident opened (offline) or closed (restored). */
  incident(i: IncidentEventBody, state: 'opened' | 'closed', now: number): void {
    if (i.subjectKind !== 'gateway' || i.homeId === null) return;
    const homeId = i.homeId;
    const kind = state === 'opened' ? 'gateway/offline' : 'gateway/restored';
    const accountId = this.db.transaction(() =>
      this.add(homeId, `incident:${i.incidentId}:${state}`, null, kind, now),
    )();
    if (accountId !== null) this.kick(accountId);
  }
}
