import {
  type EventEnvelope,
  type KsAuditAnchor,
  KsAuditKind,
  type KsAuditRecord,
  KsType,
  ksCodeUseOfRecord,
  ksVerifyAuditChain,
} from '@baken/protocols';
import type { Device } from '../../store/repositories/index.js';
import type { AccessDeps } from './access-service.js';
import type { AccessStores } from './access-stores.js';
import { codeUseOfEventData, ownerOfCodeUse } from './attribution.js';
import { fromMqttAuditRecord, keyInstalledAnchor, type MqttAuditRecord } from './device-audit.js';

/** What handling key-safe events uses. */
export type DeviceEventsDeps = Pick<
  AccessDeps,
  'clock' | 'audit' | 'alerts' | 'keys' | 'link' | 'releases' | 'repos' | 'settings'
> & { stores: Pick<AccessStores, 'commands' | 'keysafeState' | 'seenEvents'> };

/** A door opening counts as authorised when a code or remote open preceded it by at most this. */
const OPEN_AFTER_AUTH_S = 120;

/**
 * Key-safe events from the home unit (MQTT-MAP §4.1.3): every one goes into the audit log; code use
 * is credited to the release the key safe named (KS-SERIAL §7.1); wrong codes, lockouts, forced doors and tamper alert monitoring staff;
 * clock reports drive drift watch and bounded TIME_SYNC; `audit_records` are reconciled with the
 * device's chained MACs (KS-SERIAL §10.4) and with releases.
 */
export class DeviceEvents {
  /** Device second of the last authorised opening trigger (code accepted / remote open) per key safe. */
  private readonly lastAuth = new Map<string, number>();

  constructor(private readonly d: DeviceEventsDeps) {}

  async handle(e: EventEnvelope): Promise<void> {
    if (e.deviceKind !== 'keysafe') return;
    const { stores, audit } = this.d;
    if (!(await stores.seenEvents.markSeen(e.id, e.receivedAt))) return;
    const device = await this.d.repos.devices.getBySerial(e.deviceId);
    if (device?.type !== 'keysafe') return;
    await stores.keysafeState.ensure(device.id);
    // heard from: commands handed back while its link was down go now
    await this.d.link.retryDevice(device);
    const at = this.d.clock.now();
    const data = e.data as Record<string, unknown>;
    const subject = `keysafe:${device.id}`;
    const actor = `device:${device.id}`;
    if (e.kind === 'audit_records') {
      await this.reconcile(device, (data['records'] as MqttAuditRecord[]).map(fromMqttAuditRecord), at);
      return;
    }
    if (e.kind === 'clock_report') {
      await audit.append({
        at,
        actor,
        action: 'keysafe.clock_report',
        subject,
        details: { eventId: e.id, seq: e.seq ?? null, ...data },
      });
      await this.clockReport(device, Number(data['offsetMs']), at);
      return;
    }
    const details: Record<string, unknown> = {
      eventId: e.id,
      seq: e.seq ?? null,
      deviceTime: e.deviceTime,
      ...data,
    };
    if (e.kind === 'code_accepted') {
      // [KS-SERIAL §7.1] credited by the identity the key safe reported, never by time
      const id = codeUseOfEventData(data);
      const owner = id === null ? null : await ownerOfCodeUse(this.d, device.id, id);
      const rel = owner !== null && 'release' in owner ? owner.release : null;
      if (owner !== null && 'trial' in owner) details['trial'] = true;
      if (rel) {
        await this.d.releases.markOpened(rel.id, e.receivedAt);
        details['releaseId'] = rel.id;
        details['userId'] = rel.userId;
        details['situation'] = rel.situation;
      }
      details['attributed'] = owner !== null;
      this.lastAuth.set(device.id, Math.floor((e.deviceTime ?? e.receivedAt) / 1000));
    }
    await audit.append({ at, actor, action: `keysafe.${e.kind}`, subject, details });
    const s = await this.d.settings();
    const alerts = this.d.alerts;
    const key = `${device.id}:${e.seq ?? e.id}`;
    if (e.kind === 'code_rejected') {
      const since = at - s.alertWindowMinutes * 60_000;
      const n = await audit.count({ subject, action: 'keysafe.code_rejected', since });
      if (n >= s.wrongCodeAlertThreshold)
        await alerts.raise(
          'repeated_wrong_codes',
          subject,
          `${n} wrong codes within ${s.alertWindowMinutes} minutes`,
          at,
          key,
        );
    } else if (e.kind === 'lockout_started') {
      await alerts.raise('lockout', subject, 'The keypad is locked out after repeated wrong codes', at, key);
    } else if (e.kind === 'door_forced') {
      await alerts.raise('door_forced', subject, 'The key safe door was forced', at, key);
    } else if (e.kind === 'tamper') {
      await alerts.raise('tamper', subject, 'The key safe reports tampering', at, key);
    }
  }

  /** Drift = device − home unit clock (the home unit keeps NTP time). Large drift: queue a TIME_SYNC. */
  async clockReport(device: Device, offsetMs: number, at: number): Promise<void> {
    const { stores, audit } = this.d;
    await stores.keysafeState.setClock(device.id, offsetMs, at);
    const s = await this.d.settings();
    if (Math.abs(offsetMs) < s.driftWarnSeconds * 1000) return;
    await audit.append({
      at,
      actor: `device:${device.id}`,
      action: 'keysafe.clock_drift',
      subject: `keysafe:${device.id}`,
      details: { offsetMs },
    });
    await this.d.alerts.raise(
      'clock_drift',
      `keysafe:${device.id}`,
      `Key safe clock is off by ${Math.round(offsetMs / 1000)} s; a server-signed time sync is queued`,
      at,
      `${device.id}:${Math.floor(at / 3_600_000)}`,
    );
    const pending = await stores.commands.hasUnfinishedTimeSync(device.id);
    if (!pending) await this.d.link.enqueue(device, { kind: 'time_sync', newTime: 0 }, 'time_sync', null);
  }

  /**
   * Verifies records from the stored anchor; each fault raises an alert naming the device SEQ, and
   * verification re-anchors after it so one fault does not hide later records. Verified openings
   * without a matching release alert too.
   */
  async reconcile(device: Device, records: KsAuditRecord[], at: number): Promise<void> {
    const { stores, audit, alerts, keys } = this.d;
    const k = await keys.key(device.id);
    if (!k) return;
    const st = (await stores.keysafeState.auditAnchor(device.id)) ?? { seq: 0, macHex: '' };
    let anchor: KsAuditAnchor = keyInstalledAnchor(records, k.key, {
      seq: st.seq,
      mac: new Uint8Array(Buffer.from(st.macHex, 'hex')),
    });
    let rest = records.filter((r) => r.seq > anchor.seq || r.seq === 0);
    const subject = `keysafe:${device.id}`;
    while (rest.length > 0) {
      const res = ksVerifyAuditChain(rest, k.key, anchor);
      const good = res.ok ? rest : rest.slice(0, res.index);
      for (const r of good) await this.checkRecord(device, r, at);
      if (res.ok) {
        anchor = res.anchor;
        break;
      }
      const bad = rest[res.index]!;
      if (good.length > 0) anchor = { seq: good[good.length - 1]!.seq, mac: good[good.length - 1]!.mac };
      const kind =
        res.fault === 'gap'
          ? 'device_audit_gap'
          : res.fault === 'bad_mac'
            ? 'device_audit_bad_mac'
            : 'device_audit_reordered';
      const msg =
        res.fault === 'gap'
          ? `Key safe audit records ${res.expectedSeq}..${bad.seq - 1} are missing (deleted or suppressed)`
          : res.fault === 'bad_mac'
            ? `Key safe audit record ${bad.seq} does not verify (altered or forged)`
            : `Key safe audit record ${bad.seq} is out of order`;
      await alerts.raise(kind, subject, msg, at, `${device.id}:${bad.seq}`);
      await audit.append({
        at,
        actor: 'system',
        action: 'keysafe.audit_fault',
        subject,
        details: { fault: res.fault, seq: bad.seq, expectedSeq: res.expectedSeq },
      });
      if (res.fault !== 'reordered') {
        // Re-anchor on the record after the fault so later records still verify; its own content
        // cannot be verified, but it is still checked for openings (it can only add alerts).
        anchor = { seq: bad.seq, mac: bad.mac };
        await this.checkRecord(device, bad, at);
      }
      rest = rest.slice(res.index + 1);
    }
    await stores.keysafeState.setAuditAnchor(device.id, {
      seq: anchor.seq,
      macHex: Buffer.from(anchor.mac).toString('hex'),
    });
    await audit.append({
      at,
      actor: 'system',
      action: 'keysafe.audit_reconciled',
      subject,
      details: { anchorSeq: anchor.seq, received: records.length },
    });
  }

  private async checkRecord(device: Device, r: KsAuditRecord, at: number): Promise<void> {
    const use = ksCodeUseOfRecord(r);
    if (use !== null) {
      const owner = await ownerOfCodeUse(this.d, device.id, use);
      if (owner !== null && 'release' in owner)
        await this.d.releases.markOpened(owner.release.id, owner.release.openedAt ?? r.deviceTime * 1000);
      else if (owner === null)
        await this.unmatched(device, r, at, 'a code was accepted that no release covers');
      this.lastAuth.set(device.id, r.deviceTime);
    } else if (r.kind === KsType.CodeAccepted) {
      // KS-SERIAL 1.0 names slot and holder only: which issued code it was is unknown
      await this.unmatched(
        device,
        r,
        at,
        'the key safe (KS-SERIAL 1.0) does not say which issued code it was',
      );
      this.lastAuth.set(device.id, r.deviceTime);
    } else if (r.kind === KsAuditKind.CommandAccepted && r.value === KsType.OpenNow) {
      this.lastAuth.set(device.id, r.deviceTime);
    } else if (r.kind === KsType.DoorOpened) {
      const last = this.lastAuth.get(device.id);
      if (last === undefined || r.deviceTime - last > OPEN_AFTER_AUTH_S || r.deviceTime < last)
        await this.unmatched(device, r, at, 'the door opened without a code or remote open before it');
    }
  }

  private async unmatched(device: Device, r: KsAuditRecord, at: number, why: string): Promise<void> {
    await this.d.alerts.raise(
      'opening_without_release',
      `keysafe:${device.id}`,
      `Opening without a matching release (device record ${r.seq}): ${why}`,
      at,
      `${device.id}:${r.seq}`,
    );
  }
}
