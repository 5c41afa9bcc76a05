import { randomUUID } from 'node:crypto';
import { Uplink } from '@baken/gateway/uplink/uplink';
import type { DecodedMqttMessage } from '@baken/protocols';
import type { FleetCore } from './fleet-core.js';
import { heartbeatPayload, keySafeEvent, pendantEvent } from './payloads.js';

/** One home's gateway identity, as the bulk enrolment writes it (docs: device-sim/README.md). */
export interface HomeIdentity {
  gatewayId: string;
  password: string;
  homeId?: string;
}

/**
 * `running`: heartbeats and events; `silent`: hung — the connection stays up (the MQTT library
 * still answers keep-alives) but nothing is published, which only heartbeat supervision can see;
 * `dead`: the socket was cut without a DISCONNECT (the broker publishes the last will) and the
 * home stays away; `stopped`: shut down cleanly.
 */
export type HomeState = 'idle' | 'running' | 'silent' | 'dead' | 'stopped';

/** An event the home published and the server has not yet acknowledged (its outbox entry). */
export interface PendingEvent {
  id: string;
  alarm: boolean;
  payload: string;
  /** `Clock.monotonic()` when the event was raised (alarm latency is measured from here). */
  raisedAt: number;
  /** When it was last handed to the uplink; undefined while the home is offline. */
  sentAt: number | undefined;
}

const LOW_BATTERY = 20;

/**
 * One simulated home unit: the gateway's real `Uplink` (reconnect, back-off, reach checks, last
 * will, availability) and the gateway's payload builders, with no outbox on disk and no bridges.
 * Its timers live in the fleet's one scheduler; per home it holds a few numbers, the uplink and,
 * only while events wait, a small map of them.
 */
export class SimHome {
  readonly index: number;
  readonly identity: HomeIdentity;
  readonly #fleet: FleetCore;
  state: HomeState = 'idle';
  uplink: Uplink | undefined;
  pending: Map<string, PendingEvent> | undefined;
  #startedAt = 0;
  #pendantBattery: number;
  #keySafeBattery: number;
  #lowBatterySent = false;
  #counter: number;
  #ksSeq: number;
  #beatMissed = false;
  #everConnected = false;
  /** Home unit clock minus the true time, for clock-skew homes. */
  readonly skewMs: number;

  constructor(fleet: FleetCore, index: number, identity: HomeIdentity, skewMs: number) {
    this.#fleet = fleet;
    this.index = index;
    this.identity = identity;
    this.skewMs = skewMs;
    const r = fleet.random;
    this.#pendantBattery = 40 + 60 * r();
    this.#keySafeBattery = 50 + 50 * r();
    // device counters that keep rising across simulator runs (the server may dedupe on them)
    this.#counter = Math.floor(fleet.clock.now() / 1000);
    this.#ksSeq = this.#counter;
  }

  /** The MQTT connection is up (CONNACK received): publishing is possible. */
  get connected(): boolean {
    return this.uplink?.connected === true;
  }

  /** The session is complete as the gateway counts it: subscribed and `online` published. */
  sessionUp = false;

  /** The home unit's own clock (skewed). */
  now(): number {
    return Math.round(this.#fleet.clock.now() + this.skewMs);
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.#startedAt = this.#fleet.clock.monotonic();
    const f = this.#fleet;
    const uplink = new Uplink(
      {
        gatewayId: this.identity.gatewayId,
        primaryUrl: f.opts.mqttUrl,
        username: this.identity.gatewayId,
        password: this.identity.password,
        failoverAfterMs: 3_600_000,
        probeIntervalMs: 60_000,
        backoff: { initialMs: f.opts.backoffInitialMs, maxMs: f.opts.backoffMaxMs },
        keepaliveS: f.opts.keepaliveS,
        connectTimeoutMs: f.opts.connectTimeoutMs,
        random: f.random,
        urgent: () => this.#hasPendingAlarm(),
      },
      f.clock,
      f.logger,
    );
    this.uplink = uplink;
    uplink.on('connected', () => this.#onConnected());
    uplink.on('disconnected', () => {
      this.sessionUp = false;
      f.count('disconnects');
    });
    uplink.on('attempt-failed', (_path, reason) => f.connectFailed(reason));
    uplink.on('message', (m) => this.#onMessage(m));
    uplink.start();
  }

  #onConnected(): void {
    const f = this.#fleet;
    this.sessionUp = true;
    f.count('connects');
    if (!this.#everConnected) {
      this.#everConnected = true;
      f.homeConnectedFirst(this);
      // the gateway writes one heartbeat at start; the next comes at a uniformly random point of
      // the first interval, so a fleet that connected within seconds does not beat in waves
      this.#beatMissed = true;
      f.scheduler.after(f.opts.heartbeatIntervalS * 1000 * f.random(), () => this.#beatTick());
    }
    if (this.state !== 'running') return;
    if (this.#beatMissed) this.beat();
    // the outbox resends everything unacknowledged on every connect [gateway outbox contract]
    for (const p of this.pending?.values() ?? []) this.#send(p);
  }

  #beatTick(): void {
    if (this.state === 'dead' || this.state === 'stopped') return;
    if (this.state === 'running') this.beat();
    this.#fleet.scheduler.after(this.#fleet.heartbeatDelay(), () => this.#beatTick());
  }

  /** Publishes one heartbeat now, or remembers to send one on the next connect. */
  beat(): void {
    const f = this.#fleet;
    if (!this.connected) {
      this.#beatMissed = true;
      return;
    }
    this.#beatMissed = false;
    this.#drainBatteries();
    const now = this.now();
    let oldest: number | undefined;
    for (const p of this.pending?.values() ?? []) oldest = Math.min(oldest ?? p.raisedAt, p.raisedAt);
    const mono = f.clock.monotonic();
    const payload = heartbeatPayload({
      gatewayId: this.identity.gatewayId,
      homeIndex: this.index,
      now,
      uptimeS: Math.floor((mono - this.#startedAt) / 1000),
      software: f.opts.software,
      intervalS: f.opts.heartbeatIntervalS,
      pendantBattery: Math.round(this.#pendantBattery),
      keySafeBattery: Math.round(this.#keySafeBattery),
      outboxDepth: this.pending?.size ?? 0,
      oldestAgeS: oldest === undefined ? null : Math.round((mono - oldest) / 1000),
      clockOffsetMs: this.skewMs,
    });
    f.count('heartbeats');
    // the gateway releases heartbeats on PUBACK (QoS 1) [MQTT-MAP §4.3]
    this.uplink?.publish('heartbeat', payload, { qos: 1 }).then(
      () => f.count('heartbeatsConfirmed'),
      () => f.count('heartbeatFailures'),
    );
  }

  #drainBatteries(): void {
    const perBeat = (this.#fleet.opts.batteryDrainPerHour * this.#fleet.opts.heartbeatIntervalS) / 3600;
    if (perBeat <= 0) return;
    this.#pendantBattery -= perBeat * (0.5 + this.#fleet.random());
    this.#keySafeBattery -= (perBeat / 2) * (0.5 + this.#fleet.random());
    if (this.#keySafeBattery < 5) this.#keySafeBattery = 100;
    if (this.#pendantBattery < LOW_BATTERY && !this.#lowBatterySent) {
      this.#lowBatterySent = true;
      this.#fleet.count('lowBattery');
      this.#raise(
        pendantEvent(
          this.identity.gatewayId,
          this.index,
          randomUUID(),
          'low_battery',
          ++this.#counter,
          Math.max(0, Math.round(this.#pendantBattery)),
          this.now(),
        ),
      );
    }
    if (this.#pendantBattery < 5) {
      // a care worker replaced it
      this.#pendantBattery = 100;
      this.#lowBatterySent = false;
    }
  }

  /** A pendant press; false when the home cannot raise one (silent, dead, stopped). */
  alarm(): boolean {
    if (this.state !== 'running') return false;
    this.#fleet.count('alarmsRaised');
    this.#raise(
      pendantEvent(
        this.identity.gatewayId,
        this.index,
        randomUUID(),
        'alarm',
        ++this.#counter,
        Math.round(this.#pendantBattery),
        this.now(),
      ),
    );
    return true;
  }

  /** The key safe is opened with a code and closed again `closeAfterMs` later. */
  openKeySafe(closeAfterMs: number): boolean {
    if (this.state !== 'running') return false;
    const f = this.#fleet;
    f.count('keySafeOpenings');
    const gw = this.identity.gatewayId;
    this.#ksSeq = Math.max(this.#ksSeq + 1, Math.floor(this.now() / 1000));
    this.#raise(keySafeEvent(gw, this.index, 'door_opened', this.#ksSeq, this.now(), this.now()));
    f.scheduler.after(closeAfterMs, () => {
      if (this.state !== 'running') return;
      this.#ksSeq = Math.max(this.#ksSeq + 1, Math.floor(this.now() / 1000));
      this.#raise(keySafeEvent(gw, this.index, 'door_closed', this.#ksSeq, this.now(), this.now()));
    });
    return true;
  }

  #raise(e: { id: string; alarm: boolean; payload: string }): void {
    const p: PendingEvent = { ...e, raisedAt: this.#fleet.clock.monotonic(), sentAt: undefined };
    this.pending ??= new Map();
    this.pending.set(p.id, p);
    this.#fleet.trackPending(this);
    if (this.connected) this.#send(p);
  }

  #send(p: PendingEvent): void {
    const f = this.#fleet;
    const uplink = this.uplink;
    if (!uplink?.connected) return;
    f.count(p.sentAt === undefined ? (p.alarm ? 'alarmsSent' : 'eventsSent') : 'resends');
    p.sentAt = f.clock.monotonic();
    uplink.publish('events', p.payload, { qos: 1 }).catch(() => undefined);
  }

  /** Resends what waited longer than `ackTimeoutMs` for its application ack. */
  resendOverdue(now: number, ackTimeoutMs: number): void {
    for (const p of this.pending?.values() ?? [])
      if (p.sentAt !== undefined && now - p.sentAt >= ackTimeoutMs) this.#send(p);
  }

  #hasPendingAlarm(): boolean {
    for (const p of this.pending?.values() ?? []) if (p.alarm) return true;
    return false;
  }

  #onMessage(m: DecodedMqttMessage): void {
    if (m.name !== 'ack') return;
    const f = this.#fleet;
    const now = f.clock.monotonic();
    for (const id of m.payload.ids) {
      const p = this.pending?.get(id);
      if (p === undefined) {
        f.unknownAck(id);
        continue;
      }
      this.pending?.delete(id);
      f.acked(p, now);
    }
    if (this.pending?.size === 0) this.pending = undefined;
  }

  /** Hangs: stays connected, publishes nothing more. */
  silence(): void {
    if (this.state === 'running') this.state = 'silent';
  }

  /** Dies as at a power cut: no DISCONNECT, so the broker publishes the last will; stays away. */
  dieWithWill(): void {
    if (this.state !== 'running' && this.state !== 'silent') return;
    this.state = 'dead';
    this.sessionUp = false;
    this.uplink?.sever({ reconnect: false });
  }

  /** The link drops for a moment (a flapping router): the uplink reconnects as after any loss. */
  flap(): void {
    if (this.state === 'running' && this.connected) this.uplink?.sever({ reconnect: true });
  }

  /** A clean shutdown: the gateway publishes `offline` itself and disconnects. */
  async stop(): Promise<void> {
    if (this.state !== 'dead') this.state = 'stopped';
    this.sessionUp = false;
    await this.uplink?.stop();
  }
}
