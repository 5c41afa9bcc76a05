import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@baken/hardware';
import { encodeMqttPayload, type HeartbeatPayload } from '@baken/protocols';
import type { Logger } from 'pino';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { Outbox } from '../outbox/outbox.js';

/** Mains state of the home unit when it can tell [MQTT-MAP §4.3]. */
export type UnitPower = 'on' | 'off' | 'unknown';

/** What the unit can report about itself beyond the registry; all optional. */
export interface UnitHealth {
  mains?: UnitPower;
  unitBattery?: number | null;
  /** Home unit clock minus server time (ms), when measured (e.g. from a relayed time sync). */
  clockOffsetMs?: number;
  /** Overrides the pendant bridge's scan state (`devices.scan.running`) when given. */
  scanRunning?: boolean;
}

export interface HeartbeatOptions {
  gatewayId: string;
  softwareVersion: string;
  /** Default 60 s; the server's retained `config` may change it. */
  intervalMs: number;
  unit?: () => UnitHealth;
  /** Called with every heartbeat written (the gateway keeps a status snapshot for the CLI). */
  onBeat?: (hb: HeartbeatPayload) => void;
}

/**
 * Publishes the unit's health every interval through the outbox, coalesced (only the newest
 * heartbeat waits while offline) and released on PUBACK (so it goes out at QoS 1, where the topic
 * map allows QoS 0). One heartbeat is written at start. The outbox id is not in the payload.
 */
export class Heartbeat implements Extension {
  readonly name = 'heartbeat';
  readonly #bus: GatewayBus;
  readonly #outbox: Outbox;
  readonly #devices: DeviceRegistry;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #opts: HeartbeatOptions;
  #intervalMs: number;
  #timer: TimerHandle | undefined;
  #off: (() => void) | undefined;
  #offStorage: (() => void) | undefined;
  #startedAt = 0;

  constructor(
    bus: GatewayBus,
    outbox: Outbox,
    devices: DeviceRegistry,
    clock: Clock,
    logger: Logger,
    opts: HeartbeatOptions,
  ) {
    this.#bus = bus;
    this.#outbox = outbox;
    this.#devices = devices;
    this.#clock = clock;
    this.#log = logger;
    this.#opts = opts;
    this.#intervalMs = opts.intervalMs;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  async start(): Promise<void> {
    if (this.#timer) return;
    this.#startedAt = this.#clock.monotonic();
    this.#off = this.#bus.on('server-config', (config) => {
      const intervalMs = config.heartbeatIntervalS * 1000;
      if (intervalMs !== this.#intervalMs) {
        this.#intervalMs = intervalMs;
        this.#log.info({ intervalMs: this.#intervalMs }, 'heartbeat interval changed by server config');
        // Announce the new interval at once: the server derives its silence thresholds from the
        // `intervalS` of the last heartbeat, so waiting a whole new interval could look like an outage.
        this.beat();
        this.#schedule();
      }
    });
    // a storage state change goes out at once (after the insert that caused it has finished)
    const onStorage = (): void => queueMicrotask(() => this.beat());
    this.#outbox.on('storage', onStorage);
    this.#offStorage = () => this.#outbox.off('storage', onStorage);
    this.beat();
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#offStorage?.();
    this.#offStorage = undefined;
    this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#off?.();
    this.#off = undefined;
  }

  #schedule(): void {
    this.#clock.clearInterval(this.#timer);
    this.#timer = this.#clock.setInterval(() => this.beat(), this.#intervalMs, { unref: true });
  }

  /** The heartbeat as of now [MQTT-MAP §4.3]. */
  build(): HeartbeatPayload {
    const unit = this.#opts.unit?.() ?? {};
    const depth = this.#outbox.depth();
    const hb: HeartbeatPayload = {
      v: 1,
      gatewayId: this.#opts.gatewayId,
      sentAt: this.#clock.now(),
      uptimeS: Math.floor((this.#clock.monotonic() - this.#startedAt) / 1000),
      software: this.#opts.softwareVersion,
      intervalS: Math.max(1, Math.round(this.#intervalMs / 1000)),
      mains: unit.mains ?? 'unknown',
      outbox: { depth, oldestAgeS: depth === 0 ? null : Math.round(this.#outbox.oldestAgeMs() / 1000) },
      scan: {
        running: unit.scanRunning ?? this.#devices.scan.running,
        restarts: this.#devices.counters.scanRestarts,
        adapterResets: this.#devices.scan.adapterResets,
        lastResetReason: this.#devices.scan.lastResetReason,
        lastResetAt: this.#devices.scan.lastResetAt,
      },
      devices: this.#devices.list().map((d) => ({
        deviceId: d.deviceId,
        kind: d.kind,
        link: d.link === 'up' ? 'up' : d.link === 'down' || d.link === 'stale' ? 'down' : 'unknown',
        lastSeen: d.lastSeen,
        rssi: d.rssi,
        battery: d.battery,
        ...(d.firmware === null ? {} : { firmware: d.firmware }),
        ...(d.reopens === undefined ? {} : { reopens: d.reopens }),
        ...(d.refused === undefined ? {} : { refused: { ...d.refused } }),
      })),
    };
    const storage = this.#outbox.storage();
    hb.storage = { state: storage.state, since: storage.since, memoryDepth: storage.memoryDepth };
    if (unit.unitBattery !== undefined) hb.unitBattery = unit.unitBattery;
    if (unit.clockOffsetMs !== undefined) hb.clockOffsetMs = Math.round(unit.clockOffsetMs);
    return hb;
  }

  /** Writes one heartbeat into the outbox now. */
  beat(): void {
    if (this.#outbox.closed) return;
    try {
      const hb = this.build();
      this.#outbox.insert({
        id: randomUUID(),
        topic: 'heartbeat',
        payload: encodeMqttPayload('heartbeat', hb),
        alarm: false,
        release: 'puback',
        coalesceKey: 'heartbeat',
      });
      this.#opts.onBeat?.(hb);
    } catch (err) {
      this.#log.error({ err: String(err) }, 'heartbeat not written');
    }
  }
}
