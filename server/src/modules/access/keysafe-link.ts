import { randomUUID } from 'node:crypto';
import { encodeMqttPayload, type MqttCommandResponse, topicFor } from '@baken/protocols';
import type { Clock } from '../../clock.js';
import { AwaitedAnswers } from '../../cluster/awaited-answers.js';
import { LocalSignals, type Signals } from '../../cluster/signals.js';
import type { Device } from '../../store/repositories/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AccessStores, StoredCommand } from './access-stores.js';
import { type KeysafeCommandBody, type SetMaterialBody, signKeysafeCommand } from './command-signer.js';
import { type KeysafeKeys, keysafeNoKey, offlineCodeKey } from './keysafe-keys.js';

/** A queued SET_CODE of the offline-code key: material derived from K and the generation at signing. */
export type OfflineKeyBody = Omit<Extract<KeysafeCommandBody, { kind: 'set_code' }>, 'sealed'> & {
  offlineGeneration: number;
};
type QueueBody = KeysafeCommandBody | OfflineKeyBody;

/** How long the home unit may still act on a relayed command (MQTT-MAP §4.5 `expiresAt`). */
export const RELAY_EXPIRY_MS = 60_000;
/** Largest clock step one TIME_SYNC makes; below the key safe's maxTimeStep (300 s, KS-SERIAL §8.7). */
export const TIME_STEP_S = 240;

/** What the link needs of the server's MQTT client (the library boundary; tests may record instead). */
export interface CommandPublisher {
  publish(topic: string, payload: string, opts: { qos: 0 | 1 }): Promise<void>;
}

export type CommandStatus = 'pending' | 'sent' | 'ok' | 'refused' | 'failed' | 'dropped';

export interface QueuedCommand {
  id: string;
  deviceId: string;
  kind: string;
  purpose: string;
  releaseId: string | null;
  createdAt: number;
  status: CommandStatus;
  sentAt: number | null;
  resultAt: number | null;
  resultReason: string | null;
}

/**
 * Commands meaningful only at once (a PIN being handed out, KEY_INSTALL, a trial code): never queued
 * for a retry, and not listed as "not yet received" — their caller waits for the answer and voids
 * them otherwise.
 */
const ONE_SHOT_PURPOSES: ReadonlySet<string> = new Set(['release', 'key_install', 'trial_code']);

const withoutParams = ({ params: _params, ...c }: StoredCommand): QueuedCommand => c;

/**
 * The server's path to a key safe: KS-SERIAL command frames signed here, relayed unchanged by the
 * home unit through `cmd/req` (MQTT-MAP §4.5). Commands that must arrive whatever happens
 * (revocations, blocks, time sync) are queued and signed only when sent — a frame signed at send time
 * never expires in the queue — so an offline key safe receives them at the next contact; until then
 * they are listed as "not yet received". The MQTT `deviceId` of a key safe is its registry serial.
 */
export class KeysafeLink {
  constructor(
    private readonly stores: Pick<AccessStores, 'commands' | 'gateways'>,
    private readonly clock: Clock,
    private readonly keys: KeysafeKeys,
    private readonly audit: AuditLog,
    private readonly brokerClient: () => CommandPublisher | null,
    /** Server's estimate of the device clock, seconds (server time + last reported offset). */
    private readonly deviceNowS: (deviceId: string) => Promise<number>,
    /** Called with every command result (after the row is updated). */
    private readonly onResult: (
      cmd: QueuedCommand,
      res: MqttCommandResponse,
    ) => Promise<void> = async () => {},
    /** Signals between instances: a `cmd/res` stored by any instance ends a wait on this one. */
    signals: Signals = new LocalSignals(),
  ) {
    this.answers = new AwaitedAnswers(signals, 'keysafe_command', (id) => this.#answer(id), clock);
  }

  /** Waits for command answers ({@link awaitResult}) whichever instance stores them. */
  private readonly answers: AwaitedAnswers<CommandStatus>;

  /** A command's final status, or null while it still waits for its answer. */
  async #answer(id: string): Promise<CommandStatus | null> {
    const row = await this.stores.commands.get(id);
    if (!row) return 'dropped';
    return row.status === 'sent' ? null : row.status;
  }

  private override: CommandPublisher | null = null;
  /**
   * Key safes with a command put back to `pending` by a home unit that stayed online (its key-safe
   * link was down, the safe busy or silent): sent again as soon as the key safe is heard from
   * ({@link retryDevice}), else by the periodic {@link retryOnline}.
   */
  private readonly retryWaiting = new Set<string>();

  /** Replace the broker client (tests, tools); null restores it. */
  setPublisher(p: CommandPublisher | null): void {
    this.override = p;
  }

  private mqtt(): CommandPublisher | null {
    return this.override ?? this.brokerClient();
  }

  async gatewayOf(device: Device): Promise<string | null> {
    if (device.gatewayId) return device.gatewayId;
    if (!device.homeId) return null;
    return this.stores.gateways.latestOfHome(device.homeId);
  }

  /** Online = a broker connection and the home unit's last availability was `online`. */
  async isOnline(device: Device): Promise<boolean> {
    const gw = await this.gatewayOf(device);
    if (!gw || !this.mqtt()) return false;
    return this.stores.gateways.isOnline(gw);
  }

  /**
   * Signs and sends one command now (SET_CODE, OPEN_NOW: meaningful only at once). Returns the
   * command id, or null when the key safe is not reachable (nothing is queued).
   */
  async sendNow(
    device: Device,
    body: KeysafeCommandBody | SetMaterialBody,
    purpose: string,
    releaseId: string | null,
  ): Promise<string | null> {
    if (!(await this.isOnline(device))) return null;
    // Code material is never stored: the row keeps the command without it.
    const params = 'material' in body ? { ...body, material: undefined } : body;
    const id = await this.insert(device.id, body.kind, params, purpose, releaseId);
    if (await this.transmit(device, id, body)) return id;
    // Meaningful only now: never left in the queue for a later flush (its material is gone anyway).
    await this.stores.commands.setResult(id, 'dropped', this.clock.now(), 'not_sent', ['pending', 'sent']);
    return null;
  }

  /**
   * Sends one frame signed elsewhere (KEY_INSTALL, signed under the installation secret, KS-SERIAL
   * §8.8) now; its row keeps no parameters. The command id, or null when the key safe is not reachable.
   */
  async sendFrame(
    device: Device,
    signed: { kind: string; counter: bigint; frameHex: string },
    purpose: string,
  ): Promise<string | null> {
    const mqtt = this.mqtt();
    const gw = await this.gatewayOf(device);
    if (!mqtt || !gw || !(await this.isOnline(device))) return null;
    const id = await this.insert(device.id, signed.kind, {}, purpose, null);
    const now = this.clock.now();
    await this.stores.commands.markSent(id, Number(signed.counter), now);
    try {
      await mqtt.publish(topicFor('cmd/req', gw), this.relay(device, id, signed.frameHex, now), { qos: 1 });
      return id;
    } catch {
      await this.stores.commands.setResult(id, 'dropped', this.clock.now(), 'not_sent', ['sent']);
      return null;
    }
  }

  private relay(device: Device, id: string, frameHex: string, now: number): string {
    return encodeMqttPayload('cmd/req', {
      v: 1,
      transaction: id,
      deviceId: device.serial,
      kind: 'keysafe_frame',
      expiresAt: now + RELAY_EXPIRY_MS,
      frameHex,
    });
  }

  /**
   * The outcome of a sent command: its final status once the home unit answers (`cmd/res`), or
   * `timeout` when no answer came within `timeoutMs` on the injected clock. A command already
   * answered resolves at once.
   */
  awaitResult(id: string, timeoutMs: number): Promise<CommandStatus | 'timeout'> {
    return this.answers.wait(id, timeoutMs);
  }

  /**
   * Voids a command whose answer no longer counts: it becomes `dropped`, so a late `cmd/res` for it
   * is ignored by {@link handleResult} (only `sent` commands take results). False when it was no
   * longer unanswered: an answer came first, and that answer stands.
   */
  voidCommand(id: string, reason: string): Promise<boolean> {
    return this.stores.commands.setResult(id, 'dropped', this.clock.now(), reason, ['sent', 'pending']);
  }

  /** Queues a command that must reach the key safe; sends it at once when online. */
  async enqueue(device: Device, body: QueueBody, purpose: string, releaseId: string | null): Promise<string> {
    const id = await this.insert(device.id, body.kind, body, purpose, releaseId);
    if (await this.isOnline(device)) await this.transmit(device, id, body);
    return id;
  }

  /**
   * Sends every queued command of the key safes behind this home unit (on reconnect). Only key
   * safes with pending commands are looked up, so a reconnect costs nothing for an idle fleet.
   */
  async flushGateway(gatewayId: string, deviceOf: (id: string) => Promise<Device | null>): Promise<number> {
    return this.flushPending(deviceOf, async (d) => (await this.gatewayOf(d)) === gatewayId);
  }

  /** Flushes every key safe with a pending command that `accept` lets through. */
  private async flushPending(
    deviceOf: (id: string) => Promise<Device | null>,
    accept: (d: Device) => Promise<boolean>,
  ): Promise<number> {
    let n = 0;
    const ids = new Set(
      (await this.stores.commands.unfinished()).filter((c) => c.status === 'pending').map((c) => c.deviceId),
    );
    for (const id of ids) {
      const d = await deviceOf(id);
      if (!d || !(await accept(d))) continue;
      this.retryWaiting.delete(id);
      n += await this.flushDevice(d);
    }
    return n;
  }

  /**
   * A key safe was heard from (one of its events arrived): its link is up again, so commands a
   * home unit handed back while the link was down go now instead of waiting for the next reconnect
   * of the home unit, which may be weeks away — a revocation must not wait that long.
   */
  async retryDevice(device: Device): Promise<number> {
    if (!this.retryWaiting.delete(device.id) || !(await this.isOnline(device))) return 0;
    return this.flushDevice(device);
  }

  /**
   * Sends every pending command of key safes whose home unit is online (the access sweep): covers a
   * key safe that is never heard from, and commands left pending across a server restart.
   */
  async retryOnline(deviceOf: (id: string) => Promise<Device | null>): Promise<number> {
    return this.flushPending(deviceOf, (d) => this.isOnline(d));
  }

  /**
   * Sends the queued commands of one key safe (on reconnect, and once its key is installed). A key
   * safe without a key keeps its commands queued and never holds up the others behind its unit.
   */
  async flushDevice(device: Device): Promise<number> {
    let n = 0;
    for (const r of await this.stores.commands.pending(device.id)) {
      // one-shot commands go at once or never: one left pending (its sender died before sending
      // it) has lost its material; the access sweep voids it (`abandoned-releases.ts`)
      if (ONE_SHOT_PURPOSES.has(r.purpose)) continue;
      if (await this.transmit(device, r.id, this.paramsFor(r))) n++;
    }
    return n;
  }

  async pending(deviceId?: string): Promise<QueuedCommand[]> {
    const rows = await this.stores.commands.unfinished(deviceId);
    return rows.filter((r) => !ONE_SHOT_PURPOSES.has(r.purpose)).map(withoutParams);
  }

  async get(id: string): Promise<QueuedCommand | null> {
    const r = await this.stores.commands.get(id);
    return r ? withoutParams(r) : null;
  }

  /**
   * A `cmd/res` from a home unit. Only the home unit the command went to may answer it. A queued
   * command that timed out or met a busy device goes back to `pending` for the next contact. The
   * result is taken once: only the call that moves the command out of `sent` goes on (a duplicated
   * `cmd/res`, or one racing the void of a timed-out PIN, does nothing).
   */
  async handleResult(gatewayId: string, res: MqttCommandResponse): Promise<void> {
    const r = await this.stores.commands.get(res.transaction);
    if (r?.status !== 'sent') return;
    const now = this.clock.now();
    const retry =
      !ONE_SHOT_PURPOSES.has(r.purpose) &&
      (res.status === 'timeout' || res.status === 'busy' || res.status === 'error');
    const status: CommandStatus =
      res.status === 'ok' ? 'ok' : res.status === 'refused' ? 'refused' : retry ? 'pending' : 'failed';
    if (!(await this.stores.commands.setResult(r.id, status, now, res.reason ?? res.status, ['sent'])))
      return;
    if (status === 'pending') this.retryWaiting.add(r.deviceId);
    await this.audit.append({
      at: now,
      actor: `gateway:${gatewayId}`,
      action: `keysafe.command_${status === 'pending' ? 'retry' : status}`,
      subject: `keysafe:${r.deviceId}`,
      details: { commandId: r.id, kind: r.kind, purpose: r.purpose, reason: res.reason ?? res.status },
    });
    await this.onResult(
      withoutParams({ ...r, status, resultAt: now, resultReason: res.reason ?? res.status }),
      res,
    );
    void this.answers.answered(r.id);
  }

  private async insert(
    deviceId: string,
    kind: string,
    params: object,
    purpose: string,
    releaseId: string | null,
  ): Promise<string> {
    const id = `ks-${randomUUID()}`;
    await this.stores.commands.insert({
      id,
      deviceId,
      kind,
      params,
      purpose,
      releaseId,
      createdAt: this.clock.now(),
    });
    return id;
  }

  private paramsFor(r: StoredCommand): QueueBody {
    return r.params as QueueBody;
  }

  /** Fills in what is decided only at signing: offline-key material, the bounded time step. */
  private async complete(
    deviceId: string,
    body: QueueBody | SetMaterialBody,
  ): Promise<KeysafeCommandBody | SetMaterialBody> {
    if ('offlineGeneration' in body) {
      const { offlineGeneration, ...rest } = body;
      const k = await this.keys.key(deviceId);
      if (!k) throw keysafeNoKey();
      return { ...rest, material: offlineCodeKey(k.key, offlineGeneration) };
    }
    if (body.kind === 'time_sync') {
      // [KS-SERIAL §8.6/§8.7] one bounded step towards server time; larger drifts take several.
      const dev = await this.deviceNowS(deviceId);
      const step = Math.max(-TIME_STEP_S, Math.min(TIME_STEP_S, Math.floor(this.clock.now() / 1000) - dev));
      return { kind: 'time_sync', newTime: dev + step };
    }
    return body;
  }

  private async transmit(device: Device, id: string, body: QueueBody | SetMaterialBody): Promise<boolean> {
    const mqtt = this.mqtt();
    const gw = await this.gatewayOf(device);
    if (!mqtt || !gw) return false;
    // [KS-SERIAL §8.1] nothing can be signed before the key is installed: the command stays queued
    // (flushDevice sends it once the installer has delivered the key)
    if (!(await this.keys.has(device.id))) return false;
    const now = this.clock.now();
    const signed = await signKeysafeCommand(
      this.keys,
      device.id,
      await this.complete(device.id, body),
      await this.deviceNowS(device.id),
    );
    const payload = this.relay(device, id, signed.frameHex, now);
    // Claimed once: a command another sender (or instance) took meanwhile is not sent twice.
    if (!(await this.stores.commands.markSent(id, Number(signed.counter), now))) return false;
    try {
      await mqtt.publish(topicFor('cmd/req', gw), payload, { qos: 1 });
      return true;
    } catch {
      await this.stores.commands.markPending(id);
      return false;
    }
  }
}
