import type { Db } from '../../store/database.js';
import type { EventProcessor, IncidentEventBody } from '../ingest/index.js';
import { outboundData } from './content.js';
import type { OutAccounts } from './sqlite-out-accounts.js';
import type { Outbox } from './sqlite-outbox.js';

/**
 * Puts what the alarm centre must hear into the persisted outbound queue [docs/alarm-centre.md §Out].
 * Events are queued inside the ingest transaction, so an event is never stored without its message;
 * a home unit going offline or coming back is queued when health commits the incident. Both are
 * idempotent by their source (`event:<id>`, `incident:<id>:opened|closed`).
 */
export class Enqueuer {
  constructor(
    private readonly db: Db,
    private readonly accounts: OutAccounts,
    private readonly outbox: Outbox,
    /** Told after the commit, to send at once. */
    private readonly kick: (accountId: string) => void,
  ) {}

  /** Queues one message; returns the account to kick, or null when nothing was queued. */
  private add(
    homeId: string,
    sourceKey: string,
    eventId: string | null,
    kind: string,
    now: number,
  ): string | null {
    const a = this.accounts.byHome(homeId);
    if (!a) return null;
    const data = outboundData(kind, a.content, a.account);
    if (data === null || this.outbox.has(a.id, sourceKey)) return null;
    this.outbox.add({
      accountId: a.id,
      homeId,
      sourceKey,
      eventId,
      kind,
      seq: this.accounts.takeSeq(a.id),
      content: a.content,
      data,
      createdAt: now,
    });
    return a.id;
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
