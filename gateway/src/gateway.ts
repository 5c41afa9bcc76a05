import { join } from 'node:path';
import type {
  BleScanner,
  Clock,
  GattLink,
  SerialLink,
  SerialLinkOptions,
  TimerHandle,
} from '@baken/hardware';
import type { DecodedMqttMessage, HeartbeatPayload } from '@baken/protocols';
import type { Logger } from 'pino';
import { defaultBridges } from './bridges/index.js';
import { announceCommitted, createPendantAck } from './bridges/pendant-ack.js';
import { TrialMode } from './check/trial-mode.js';
import { CommandRelay } from './commands/command-relay.js';
import type { Credentials, GatewayConfig } from './config/schema.js';
import {
  type DeviceCounters,
  DeviceRegistry,
  type DeviceState,
  type ScanState,
} from './devices/device-registry.js';
import { GatewayError } from './errors.js';
import { GatewayBus } from './event-bus.js';
import type { Extension } from './extension.js';
import { Heartbeat, type UnitHealth } from './health/heartbeat.js';
import { RUNTIME_STATUS_PATH, saveStatusSnapshot } from './health/status-snapshot.js';
import { EventWriter } from './outbox/event-writer.js';
import { type OpenDatabase, Outbox, type OutboxStats } from './outbox/outbox.js';
import type { StorageHealth } from './outbox/storage-health.js';
import { logStorage } from './outbox/storage-log.js';
import { OutboxSender, type OutboxSenderStats } from './uplink/outbox-sender.js';
import { Uplink, type UplinkFailure, type UplinkHealth } from './uplink/uplink.js';

/**
 * Transport factories the bridges use; only `main.ts` chooses real bindings. Factories, so a unit
 * without pendants never opens BlueZ; they may be async so the real bindings (node-ble, serialport)
 * are loaded on first use only. `openBleScanner` returns the same shared scanner every call. A
 * factory that cannot open (no system D-Bus) rejects, with `BAKEN_ERR_BLE_ADAPTER` for BLE; the
 * bridge reports it and the rest of the gateway keeps running.
 */
export interface GatewayTransports {
  openBleScanner?: () => BleScanner | Promise<BleScanner>;
  openSerial?: (opts: SerialLinkOptions) => SerialLink | Promise<SerialLink>;
  openGatt?: (address: string) => GattLink | Promise<GattLink>;
}

/** What a bridge factory receives. Bridges talk to the rest only through `bus` and `devices`. */
export interface GatewayContext {
  gatewayId: string;
  config: GatewayConfig;
  bus: GatewayBus;
  devices: DeviceRegistry;
  clock: Clock;
  logger: Logger;
  transports: GatewayTransports;
}

export interface CreateGatewayOptions {
  config: GatewayConfig;
  credentials: Credentials;
  clock: Clock;
  logger: Logger;
  softwareVersion: string;
  /** Default `{config.dataDir}/outbox.db`. */
  outboxPath?: string;
  /**
   * Where each heartbeat's status snapshot is written for `baken-gateway status` (atomically, mode
   * 0600). Default `{config.dataDir}/status.json`; `null` writes none.
   */
  statusPath?: string | null;
  /**
   * Where the snapshot goes when `statusPath` cannot be written (a read-only or full data disk).
   * Default `RUNTIME_STATUS_PATH` (used only when its directory exists); `null`: none.
   */
  statusFallbackPath?: string | null;
  /** PEM CA for mqtts:// (read by the caller from `config.mqtt.caFile`). */
  ca?: string | Buffer;
  transports?: GatewayTransports;
  /** Bridge factories; started after the core, stopped before it. Default `defaultBridges()` (bridges/). */
  extensions?: ((ctx: GatewayContext) => Extension)[];
  /** Mains, unit battery, clock offset, scan state: whatever the unit can tell (heartbeat). */
  unit?: () => UnitHealth;
  /** Opens the outbox's SQLite file (tests inject disk failures here). Default better-sqlite3. */
  openDatabase?: OpenDatabase;
  /** Jitter source for the back-off (tests). */
  random?: () => number;
}

export interface GatewayStatus {
  gatewayId: string;
  running: boolean;
  /** `lastFailure`: why the last connection attempt failed (e.g. a TLS verification error), until one succeeds. */
  uplink: { connected: boolean; path: string; failedOver: boolean; lastFailure: UplinkFailure | null };
  outbox: OutboxStats & { oldestAgeMs: number };
  /** The outbox's data disk: `ok`, or degraded with what to do [gateway/README.md "Storage failures"]. */
  storage: StorageHealth;
  sender: OutboxSenderStats;
  devices: DeviceState[];
  /** Unit-level counters (scan restarts, unknown devices ignored) and the BLE scan state. */
  counters: DeviceCounters;
  scan: ScanState;
  extensions: string[];
}

export interface Gateway {
  readonly gatewayId: string;
  readonly bus: GatewayBus;
  readonly outbox: Outbox;
  readonly uplink: Uplink;
  readonly devices: DeviceRegistry;
  readonly heartbeat: Heartbeat;
  /** The installation check's trial windows: events they cover leave marked `trial: true`. */
  readonly trial: TrialMode;
  start(): Promise<void>;
  /** Clean shutdown: extensions stop, retained `offline` is published, the outbox is closed. */
  stop(): Promise<void>;
  status(): GatewayStatus;
  /**
   * For the systemd watchdog: `ok` while the outbox takes entries (and retries a failing disk) and
   * the uplink is running and not stuck. A full disk or a link that is merely down is reported in
   * `outbox.storage` / `uplink`, but is not a reason to restart (a restart mends neither, and loses
   * what the outbox holds in memory).
   */
  health(): GatewayHealth;
}

export interface GatewayHealth {
  ok: boolean;
  outbox: ReturnType<Outbox['health']>;
  uplink: UplinkHealth;
}

/**
 * The composition root used by `main.ts`, the demo and tests. Opens the outbox (synchronously: an
 * unusable disk must fail before anything is started) and wires the core; nothing runs before
 * `start()`.
 */
export function createGateway(opts: CreateGatewayOptions): Gateway {
  const { config, credentials, clock } = opts;
  const gatewayId = credentials.gatewayId;
  const logger = opts.logger.child({ gatewayId });
  const primaryUrl = config.mqtt.primaryUrl ?? credentials.mqtt.url;
  if (primaryUrl === undefined) {
    throw new GatewayError(
      'BAKEN_ERR_CONFIG',
      'mqtt.primaryUrl: missing (not in the config file and not received at provisioning)',
      { fields: ['mqtt.primaryUrl'] },
    );
  }
  const secondaryUrl = config.mqtt.secondaryUrl ?? credentials.mqtt.secondaryUrl;

  const bus = new GatewayBus((event, err) =>
    logger.error({ event, err: String(err) }, 'bus listener failed'),
  );
  const devices = new DeviceRegistry();
  for (const d of config.devices) devices.register(d.id, d.kind);
  const outbox = Outbox.open(
    opts.outboxPath ?? join(config.dataDir, 'outbox.db'),
    clock,
    { maxEntries: config.outbox.maxEntries, maxBytes: config.outbox.maxBytes },
    opts.openDatabase,
  );
  const storageLog = logger.child({ part: 'outbox' });
  const onStorage = (s: StorageHealth): void => logStorage(storageLog, outbox.path, s);
  outbox.on('storage', onStorage);
  if (outbox.storage().state !== 'ok') onStorage(outbox.storage());
  const uplink = new Uplink(
    {
      gatewayId,
      primaryUrl,
      ...(secondaryUrl === undefined ? {} : { secondaryUrl }),
      username: credentials.mqtt.username,
      password: credentials.mqtt.password,
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      failoverAfterMs: config.mqtt.failoverAfterMs,
      probeIntervalMs: config.mqtt.probeIntervalMs,
      backoff: { initialMs: config.mqtt.backoffInitialMs, maxMs: config.mqtt.backoffMaxMs },
      keepaliveS: config.mqtt.keepaliveS,
      connectTimeoutMs: config.mqtt.connectTimeoutMs,
      ...(opts.random === undefined ? {} : { random: opts.random }),
      // unsent alarms cap the wait between connection attempts [gateway/README.md "Reconnecting"]
      urgent: () => !outbox.closed && outbox.stats().alarms > 0,
    },
    clock,
    logger.child({ part: 'uplink' }),
  );
  const sender = new OutboxSender(outbox, uplink, clock, logger.child({ part: 'sender' }), {
    windowSize: config.outbox.windowSize,
    ackTimeoutMs: config.outbox.ackTimeoutMs,
  });
  const statusPath = opts.statusPath === undefined ? join(config.dataDir, 'status.json') : opts.statusPath;
  const statusFallback =
    opts.statusFallbackPath === undefined ? RUNTIME_STATUS_PATH : opts.statusFallbackPath;
  let snapshotWhere: 'primary' | 'fallback' | null = 'primary';
  const heartbeat = new Heartbeat(bus, outbox, devices, clock, logger.child({ part: 'heartbeat' }), {
    gatewayId,
    softwareVersion: opts.softwareVersion,
    intervalMs: config.heartbeat.intervalMs,
    ...(opts.unit === undefined ? {} : { unit: opts.unit }),
    ...(statusPath === null
      ? {}
      : {
          onBeat: (hb: HeartbeatPayload) => {
            const snap = { heartbeat: hb, counters: { ...devices.counters }, scan: { ...devices.scan } };
            const where = saveStatusSnapshot(snap, statusPath, statusFallback);
            if (where !== snapshotWhere && where === 'primary')
              logger.info({ statusPath }, 'status snapshot written');
            else if (where !== snapshotWhere)
              logger.warn(
                { where, statusPath, statusFallback },
                where === null
                  ? 'status snapshot not written'
                  : 'status snapshot written to the runtime directory',
              );
            snapshotWhere = where;
          },
        }),
  });
  const trial = new TrialMode();
  const core: Extension[] = [
    new EventWriter(bus, outbox, gatewayId, logger.child({ part: 'event-writer' }), trial),
    new CommandRelay(bus, uplink, outbox, devices, clock, logger.child({ part: 'commands' })),
    heartbeat,
  ];
  const ctx: GatewayContext = {
    gatewayId,
    config,
    bus,
    devices,
    clock,
    logger,
    transports: opts.transports ?? {},
  };
  const bridges = (opts.extensions ?? defaultBridges()).map((make) => make(ctx));
  // [PENDANT SPEC §7.5] Baken pendants announce an event until it is on disk and acknowledged
  announceCommitted(outbox, bus);
  const pendantAck = createPendantAck(ctx);
  // listening before the pendant bridge starts: with its pairings kept on disk the bridge may hear
  // (and commit) a press while it is still starting, and that press must be acknowledged too
  if (pendantAck) bridges.unshift(pendantAck);
  // [MQTT-MAP §4.7] retained, re-delivered on every reconnect: act only on a newer revision. The
  // devices it lists become known to the registry (commands for them are relayed).
  let configRevision = -1;
  const onMessage = (message: DecodedMqttMessage): void => {
    if (message.name !== 'config') return;
    const { v: _v, ...serverConfig } = message.payload;
    if (serverConfig.revision <= configRevision) return;
    configRevision = serverConfig.revision;
    for (const p of serverConfig.pendants) devices.register(p.deviceId, 'pendant');
    for (const k of serverConfig.keysafes) devices.register(k.deviceId, 'keysafe');
    logger.info(
      {
        revision: serverConfig.revision,
        pendants: serverConfig.pendants.length,
        keysafes: serverConfig.keysafes.length,
      },
      'server config applied',
    );
    bus.emit('server-config', serverConfig);
  };
  const onConnected = (path: 'primary' | 'secondary'): void =>
    bus.emit('uplink-state', { connected: true, path });
  const onDisconnected = (path: 'primary' | 'secondary'): void =>
    bus.emit('uplink-state', { connected: false, path });
  let running = false;
  const started: Extension[] = [];

  return {
    gatewayId,
    bus,
    outbox,
    uplink,
    devices,
    heartbeat,
    trial,
    async start() {
      if (running) return;
      running = true;
      // the event writer first: nothing may see an event before it is in the outbox
      for (const ext of [...core, ...bridges]) {
        await ext.start();
        started.push(ext);
      }
      sender.start();
      uplink.on('message', onMessage);
      uplink.on('connected', onConnected);
      uplink.on('disconnected', onDisconnected);
      uplink.start();
      logger.info(
        { primaryUrl: redactUrl(primaryUrl), secondary: secondaryUrl !== undefined },
        'gateway started',
      );
    },
    async stop() {
      if (!running && outbox.closed) return;
      running = false;
      // each extension gets a bounded time: a bridge whose device went away must not hold up the
      // retained `offline` and the outbox close [gateway/README.md "Shutdown"]
      for (const ext of started.splice(0).reverse()) {
        const outcome = await within(clock, EXTENSION_STOP_MS, ext.stop()).catch((err: unknown) => {
          logger.error({ ext: ext.name, err: String(err) }, 'stop failed');
        });
        if (outcome === 'timeout')
          logger.error({ ext: ext.name, afterMs: EXTENSION_STOP_MS }, 'extension did not stop in time');
      }
      uplink.off('message', onMessage);
      uplink.off('connected', onConnected);
      uplink.off('disconnected', onDisconnected);
      await uplink.stop();
      sender.stop();
      outbox.close();
      logger.info('gateway stopped');
    },
    health() {
      const o = outbox.health();
      const u = uplink.health();
      return { ok: running && o.ok && uplink.isHealthy(), outbox: o, uplink: u };
    },
    status() {
      const closed = outbox.closed;
      return {
        gatewayId,
        running,
        uplink: {
          connected: uplink.connected,
          path: uplink.path,
          failedOver: uplink.failedOver,
          lastFailure: uplink.lastFailure ?? null,
        },
        outbox: closed
          ? { depth: 0, bytes: 0, alarms: 0, dropped: 0, coalesced: 0, overBound: false, oldestAgeMs: 0 }
          : { ...outbox.stats(), oldestAgeMs: outbox.oldestAgeMs() },
        storage: outbox.storage(),
        sender: sender.stats(),
        devices: devices.list(),
        counters: { ...devices.counters },
        scan: { ...devices.scan },
        extensions: [...core, ...bridges].map((e) => e.name),
      };
    },
  };
}

/** Longest wait for one extension's `stop()`. */
export const EXTENSION_STOP_MS = 2_000;

/** Resolves `'done'` when `p` settles in time (rejecting with its error), else `'timeout'`. */
function within(clock: Clock, ms: number, p: Promise<void>): Promise<'done' | 'timeout'> {
  let timer: TimerHandle | undefined;
  const limit = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => resolve('timeout'), ms, { unref: true });
  });
  return Promise.race([p.then(() => 'done' as const), limit]).finally(() => clock.clearTimeout(timer));
}

/** A broker URL without userinfo, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '[invalid url]';
  }
}
