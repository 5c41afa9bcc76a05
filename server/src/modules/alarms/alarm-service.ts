import type { EventEnvelope } from '@baken/protocols';
import type { Clock } from '../../clock.js';
import { BakenError, conflict, notFound } from '../../errors.js';
import type { StoreHandle } from '../../store/storage.js';
import type { AlarmEventBody, DomainEvent, DomainEventBus } from '../ingest/domain-events.js';
import { type EventProcessor, emitAfterCommit, type TurnProcessor } from '../ingest/event-processors.js';
import type { AlarmRow, AlarmState, AlarmStore, NewAlarm } from './alarm-store.js';
import { alarmStoreOn, cancelPoliciesOn } from './alarm-store-on.js';

const UNVERIFIED_NOTE =
  'Cancel from a pendant that cannot be authenticated (it may be forged): confirm with the client first.';
const REFUSED_NOTE = "Cancel from a pendant that cannot be authenticated was refused by this home's policy.";

export type AlarmAction = 'ack' | 'assign' | 'on-site' | 'close' | 'confirm-cancel';

/** States each action may start from (new → acknowledged → assigned → on_site → closed). */
const ALLOWED_FROM: Record<AlarmAction, readonly AlarmState[]> = {
  ack: ['new'],
  assign: ['new', 'acknowledged', 'assigned'],
  'on-site': ['acknowledged', 'assigned'],
  close: ['new', 'acknowledged', 'assigned', 'on_site'],
  'confirm-cancel': ['new', 'acknowledged', 'assigned', 'on_site'],
};

/**
 * Whether a pendant event was proved by a key the home unit holds [MQTT-MAP §4.1.2]; an older
 * gateway that does not say is treated as unauthenticated.
 */
const authenticated = (e: EventEnvelope): boolean =>
  (e.data as { authenticated?: unknown }).authenticated === true;

const body = (a: AlarmRow): AlarmEventBody => ({
  alarmId: a.id,
  homeId: a.homeId,
  gatewayId: a.gatewayId,
  deviceId: a.deviceId,
  kind: a.kind,
  state: a.state,
  assignedUserId: a.assignedUserId,
  at: a.closedAt ?? a.onSiteAt ?? a.assignedAt ?? a.acknowledgedAt ?? a.createdAt,
});

/**
 * The alarm inbox: pendant `alarm`/`fall` events become alarms inside the ingest turn's transaction
 * (deduplicated by event id), a pendant `cancel` is recorded on the open alarm — an unauthenticated
 * one only as an unverified cancel that staff confirm, or not at all, by the home's policy
 * (`cancel-policy.ts`) — and a key-safe `door_opened`/`code_accepted` at the home of an assigned
 * alarm marks it on site. Trial events (sent during the installation check) do none of this.
 */
export class AlarmService {
  /**
   * `store` is on the deployment's shared handle: staff actions and the follow-up chain's steps,
   * each in its own transaction. The processor builds its stores on the ingest turn's.
   */
  constructor(
    readonly store: AlarmStore,
    private readonly clock: Clock,
    private readonly bus: DomainEventBus,
  ) {}

  /**
   * The ingest processor: runs inside the ingest turn's transaction on its stores (`ctx.tx`, so
   * the alarms commit with their events and before the gateway's ack) and emits after the commit.
   * Once per turn: the turn's alarms are opened together (one statement), each cancel and key-safe
   * opening after the alarms before it in the turn.
   */
  readonly turnProcessor: TurnProcessor = async (events, { tx, storedAt }) => {
    // emitted after the commit, declared so the clustered live stream writes them in the turn
    const emits: DomainEvent[] = [];
    let raise: NewAlarm[] = [];
    const open = async () => {
      if (raise.length === 0) return;
      for (const a of await alarmStoreOn(tx).createMany(raise))
        emits.push({ type: 'alarm.created', body: body(a) });
      raise = [];
    };
    for (const { event: e, homeId } of events) {
      // [MQTT-MAP §4.1.1] an installation-check trial is stored and acknowledged by ingest, and shown
      // as a trial on the home's timeline; it never raises, cancels or moves an alarm.
      if (e.trial === true) continue;
      if (e.deviceKind === 'pendant' && (e.kind === 'alarm' || e.kind === 'fall')) {
        raise.push({
          eventId: e.id,
          gatewayId: e.gatewayId,
          homeId,
          deviceId: e.deviceId,
          kind: e.kind,
          // The home unit's receive time, never later than our own.
          raisedAt: Math.min(e.receivedAt, storedAt),
          createdAt: storedAt,
          authenticated: authenticated(e),
        });
      } else if ((e.deviceKind === 'pendant' && e.kind === 'cancel') || isKeysafeOpening(e)) {
        await open();
        await this.apply(e, tx, homeId, storedAt, emits);
      }
    }
    await open();
    return emitAfterCommit(this.bus, emits);
  };

  /** {@link turnProcessor} for one event (tests, a turn of one). */
  readonly processor: EventProcessor = (event, { homeId, ...ctx }) =>
    this.turnProcessor([{ event, homeId }], ctx);

  /** A pendant cancel or a key-safe opening, on the turn's stores; what it emits goes on `emits`. */
  private async apply(
    e: EventEnvelope,
    tx: StoreHandle,
    homeId: string | null,
    storedAt: number,
    emits: DomainEvent[],
  ): Promise<void> {
    if (e.deviceKind === 'pendant' && e.kind === 'cancel') {
      const store = alarmStoreOn(tx);
      const open = await store.latestOpenOfDevice(e.gatewayId, e.deviceId);
      if (open && open.cancelledAt === null) {
        const t = {
          fromState: open.state,
          toState: open.state,
          at: storedAt,
          byUserId: null,
          source: 'pendant' as const,
        };
        if (authenticated(e)) {
          const a = await store.update(
            open.id,
            { cancelledAt: storedAt, cancelEventId: e.id },
            { ...t, action: 'cancel', note: null },
          );
          emits.push({ type: 'alarm.updated', body: { ...body(a), action: 'cancel', byUserId: null } });
        } else if ((await cancelPoliciesOn(tx).unverifiedCancel(homeId)) === 'confirm') {
          if (open.unverifiedCancelAt === null) {
            const a = await store.update(
              open.id,
              { unverifiedCancelAt: storedAt, cancelEventId: e.id },
              { ...t, action: 'unverified-cancel', note: UNVERIFIED_NOTE },
            );
            emits.push({
              type: 'alarm.updated',
              body: { ...body(a), action: 'unverified-cancel', byUserId: null },
            });
          }
        } else {
          await store.update(open.id, {}, { ...t, action: 'cancel-refused', note: REFUSED_NOTE });
        }
      }
    } else if (isKeysafeOpening(e) && homeId !== null) {
      // On site when the key safe opened (the home unit's receive time, never later than ours): an
      // opening delivered late, after a connection gap, does not make the response look slower.
      const at = Math.min(e.receivedAt, storedAt);
      const store = alarmStoreOn(tx);
      for (const open of await store.assignedOfHome(homeId)) {
        const a = await store.update(
          open.id,
          { state: 'on_site', onSiteAt: at, onSiteSource: 'keysafe' },
          {
            fromState: open.state,
            toState: 'on_site',
            action: 'on-site',
            at,
            byUserId: null,
            source: 'keysafe',
            note: e.kind,
          },
        );
        emits.push({ type: 'alarm.updated', body: { ...body(a), action: 'on-site', byUserId: null } });
      }
    }
  }

  /**
   * A step of the home's follow-up chain on the alarm's timeline (followup/README.md): a note, or
   * the chain assigning the alarm to a team or to the person who accepted it. Recorded as a
   * `system` transition, or as the accepting person's. Undefined when the alarm is closed or
   * unknown (the chain then stops). An assignment leaves an alarm already on site on site.
   */
  async chainStep(
    id: string,
    step: {
      action: string;
      note: string;
      byUserId?: string | null;
      assign?: { teamId: string | null; userId: string | null };
    },
  ): Promise<AlarmRow | undefined> {
    const now = this.clock.now();
    const a = await this.store.transaction(async (tx) => {
      const cur = await tx.lock(id);
      if (!cur || cur.state === 'closed') return undefined;
      const byUserId = step.byUserId ?? null;
      const t = {
        fromState: cur.state,
        at: now,
        byUserId,
        source: byUserId ? ('user' as const) : ('system' as const),
        note: step.note,
        action: step.action,
      };
      if (!step.assign) return tx.update(id, {}, { ...t, toState: cur.state });
      const state = cur.state === 'on_site' ? 'on_site' : 'assigned';
      return tx.update(
        id,
        { state, assignedAt: now, assignedTeamId: step.assign.teamId, assignedUserId: step.assign.userId },
        { ...t, toState: state },
      );
    });
    if (a)
      this.bus.emit('alarm.updated', { ...body(a), action: step.action, byUserId: step.byUserId ?? null });
    return a;
  }

  /**
   * Applies a staff action; 404 for an unknown alarm, 409 when the state does not allow it — also
   * for the second of two people acting at once, who sees the first one's change (the alarm is
   * locked while the action is decided).
   */
  async act(
    id: string,
    action: AlarmAction,
    userId: string,
    opts: { note?: string; teamId?: string; userId?: string } = {},
  ): Promise<AlarmRow> {
    const now = this.clock.now();
    const a = await this.store.transaction(async (tx) => {
      const cur = await tx.lock(id);
      if (!cur) throw notFound('Alarm');
      if (!ALLOWED_FROM[action].includes(cur.state))
        throw conflict(`The alarm is ${cur.state.replace('_', ' ')}; "${action}" is not possible now.`);
      const t = {
        fromState: cur.state,
        at: now,
        byUserId: userId,
        source: 'user' as const,
        note: opts.note ?? null,
        action,
      };
      switch (action) {
        case 'ack':
          return tx.update(
            id,
            { state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: userId },
            { ...t, toState: 'acknowledged' },
          );
        case 'assign': {
          if (opts.teamId === undefined && opts.userId === undefined)
            throw new BakenError(
              'BAKEN_ERR_VALIDATION',
              400,
              'Assign to a team (teamId) and/or a care worker (userId).',
            );
          if (opts.userId !== undefined && !(await tx.userExists(opts.userId))) throw notFound('User');
          return tx.update(
            id,
            {
              state: 'assigned',
              assignedAt: now,
              assignedTeamId: opts.teamId ?? null,
              assignedUserId: opts.userId ?? null,
              ...(cur.acknowledgedAt === null ? { acknowledgedAt: now, acknowledgedBy: userId } : {}),
            },
            { ...t, toState: 'assigned' },
          );
        }
        case 'on-site':
          return tx.update(
            id,
            { state: 'on_site', onSiteAt: now, onSiteSource: 'manual' },
            { ...t, toState: 'on_site' },
          );
        case 'confirm-cancel':
          if (cur.unverifiedCancelAt === null || cur.cancelledAt !== null)
            throw conflict('This alarm has no unverified cancel to confirm.');
          return tx.update(id, { cancelledAt: now, cancelConfirmedBy: userId }, { ...t, toState: cur.state });
        case 'close':
          return tx.update(
            id,
            { state: 'closed', closedAt: now, closedBy: userId, closeNote: opts.note ?? null },
            { ...t, toState: 'closed' },
          );
      }
    });
    this.bus.emit('alarm.updated', { ...body(a), action, byUserId: userId });
    return a;
  }
}

const isKeysafeOpening = (e: EventEnvelope): boolean =>
  e.deviceKind === 'keysafe' && (e.kind === 'door_opened' || e.kind === 'code_accepted');
