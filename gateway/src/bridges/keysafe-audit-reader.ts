import type { KsAuditRecord, KsMessage } from '@baken/protocols';

const MAX_AUDIT_PER_READ = 7;

/**
 * The key safe's audit buffer, read from the last forwarded SEQ [KS-SERIAL §9.1]: one READ_AUDIT
 * at a time, the cursor persisted (a restart does not re-read the whole buffer) and reset when the
 * device's head is behind it (a replaced or reset key safe starts its SEQ again).
 */
export class KeysafeAuditReader {
  readonly #store: { load(): number; save(seq: number): void } | undefined;
  #cursor = 0;
  #reading = false;

  constructor(store?: { load(): number; save(seq: number): void }) {
    this.#store = store;
  }

  get cursor(): number {
    return this.#cursor;
  }

  load(): number {
    this.#cursor = this.#store?.load() ?? 0;
    return this.#cursor;
  }

  /** The READ_AUDIT to send now, or null while one is outstanding. */
  next(): KsMessage | null {
    if (this.#reading) return null;
    this.#reading = true;
    return { kind: 'read_audit', fromSeq: this.#cursor + 1, maxRecords: MAX_AUDIT_PER_READ };
  }

  /** The outstanding read ended without records (refused, unanswered, link down). */
  abandon(): void {
    this.#reading = false;
  }

  /** A STATUS reported the device's audit head; true when there is something new to read. */
  onHead(headSeq: number): boolean {
    if (headSeq < this.#cursor) this.#setCursor(0);
    return headSeq > this.#cursor;
  }

  /** AUDIT_RECORDS arrived: the records not forwarded yet, and whether more wait on the device. */
  onRecords(msg: { headSeq: number; records: KsAuditRecord[] }): { fresh: KsAuditRecord[]; more: boolean } {
    const fresh = msg.records.filter((r) => r.seq > this.#cursor);
    const last = fresh[fresh.length - 1];
    if (last) this.#setCursor(last.seq);
    this.#reading = false;
    return { fresh, more: last !== undefined && msg.headSeq > last.seq };
  }

  #setCursor(seq: number): void {
    this.#cursor = seq;
    this.#store?.save(seq);
  }
}
