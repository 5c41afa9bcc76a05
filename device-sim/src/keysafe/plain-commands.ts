import { KS_MAX_AUDIT_RECORDS_PER_FRAME, type KsMessage, type KsResponse } from '@baken/protocols';
import { auditHeadSeq, readAudit } from './audit-log.js';
import type { NvState } from './nv-state.js';

export interface PlainContext {
  nv: NvState;
  deviceTime: number;
  flags: number;
  batteryPercent: number;
  selfTestFaults: number;
}

/**
 * The response to a plain command — [KS-SERIAL §9]: READ_AUDIT → AUDIT_RECORDS (at most 7 per
 * frame), SELF_TEST → SELF_TEST_RESULT, STATUS_POLL → STATUS. Null for anything else (NAK UNKNOWN_TYPE).
 */
export function plainResponse(msg: KsMessage, ctx: PlainContext): KsResponse | null {
  switch (msg.kind) {
    case 'read_audit':
      return {
        kind: 'audit_records',
        headSeq: auditHeadSeq(ctx.nv),
        records: readAudit(ctx.nv, msg.fromSeq, Math.min(msg.maxRecords, KS_MAX_AUDIT_RECORDS_PER_FRAME)),
      };
    case 'self_test':
      return { kind: 'self_test_result', faults: ctx.selfTestFaults };
    case 'status_poll':
      return {
        kind: 'status',
        deviceTime: ctx.deviceTime,
        flags: ctx.flags,
        batteryPercent: ctx.batteryPercent,
        lastCounter: BigInt(ctx.nv.lastCounter),
        auditHeadSeq: auditHeadSeq(ctx.nv),
      };
    default:
      return null;
  }
}
