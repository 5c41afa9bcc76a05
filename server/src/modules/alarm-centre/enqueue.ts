import type { Storage, StoreHandle } from '../../store/storage.js';
import type { EventProcessor, IncidentEventBody, TurnProcessor } from '../ingest/index.js';
import { outboundData } from './content.js';
import type { OutAccount } from './out-account-store.js';
import type { OutboxEntry } from './outbox-store.js';
import type { SecretBox } from './secret-box.js';
import { outAccountsOn, outboxOn } from './stores-on.js';

/** Pendant events that start an alarm: a home whose follow-up chain asks people first holds them back. */
const ALARM_KINDS = ['pendant/alarm', 'pendant/fall'];
const CANCEL_KIND = 'pendant/cancel';

/** What became of an alarm handed to the alarm centre by its home's follow-up chain. */
export type HandOver =
  | { state: 'queued'; entry: OutboxEntry }
  | { state: 'no_account' }
  | { state: 'not_forwarded' };

export interface EnqueuerDeps {
  /** Where the hand-over and incident paths run their own transaction (after the ingest turn's commit). */
  storage: Storage;
  /** The account stores are built with it (the enqueuer itself never opens a key). */
  box: SecretBox;
  /** Told after the commit, to send at once. */
  kick: (accountId: string) => void;
  /**
   * True when the home's follow-up chain asks people before the alarm centre, read on `tx`: its
   * alarms go to the centre only when the chain hands them over ({@link Enqueuer.handOver})
   * [followup/README.md].
   */
  heldByChain?: (tx: StoreHandle, homeId: string) => Promise<boolean>;
}

/**
 * Puts what the alarm centre must hear into the persisted outbound queue [docs/alarm-centre.md §Out].
 * Events are queued inside the ingest turn, on its transaction, so an event is never stored without
 * its message; a home unit going offline or coming back is queued when health commits the incident.
 * Both are idempotent by their source (`event:<id>`, `incident:<id>:opened|closed`), and a message's
 * sequence number is taken in the transaction that queues it.
 */
export class Enqueuer {
  constructor(private readonly d: EnqueuerDeps) {}

  private on(tx: StoreHandle) {
    return { accounts: outAccountsOn(tx, this.d.box), outbox: outboxOn(tx) };
  }

  /** Queues one message on `tx`; returns the account to kick, or null when nothing was queued. */
  private async add(
    tx: StoreHandle,
    homeId: string,
    sourceKey: string,
    eventId: string | null,
    kind: string,
    now: number,
  ): Promise<string | null> {
    const a = await this.on(tx).accounts.byHome(homeId);
    return a ? this.addFor(tx, a, homeId, sourceKey, eventId, kind, now) : null;
  }

  /** {@link add} for the home's account `a`, already read. */
  private async addFor(
    tx: StoreHandle,
    a: OutAccount,
    homeId: string,
    sourceKey: string,
    eventId: string | null,
    kind: string,
    now: number,
  ): Promise<string | null> {
    const { outbox } = this.on(tx);
    const data = outboundData(kind, a.content, a.account);
    if (data === null || (await outbox.bySource(a.id, sourceKey)) !== undefined) return null;
    if (eventId !== null && (await this.held(tx, homeId, kind))) return null;
    const id = await this.queue(tx, a, homeId, sourceKey, eventId, kind, data, now);
    return id === null ? null : a.id;
  }

  /** Takes the account's next sequence number and queues the message with it, in `tx`. */
  private async queue(
    tx: StoreHandle,
    a: OutAccount,
    homeId: string,
    sourceKey: string,
    eventId: string | null,
    kind: string,
    data: string,
    now: number,
  ): Promise<number | null> {
    const { accounts, outbox } = this.on(tx);
    const seq = await accounts.takeSeq(a.id);
    if (seq === null) return null;
    return outbox.add({
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
  }

  /**
   * Whether ingest keeps this event from the centre: an alarm while the chain asks people first; a
   * cancel when the centre never got the alarm it cancels (the last alarm message it got was a cancel).
   */
  private async held(tx: StoreHandle, homeId: string, kind: string): Promise<boolean> {
    if (!ALARM_KINDS.includes(kind) && kind !== CANCEL_KIND) return false;
    if (!(await this.d.heldByChain?.(tx, homeId))) return false;
    if (ALARM_KINDS.includes(kind)) return true;
    const last = await this.on(tx).outbox.latestKind(homeId, [...ALARM_KINDS, CANCEL_KIND]);
    return last === null || !ALARM_KINDS.includes(last);
  }

  /**
   * The follow-up chain reached its alarm-centre step: the alarm (its pendant event) is queued for
   * the home's centre now, unless it already was (a chain that starts at the centre: ingest queued
   * it), and after it a cancel the client pressed meanwhile that staff have not confirmed (held back
   * by ingest; the centre decides, as it would have at once without the chain). Idempotent by event.
   * One transaction of its own.
   */
  async handOver(
    a: { homeId: string; eventId: string; kind: 'alarm' | 'fall'; cancelEventId: string | null },
    now: number,
  ): Promise<HandOver> {
    const out = await this.d.storage.transaction(async (tx): Promise<HandOver> => {
      const { accounts, outbox } = this.on(tx);
      const account = await accounts.byHome(a.homeId);
      if (!account) return { state: 'no_account' };
      const queue = async (eventId: string, kind: string): Promise<OutboxEntry | null> => {
        const sourceKey = `event:${eventId}`;
        const had = await outbox.bySource(account.id, sourceKey);
        if (had) return had;
        const data = outboundData(kind, account.content, account.account);
        if (data === null) return null;
        const id = await this.queue(tx, account, a.homeId, sourceKey, eventId, kind, data, now);
        return id === null ? null : ((await outbox.get(id)) ?? null);
      };
      const entry = await queue(a.eventId, `pendant/${a.kind}`);
      if (entry !== null && a.cancelEventId !== null) await queue(a.cancelEventId, CANCEL_KIND);
      return entry === null ? { state: 'not_forwarded' } : { state: 'queued', entry };
    });
    if (out.state === 'queued') this.d.kick(out.entry.accountId);
    return out;
  }

  /**
   * The ingest processor: runs inside the turn, on its transaction (`ctx.tx`), once for the turn's
   * new events: their homes' accounts in one read, then each event of a home with an account in
   * order; kicks the sender after the commit.
   */
  readonly turnProcessor: TurnProcessor = async (events, { storedAt, tx }) => {
    // [MQTT-MAP §4.1.1] a trial from the installation check never reaches the centre
    const homes = new Set<string>();
    for (const { event, homeId } of events) if (event.trial !== true && homeId !== null) homes.add(homeId);
    if (homes.size === 0) return undefined;
    const accounts = await this.on(tx).accounts.byHomes([...homes]);
    if (accounts.size === 0) return undefined;
    const kicks = new Set<string>();
    for (const { event: e, homeId } of events) {
      const a = e.trial === true || homeId === null ? undefined : accounts.get(homeId);
      if (!a || homeId === null) continue;
      const id = await this.addFor(
        tx,
        a,
        homeId,
        `event:${e.id}`,
        e.id,
        `${e.deviceKind}/${e.kind}`,
        storedAt,
      );
      if (id !== null) kicks.add(id);
    }
    if (kicks.size === 0) return undefined;
    return () => {
      for (const id of kicks) this.d.kick(id);
    };
  };

  /** {@link turnProcessor} for one event (tests, a turn of one). */
  readonly processor: EventProcessor = (event, { homeId, ...ctx }) =>
    this.turnProcessor([{ event, homeId }], ctx);

  /** A home unit's downtime incident opened (offline) or closed (restored): one transaction of its own. */
  async incident(i: IncidentEventBody, state: 'opened' | 'closed', now: number): Promise<void> {
    if (i.subjectKind !== 'gateway' || i.homeId === null) return;
    const homeId = i.homeId;
    const kind = state === 'opened' ? 'gateway/offline' : 'gateway/restored';
    const accountId = await this.d.storage.transaction((tx) =>
      this.add(tx, homeId, `incident:${i.incidentId}:${state}`, null, kind, now),
    );
    if (accountId !== null) this.d.kick(accountId);
  }
}
