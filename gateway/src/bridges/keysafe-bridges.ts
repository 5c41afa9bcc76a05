import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ServerConfig } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { GatewayContext } from '../gateway.js';
import { type FrameTransport, GattFrameTransport, SerialFrameTransport } from './frame-transport.js';
import { KeysafeBridge, type KeysafeBridgeStatus } from './keysafe-bridge.js';
import { serialToken } from './keysafe-events.js';
import { JsonStateFile } from './state-file.js';

/** One key safe to bridge, from the local config file or the server's `config` [MQTT-MAP §4.7]. */
export interface KeysafeSpec {
  deviceId: string;
  serial?: string;
  transport: { kind: 'serial'; path: string } | { kind: 'ble'; address: string };
  statusPollIntervalMs?: number;
}

const specKey = (s: KeysafeSpec): string =>
  `${s.deviceId}|${s.serial ?? ''}|${s.transport.kind === 'serial' ? s.transport.path : s.transport.address}|${s.statusPollIntervalMs ?? ''}`;

/**
 * Runs one `KeysafeBridge` per key safe. The set is the local config's
 * `devices[kind=keysafe]` (serial path or BLE address; the device id is the serial) merged with the
 * server's retained config, which wins for the same device id; a changed entry restarts its bridge.
 */
export class KeysafeBridges implements Extension {
  readonly name = 'keysafe-bridges';
  readonly #ctx: GatewayContext;
  readonly #log: Logger;
  readonly #bridges = new Map<string, { key: string; bridge: KeysafeBridge }>();
  #local: KeysafeSpec[] = [];
  #server: KeysafeSpec[] = [];
  #off: (() => void) | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(ctx: GatewayContext) {
    this.#ctx = ctx;
    this.#log = ctx.logger.child({ part: 'keysafe-bridges' });
    this.#local = ctx.config.devices.flatMap((d): KeysafeSpec[] => {
      if (d.kind !== 'keysafe') return [];
      if (d.serialPath !== undefined)
        return [{ deviceId: d.id, serial: d.id, transport: { kind: 'serial', path: d.serialPath } }];
      if (d.address !== undefined)
        return [{ deviceId: d.id, serial: d.id, transport: { kind: 'ble', address: d.address } }];
      return [];
    });
  }

  async start(): Promise<void> {
    this.#off ??= this.#ctx.bus.on('server-config', (c) => {
      this.#server = fromServerConfig(c);
      this.#chain = this.#chain.then(() => this.#reconcile());
    });
    await this.#reconcile();
  }

  async stop(): Promise<void> {
    this.#off?.();
    this.#off = undefined;
    await this.#chain;
    for (const { bridge } of this.#bridges.values()) await bridge.stop();
    this.#bridges.clear();
  }

  list(): KeysafeBridgeStatus[] {
    return [...this.#bridges.values()].map(({ bridge }) => bridge.status());
  }

  bridge(deviceId: string): KeysafeBridge | undefined {
    return this.#bridges.get(deviceId)?.bridge;
  }

  async #reconcile(): Promise<void> {
    const wanted = new Map<string, KeysafeSpec>();
    for (const s of [...this.#local, ...this.#server]) wanted.set(s.deviceId, s);
    for (const [id, entry] of this.#bridges) {
      const spec = wanted.get(id);
      if (spec === undefined || specKey(spec) !== entry.key) {
        this.#bridges.delete(id);
        await entry.bridge.stop();
      }
    }
    for (const spec of wanted.values()) {
      if (this.#bridges.has(spec.deviceId)) continue;
      const transport = await this.#transport(spec);
      if (!transport) continue;
      const cursor = new JsonStateFile<{ seq: number }>(
        join(this.#ctx.config.dataDir, `audit-cursor-${serialToken(spec.deviceId)}.json`),
        () => ({ seq: 0 }),
      );
      const bridge = new KeysafeBridge(
        {
          bus: this.#ctx.bus,
          devices: this.#ctx.devices,
          clock: this.#ctx.clock,
          logger: this.#log,
          transport,
        },
        {
          deviceId: spec.deviceId,
          ...(spec.serial === undefined ? {} : { serial: spec.serial }),
          ...(spec.statusPollIntervalMs === undefined
            ? {}
            : { statusPollIntervalMs: spec.statusPollIntervalMs }),
          auditCursor: { load: () => cursor.load().seq, save: (seq) => cursor.save({ seq }) },
        },
      );
      this.#bridges.set(spec.deviceId, { key: specKey(spec), bridge });
      await bridge.start();
    }
  }

  /** The link for one key safe; undefined (logged) when the unit cannot open it, e.g. no D-Bus. */
  async #transport(spec: KeysafeSpec): Promise<FrameTransport | undefined> {
    const t = this.#ctx.transports;
    try {
      if (spec.transport.kind === 'serial') {
        if (!t.openSerial) {
          this.#log.error({ deviceId: spec.deviceId }, 'no serial transport available');
          return undefined;
        }
        const link = await t.openSerial({ path: spec.transport.path, baudRate: 115_200 });
        return new SerialFrameTransport(link);
      }
      if (!t.openGatt) {
        this.#log.error({ deviceId: spec.deviceId }, 'no BLE GATT transport available');
        return undefined;
      }
      return new GattFrameTransport(await t.openGatt(spec.transport.address));
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      this.#log.error({ deviceId: spec.deviceId, err: String(err), code }, 'key safe link not available');
      return undefined;
    }
  }
}

function fromServerConfig(c: ServerConfig): KeysafeSpec[] {
  return c.keysafes.flatMap((k): KeysafeSpec[] => {
    const poll =
      k.statusPollIntervalS === undefined ? {} : { statusPollIntervalMs: k.statusPollIntervalS * 1000 };
    if (k.transport === 'serial' && k.path !== undefined)
      return [
        { deviceId: k.deviceId, serial: k.serial, transport: { kind: 'serial', path: k.path }, ...poll },
      ];
    if (k.transport === 'ble' && k.address !== undefined)
      return [
        { deviceId: k.deviceId, serial: k.serial, transport: { kind: 'ble', address: k.address }, ...poll },
      ];
    return [];
  });
}
