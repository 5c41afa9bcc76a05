import {
  type KsAuditRecord,
  type KsAuditRecordBody,
  ksDecodeAuditRecord,
  ksEncodeAuditRecord,
  ksSealAuditRecord,
} from '@baken/protocols';
import { hex, unhex } from '../hex.js';
import type { NvState } from './nv-state.js';

/**
 * The bounded audit ring inside NV state — [KS-SERIAL §10]. SEQ starts at 1 and is never reused;
 * each record's MAC chains to the previous one, so the oldest records may be overwritten (the
 * server sees that as a gap) but none can be altered or removed unnoticed.
 */
export function appendAudit(
  nv: NvState,
  key: Uint8Array,
  capacity: number,
  body: Omit<KsAuditRecordBody, 'seq'>,
): KsAuditRecord {
  const seq = nv.audit.nextSeq;
  const prev = { seq: seq - 1, mac: unhex(nv.audit.headMac) };
  const record = ksSealAuditRecord(key, prev, { ...body, seq });
  const encoded = ksEncodeAuditRecord(record);
  if (!encoded.ok) throw encoded.error;
  nv.audit.records.push(hex(encoded.value));
  while (nv.audit.records.length > capacity) nv.audit.records.shift();
  nv.audit.nextSeq = seq + 1;
  nv.audit.headMac = hex(record.mac);
  return record;
}

export function auditRecords(nv: NvState): KsAuditRecord[] {
  const out: KsAuditRecord[] = [];
  for (const h of nv.audit.records) {
    const r = ksDecodeAuditRecord(unhex(h));
    if (r.ok) out.push(r.value);
  }
  return out;
}

/** Records from `fromSeq` (or the oldest held), at most `max` — [KS-SERIAL §9.1]. */
export function readAudit(nv: NvState, fromSeq: number, max: number): KsAuditRecord[] {
  return auditRecords(nv)
    .filter((r) => r.seq >= fromSeq)
    .slice(0, max);
}

export const auditHeadSeq = (nv: NvState): number => nv.audit.nextSeq - 1;
