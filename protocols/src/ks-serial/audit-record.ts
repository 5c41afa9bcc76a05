import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail, ok, type Result } from '../errors.js';
import { KsReader, KsWriter } from './byte-io.js';

/**
 * A key-safe audit record — [KS-SERIAL §10.1]. 16 bytes of body plus a 16-byte chained MAC:
 *
 *   SEQ u32 | DEVICE_TIME u32 | KIND u8 | SLOT u8 | HOLDER u32 | VALUE u16 | MAC 16
 */
export interface KsAuditRecord {
  seq: number;
  deviceTime: number;
  kind: number;
  slot: number;
  holderId: number;
  value: number;
  mac: Uint8Array;
}
export type KsAuditRecordBody = Omit<KsAuditRecord, 'mac'>;

export const KS_AUDIT_BODY_SIZE = 16;
export const KS_AUDIT_MAC_SIZE = 16;
export const KS_AUDIT_RECORD_SIZE = KS_AUDIT_BODY_SIZE + KS_AUDIT_MAC_SIZE;

/** Audit kinds beyond the event types (which are used as kinds unchanged) — [KS-SERIAL §10.2]. */
export const KsAuditKind = {
  CommandAccepted: 0x80,
  CommandRefused: 0x81,
  PowerOn: 0x82,
  /** A new K was installed; this record starts a new chain under it (§8.8, §10.3). */
  KeyInstalled: 0x83,
} as const;

/** The chain value before record 1 — [KS-SERIAL §10.3]. */
export const KS_AUDIT_GENESIS: KsAuditAnchor = { seq: 0, mac: new Uint8Array(KS_AUDIT_MAC_SIZE) };

/** Last verified link of a chain: where the next verification resumes. */
export interface KsAuditAnchor {
  seq: number;
  mac: Uint8Array;
}

const AUDIT_TAG = new TextEncoder().encode('KS1A');

function writeBody(w: KsWriter, r: KsAuditRecordBody): KsWriter {
  return w
    .u32(r.seq, 'seq')
    .u32(r.deviceTime, 'deviceTime')
    .u8(r.kind, 'kind')
    .u8(r.slot, 'slot')
    .u32(r.holderId, 'holderId')
    .u16(r.value, 'value');
}

export function ksEncodeAuditRecord(r: KsAuditRecord): Result<Uint8Array> {
  const w = writeBody(new KsWriter(), r).raw(r.mac, 'mac', KS_AUDIT_MAC_SIZE);
  if (w.badField !== null) {
    return fail('BAKEN_ERR_MESSAGE_PAYLOAD', `audit record field ${w.badField} out of range`, {
      field: w.badField,
    });
  }
  return ok(w.finish());
}

/** Reads one record from a reader (used by the AUDIT_RECORDS codec). */
export function ksReadAuditRecord(r: KsReader): KsAuditRecord {
  return {
    seq: r.u32(),
    deviceTime: r.u32(),
    kind: r.u8(),
    slot: r.u8(),
    holderId: r.u32(),
    value: r.u16(),
    mac: r.raw(KS_AUDIT_MAC_SIZE),
  };
}

export function ksDecodeAuditRecord(bytes: Uint8Array): Result<KsAuditRecord> {
  const r = new KsReader(bytes);
  const rec = ksReadAuditRecord(r);
  if (!r.done()) return fail('BAKEN_ERR_MESSAGE_PAYLOAD', 'audit record must be exactly 32 bytes');
  return ok(rec);
}

/** mac_i = HMAC-SHA-256(K, "KS1A" || mac_{i-1} || body_i)[0..16] — [KS-SERIAL §10.3]. */
export function ksAuditMac(key: Uint8Array, prevMac: Uint8Array, body: KsAuditRecordBody): Uint8Array {
  const w = writeBody(new KsWriter(), body);
  const h = createHmac('sha256', key).update(AUDIT_TAG).update(prevMac).update(w.finish());
  return new Uint8Array(h.digest().subarray(0, KS_AUDIT_MAC_SIZE));
}

/** What the key safe does when it appends a record: chain it to the previous one. */
export function ksSealAuditRecord(
  key: Uint8Array,
  prev: KsAuditAnchor,
  body: KsAuditRecordBody,
): KsAuditRecord {
  return { ...body, mac: ksAuditMac(key, prev.mac, body) };
}

export type KsAuditChainFault = 'gap' | 'reordered' | 'bad_mac';

export type KsAuditChainResult =
  | { ok: true; anchor: KsAuditAnchor }
  | { ok: false; index: number; fault: KsAuditChainFault; expectedSeq: number };

/**
 * Verify records read back from a key safe against the last verified anchor — [KS-SERIAL §10.4].
 * Returns the index of the first bad record: `gap` (a record is missing: deleted or suppressed),
 * `reordered` (a sequence number at or below one already seen), `bad_mac` (altered or forged).
 * On success the anchor to resume from next time. Pure; total for any input.
 */
export function ksVerifyAuditChain(
  records: readonly KsAuditRecord[],
  key: Uint8Array,
  anchor: KsAuditAnchor = KS_AUDIT_GENESIS,
): KsAuditChainResult {
  let prev = anchor;
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    const expectedSeq = prev.seq + 1;
    if (rec.seq <= prev.seq) return { ok: false, index: i, fault: 'reordered', expectedSeq };
    if (rec.seq !== expectedSeq) return { ok: false, index: i, fault: 'gap', expectedSeq };
    const mac = ksAuditMac(key, prev.mac, rec);
    if (!(rec.mac instanceof Uint8Array) || rec.mac.length !== mac.length || !timingSafeEqual(mac, rec.mac)) {
      return { ok: false, index: i, fault: 'bad_mac', expectedSeq };
    }
    prev = { seq: rec.seq, mac: rec.mac };
  }
  return { ok: true, anchor: prev };
}
