import { type StoreHandle, transactionOn } from '../../store/storage.js';
import type { DomainEventBus, DomainEventMap, LinkState } from '../ingest/domain-events.js';
import type { StateMessage, TurnContext } from '../ingest/event-processors.js';
import { readIncidents, readWarnings } from './batch-reads.js';
import type { BudgetStatus } from './budget.js';
import { BudgetAlerts } from './budget-alerts.js';
import { DueQueue } from './due-queue.js';
import { HealthMemo, memoIncidents, memoWarnings } from './health-memo.js';
import type { HealthPolicy } from './health-policy.js';
import type { DueStore, HealthStores } from './health-stores.js';
import { healthStoresOn } from './health-stores-on.js';
import type { Incident, IncidentSubject } from './incident-store.js';
import { linkState, nextLinkChangeAt, type Observation } from './link-state.js';
import { PlatformUptime } from './platform-uptime.js';
import {
  askedWarnings,
  byGateway,
  type LinkMessage,
  rounds,
  roundWrites,
  type StorageCheck,
} from './state-round.js';
import { byCodePoint, type DeviceRow, type DeviceTouch, type GatewayRow } from './state-store.js';
import { WarningRules } from './warning-rules.js';
import type { WarningKind } from './warning-store.js';

const HISTORY_PRUNE_EVERY_MS = 3600_000;
/** Gateways one sweep evaluates at most from the database's schedule (the rest next time). */
const SWEEP_BATCH = 5_000;

/** `device_state` subjects are named `{gatewayId}/{deviceId}` in incidents. */
export const deviceSubject = (gatewayId: string, deviceId: string): string => `${gatewayId}/${deviceId}`;

export interface HealthServiceOptions {
  /**
   * Several instances write the same tables (PostgreSQL): nothing is known from memory — no memo of
   * open incidents and warnings, the sweep's schedule in the database — and a unit's state does
   * not depend on this instance's start (an external broker keeps units connected across it).
   */
  shared?: boolean;
  /** Builds the stores on a handle (default `healthStoresOn`); tests count reads through it. */
  storesOn?: (h: StoreHandle, policy: HealthPolicy) => HealthStores;
}

/**
 * Keeps current state, opens and closes incidents, raises warnings and budget alerts. Heartbeats
 * and availability messages are applied inside the ingest turn's transaction on the stores built
 * on its handle ({@link onHeartbeat}, {@link onAvailability}); the sweep ({@link sweep}, under the
 * `health.sweep` lease) and the API use the shared handle. Every state change is emitted on the
 * domain bus (held until the turn commits).
 */
export class HealthService {
  /** The stores on the shared handle (routes, the sweep). */
  readonly stores: HealthStores;
  readonly platform: PlatformUptime;
  private readonly rules: WarningRules;
  private readonly budgetAlerts: BudgetAlerts;
  private readonly lastState = new Map<string, LinkState>();
  /** What is known unchanged without reading it again (see {@link HealthMemo}); off when shared. */
  readonly memo: HealthMemo;
  /** The stores of the current ingest turn, built once per turn on its handle. */
  private turnStores: { turn: number; stores: HealthStores } | null = null;
  private prunedAt = Number.NEGATIVE_INFINITY;
  /**
   * Embedded (SQLite): each gateway by when time alone next changes its state or its devices'
   * (stale, offline), or an offline one's next history bucket: the sweep evaluates only those due,
   * not the fleet (docs/scaling.md §4). Filled by one pass over every gateway ({@link evaluateAll}:
   * at the start of a run, and again after a rolled-back turn), then kept by each evaluation.
   * Shared (PostgreSQL): the same schedule is kept in the database (`DueStore`), written in the
   * transaction of the evaluation that computed it, so the lease holder sees every instance's.
   */
  private readonly due = new DueQueue();
  private dueComplete = false;
  /** Gateways the last sweep evaluated (for tests and capacity figures). */
  lastSweepEvaluated = 0;
  /**
   * This server run: when it started and since when the platform was down before it. With the
   * embedded broker every unit was disconnected meanwhile, so a unit counts as online only once it
   * is heard in this run (its reconnect), never on a last-seen time from before the restart.
   */
  private run: { startedAt: number; downSince: number | null } | null = null;
  /** The memo's "no open warning of this kind" ({@link WarningRules.changesNothing}); false when off. */
  private readonly knownClosed = (gatewayId: string, deviceId: string, kind: WarningKind): boolean =>
    this.memo.knowsNoWarningOf(gatewayId, deviceId, kind);
  /** Events committed whose after-commit work has not started yet (see {@link onEvent}). */
  private heard: Array<DomainEventMap['ingest.event']> = [];
  /** The after-commit work in order (events' warning rules and evaluations); see {@link idle}. */
  private tail: Promise<void> = Promise.resolve();
  /** The sweep in progress (or the last one). */
  private sweeping: Promise<void> = Promise.resolve();
  private readonly shared: boolean;
  private readonly storesOn: (h: StoreHandle, policy: HealthPolicy) => HealthStores;

  constructor(
    readonly handle: StoreHandle,
    private readonly bus: DomainEventBus,
    readonly policy: HealthPolicy,
    opts: HealthServiceOptions = {},
    private readonly onError: (err: unknown, what: string) => void = () => undefined,
  ) {
    this.shared = opts.shared ?? handle.kind === 'postgres';
    this.storesOn = opts.storesOn ?? healthStoresOn;
    this.memo = new HealthMemo(undefined, !this.shared);
    this.stores = this.bind(handle);
    // shared: every instance's run counts; one alive within 3 of its seconds of life is up
    this.platform = new PlatformUptime(
      this.stores.platformRuns,
      this.stores.incidents,
      this.shared ? 3 * policy.platformAliveMs : null,
    );
    this.rules = new WarningRules(bus, policy.warnings);
    this.budgetAlerts = new BudgetAlerts(this.stores, bus, policy);
    bus.onRollback(() => this.forget());
  }

  get states() {
    return this.stores.states;
  }
  get incidents() {
    return this.stores.incidents;
  }
  get warnings() {
    return this.stores.warnings;
  }
  get alerts() {
    return this.stores.alerts;
  }

  /** The health stores on `h`, answering from the memo where it knows. */
  private bind(h: StoreHandle): HealthStores {
    const s = this.storesOn(h, this.policy);
    return {
      ...s,
      incidents: memoIncidents(s.incidents, this.memo),
      warnings: memoWarnings(s.warnings, this.memo),
    };
  }

  /** The stores of the ingest turn `ctx` (built at its first message). */
  private inTurn(ctx: Pick<TurnContext, 'tx' | 'turn'>): HealthStores {
    if (this.turnStores?.turn !== ctx.turn) this.turnStores = { turn: ctx.turn, stores: this.bind(ctx.tx) };
    return this.turnStores.stores;
  }

  /** Drops what the memo and the turn's touches hold (a rolled-back turn, or rows changed elsewhere). */
  forget(): void {
    this.memo.clear();
    this.turnStores = null;
    // a rolled-back turn may have scheduled from last-seen times that did not commit
    this.dueComplete = false;
  }

  /** Resolves when the after-commit work started so far is done (tests, a clean stop). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Resolves when the after-commit work and the sweep in progress, if any, are done (tests). */
  async settled(): Promise<void> {
    await this.tail;
    await this.sweeping.catch(() => undefined);
  }

  /** Runs `work` after the after-commit work before it; failures are reported, never thrown. */
  private later(what: string, work: () => Promise<void>): void {
    this.tail = this.tail.then(work).catch((err: unknown) => this.onError(err, what));
  }

  /**
   * Starts this server run (records the platform gap before it; see {@link run}) and evaluates every
   * gateway once, before home units are let in, so the sweeps of a reconnect storm only look at
   * what falls due.
   */
  async startRun(now: number): Promise<void> {
    const gap = await this.platform.start(now);
    this.run = this.shared ? null : { startedAt: now, downSince: gap?.startedAt ?? null };
    await this.evaluateAll(this.stores, now);
  }

  /** Evaluates every gateway and its devices (two queries for the whole fleet); refills the schedule. */
  private async evaluateAll(s: HealthStores, now: number): Promise<void> {
    const devices = byGateway(await s.states.devices());
    this.due.clear();
    const gateways = await s.states.gateways();
    for (const g of gateways)
      await this.evaluateGateway(s, g.gatewayId, now, g, devices.get(g.gatewayId) ?? []);
    this.dueComplete = true;
    this.lastSweepEvaluated = gateways.length;
  }

  /**
   * A turn's heartbeats and availability messages (`app.ingest.onStates`), inside its transaction
   * on its handle: in rounds in which each gateway has one message at most (a turn is one round
   * unless a unit sent two, e.g. its `offline` then its `online`, which are applied in that order),
   * each round written with one statement per table and its gateways evaluated together.
   */
  async onStates(states: readonly StateMessage[], ctx: Pick<TurnContext, 'tx' | 'turn'>): Promise<void> {
    for (const round of rounds(states)) await this.applyRound(round, ctx);
  }

  /** A heartbeat, inside the ingest turn: {@link onStates} of that one message. */
  onHeartbeat(m: DomainEventMap['ingest.heartbeat'], ctx: Pick<TurnContext, 'tx' | 'turn'>): Promise<void> {
    return this.onStates([{ kind: 'heartbeat', body: m }], ctx);
  }

  /** An availability message, inside the ingest turn: {@link onStates} of that one message. */
  onAvailability(
    m: DomainEventMap['ingest.availability'],
    ctx: Pick<TurnContext, 'tx' | 'turn'>,
  ): Promise<void> {
    return this.onStates([{ kind: 'availability', body: m }], ctx);
  }

  private async applyRound(
    round: readonly LinkMessage[],
    ctx: Pick<TurnContext, 'tx' | 'turn'>,
  ): Promise<void> {
    const s = this.inTurn(ctx);
    const ids = round.map((m) => m.body.gatewayId);
    // each gateway's devices before the round: link histories the memo does not hold, and the evaluation's
    const before = byGateway(await s.states.devicesIn(ids));
    const { heartbeats, availability, devices, checks } = roundWrites(
      round,
      before,
      (gatewayId, deviceId) => this.memo.link(gatewayId, deviceId),
      this.policy.warnings.flapWindowMs,
    );
    const after = byGateway(await s.states.recordStates({ heartbeats, availability, devices }));
    const rows = new Map<string, DeviceRow[]>();
    for (const id of ids) {
      const written = after.get(id) ?? [];
      for (const d of written) this.memo.setLink(id, d.deviceId, d);
      const fresh = new Set(written.map((d) => d.deviceId));
      const all = [...(before.get(id) ?? []).filter((d) => !fresh.has(d.deviceId)), ...written];
      rows.set(
        id,
        byCodePoint(all, (d) => d.deviceId),
      );
    }
    // the open warnings the rules ask about, in one read for the round: where the memo does not know
    const list = askedWarnings(heartbeats).filter(
      (d) => !this.memo.knowsNoWarning(d.gatewayId, d.deviceId, d.kinds),
    );
    let warnings = s.warnings;
    if (list.length > 0) {
      const open = await s.warnings.openOfDevices(list);
      this.memo.learnWarnings(list, open);
      warnings = readWarnings(s.warnings, list, open);
    }
    for (const { gatewayId, hb, at } of heartbeats) {
      const reported = new Set(hb.devices.map((d) => d.deviceId));
      const devs = (after.get(gatewayId) ?? []).filter((d) => reported.has(d.deviceId));
      await this.rules.onHeartbeat(warnings, gatewayId, hb, devs, at);
    }
    const at = new Map(round.map((m) => [m.body.gatewayId, m.body.at]));
    await this.evaluateGateways({ ...s, warnings }, at, { devices: rows, storage: checks });
  }

  /**
   * [MQTT-MAP §4.3.1] A degraded outbox disk opens a `storage` incident on the home (not downtime:
   * the unit still delivers, from memory) from when the unit says it began; `ok` closes it.
   */
  private async evaluateStorage(
    s: HealthStores,
    gatewayId: string,
    homeId: string | null,
    hb: DomainEventMap['ingest.heartbeat']['heartbeat'],
    at: number,
  ): Promise<void> {
    const storage = hb.storage;
    // the unit's `since` on the server's clock: shifted by how far the unit's clock is off
    const since = storage === undefined ? at : Math.min(at, storage.since + (at - hb.sentAt));
    const open = await s.incidents.openFor('storage', gatewayId);
    const degraded = storage !== undefined && storage.state !== 'ok';
    if (degraded && !open) {
      const { incident, opened } = await s.incidents.open(
        {
          subjectKind: 'storage',
          subjectId: gatewayId,
          gatewayId,
          homeId,
          cause: 'storage_degraded',
          startedAt: since,
        },
        at,
      );
      if (opened) this.bus.emit('incident.opened', incident);
    } else if (!degraded && open) {
      const closed = await s.incidents.close(open.incidentId, since);
      if (closed) this.bus.emit('incident.closed', closed);
    }
  }

  /**
   * A turn's events are proof of life for their devices and gateways: written inside the ingest
   * transaction (a turn processor on `ctx.tx`), so they commit with the events rather than as a
   * commit of their own, in one statement for the whole turn (its events share `storedAt`): each
   * gateway and device once.
   */
  async touchFromEvents(
    events: readonly { event: DomainEventMap['ingest.event']['event'] }[],
    ctx: Pick<TurnContext, 'tx' | 'turn' | 'storedAt'>,
  ): Promise<void> {
    const gateways: string[] = [];
    const devices: DeviceTouch[] = [];
    for (const { event: e } of events) {
      if (e.deviceKind === 'gateway') gateways.push(e.gatewayId);
      else devices.push({ gatewayId: e.gatewayId, deviceId: e.deviceId, kind: e.deviceKind });
    }
    await this.inTurn(ctx).states.touchAll(gateways, devices, ctx.storedAt);
  }

  /**
   * After the commit: warning rules and the gateway's state (see {@link touchFromEvents}), in order
   * on the shared handle. The events heard until that work starts are handled together
   * ({@link onEvents}): a turn's events, or more while earlier work is still running.
   */
  onEvent(m: DomainEventMap['ingest.event']): void {
    this.heard.push(m);
    if (this.heard.length === 1) this.later('event', () => this.onEvents());
  }

  /**
   * The events heard so far, together: each event's warning rules in order, then each gateway
   * heard once, at the latest time it was heard. A gateway and device last evaluated online stay
   * online when heard again, so they are not evaluated again: only time (the sweep's business) or a
   * heartbeat or availability message (which evaluate anyway) can change them. Where the memo is off
   * (PostgreSQL) what the rules and the evaluations would read one subject at a time is read for
   * the batch in one query per table.
   */
  private async onEvents(): Promise<void> {
    const batch = this.heard;
    this.heard = [];
    let s = this.stores;
    if (!this.memo.enabled) {
      const devices = new Map<string, { gatewayId: string; deviceId: string }>();
      for (const { event: e } of batch)
        devices.set(`${e.gatewayId}\u0000${e.deviceId}`, { gatewayId: e.gatewayId, deviceId: e.deviceId });
      const list = [...devices.values()];
      s = { ...s, warnings: readWarnings(s.warnings, list, await s.warnings.openOfDevices(list)) };
    }
    const due = new Map<string, number>();
    for (const { event, storedAt } of batch) {
      // no promise for an event whose warnings the memo knows unchanged (most of a busy fleet's)
      if (!this.rules.changesNothing(event, this.knownClosed))
        await this.rules.onEvent(s.warnings, event, storedAt);
      if (this.memo.isOnline(event.gatewayId, event.deviceKind === 'gateway' ? null : event.deviceId))
        continue;
      due.set(event.gatewayId, Math.max(due.get(event.gatewayId) ?? storedAt, storedAt));
    }
    if (due.size > 0) await this.evaluateGateways(s, due);
  }

  /**
   * Evaluates each gateway of `at` at its time: the gateways read in one query, their devices in one
   * (or as `known` gives them), and where the memo is off their open incidents in one query and the
   * schedule written in one statement. `known.storage`: heartbeats whose outbox disk is evaluated
   * first ({@link evaluateStorage}), their `storage` incidents read in that same query.
   */
  private async evaluateGateways(
    s: HealthStores,
    at: ReadonlyMap<string, number>,
    known?: { devices: ReadonlyMap<string, DeviceRow[]>; storage: readonly StorageCheck[] },
  ): Promise<void> {
    const ids = [...at.keys()];
    const rows = new Map((await s.states.gatewaysIn(ids)).map((g) => [g.gatewayId, g]));
    const devices = known?.devices ?? byGateway(await s.states.devicesIn(ids));
    const storage = known?.storage ?? [];
    // their open incidents in one read: where the memo does not know (all of them where it is off)
    const subjects: IncidentSubject[] = storage.map((c) => ({ kind: 'storage', subjectId: c.gatewayId }));
    for (const id of ids) {
      subjects.push({ kind: 'gateway', subjectId: id });
      for (const d of devices.get(id) ?? [])
        subjects.push({ kind: 'device', subjectId: deviceSubject(id, d.deviceId) });
    }
    const unknown = subjects.filter((x) => !this.memo.knowsNoIncident(x.kind, x.subjectId));
    let es = s;
    if (unknown.length > 0) {
      const open = await s.incidents.openForAll(unknown);
      this.memo.learnIncidents(unknown, open);
      es = { ...es, incidents: readIncidents(s.incidents, unknown, open) };
    }
    const schedule = new Map<string, number>();
    const inner = s.due;
    if (inner) {
      // the evaluations' schedule, written together after them
      const due: DueStore = {
        schedule: async (gatewayId, when) => void schedule.set(gatewayId, when),
        due: (now, limit) => inner.due(now, limit),
        scheduleAll: (all) => inner.scheduleAll(all),
      };
      es = { ...es, due };
    }
    for (const c of storage) await this.evaluateStorage(es, c.gatewayId, c.homeId, c.hb, c.at);
    for (const id of ids)
      await this.evaluateGateway(es, id, at.get(id) as number, rows.get(id) ?? null, devices.get(id) ?? []);
    if (schedule.size > 0) await s.due?.scheduleAll(schedule);
  }

  /**
   * The periodic pass: silence → incidents, budgets → alerts, platform liveness, quiet warnings.
   * The gateways' evaluations run in one transaction (what they emit is held until it commits), so
   * an ingest turn never lands between an evaluation's read and its incident.
   */
  sweep(now: number): Promise<void> {
    const run = this.sweepAt(now);
    this.sweeping = run;
    return run;
  }

  private async sweepAt(now: number): Promise<void> {
    await this.idle();
    await this.bus.holdDuring(() =>
      transactionOn(this.handle, (tx) => this.sweepGateways(this.bind(tx), now)),
    );
    const s = this.stores;
    await this.budgetAlerts.evaluate(now);
    await this.rules.sweep(s.warnings, now);
    await this.alive(now);
    if (now - this.prunedAt >= HISTORY_PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await s.states.pruneBuckets(now - this.policy.budget.yearMs - HISTORY_PRUNE_EVERY_MS);
    }
  }

  /** The sweep's evaluations: what falls due (from the database's schedule, or this instance's). */
  private async sweepGateways(s: HealthStores, now: number): Promise<void> {
    if (s.due) {
      // what every instance ingested: the schedule is in the database
      const ids = await s.due.due(now, SWEEP_BATCH);
      const [gateways, devices] = await Promise.all([s.states.gatewaysIn(ids), s.states.devicesIn(ids)]);
      const rows = new Map(gateways.map((g) => [g.gatewayId, g]));
      const byGw = byGateway(devices);
      for (const id of ids) await this.evaluateGateway(s, id, now, rows.get(id) ?? null, byGw.get(id) ?? []);
      this.lastSweepEvaluated = ids.length;
    } else if (!this.dueComplete) await this.evaluateAll(s, now);
    else {
      // only what time alone has changed since it was last evaluated (docs/scaling.md §4)
      const due = this.due.takeDue(now);
      for (const id of due) await this.evaluateGateway(s, id, now);
      this.lastSweepEvaluated = due.length;
    }
  }

  /** The platform is alive at `now` (run every `platformAliveMs`, so a crash is dated to the second). */
  alive(now: number): Promise<void> {
    return this.platform.alive(now);
  }

  private gatewayObservation(g: GatewayRow): Observation {
    return {
      lastSeenAt: g.lastSeenAt,
      intervalS: g.intervalS ?? this.policy.defaultIntervalS,
      declaredOffline: g.availability === 'offline',
    };
  }

  private deviceObservation(g: GatewayRow, d: DeviceRow): Observation {
    return {
      lastSeenAt: d.lastSeenAt,
      intervalS: g.intervalS ?? this.policy.defaultIntervalS,
      declaredOffline: d.link === 'down',
    };
  }

  gatewayState(g: GatewayRow, now: number): LinkState {
    const state = linkState(this.gatewayObservation(g), now, this.policy);
    // not heard since this server run started: reconnecting, not online (see `run`)
    if (state === 'online' && !this.heardThisRun(g)) return 'stale';
    return state;
  }

  private heardThisRun(g: GatewayRow): boolean {
    return this.run === null || (g.lastSeenAt !== null && g.lastSeenAt >= this.run.startedAt);
  }

  /**
   * When a gateway went away [downtime to the second, API.md]: the broker's disconnect (the
   * last will, received at once when the socket drops), else the deadline of the first missed
   * heartbeat; for a unit last heard before this server run, no later than when the platform went
   * down (the embedded broker took its connection with it). Never the last message received, which
   * overstates downtime by up to an interval.
   */
  disconnectedAt(g: GatewayRow, now: number): number {
    if (g.availability === 'offline' && g.availabilityAt !== null) return Math.min(g.availabilityAt, now);
    if (g.lastSeenAt === null) return g.availabilityAt ?? now;
    const intervalMs = (g.intervalS ?? this.policy.defaultIntervalS) * 1000;
    let at = Math.min(g.lastSeenAt + intervalMs, now);
    const run = this.run;
    if (run !== null && g.lastSeenAt < run.startedAt && run.downSince !== null)
      at = Math.min(at, Math.max(run.downSince, g.lastSeenAt));
    return at;
  }

  deviceState(g: GatewayRow, d: DeviceRow, now: number): LinkState {
    return linkState(this.deviceObservation(g, d), now, this.policy);
  }

  budget(scope: string, now: number): Promise<BudgetStatus> {
    return this.budgetAlerts.status(scope, now);
  }

  /** Every scope's budget at `now` from one read of the year's incidents. */
  budgets(now: number): Promise<(scope: string) => BudgetStatus> {
    return this.budgetAlerts.statuses(now);
  }

  /**
   * Evaluates one gateway and its devices at `now` on the stores `s`: opens and closes incidents,
   * emits state changes, and schedules when time alone next changes it. `row` null: known absent.
   */
  async evaluateGateway(
    s: HealthStores,
    gatewayId: string,
    now: number,
    row?: GatewayRow | null,
    devices?: DeviceRow[],
  ): Promise<void> {
    const g = row === undefined ? await s.states.gateway(gatewayId) : row;
    if (!g) {
      this.memo.setOnline(gatewayId, gatewayId, false);
      await this.schedule(s, gatewayId, Number.POSITIVE_INFINITY);
      return;
    }
    const state = this.gatewayState(g, now);
    await this.transition(s, 'gateway', gatewayId, g, state, g.lastSeenAt, now, g.availability === 'offline');
    this.memo.setOnline(gatewayId, gatewayId, state === 'online');
    let next = nextLinkChangeAt(this.gatewayObservation(g), now, this.policy);
    if (state === 'offline') {
      await s.states.markOffline(gatewayId, now);
      // an offline gateway marks each history bucket it spends offline
      const bucket = this.policy.bucketMs;
      next = Math.min(next, (Math.floor(now / bucket) + 1) * bucket);
    }
    for (const d of devices ?? (await s.states.devices(gatewayId))) {
      next = Math.min(next, nextLinkChangeAt(this.deviceObservation(g, d), now, this.policy));
      const ds = this.deviceState(g, d, now);
      this.memo.setOnline(gatewayId, d.deviceId, ds === 'online');
      // While the gateway is down its devices cannot be observed: the gateway incident covers them.
      if (ds === 'offline' && state !== 'online' && state !== 'stale') continue;
      await this.transition(
        s,
        'device',
        deviceSubject(gatewayId, d.deviceId),
        g,
        ds,
        d.lastSeenAt,
        now,
        d.link === 'down',
        d,
      );
    }
    await this.schedule(s, gatewayId, next);
  }

  private async schedule(s: HealthStores, gatewayId: string, at: number): Promise<void> {
    if (s.due) await s.due.schedule(gatewayId, at);
    else this.due.schedule(gatewayId, at);
  }

  private async transition(
    s: HealthStores,
    kind: 'gateway' | 'device',
    subjectId: string,
    g: GatewayRow,
    state: LinkState,
    lastSeenAt: number | null,
    now: number,
    declared: boolean,
    device?: DeviceRow,
  ): Promise<void> {
    const open = await s.incidents.openFor(kind, subjectId);
    if (state === 'offline' && !open) {
      const { incident, opened } = await s.incidents.open(
        {
          subjectKind: kind,
          subjectId,
          gatewayId: g.gatewayId,
          homeId: g.homeId,
          cause: declared ? 'offline' : 'silence',
          // Downtime counts from the disconnect (gateways) or the last time seen (devices), not from
          // detection.
          startedAt:
            kind === 'gateway' ? this.disconnectedAt(g, now) : (lastSeenAt ?? g.availabilityAt ?? now),
        },
        now,
      );
      if (opened) this.bus.emit('incident.opened', incident);
    } else if ((state === 'online' || state === 'stale') && open) {
      const closed = await s.incidents.close(open.incidentId, lastSeenAt ?? now);
      await s.alerts.clearIncident(open.incidentId, now);
      if (closed) this.bus.emit('incident.closed', closed);
    }
    const key = `${kind}:${subjectId}`;
    if (this.lastState.get(key) !== state) {
      this.lastState.set(key, state);
      this.bus.emit('device.updated', {
        subjectKind: kind,
        gatewayId: g.gatewayId,
        deviceId: device?.deviceId ?? g.gatewayId,
        homeId: g.homeId,
        state,
        at: now,
      });
    }
  }
}

export type { Incident };
