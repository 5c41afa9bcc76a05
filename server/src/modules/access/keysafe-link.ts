import { randomUUID } from 'node:crypto';
import { encodeMqttPayload, type MqttCommandResponse, topicFor } from '@baken/protocols';
import type { Clock } from '../../clock.js';
import type { Db } from '../../store/database.js';
import type { Device } from '../../store/repositories/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { type KeysafeCommandBody, type SetMaterialBody, signKeysafeCommand } from './command-signer.js';
import { type KeysafeKeys, offlineCodeKey } from './keysafe-keys.js';

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

interface CmdRow {
  id: string;
  device_id: string;
  kind: string;
  params: string;
  purpose: string;
  release_id: string | null;
  created_at: number;
  status: CommandStatus;
  sent_at: number | null;
  result_at: number | null;
  result_reason: string | null;
}
const toCmd = (r: CmdRow): QueuedCommand => ({
  id: r.id,
  deviceId: r.device_id,
  kind: r.kind,
  purpose: r.purpose,
  releaseId: r.release_id,
  createdAt: r.created_at,
  status: r.status,
  sentAt: r.sent_at,
  resultAt: r.result_at,
  resultReason: r.result_reason,
});

/**
 * The server's path to a key safe: KS-SERIAL command frames signed here, relayed unchanged by the
 * home unit through `cmd/req` (MQTT-MAP §4.5). Commands that must arrive whatever happens
 * (revocations, blocks, time sync) are queued and signed only when sent — a frame signed at send time
 * never expires in the queue — so an offline key safe receives them at the next contact; until then
 * they are listed as "not yet received". The MQTT `deviceId` of a key safe is its registry serial.
 */
export class KeysafeLink {
  /** Called with every command result (after the row is updated). */
  onResult: (cmd: QueuedCommand, res: MqttCommandResponse) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keys: KeysafeKeys,
    private readonly audit: AuditLog,
    private readonly brokerClient: () => CommandPublisher | null,
    /** Server's estimate of the device clock, seconds (server time + last reported offset). */
    private readonly deviceNowS: (deviceId: string) => number,
  ) {}

  private override: CommandPublisher | null = null;

  /** Replace the broker client (tests, tools); null restores it. */
  setPublisher(p: CommandPublisher | null): void {
    this.override = p;
  }

  private mqtt(): CommandPublisher | null {
    return this.override ?? this.brokerClient();
  }

  gatewayOf(device: Device): string | null {
    if (device.gatewayId) return device.gatewayId;
    if (!device.homeId) return null;
    const r = this.db
      .prepare(
        'SELECT id FROM gateways WHERE home_id = ? AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1',
      )
      .get(device.homeId) as { id: string } | undefined;
    return r?.id ?? null;
  }

  setGatewayOnline(gatewayId: string, online: boolean, at: number): void {
    this.db
      .prepare(
        `INSERT INTO access_gateway_state (gateway_id, online, at) VALUES (?,?,?)
         ON CONFLICT(gateway_id) DO UPDATE SET online = excluded.online, at = excluded.at`,
      )
      .run(gatewayId, online ? 1 : 0, at);
  }

  /** Online = a broker connection and the home unit's last availability was `online`. */
  isOnline(device: Device): boolean {
    const gw = this.gatewayOf(device);
    if (!gw || !this.mqtt()) return false;
    const r = this.db.prepare('SELECT online FROM access_gateway_state WHERE gateway_id = ?').get(gw) as
      | { online: number }
      | undefined;
    return r?.online === 1;
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
    if (!this.isOnline(device)) return null;
    // Code material is never stored: the row keeps the command without it.
    const params = 'material' in body ? { ...body, material: undefined } : body;
    const id = this.insert(device.id, body.kind, params, purpose, releaseId);
    return (await this.transmit(device, id, body)) ? id : null;
  }

  /** Queues a command that must reach the key safe; sends it at once when online. */
  async enqueue(device: Device, body: QueueBody, purpose: string, releaseId: string | null): Promise<string> {
    const id = this.insert(device.id, body.kind, body, purpose, releaseId);
    if (this.isOnline(device)) await this.transmit(device, id, body);
    return id;
  }

  /** Sends every queued command of the key safes behind this home unit (on reconnect). */
  async flushGateway(gatewayId: string, devices: Device[]): Promise<number> {
    let n = 0;
    for (const d of devices) {
      if (this.gatewayOf(d) !== gatewayId) continue;
      const rows = this.db
        .prepare(
          "SELECT * FROM keysafe_commands WHERE device_id = ? AND status = 'pending' ORDER BY created_at",
        )
        .all(d.id) as CmdRow[];
      for (const r of rows) {
        if (await this.transmit(d, r.id, this.paramsFor(r))) n++;
      }
    }
    return n;
  }

  pending(deviceId?: string): QueuedCommand[] {
    const rows = (
      deviceId
        ? this.db
            .prepare(
              "SELECT * FROM keysafe_commands WHERE status IN ('pending','sent') AND device_id = ? ORDER BY created_at",
            )
            .all(deviceId)
        : this.db
            .prepare("SELECT * FROM keysafe_commands WHERE status IN ('pending','sent') ORDER BY created_at")
            .all()
    ) as CmdRow[];
    return rows.filter((r) => r.purpose !== 'release').map(toCmd);
  }

  get(id: string): QueuedCommand | null {
    const r = this.db.prepare('SELECT * FROM keysafe_commands WHERE id = ?').get(id) as CmdRow | undefined;
    return r ? toCmd(r) : null;
  }

  /**
   * A `cmd/res` from a home unit. Only the home unit the command went to may answer it. A queued
   * command that timed out or met a busy device goes back to `pending` for the next contact.
   */
  handleResult(gatewayId: string, res: MqttCommandResponse): void {
    const r = this.db.prepare('SELECT * FROM keysafe_commands WHERE id = ?').get(res.transaction) as
      | CmdRow
      | undefined;
    if (r?.status !== 'sent') return;
    const now = this.clock.now();
    const retry =
      r.purpose !== 'release' &&
      (res.status === 'timeout' || res.status === 'busy' || res.status === 'error');
    const status: CommandStatus =
      res.status === 'ok' ? 'ok' : res.status === 'refused' ? 'refused' : retry ? 'pending' : 'failed';
    this.db
      .prepare('UPDATE keysafe_commands SET status = ?, result_at = ?, result_reason = ? WHERE id = ?')
      .run(status, now, res.reason ?? res.status, r.id);
    this.audit.append({
      at: now,
      actor: `gateway:${gatewayId}`,
      action: `keysafe.command_${status === 'pending' ? 'retry' : status}`,
      subject: `keysafe:${r.device_id}`,
      details: { commandId: r.id, kind: r.kind, purpose: r.purpose, reason: res.reason ?? res.status },
    });
    this.onResult(toCmd({ ...r, status, result_at: now, result_reason: res.reason ?? res.status }), res);
  }

  private insert(
    deviceId: string,
    kind: string,
    params: object,
    purpose: string,
    releaseId: string | null,
  ): string {
    const id = `ks-${randomUUID()}`;
    this.db
      .prepare(
        `INSERT INTO keysafe_commands (id, device_id, kind, params, purpose, release_id, created_at, status)
         VALUES (?,?,?,?,?,?,?, 'pending')`,
      )
      .run(id, deviceId, kind, JSON.stringify(params), purpose, releaseId, this.clock.now());
    return id;
  }

  private paramsFor(r: CmdRow): QueueBody {
    return JSON.parse(r.params) as QueueBody;
  }

  /** Fills in what is decided only at signing: offline-key material, the bounded time step. */
  private complete(
    deviceId: string,
    body: QueueBody | SetMaterialBody,
  ): KeysafeCommandBody | SetMaterialBody {
    if ('offlineGeneration' in body) {
      const { offlineGeneration, ...rest } = body;
      const k = this.keys.key(deviceId);
      if (!k) throw new Error('BAKEN_ERR_NOT_FOUND: the key safe has no key on the server');
      return { ...rest, material: offlineCodeKey(k.key, offlineGeneration) };
    }
    if (body.kind === 'time_sync') {
      // [KS-SERIAL §8.6/§8.7] one bounded step towards server time; larger drifts take several.
      const dev = this.deviceNowS(deviceId);
      const step = Math.max(-TIME_STEP_S, Math.min(TIME_STEP_S, Math.floor(this.clock.now() / 1000) - dev));
      return { kind: 'time_sync', newTime: dev + step };
    }
    return body;
  }

  private async transmit(device: Device, id: string, body: QueueBody | SetMaterialBody): Promise<boolean> {
    const mqtt = this.mqtt();
    const gw = this.gatewayOf(device);
    if (!mqtt || !gw) return false;
    const now = this.clock.now();
    const signed = signKeysafeCommand(
      this.keys,
      device.id,
      this.complete(device.id, body),
      this.deviceNowS(device.id),
    );
    const payload = encodeMqttPayload('cmd/req', {
      v: 1,
      transaction: id,
      deviceId: device.serial,
      kind: 'keysafe_frame',
      expiresAt: now + RELAY_EXPIRY_MS,
      frameHex: signed.frameHex,
    });
    this.db
      .prepare("UPDATE keysafe_commands SET status = 'sent', counter = ?, sent_at = ? WHERE id = ?")
      .run(Number(signed.counter), now, id);
    try {
      await mqtt.publish(topicFor('cmd/req', gw), payload, { qos: 1 });
      return true;
    } catch {
      this.db.prepare("UPDATE keysafe_commands SET status = 'pending' WHERE id = ?").run(id);
      return false;
    }
  }
}
