import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@baken/hardware';
import type { Logger } from 'pino';
import type { DeviceRegistry, DeviceState } from '../devices/device-registry.js';
import type { GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { Outbox } from '../outbox/outbox.js';

export type UnitPower = 'mains' | 'battery' | 'unknown';

/** The `heartbeat` payload (gw → server). [issue 5 §3] */
export interface HeartbeatPayload {
  v: 1;
  id: string;
  gatewayId: string;
  at: number;
  uptimeS: number;
  software: string;
  intervalMs: number;
  power: UnitPower;
  devices: DeviceState[];
  outbox: { depth: number; oldestAgeMs: number; dropped: number };
  /** Server time minus gateway time (ms) as of the last `config` carrying `serverTime`; null if unknown. */
  clockOffsetMs: number | null;
  scanRestarts: number;
  unknownDevicesIgnored: number;
}

export interface HeartbeatOptions {
  gatewayId: string;
  softwareVersion: string;
  /** Default 60 s; the server's retained `config` may change it. */
  intervalMs: number;
  power?: () => UnitPower;
}

/**
 * Publishes the unit's health every interval through the outbox, coalesced (only the newest
 * heartbeat waits while offline) and released on PUBACK. One heartbeat is written at start.
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
  #startedAt = 0;
  #clockOffsetMs: number | null = null;

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
      if (config.serverTime !== undefined) this.#clockOffsetMs = config.serverTime - this.#clock.now();
      if (config.heartbeatIntervalMs !== undefined && config.heartbeatIntervalMs !== this.#intervalMs) {
        this.#intervalMs = config.heartbeatIntervalMs;
        this.#log.info({ intervalMs: this.#intervalMs }, 'heartbeat interval changed by server config');
        this.#schedule();
      }
    });
    this.beat();
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#off?.();
    this.#off = undefined;
  }

  #schedule(): void {
    this.#clock.clearInterval(this.#timer);
    this.#timer = this.#clock.setInterval(() => this.beat(), this.#intervalMs, { unref: true });
  }

  build(): HeartbeatPayload {
    const stats = this.#outbox.stats();
    return {
      v: 1,
      id: randomUUID(),
      gatewayId: this.#opts.gatewayId,
      at: this.#clock.now(),
      uptimeS: Math.floor((this.#clock.monotonic() - this.#startedAt) / 1000),
      software: this.#opts.softwareVersion,
      intervalMs: this.#intervalMs,
      power: this.#opts.power?.() ?? 'unknown',
      devices: this.#devices.list(),
      outbox: { depth: stats.depth, oldestAgeMs: this.#outbox.oldestAgeMs(), dropped: stats.dropped },
      clockOffsetMs: this.#clockOffsetMs,
      scanRestarts: this.#devices.counters.scanRestarts,
      unknownDevicesIgnored: this.#devices.counters.unknownDevicesIgnored,
    };
  }

  /** Writes one heartbeat into the outbox now. */
  beat(): void {
    if (this.#outbox.closed) return;
    const hb = this.build();
    try {
      this.#outbox.insert({
        id: hb.id,
        topic: 'heartbeat',
        payload: JSON.stringify(hb),
        alarm: false,
        release: 'puback',
        coalesceKey: 'heartbeat',
      });
    } catch (err) {
      this.#log.error({ err: String(err) }, 'heartbeat not written');
    }
  }
}
