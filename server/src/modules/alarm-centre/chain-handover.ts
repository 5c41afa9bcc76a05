import type { Clock } from '../../clock.js';
import type { AlarmCentreDeliveryBody, DomainEventBus } from '../ingest/domain-events.js';
import type { Enqueuer } from './enqueue.js';
import type { DeliveryNote } from './sender.js';

/** The follow-up chain's timeline action when it reaches its alarm-centre step [followup/README.md]. */
export const HANDED_TO_CENTRE = 'followup.centre';

const ALARM_KINDS = new Set(['pendant/alarm', 'pendant/fall']);

/** What the hand-over reads of the alarms module's store (its `AlarmStore` on the shared handle). */
export interface AlarmLookup {
  get(id: string): Promise<{ eventId: string; cancelEventId: string | null } | undefined>;
  /** The alarm an event raised. */
  idOfEvent(eventId: string): Promise<string | undefined>;
}

/**
 * The alarm-centre end of the follow-up chain [docs/alarm-centre.md §Follow-up chain]: when a chain
 * hands an alarm to the centre (its `followup.centre` step on the bus), the alarm is queued for the
 * home's centre over DC-09; what becomes of every alarm message (queued, ACK, DUH, a failed try,
 * a failover) goes out on the bus as `alarm-centre.delivery`, for the chain to record. The two
 * modules never call each other.
 */
export class ChainHandover {
  constructor(
    private readonly bus: DomainEventBus,
    private readonly alarms: AlarmLookup,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Listens for hand-overs; returns the function that stops listening. */
  listen(enqueuer: Enqueuer): () => void {
    return this.bus.on('alarm.updated', (u) => {
      if (u.action !== HANDED_TO_CENTRE || u.homeId === null) return;
      this.handOver(enqueuer, u.alarmId, u.homeId, u.kind).catch(this.onError);
    });
  }

  /** Queues the alarm for the home's centre and tells the chain what became of it. */
  private async handOver(enqueuer: Enqueuer, alarmId: string, homeId: string, kind: 'alarm' | 'fall') {
    const alarm = await this.alarms.get(alarmId);
    if (!alarm) return;
    const now = this.clock.now();
    const r = await enqueuer.handOver(
      { homeId, eventId: alarm.eventId, kind, cancelEventId: alarm.cancelEventId },
      now,
    );
    if (r.state === 'not_forwarded') return;
    const entry = r.state === 'queued' ? r.entry : null;
    this.bus.emit('alarm-centre.delivery', {
      alarmId,
      homeId,
      // an earlier try may already have settled it (a chain that starts at the centre)
      state:
        entry === null
          ? 'no_account'
          : entry.state === 'delivered'
            ? 'delivered'
            : entry.state === 'refused'
              ? 'refused'
              : 'queued',
      seq: entry?.seq ?? null,
      receiver: null,
      nextReceiver: null,
      error: null,
      attempts: entry?.attempts ?? 0,
      at: entry?.deliveredAt ?? now,
    });
  }

  /** For the sender: each try of an alarm's message, told on the bus. */
  readonly onDelivery = (d: DeliveryNote): void => {
    const e = d.entry;
    if (!ALARM_KINDS.has(e.kind) || e.eventId === null) return;
    const eventId = e.eventId;
    // told in the order the sender tried, whatever order the reads finish in
    this.told = this.told.then(() => this.delivered(d, eventId)).catch(this.onError);
  };
  private told: Promise<void> = Promise.resolve();

  private async delivered(d: DeliveryNote, eventId: string): Promise<void> {
    const e = d.entry;
    const alarmId = await this.alarms.idOfEvent(eventId);
    if (alarmId === undefined) return;
    const body: AlarmCentreDeliveryBody = {
      alarmId,
      homeId: e.homeId,
      state: d.state,
      seq: e.seq,
      receiver: d.receiver,
      nextReceiver: d.nextReceiver,
      error: d.error,
      attempts: e.attempts,
      at: d.at,
    };
    this.bus.emit('alarm-centre.delivery', body);
  }
}
