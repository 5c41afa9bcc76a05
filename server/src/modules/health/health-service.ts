import type { DomainEventBus, DomainEventMap, LinkState } from '../ingest/domain-events.js';
import { type BudgetStatus, budgetStatus } from './budget.js';
import { DueQueue } from './due-queue.js';
import { HealthMemo, memoIncidents, memoWarnings } from './health-memo.js';
import type { HealthPolicy } from './health-policy.js';
import type { BudgetAlertKind, BudgetAlertStore } from './legacy-sync/budget-alert-store.js';
import type { HealthStores } from './legacy-sync/health-stores.js';
import type { Incident, IncidentStore } from './legacy-sync/incident-store.js';
import type { DeviceRow, GatewayRow, StateStore } from './legacy-sync/state-store.js';
import type { WarningStore } from './legacy-sync/warning-store.js';
import { linkState, nextLinkChangeAt, type Observation } from './link-state.js';
import { PlatformUptime } from './platform-uptime.js';
import { WarningRules } from './warning-rules.js';

const HISTORY_PRUNE_EVERY_MS = 3600_000;

/** `device_state` subjects are named `{gatewayId}/{deviceId}` in incidents. */
export const deviceSubject = (gatewayId: string, deviceId: string): string => `${gatewayId}/${deviceId}`;

/**
 * Keeps current state, opens and closes incidents, raises warnings and budget alerts.
 * Driven by the ingest bus and by {@link sweep} on the injected clock; every state change is
 * emitted on the domain bus.
 */
export class HealthService {
  readonly states: StateStore;
  readonly incidents: IncidentStore;
  readonly warnings: WarningStore;
  readonly alerts: BudgetAlertStore;
  readonly platform: PlatformUptime;
  private readonly rules: WarningRules;
  private readonly lastState = new Map<string, LinkState>();
  /** What is known unchanged without reading it again (see {@link HealthMemo}). */
  readonly memo = new HealthMemo();
  /** The ingest turn whose last-seen writes {@link touched} holds (events of one turn share them). */
  private touchedTurn: unknown;
  private readonly touched = new Set<string>();
  private prunedAt = Number.NEGATIVE_INFINITY;
  /**
   * Each gateway by when time alone next changes its state or its devices' (stale, offline), or an
   * offline one's next history bucket: the sweep evaluates only those due, not the fleet
   * (docs/scaling.md §4). Filled by one pass over every gateway ({@link evaluateAll}: at the start
   * of a run, and again after a rolled-back turn), then kept by each evaluation.
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

  constructor(
    readonly stores: HealthStores,
    private readonly bus: DomainEventBus,
    readonly policy: HealthPolicy,
  ) {
    this.states = stores.states;
    this.incidents = memoIncidents(stores.incidents, this.memo);
    this.warnings = memoWarnings(stores.warnings, this.memo);
    this.alerts = stores.alerts;
    this.platform = new PlatformUptime(stores.platformRuns, this.incidents);
    this.rules = new WarningRules(this.warnings, bus, policy.warnings);
    bus.onRollback(() => this.forget());
  }

  /** Drops what the memo and the turn's touches hold (a rolled-back turn, or rows changed elsewhere). */
  forget(): void {
    this.memo.clear();
    this.touched.clear();
    this.touchedTurn = undefined;
    // a rolled-back turn may have scheduled from last-seen times that did not commit
    this.dueComplete = false;
  }

  /**
   * Starts this server run (records the platform gap before it; see {@link run}) and evaluates every
   * gateway once, before home units are let in, so the sweeps of a reconnect storm only look at
   * what falls due.
   */
  startRun(now: number): void {
    const gap = this.platform.start(now);
    this.run = { startedAt: now, downSince: gap?.startedAt ?? null };
    this.evaluateAll(now);
  }

  /** Evaluates every gateway and its devices (two queries for the whole fleet); refills {@link due}. */
  private evaluateAll(now: number): void {
    const devices = new Map<string, DeviceRow[]>();
    for (const d of this.states.devices()) {
      const list = devices.get(d.gatewayId) ?? [];
      list.push(d);
      devices.set(d.gatewayId, list);
    }
    this.due.clear();
    const gateways = this.states.gateways();
    for (const g of gateways) this.evaluateGateway(g.gatewayId, now, g, devices.get(g.gatewayId) ?? []);
    this.dueComplete = true;
    this.lastSweepEvaluated = gateways.length;
  }

  onHeartbeat({ heartbeat: hb, gatewayId, homeId, at }: DomainEventMap['ingest.heartbeat']): void {
    this.states.recordHeartbeat(gatewayId, hb, at);
    const devices: DeviceRow[] = [];
    for (const d of hb.devices) {
      // `up` means heard now; otherwise trust the reported last-seen but never a future one.
      const lastSeenAt = d.link === 'up' ? at : d.lastSeen === null ? null : Math.min(d.lastSeen, at);
      const { after } = this.states.recordDevice(
        gatewayId,
        {
          deviceId: d.deviceId,
          kind: d.kind,
          link: d.link,
          lastSeenAt,
          rssi: d.rssi,
          battery: d.battery,
          firmware: d.firmware ?? null,
        },
        at,
        this.policy.warnings.flapWindowMs,
        this.memo.link(gatewayId, d.deviceId),
      );
      this.memo.setLink(gatewayId, d.deviceId, after);
      devices.push(after);
    }
    this.rules.onHeartbeat(gatewayId, hb, devices, at);
    this.evaluateStorage(gatewayId, homeId, hb, at);
    this.evaluateGateway(gatewayId, at);
  }

  /**
   * [MQTT-MAP §4.3.1] A degraded outbox disk opens a `storage` incident on the home (not downtime:
   * the unit still delivers, from memory) from when the unit says it began; `ok` closes it.
   */
  private evaluateStorage(
    gatewayId: string,
    homeId: string | null,
    hb: DomainEventMap['ingest.heartbeat']['heartbeat'],
    at: number,
  ): void {
    const storage = hb.storage;
    // the unit's `since` on the server's clock: shifted by how far the unit's clock is off
    const since = storage === undefined ? at : Math.min(at, storage.since + (at - hb.sentAt));
    const open = this.incidents.openFor('storage', gatewayId);
    const degraded = storage !== undefined && storage.state !== 'ok';
    if (degraded && !open) {
      const inc = this.incidents.open(
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
      this.bus.emit('incident.opened', inc);
    } else if (!degraded && open) {
      this.bus.emit('incident.closed', this.incidents.close(open.incidentId, since));
    }
  }

  onAvailability({ availability, gatewayId, at }: DomainEventMap['ingest.availability']): void {
    // `offline` takes the server's receive time: the will carries `at: null` [MQTT-MAP §4.4].
    // `online` is seen at its connect time (never later than now), so a retained `online`
    // re-delivered when the server subscribes again is not mistaken for a fresh sign of life.
    const seenAt =
      availability.state === 'online' && availability.at !== null ? Math.min(availability.at, at) : at;
    this.states.recordAvailability(gatewayId, availability.state, seenAt);
    this.evaluateGateway(gatewayId, at);
  }

  /**
   * An event is proof of life for its device and gateway: written inside the ingest transaction
   * (an event processor), so it commits with the event rather than as a commit of its own. The
   * events of one turn share its `storedAt`, so with the turn's token (`turn`, any value that
   * differs between turns) each gateway and device is written once per turn, not once per event.
   */
  touchFromEvent(event: DomainEventMap['ingest.event']['event'], storedAt: number, turn?: unknown): void {
    if (turn === undefined || turn !== this.touchedTurn) {
      this.touched.clear();
      this.touchedTurn = turn;
    }
    const gw = event.gatewayId;
    const dev = event.deviceKind === 'gateway' ? null : event.deviceId;
    const k = dev === null ? gw : `${gw}\u0000${dev}`;
    if (turn !== undefined && this.touched.has(k)) return;
    if (dev === null) this.states.touchGateway(gw, storedAt);
    else this.states.touchDevice(gw, dev, event.deviceKind, storedAt);
    if (turn !== undefined) this.touched.add(k);
  }

  /**
   * After the commit: warning rules and the gateway's state (see {@link touchFromEvent}). A gateway
   * and device last evaluated online stay online when heard again, so they are not evaluated again
   * for each event: only time (the sweep's business) or a heartbeat or availability message (which
   * evaluate anyway) can change them.
   */
  onEvent({ event, storedAt }: DomainEventMap['ingest.event']): void {
    this.rules.onEvent(event, storedAt);
    if (this.memo.isOnline(event.gatewayId, event.deviceKind === 'gateway' ? null : event.deviceId)) return;
    this.evaluateGateway(event.gatewayId, storedAt);
  }

  /** The periodic pass: silence → incidents, budgets → alerts, platform liveness, quiet warnings. */
  sweep(now: number): void {
    if (!this.dueComplete) this.evaluateAll(now);
    else {
      // only what time alone has changed since it was last evaluated (docs/scaling.md §4)
      const due = this.due.takeDue(now);
      for (const id of due) this.evaluateGateway(id, now);
      this.lastSweepEvaluated = due.length;
    }
    this.evaluateBudgets(now);
    this.rules.sweep(now);
    this.alive(now);
    if (now - this.prunedAt >= HISTORY_PRUNE_EVERY_MS) {
      this.prunedAt = now;
      this.states.pruneBuckets(now - this.policy.budget.yearMs - HISTORY_PRUNE_EVERY_MS);
    }
  }

  /** The platform is alive at `now` (run every `platformAliveMs`, so a crash is dated to the second). */
  alive(now: number): void {
    this.platform.alive(now);
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

  budget(scope: string, now: number): BudgetStatus {
    const spans = this.incidents.spansByScope(now - this.policy.budget.yearMs, now).get(scope) ?? [];
    return budgetStatus(spans, now, this.policy.budget);
  }

  evaluateGateway(gatewayId: string, now: number, row?: GatewayRow, devices?: DeviceRow[]): void {
    const g = row ?? this.states.gateway(gatewayId);
    if (!g) {
      this.memo.setOnline(gatewayId, gatewayId, false);
      this.due.cancel(gatewayId);
      return;
    }
    const state = this.gatewayState(g, now);
    this.transition('gateway', gatewayId, g, state, g.lastSeenAt, now, g.availability === 'offline');
    this.memo.setOnline(gatewayId, gatewayId, state === 'online');
    let next = nextLinkChangeAt(this.gatewayObservation(g), now, this.policy);
    if (state === 'offline') {
      this.states.markOffline(gatewayId, now);
      // an offline gateway marks each history bucket it spends offline
      const bucket = this.policy.bucketMs;
      next = Math.min(next, (Math.floor(now / bucket) + 1) * bucket);
    }
    for (const d of devices ?? this.states.devices(gatewayId)) {
      next = Math.min(next, nextLinkChangeAt(this.deviceObservation(g, d), now, this.policy));
      const ds = this.deviceState(g, d, now);
      this.memo.setOnline(gatewayId, d.deviceId, ds === 'online');
      // While the gateway is down its devices cannot be observed: the gateway incident covers them.
      if (ds === 'offline' && state !== 'online' && state !== 'stale') continue;
      this.transition(
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
    this.due.schedule(gatewayId, next);
  }

  private transition(
    kind: 'gateway' | 'device',
    subjectId: string,
    g: GatewayRow,
    state: LinkState,
    lastSeenAt: number | null,
    now: number,
    declared: boolean,
    device?: DeviceRow,
  ): void {
    const open = this.incidents.openFor(kind, subjectId);
    if (state === 'offline' && !open) {
      const inc = this.incidents.open(
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
      this.bus.emit('incident.opened', inc);
    } else if ((state === 'online' || state === 'stale') && open) {
      const closed = this.incidents.close(open.incidentId, lastSeenAt ?? now);
      this.alerts.clearIncident(open.incidentId, now);
      this.bus.emit('incident.closed', closed);
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

  private evaluateBudgets(now: number): void {
    const p = this.policy.budget;
    const spans = this.incidents.spansByScope(now - p.yearMs, now);
    // Only a scope with an open burn or exhaustion alert has one to clear. After a restart every
    // home has downtime in its year, and the sweep ran three UPDATEs per home that cleared nothing,
    // every 15 s (docs/scaling.md §4: the health sweep under an 18,000-home restart).
    const burning = new Set(this.alerts.burningScopes());
    const scopes = new Set([...spans.keys(), ...burning]);
    for (const scope of scopes) {
      const s = budgetStatus(spans.get(scope) ?? [], now, p);
      const open = burning.has(scope);
      for (const w of s.windows) {
        const kind: BudgetAlertKind = w.name === 'fast' ? 'burn_fast' : 'burn_slow';
        if (w.alerting)
          this.raise(scope, kind, null, now, { ...w, consumedMs: s.consumedMs, remainingMs: s.remainingMs });
        else if (open) this.alerts.clear(scope, kind, null, now);
      }
      if (s.exhausted) this.raise(scope, 'yearly_exhausted', null, now, { consumedMs: s.consumedMs });
      else if (open) this.alerts.clear(scope, 'yearly_exhausted', null, now);
    }
    for (const inc of this.incidents.list({ open: true, limit: 10_000, offset: 0 })) {
      if (inc.subjectKind === 'storage') continue; // not downtime
      const scope = inc.subjectKind === 'platform' ? 'platform' : inc.homeId;
      if (scope === null) continue;
      const dur = now - inc.startedAt;
      const detail = { durationMs: dur, subjectKind: inc.subjectKind, subjectId: inc.subjectId };
      if (dur >= p.incidentWarnAtMs) this.raise(scope, 'incident_long', inc.incidentId, now, detail);
      if (dur >= p.perIncidentMs) this.raise(scope, 'incident_over_budget', inc.incidentId, now, detail);
    }
  }

  private raise(
    scope: string,
    kind: BudgetAlertKind,
    incidentId: number | null,
    now: number,
    detail: Record<string, unknown>,
  ): void {
    const a = this.alerts.raise(scope, kind, incidentId, now, detail);
    if (a) this.bus.emit('budget.alert', { alertId: a.id, scope, kind, at: now, detail });
  }
}

export type { Incident };
