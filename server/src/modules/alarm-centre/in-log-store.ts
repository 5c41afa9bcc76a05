/** One event a third-party unit sent, mapped or not: unknown codes are kept and shown, never dropped. */
export interface InEventRow {
  id: number;
  accountId: string;
  homeId: string;
  seq: number;
  content: string;
  code: string;
  zone: string | null;
  /** Baken's kind (`pendant/alarm`), or null for a code Baken does not map. */
  mapped: string | null;
  eventId: string | null;
  messageAt: number | null;
  receivedAt: number;
}

/** A refused frame with its raw bytes (printable, escaped), kept for diagnosis. */
export interface RejectedRow {
  id: number;
  at: number;
  peer: string;
  transport: string;
  reason: string;
  answer: string;
  account: string | null;
  raw: string;
}

/** How many refused frames are kept; older ones are dropped as new ones come. */
export const REJECTED_KEEP = 500;
/** How many bytes of a refused frame are kept. */
export const RAW_KEEP_BYTES = 2048;

/** Raw bytes as printable text: ASCII kept, everything else `\xNN`, so any input is safe to show. */
export function printable(raw: Uint8Array): string {
  let s = '';
  for (const b of raw.subarray(0, RAW_KEEP_BYTES)) {
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return raw.length > RAW_KEEP_BYTES ? `${s}…` : s;
}

/**
 * What the receiver took in and what it refused (`dc09_in_events`, `dc09_rejected`). Bindings:
 * SQLite (`sqlite-in-log.ts`) and PostgreSQL (`pg-in-log.ts`), built by `inLogOn`; the contract is
 * `testing/in-log-contract.ts`.
 */
export interface InLog {
  addEvent(e: Omit<InEventRow, 'id'>): Promise<void>;
  /** The account's latest events, newest first. */
  events(accountId: string, limit: number): Promise<InEventRow[]>;
  /** Keeps a refused frame and drops those older than the last `keep` (one step). */
  reject(r: Omit<RejectedRow, 'id'>): Promise<void>;
  /** The latest refused frames, newest first. */
  rejected(limit: number): Promise<RejectedRow[]>;
}
