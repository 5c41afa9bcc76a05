import type { KsAuditRecordBody } from './audit-record.js';
import { KS_WINDOW_UNIT_SECONDS } from './event-codec.js';
import { KsType } from './message-types.js';
import type { KsCodeUse } from './messages.js';

/**
 * Which issued code an audit record names — [KS-SERIAL §7.1, §10.2]: a PIN or code slot by the
 * issue (COUNTER) of the SET_CODE that wrote it, a window code by its window and window slot.
 */
export type KsCodeUseIdentity =
  | { kind: 'code'; slot: number; issue: bigint }
  | { kind: 'window'; slot: number; windowStart: number; windowSeconds: number; windowSlot: number };

/**
 * SLOT, HOLDER_ID and VALUE of the audit record of a code use — [KS-SERIAL §10.2]. CODE_USED puts the
 * 48-bit ISSUE into HOLDER_ID (high 32 bits) and VALUE (low 16 bits); WINDOW_CODE_USED puts
 * WINDOW_START into HOLDER_ID and `WINDOW_SECONDS / 900 << 8 | WINDOW_SLOT` into VALUE. The holder
 * is not repeated: the issue names it.
 */
export function ksCodeUseRecordFields(e: KsCodeUse): Pick<KsAuditRecordBody, 'slot' | 'holderId' | 'value'> {
  if (e.kind === 'code_used') {
    return { slot: e.slot, holderId: Number(e.issue >> 16n), value: Number(e.issue & 0xffffn) };
  }
  return {
    slot: e.slot,
    holderId: e.windowStart,
    value: ((e.windowSeconds / KS_WINDOW_UNIT_SECONDS) << 8) | e.windowSlot,
  };
}

/** The identity in a CODE_USED / WINDOW_CODE_USED audit record; null for any other kind. Total. */
export function ksCodeUseOfRecord(
  r: Pick<KsAuditRecordBody, 'kind' | 'slot' | 'holderId' | 'value'>,
): KsCodeUseIdentity | null {
  if (r.kind === KsType.CodeUsed) {
    return { kind: 'code', slot: r.slot, issue: (BigInt(r.holderId) << 16n) | BigInt(r.value & 0xffff) };
  }
  if (r.kind === KsType.WindowCodeUsed) {
    return {
      kind: 'window',
      slot: r.slot,
      windowStart: r.holderId,
      windowSeconds: (r.value >> 8) * KS_WINDOW_UNIT_SECONDS,
      windowSlot: r.value & 0xff,
    };
  }
  return null;
}

/** The same identity from a live event (which also carries the holder and the key's issue). */
export function ksCodeUseIdentity(e: KsCodeUse): KsCodeUseIdentity {
  return e.kind === 'code_used'
    ? { kind: 'code', slot: e.slot, issue: e.issue }
    : {
        kind: 'window',
        slot: e.slot,
        windowStart: e.windowStart,
        windowSeconds: e.windowSeconds,
        windowSlot: e.windowSlot,
      };
}
