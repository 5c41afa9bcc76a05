import {
  defaultEventPriority,
  KsAuditKind,
  type KsAuditRecord,
  type KsEvent,
  KsType,
} from '@baken/protocols';
import type { DeviceEvent } from '../event-bus.js';

/** KS-SERIAL event TYPE → its name (also the audit KIND of an event record) [KS-SERIAL §7, §10.2]. */
const EVENT_NAMES: ReadonlyMap<number, string> = new Map([
  [KsType.DoorOpened, 'door_opened'],
  [KsType.DoorClosed, 'door_closed'],
  [KsType.DoorForced, 'door_forced'],
  [KsType.KeyTaken, 'key_taken'],
  [KsType.KeyReturned, 'key_returned'],
  [KsType.CodeAccepted, 'code_accepted'],
  [KsType.CodeRejected, 'code_rejected'],
  [KsType.LockoutStarted, 'lockout_started'],
  [KsType.LockoutEnded, 'lockout_ended'],
  [KsType.Tamper, 'tamper'],
  [KsType.BatteryLevel, 'battery_level'],
  [KsType.MainsLost, 'mains_lost'],
  [KsType.MainsRestored, 'mains_restored'],
  [KsType.ClockReport, 'clock_report'],
  [KsType.CodeUsed, 'code_used'],
  [KsType.WindowCodeUsed, 'window_code_used'],
  [KsAuditKind.CommandAccepted, 'command_accepted'],
  [KsAuditKind.CommandRefused, 'command_refused'],
  [KsAuditKind.PowerOn, 'power_on'],
  [KsAuditKind.KeyInstalled, 'key_installed'],
]);

const TAMPER_SOURCES: Readonly<Record<number, string>> = { 1: 'case_opened', 2: 'wall_removed', 3: 'keypad' };

/** An id usable as the event id (`^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$`) derived from the serial. */
export function serialToken(serial: string): string {
  return serial.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
}

/**
 * The outbox id of a key-safe event: deterministic in (serial, EVENT_SEQ), so the same event seen
 * again (retransmitted after a lost ACK, re-read after a restart) is stored and sent once; the
 * server deduplicates by (serial, EVENT_SEQ) too [KS-SERIAL §7].
 */
export const keysafeEventId = (serial: string, eventSeq: number): string =>
  `ks-${serialToken(serial)}-e${eventSeq}`;

/** Data of a key-safe event as in [MQTT-MAP §4.1.3]; device seconds become milliseconds. */
export function keysafeDeviceEvent(
  deviceId: string,
  serial: string,
  e: KsEvent,
  receivedAt: number,
): DeviceEvent {
  const base = {
    id: keysafeEventId(serial, e.eventSeq),
    deviceId,
    deviceKind: 'keysafe' as const,
    deviceTime: e.deviceTime * 1000,
    receivedAt,
    seq: e.eventSeq,
  };
  const make = (kind: string, data: Record<string, unknown>, coalesceKey?: string): DeviceEvent => ({
    ...base,
    kind,
    priority: defaultEventPriority('keysafe', kind),
    data,
    ...(coalesceKey === undefined ? {} : { coalesceKey }),
  });
  switch (e.kind) {
    case 'door_opened':
      return make('door_opened', {});
    case 'door_closed':
    case 'door_forced':
    case 'lockout_ended':
    case 'mains_lost':
    case 'mains_restored':
      return make(e.kind, {});
    case 'key_taken':
    case 'key_returned':
      return make(e.kind, e.hook <= 63 ? { hook: e.hook } : {});
    case 'code_accepted':
      // KS-SERIAL does not say which kind of code it was; the server knows the slot's kind and
      // reads this field as a placeholder ('static') until the event carries it
      return make('code_accepted', { slot: e.slot, holderId: String(e.holderId), codeKind: 'static' });
    case 'code_used':
      // [KS-SERIAL §7.1] relayed as MQTT `code_accepted` naming the issued code
      return make('code_accepted', {
        slot: e.slot,
        holderId: String(e.holderId),
        codeKind: 'static',
        issue: e.issue.toString(),
      });
    case 'window_code_used':
      return make('code_accepted', {
        slot: e.slot,
        holderId: String(e.holderId),
        codeKind: 'one_time',
        issue: e.keyIssue.toString(),
        window: { start: e.windowStart * 1000, seconds: e.windowSeconds, slot: e.windowSlot },
      });
    case 'code_rejected':
      return make('code_rejected', { reason: 'unknown', failedAttempts: e.failedAttempts });
    case 'lockout_started':
      return make('lockout_started', { failedAttempts: e.failedAttempts, until: e.until * 1000 });
    case 'tamper':
      return make('tamper', { source: TAMPER_SOURCES[e.source] ?? `source_${e.source}` });
    case 'battery_level':
      return make('battery', { percent: e.percent }, `battery:${deviceId}`);
    case 'clock_report':
      return make(
        'clock_report',
        { deviceTime: e.deviceTime * 1000, offsetMs: e.deviceTime * 1000 - receivedAt },
        `clock:${deviceId}`,
      );
  }
}

/**
 * One `audit_records` event for up to 256 records [MQTT-MAP §4.1.3]. `subject` carries
 * `slot/holderId/value` so the server can rebuild the 16-byte record body and check the chained MAC
 * [KS-SERIAL §10.3]; the gateway cannot compute or alter MACs.
 */
export function auditRecordsEvent(
  deviceId: string,
  serial: string,
  records: readonly KsAuditRecord[],
  receivedAt: number,
): DeviceEvent | null {
  const first = records[0];
  const last = records[records.length - 1];
  if (first === undefined || last === undefined) return null;
  return {
    id: `ks-${serialToken(serial)}-a${first.seq}-${last.seq}`,
    deviceId,
    deviceKind: 'keysafe',
    kind: 'audit_records',
    priority: 'normal',
    deviceTime: last.deviceTime * 1000,
    receivedAt,
    data: {
      records: records.map((r) => ({
        seq: r.seq,
        deviceTime: r.deviceTime * 1000,
        kind: EVENT_NAMES.get(r.kind) ?? `kind_${r.kind.toString(16).padStart(2, '0')}`,
        subject: `${r.slot}/${r.holderId}/${r.value}`,
        macHex: Buffer.from(r.mac).toString('hex'),
      })),
      firstSeq: first.seq,
      lastSeq: last.seq,
    },
  };
}

/** Reason name for a NAK or COMMAND_RESULT code, for `cmd/res.reason` [KS-SERIAL §4.2]. */
export function reasonName(code: number): string {
  const names: Record<number, string> = {
    0: 'OK',
    1: 'BAD_CRC',
    2: 'UNKNOWN_TYPE',
    3: 'BAD_PAYLOAD',
    4: 'BUSY',
    5: 'UNSUPPORTED_VERSION',
    16: 'BAD_MAC',
    17: 'COUNTER_REPLAY',
    18: 'EXPIRED',
    19: 'NOT_YET_VALID',
    20: 'WRONG_DEVICE',
    21: 'TIME_STEP_TOO_LARGE',
    22: 'VALIDITY_TOO_LONG',
    23: 'CLOCK_NOT_SET',
    24: 'NOT_PAIRING',
    25: 'NO_KEY',
    32: 'HARDWARE_FAULT',
    33: 'SLOT_INVALID',
  };
  return names[code] ?? `REASON_0x${code.toString(16).padStart(2, '0')}`;
}
