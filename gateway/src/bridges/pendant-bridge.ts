import type { BleAdvert, BleScanner, Clock, TimerHandle } from '@baken/hardware';
import {
  emptyPendantPipelineState,
  type PendantEvent,
  type PendantPipelineState,
  type PendantSighting,
  pendantStep,
  prunePendantState,
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
import { adoptLegacyCounters } from './pendant-legacy.js';
import { PendantRefusals } from './pendant-refusals.js';
import { PendantRegistry } from './pendant-registry.js';
import type { StoredPendantPairing } from './pendant-vault.js';
import { PENDANT_ADVERT_INTERVAL_MS, type ScanActionReport, ScanWatchdog } from './scan-watchdog.js';

export {
  BAKEN_SERVICE_KEY,
  BTHOME_SERVICE_KEY,
  type PendantBridgeOptions,
  type PendantBridgeStats,
  toDeviceEvent,
  type UnpairedSighting,
} from './pendant-events.js';

/**
 * The pendant bridge: BLE scanner → the protocols layer's pendant pipeline (decode, authenticate,
 * replay check, de-duplicate) → `device-event` on the bus, for every paired pendant (several per
 * home). Contract:
 * - adverts from unpaired devices that carry a pendant format are ignored and counted
 *   (`devices.counters.unknownDevicesIgnored`); other BLE traffic is not counted;
 * - one press (many identical re-broadcasts, interleaved with other presses) yields exactly one
 *   event; events carry `authenticated` [PENDANT SPEC §5];
 * - refused adverts (downgrade, bad MIC/MAC, replay, …) are counted per device and reason in the
 *   device registry (heartbeat `devices[].refused`) and logged [PENDANT SPEC §5.2];
 * - with a `vault`, the server's pairings (keys included) and the last accepted counters are saved
 *   and loaded at start, so a restart without network still hears encrypted pendants;
 * - alarm/cancel/fall get `priority: 'alarm'` [MQTT-MAP §4.1.1];
 * - scan watchdog (`scan-watchdog.ts`): a scanner error, BlueZ `InProgress`, or silence beyond the
 *   pendants' expected advertising interval → discovery restart, then adapter reset; counted in
 *   `devices.counters.scanRestarts` / `devices.scan.adapterResets` and reported as a gateway
 *   `scan_restarted` event.
 */
/** The `c:<counter>` sightings (authenticated adverts) of each device, for the vault. */
const authenticatedSightings = (
  recent: PendantPipelineState['recent'],
): Record<string, PendantSighting[]> => {
  const out: Record<string, PendantSighting[]> = {};
  for (const [id, list] of Object.entries(recent)) {
    const c = list.filter((s) => s.id.startsWith('c:'));
    if (c.length > 0) out[id] = [...c];
  }
  return out;
};

export class PendantBridge implements Extension {
  readonly name = 'pendant-bridge';
  readonly registry = new PendantRegistry();
  readonly #bus: GatewayBus;
  readonly #devices: DeviceRegistry;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #openScanner: () => BleScanner | Promise<BleScanner>;
  readonly #gatewayId: string;
  readonly #opts: Required<Omit<PendantBridgeOptions, 'vault' | 'legacyBakenCounters'>> &
    Pick<PendantBridgeOptions, 'vault' | 'legacyBakenCounters'>;
  readonly #refusals: PendantRefusals;
  #scanner: BleScanner | undefined;
  #state: PendantPipelineState = emptyPendantPipelineState();
  #serverPairings: StoredPendantPairing[] = [];
  #serverRevision: number | null = null;
  #watchdog: TimerHandle | undefined;
  readonly #scanWatchdog: ScanWatchdog;
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
    vaultWriteFailures: 0,
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
      noAdvertRestartMs: opts.noAdvertRestartMs ?? 60 * 60_000,
      watchdogIntervalMs: opts.watchdogIntervalMs ?? 30_000,
      dedupeWindowMs: opts.dedupeWindowMs ?? 30_000,
      vault: opts.vault,
      legacyBakenCounters: opts.legacyBakenCounters,
    };
    this.#refusals = new PendantRefusals(this.#devices, this.#log, this.stats);
    this.#scanWatchdog = new ScanWatchdog(
      {
        clock: deps.clock,
        logger: deps.logger,
        scan: deps.devices.scan,
        counters: deps.devices.counters,
        onAction: (r) => this.#scanAction(r),
        onRunning: (running, err) => this.#setScanning(running, err),
      },
      { fallbackSilenceMs: this.#opts.noAdvertRestartMs },
    );
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    // [PENDANT SPEC §5.3] pairings, keys and counters saved before a restart are used at once, so
    // encrypted and Baken pendants are heard before (or without) the network
    const saved = this.#opts.vault?.load();
    if (saved) {
      this.#state = { counters: saved.counters, recent: saved.recent };
      this.#useServerPairings(saved.pairings, saved.revision);
    }
    this.#offs.push(
      this.#bus.on('server-config', (config) => {
        this.#useServerPairings(config.pendants, config.revision);
        this.#saveVault();
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
      // tries again
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
      void this.#scanWatchdog.scannerError(err);
    };
    scanner.on('advert', onAdvert);
    scanner.on('error', onError);
    this.#offs.push(
      () => scanner.off('advert', onAdvert),
      () => scanner.off('error', onError),
    );
    this.#scanWatchdog.attach(scanner);
    try {
      await scanner.start();
      this.#setScanning(true, null);
    } catch (err) {
      this.#scanWatchdog.startFailed(err);
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
    this.#scanWatchdog.expect(
      this.registry
        .list()
        .map((r) => PENDANT_ADVERT_INTERVAL_MS[r.format])
        .filter((ms): ms is number => ms !== null),
    );
    void this.#scanWatchdog.check();
  }

  #scanAction(r: ScanActionReport): void {
    this.stats.scanRestarts = this.#devices.counters.scanRestarts;
    this.#emit({
      deviceId: this.#gatewayId,
      deviceKind: 'gateway',
      kind: 'scan_restarted',
      priority: 'normal',
      deviceTime: null,
      receivedAt: this.#clock.now(),
      data: {
        reason: r.reason.slice(0, 128),
        restarts: r.restarts,
        action: r.action,
        adapterResets: r.adapterResets,
      },
    });
  }

  /** One advert from the scanner (public for pairing and tests that feed adverts directly). */
  handleAdvert(advert: BleAdvert): void {
    this.stats.adverts += 1;
    this.#scanWatchdog.heard();
    const bthome = advert.serviceData.get(BTHOME_SERVICE_KEY);
    const baken = advert.serviceData.get(BAKEN_SERVICE_KEY);
    if (bthome === undefined && baken === undefined) return;
    // [PENDANT SPEC §5] the one pipeline: decode → authenticate → replay check → de-duplicate
    const step = pendantStep(
      this.#state,
      {
        address: advert.address,
        rssi: advert.rssi,
        at: advert.receivedAt,
        ...(bthome === undefined ? {} : { bthome }),
        ...(baken === undefined ? {} : { baken }),
      },
      this.registry,
      { windowMs: this.#opts.dedupeWindowMs },
    );
    const o = step.outcome;
    switch (o.type) {
      case 'not_pendant':
        return;
      case 'unpaired':
        this.#ignoreUnknown(advert, o.format, o.kinds);
        return;
      case 'refused':
        this.#state = step.state;
        this.#refusals.count(o);
        return;
      case 'repeat':
        this.#state = step.state;
        this.stats.repeats += 1;
        this.#seen(o.deviceId, advert, null);
        return;
      case 'accepted': {
        this.#seen(o.deviceId, advert, o.battery);
        // the events are in the outbox (synchronously) BEFORE the counter is saved: a crash in
        // between re-accepts the advert after the restart under the same event id (a duplicate
        // the outbox and the server drop), never the other way round, which would refuse the
        // pendant's re-broadcasts as replays and lose the alarm [PENDANT SPEC §5.3]
        for (const e of o.events) {
          const out = toDeviceEvent(o.deviceId, e, advert.receivedAt);
          if (out === null) continue;
          if (e.eventId !== null) out.id = e.eventId;
          this.stats.events += 1;
          this.#emit(out);
        }
        this.#state = step.state;
        if (o.counter !== null) this.#saveVault();
        return;
      }
    }
  }

  #ignoreUnknown(advert: BleAdvert, format: 'baken' | 'bthome', kinds: PendantEvent['kind'][]): void {
    this.stats.unknownIgnored += 1;
    this.#devices.counters.unknownDevicesIgnored += 1;
    const sighting = { address: advert.address.toUpperCase(), format, kinds, rssi: advert.rssi };
    for (const l of this.#unpairedListeners) l(sighting);
  }

  #seen(deviceId: string, advert: BleAdvert, battery: number | null): void {
    this.#devices.register(deviceId, 'pendant');
    this.#devices.update(deviceId, {
      link: 'up',
      lastSeen: advert.receivedAt,
      rssi: advert.rssi,
      ...(battery === null ? {} : { battery }),
    });
  }

  /** The server's pairings (with keys), as received or as saved before a restart. */
  #useServerPairings(pendants: StoredPendantPairing[], revision: number | null): void {
    this.#serverPairings = pendants;
    this.#serverRevision = revision;
    this.registry.setServerPendants(pendants);
    // each step prunes a device's sightings to its own window; here only the unpaired go
    this.#state = prunePendantState(
      this.#state,
      this.registry.list().map((r) => r.deviceId),
      this.#clock.now(),
    );
    this.#state = adoptLegacyCounters(this.#state, this.registry.list(), this.#opts.legacyBakenCounters);
  }

  /** Saves pairings and counters; a failure is logged and counted, never thrown (the alarm is out). */
  #saveVault(): void {
    const vault = this.#opts.vault;
    if (!vault) return;
    try {
      vault.save({
        revision: this.#serverRevision,
        pairings: this.#serverPairings,
        counters: { ...this.#state.counters },
        recent: authenticatedSightings(this.#state.recent),
      });
    } catch (err) {
      this.stats.vaultWriteFailures += 1;
      this.#log.error(
        { err: errorMessage(err), code: errorCode(err), failures: this.stats.vaultWriteFailures },
        'pendant counters and pairings not saved: after a restart, re-sent adverts may be accepted again',
      );
    }
  }

  #emit(event: DeviceEvent): void {
    this.#bus.emit('device-event', event);
  }
}
