/**
 * Everything the key safe keeps in non-volatile memory, as stored (JSON-safe). RAM state (link
 * sequence numbers, unlock timer, queued events) is not here and is lost on power loss.
 */
export interface NvCodeSlot {
  slot: number;
  holderId: number;
  validFrom: number;
  validUntil: number;
  /** `KsCodeKind`: 1 PIN digits, 2 offline-code key. */
  codeKind: number;
  oneTime: boolean;
  /** Unsealed code material, hex. */
  material: string;
  /**
   * ISSUE: the COUNTER of the SET_CODE that wrote the slot, decimal — named in every use of its code
   * [KS-SERIAL §7.1]. Absent in state written by 1.0 firmware (reported as 0).
   */
  issue?: string;
}

export interface NvState {
  version: 1;
  /** Last accepted command counter, decimal string (u64) — [KS-SERIAL §8.7]. */
  lastCounter: string;
  /** K installed by KEY_INSTALL, hex; absent: the factory key of the options, if any — [KS-SERIAL §8.8]. */
  key?: string;
  /** COUNTER of the last accepted KEY_INSTALL, decimal; never reset — [KS-SERIAL §8.8]. */
  installCounter?: string;
  clockValid: boolean;
  lastSyncAt: number;
  slots: NvCodeSlot[];
  /** Used one-time codes: key → device second after which it may be forgotten — [OTC SPEC §5]. */
  used: Record<string, number>;
  blocks: { safe: boolean; slots: number[]; holders: number[] };
  lockout: { failed: number; level: number; until: number };
  audit: {
    /** Next audit/event sequence number (starts at 1, never reused) — [KS-SERIAL §10.1]. */
    nextSeq: number;
    /** MAC of the newest record, hex (zeros before record 1). */
    headMac: string;
    /** Newest records, oldest first, each 32 bytes hex. */
    records: string[];
  };
}

export function initialNvState(): NvState {
  return {
    version: 1,
    lastCounter: '0',
    clockValid: true,
    lastSyncAt: 0,
    slots: [],
    used: {},
    blocks: { safe: false, slots: [], holders: [] },
    lockout: { failed: 0, level: 0, until: 0 },
    audit: { nextSeq: 1, headMac: '00'.repeat(16), records: [] },
  };
}
