import type { BleAdvert, BleScanner, Clock, TimerHandle } from '@baken/hardware';
import {
  type BakenReplayState,
  decodeBakenAdvert,
  decodeBthome,
  emptyBakenReplayState,
  emptyPendantDedupeState,
  type PendantDedupeState,
  type PendantEvent,
  pendantDedupe,
  pendantEventFromBaken,
  pendantEventsFromBthome,
} from '@baken/protocols';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.js';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { DeviceEvent, GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import {
  BAKEN_SERVICE_KEY,
  BTHOME_SERVICE_KEY,
  errorCode,
  errorMessage,
  type PendantBridgeOptions,
  type PendantBridgeStats,
  toDeviceEvent,
  type UnpairedSighting,
} from './pendant-events.js';
import { type PendantRegistration, PendantRegistry } from './pendant-registry.js';

export {
  BAKEN_SERVICE_KEY,
  BTHOME_SERVICE_KEY,
  type PendantBridgeOptions,
  type PendantBridgeStats,
  toDeviceEvent,
  type UnpairedSighting,
} from './pendant-events.js';

/**
 * The pendant bridge (issue 5 §1): BLE scanner → BTHome v2 / Baken advert decoder → dedupe →
 * `device-event` on the bus, for every paired pendant (several per home). Contract:
 * - adverts from unpaired devices that carry a pendant format are ignored and counted
 *   (`devices.counters.unknownDevicesIgnored`); other BLE traffic is not counted;
 * - one press (many identical re-broadcasts) yields exactly one event [PENDANT SPEC §5];
 * - alarm/cancel/fall get `priority: 'alarm'` [MQTT-MAP §4.1.1];
 * - scan watchdog: no advert for `noAdvertRestartMs`, or a scanner error → `restart()`, counted in
 *   `devices.counters.scanRestarts` and reported as a gateway `scan_restarted` event.
 */
export class PendantBridge implements Extension {
  readonly name = 'pendant-bridge';
  readonly registry = new PendantRegistry();
  readonly #bus: GatewayBus;
  readonly #devices: DeviceRegistry;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #openScanner: () => BleScanner | Promise<BleScanner>;
  readonly #gatewayId: string;
  readonly #opts: Required<Omit<PendantBridgeOptions, 'replayStore'>> &
    Pick<PendantBridgeOptions, 'replayStore'>;
  #scanner: BleScanner | undefined;
  #dedupe: PendantDedupeState = emptyPendantDedupeState();
  #replay: BakenReplayState = emptyBakenReplayState();
  #lastAdvertMono = 0;
  #watchdog: TimerHandle | undefined;
  #restarting = false;
  #opening = false;
  #started = false;
  #offs: (() => void)[] = [];
  #unpairedListeners = new Set<(s: UnpairedSighting) => void>();
  readonly stats: PendantBridgeStats = {
    adverts: 0,
    events: 0,
    repeats: 0,
    unknownIgnored: 0,
    refused: 0,
    scanRestarts: 0,
    scanning: false,
  };

  constructor(
    deps: {
      gatewayId: string;
      config: GatewayConfig;
      bus: GatewayBus;
      devices: DeviceRegistry;
      clock: Clock;
      logger: Logger;
      openScanner: () => BleScanner | Promise<BleScanner>;
    },
    opts: PendantBridgeOptions = {},
  ) {
    this.#gatewayId = deps.gatewayId;
    this.#bus = deps.bus;
    this.#devices = deps.devices;
    this.#clock = deps.clock;
    this.#log = deps.logger;
    this.#openScanner = deps.openScanner;
    this.registry.setLocal(deps.config);
    this.#opts = {
      noAdvertRestartMs: opts.noAdvertRestartMs ?? 5 * 60_000,
      watchdogIntervalMs: opts.watchdogIntervalMs ?? 30_000,
      dedupeWindowMs: opts.dedupeWindowMs ?? 30_000,
      replayStore: opts.replayStore,
    };
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (this.#opts.replayStore) this.#replay = this.#opts.replayStore.load();
    this.#offs.push(
      this.#bus.on('server-config', (config) => {
        this.registry.setServer(config);
        void this.#ensureScanning();
      }),
    );
    await this.#ensureScanning();
  }

  /**
   * Opens the scanner once the home has a pendant (a unit with only a wired key safe never touches
   * BlueZ), then keeps it: the watchdog looks after it from then on.
   */
  async #ensureScanning(): Promise<void> {
    for (const r of this.registry.list()) this.#devices.register(r.deviceId, 'pendant');
    if (!this.#started || this.#scanner || this.#opening || this.registry.list().length === 0) return;
    this.#watchdog ??= this.#clock.setInterval(() => this.#checkWatchdog(), this.#opts.watchdogIntervalMs, {
      unref: true,
    });
    this.#opening = true;
    let scanner: BleScanner;
    try {
      // a synchronous factory attaches the listeners before this returns (no advert is missed)
      const opened = this.#openScanner();
      scanner = opened instanceof Promise ? await opened : opened;
    } catch (err) {
      // no system D-Bus / BlueZ: report it, keep the key safe and the uplink running; the watchdog
      // tries again [issue 5 §3]
      this.#setScanning(false, err);
      this.#log.error({ err: String(err), code: errorCode(err) }, 'BLE adapter not available');
      return;
    } finally {
      this.#opening = false;
    }
    if (!this.#started) return;
    this.#scanner = scanner;
    const onAdvert = (a: BleAdvert): void => this.handleAdvert(a);
    const onError = (err: Error): void => {
      this.#log.warn({ err: err.message }, 'BLE scanner error');
      void this.#restart(`scanner error: ${err.message}`);
    };
    scanner.on('advert', onAdvert);
    scanner.on('error', onError);
    this.#offs.push(
      () => scanner.off('advert', onAdvert),
      () => scanner.off('error', onError),
    );
    this.#lastAdvertMono = this.#clock.monotonic();
    try {
      await scanner.start();
      this.#setScanning(true, null);
    } catch (err) {
      // the adapter may come later (USB dongle, bluetoothd restart): the watchdog retries
      this.#setScanning(false, err);
      this.#log.error({ err: String(err), code: errorCode(err) }, 'BLE scan did not start');
    }
  }

  /** Keeps `stats.scanning` and the registry's scan state (heartbeat `scan.running`) in step. */
  #setScanning(running: boolean, err: unknown): void {
    this.stats.scanning = running;
    this.#devices.scan.running = running;
    this.#devices.scan.error =
      err === null ? null : `${errorCode(err) ?? 'BAKEN_ERR_BLE_ADAPTER'}: ${errorMessage(err)}`;
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#clock.clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    for (const off of this.#offs.splice(0)) off();
    const scanner = this.#scanner;
    this.#scanner = undefined;
    this.#setScanning(false, null);
    await scanner?.stop().catch(() => {});
  }

  get scanning(): boolean {
    return this.stats.scanning;
  }

  /** Pairing: called for every pendant-format advert of an unpaired device. Returns the unsubscribe. */
  onUnpaired(listener: (s: UnpairedSighting) => void): () => void {
    this.#unpairedListeners.add(listener);
    return () => this.#unpairedListeners.delete(listener);
  }

  #checkWatchdog(): void {
    if (!this.#scanner) {
      void this.#ensureScanning();
      return;
    }
    if (!this.stats.scanning) {
      void this.#restart('scan not running');
      return;
    }
    const silentMs = this.#clock.monotonic() - this.#lastAdvertMono;
    if (silentMs >= this.#opts.noAdvertRestartMs) {
      void this.#restart(`no advert for ${Math.round(silentMs / 1000)} s`);
    }
  }

  async #restart(reason: string): Promise<void> {
    const scanner = this.#scanner;
    if (!scanner || this.#restarting) return;
    this.#restarting = true;
    this.stats.scanRestarts += 1;
    this.#devices.counters.scanRestarts += 1;
    this.#lastAdvertMono = this.#clock.monotonic();
    this.#log.warn({ reason, restarts: this.#devices.counters.scanRestarts }, 'restarting BLE scan');
    this.#emit({
      deviceId: this.#gatewayId,
      deviceKind: 'gateway',
      kind: 'scan_restarted',
      priority: 'normal',
      deviceTime: null,
      receivedAt: this.#clock.now(),
      data: { reason: reason.slice(0, 128), restarts: this.#devices.counters.scanRestarts },
    });
    try {
      await scanner.restart();
      this.#setScanning(true, null);
    } catch (err) {
      this.#setScanning(false, err);
      this.#log.error({ err: String(err), code: errorCode(err) }, 'BLE scan restart failed');
    } finally {
      this.#restarting = false;
    }
  }

  /** One advert from the scanner (public for pairing and tests that feed adverts directly). */
  handleAdvert(advert: BleAdvert): void {
    this.stats.adverts += 1;
    this.#lastAdvertMono = this.#clock.monotonic();
    const bthome = advert.serviceData.get(BTHOME_SERVICE_KEY);
    const baken = advert.serviceData.get(BAKEN_SERVICE_KEY);
    if (bthome === undefined && baken === undefined) return;
    const reg = this.registry.byAddress(advert.address);
    if (baken !== undefined) this.#handleBaken(advert, baken, reg);
    else if (bthome !== undefined) this.#handleBthome(advert, bthome, reg);
  }

  #ignoreUnknown(advert: BleAdvert, format: 'baken' | 'bthome', kinds: PendantEvent['kind'][]): void {
    this.stats.unknownIgnored += 1;
    this.#devices.counters.unknownDevicesIgnored += 1;
    const sighting = { address: advert.address.toUpperCase(), format, kinds, rssi: advert.rssi };
    for (const l of this.#unpairedListeners) l(sighting);
  }

  #handleBthome(advert: BleAdvert, data: Uint8Array, reg: PendantRegistration | undefined): void {
    const decoded = decodeBthome(data, {
      address: advert.address,
      ...(reg?.key === undefined ? {} : { key: reg.key }),
    });
    if (!reg) {
      const kinds = decoded.ok
        ? pendantEventsFromBthome(decoded.value, { address: advert.address }).map((e) => e.kind)
        : [];
      this.#ignoreUnknown(advert, 'bthome', kinds);
      return;
    }
    if (!decoded.ok) {
      this.stats.refused += 1;
      this.#log.debug({ deviceId: reg.deviceId, code: decoded.error.code }, 'BTHome advert refused');
      return;
    }
    const events = pendantEventsFromBthome(decoded.value, { address: advert.address, rssi: advert.rssi });
    this.#seen(reg, advert, decoded.value.battery);
    for (const e of events) this.#dedupeAndEmit(reg, e, advert);
  }

  #handleBaken(advert: BleAdvert, data: Uint8Array, reg: PendantRegistration | undefined): void {
    const advertId = data.length >= 7 ? Buffer.from(data.subarray(1, 7)).toString('hex') : '';
    const target = this.registry.byBakenId(advertId) ?? reg;
    if (!target) {
      this.#ignoreUnknown(advert, 'baken', []);
      return;
    }
    const decoded = decodeBakenAdvert(this.#replay, data, () => target.key);
    if (!decoded.ok) {
      const repeat =
        decoded.error.code === 'BAKEN_ERR_ADVERT_REPLAY' && decoded.error.detail?.repeat === true;
      if (repeat) {
        // [PENDANT SPEC §3.4] re-broadcast of the last accepted advert: normal traffic
        this.stats.repeats += 1;
        this.#seen(target, advert, null);
        return;
      }
      this.stats.refused += 1;
      this.#log.warn({ deviceId: target.deviceId, code: decoded.error.code }, 'Baken advert refused');
      return;
    }
    this.#seen(target, advert, decoded.value.advert.battery);
    const a = decoded.value.advert;
    // the event is in the outbox (synchronously) BEFORE the counter is persisted: a crash in between
    // re-accepts the advert after restart under the same id (a duplicate the outbox and the server
    // drop), never the other way round, which would refuse the pendant's re-broadcasts as replays
    // and lose the alarm [issue 5 §2, PENDANT SPEC §3.4]
    this.#dedupeAndEmit(
      target,
      pendantEventFromBaken(a, { rssi: advert.rssi }),
      advert,
      `pdt-${a.deviceId}-${a.counter}`,
    );
    this.#replay = decoded.value.state;
    this.#opts.replayStore?.save(this.#replay);
  }

  #seen(reg: PendantRegistration, advert: BleAdvert, battery: number | null): void {
    this.#devices.register(reg.deviceId, 'pendant');
    this.#devices.update(reg.deviceId, {
      link: 'up',
      lastSeen: advert.receivedAt,
      rssi: advert.rssi,
      ...(battery === null ? {} : { battery }),
    });
  }

  #dedupeAndEmit(reg: PendantRegistration, event: PendantEvent, advert: BleAdvert, id?: string): void {
    const step = pendantDedupe(this.#dedupe, event, this.#clock.monotonic(), {
      windowMs: this.#opts.dedupeWindowMs,
    });
    this.#dedupe = step.state;
    if (step.event === null) {
      this.stats.repeats += 1;
      return;
    }
    const e = step.event;
    const out = toDeviceEvent(reg, e, advert.receivedAt);
    if (out === null) return;
    if (id !== undefined) out.id = id;
    this.stats.events += 1;
    this.#emit(out);
  }

  #emit(event: DeviceEvent): void {
    this.#bus.emit('device-event', event);
  }
}
