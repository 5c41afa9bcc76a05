import { fail, ok, type ProtocolError, type Result } from '../errors.js';
import { type KsAuditRecord, ksEncodeAuditRecord, ksReadAuditRecord } from './audit-record.js';
import { KS_AUTH_COMMAND_TYPES_BY_KIND, readAuthCommand, writeAuthCommand } from './auth-command-codec.js';
import { KsReader, KsWriter } from './byte-io.js';
import { KS_EVENT_TYPES, readEvent, writeEvent } from './event-codec.js';
import type { KsFrame } from './frame.js';
import { KS_AUTH_COMMAND_TYPES, KsReason, KsType } from './message-types.js';
import { KS_MAX_AUDIT_RECORDS_PER_FRAME, type KsMessage, type KsMessageKind } from './messages.js';

/** TYPE byte for each message kind — [KS-SERIAL §5.1]. */
export const KS_MESSAGE_TYPES: Readonly<Record<KsMessageKind, number>> = {
  ack: KsType.Ack,
  nak: KsType.Nak,
  hello: KsType.Hello,
  ...KS_EVENT_TYPES,
  ...KS_AUTH_COMMAND_TYPES_BY_KIND,
  read_audit: KsType.ReadAudit,
  self_test: KsType.SelfTest,
  status_poll: KsType.StatusPoll,
  command_result: KsType.CommandResult,
  audit_records: KsType.AuditRecords,
  self_test_result: KsType.SelfTestResult,
  status: KsType.Status,
};

function writeOther(w: KsWriter, m: KsMessage): void {
  switch (m.kind) {
    case 'nak':
      w.u8(m.reason, 'reason');
      break;
    case 'hello':
      w.u8(m.protocolMajor, 'protocolMajor')
        .u8(m.protocolMinor, 'protocolMinor')
        .ascii(m.serial, 1, 32, 'serial')
        .u8(m.firmware.major, 'firmware.major')
        .u8(m.firmware.minor, 'firmware.minor')
        .u16(m.firmware.patch, 'firmware.patch')
        .u32(m.capabilities, 'capabilities');
      break;
    case 'read_audit':
      w.u32(m.fromSeq, 'fromSeq').u8(m.maxRecords, 'maxRecords');
      break;
    case 'command_result':
      w.u8(m.commandType, 'commandType')
        .u64(m.counter, 'counter')
        .u8(m.result, 'result')
        .u32(m.deviceTime, 'deviceTime');
      break;
    case 'audit_records':
      w.u32(m.headSeq, 'headSeq');
      if (!Array.isArray(m.records) || m.records.length > KS_MAX_AUDIT_RECORDS_PER_FRAME) {
        w.badField ??= 'records';
        break;
      }
      w.u8(m.records.length, 'records');
      for (const rec of m.records) {
        const enc = ksEncodeAuditRecord(rec);
        if (enc.ok) w.raw(enc.value, 'records');
        else w.badField ??= 'records';
      }
      break;
    case 'self_test_result':
      w.u16(m.faults, 'faults');
      break;
    case 'status':
      w.u32(m.deviceTime, 'deviceTime')
        .u8(m.flags, 'flags')
        .u8(m.batteryPercent, 'batteryPercent')
        .u64(m.lastCounter, 'lastCounter')
        .u32(m.auditHeadSeq, 'auditHeadSeq');
      if (m.batteryPercent > 100) w.badField ??= 'batteryPercent';
      break;
    default:
      break;
  }
}

/** Encode a message into a frame with the given link SEQ. Never throws. */
export function ksEncodeMessage(msg: KsMessage, seq: number): Result<KsFrame> {
  const type = KS_MESSAGE_TYPES[msg.kind];
  if (type === undefined) return fail('BAKEN_ERR_MESSAGE_TYPE', 'unknown message kind', { kind: msg.kind });
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xff) {
    return fail('BAKEN_ERR_MESSAGE_PAYLOAD', 'seq must be u8', { seq });
  }
  const w = new KsWriter();
  if ('auth' in msg) writeAuthCommand(w, msg);
  else if ('eventSeq' in msg) writeEvent(w, msg);
  else writeOther(w, msg);
  if (w.badField !== null) {
    return fail('BAKEN_ERR_MESSAGE_PAYLOAD', `field ${w.badField} out of range for ${msg.kind}`, {
      kind: msg.kind,
      field: w.badField,
    });
  }
  return ok({ type, seq, payload: w.finish() });
}

function readOther(r: KsReader, type: number): KsMessage | null {
  switch (type) {
    case KsType.Ack:
      return { kind: 'ack' };
    case KsType.Nak:
      return { kind: 'nak', reason: r.u8() };
    case KsType.Hello:
      return {
        kind: 'hello',
        protocolMajor: r.u8(),
        protocolMinor: r.u8(),
        serial: r.ascii(1, 32),
        firmware: { major: r.u8(), minor: r.u8(), patch: r.u16() },
        capabilities: r.u32(),
      };
    case KsType.ReadAudit:
      return { kind: 'read_audit', fromSeq: r.u32(), maxRecords: r.u8() };
    case KsType.SelfTest:
      return { kind: 'self_test' };
    case KsType.StatusPoll:
      return { kind: 'status_poll' };
    case KsType.CommandResult:
      return {
        kind: 'command_result',
        commandType: r.u8(),
        counter: r.u64(),
        result: r.u8(),
        deviceTime: r.u32(),
      };
    case KsType.AuditRecords: {
      const headSeq = r.u32();
      const n = r.u8();
      if (n > KS_MAX_AUDIT_RECORDS_PER_FRAME) r.reject();
      const records: KsAuditRecord[] = [];
      for (let i = 0; i < n && !r.failed; i++) records.push(ksReadAuditRecord(r));
      return { kind: 'audit_records', headSeq, records };
    }
    case KsType.SelfTestResult:
      return { kind: 'self_test_result', faults: r.u16() };
    case KsType.Status: {
      const m = {
        kind: 'status' as const,
        deviceTime: r.u32(),
        flags: r.u8(),
        batteryPercent: r.u8(),
        lastCounter: r.u64(),
        auditHeadSeq: r.u32(),
      };
      if (m.batteryPercent > 100) r.reject();
      return m;
    }
    default:
      return null;
  }
}

/**
 * Decode a frame's payload by its TYPE — [KS-SERIAL §5]. Total: an unknown TYPE gives
 * BAKEN_ERR_MESSAGE_TYPE, a payload of the wrong length or with an out-of-range field gives
 * BAKEN_ERR_MESSAGE_PAYLOAD. Payloads must be exact (no trailing bytes).
 */
export function ksDecodeMessage(frame: KsFrame): Result<KsMessage> {
  const r = new KsReader(frame.payload);
  const isEvent = frame.type >= KsType.DoorOpened && frame.type <= KsType.WindowCodeUsed;
  const msg = KS_AUTH_COMMAND_TYPES.has(frame.type)
    ? readAuthCommand(r, frame.type)
    : isEvent
      ? readEvent(r, frame.type)
      : readOther(r, frame.type);
  if (msg === null) {
    return fail('BAKEN_ERR_MESSAGE_TYPE', `unknown message type 0x${frame.type.toString(16)}`, {
      type: frame.type,
    });
  }
  if (!r.done()) {
    return fail('BAKEN_ERR_MESSAGE_PAYLOAD', `bad payload for ${msg.kind}`, {
      type: frame.type,
      length: frame.payload.length,
    });
  }
  return ok(msg);
}

/** The NAK reason a receiver sends for a decode error — [KS-SERIAL §4.2]. */
export function ksNakReasonFor(error: ProtocolError): number {
  switch (error.code) {
    case 'BAKEN_ERR_FRAME_CRC':
      return KsReason.BadCrc;
    case 'BAKEN_ERR_MESSAGE_TYPE':
      return KsReason.UnknownType;
    default:
      return KsReason.BadPayload;
  }
}
