import { type KsEvent, KsReason } from '@baken/protocols';
import type { KsOutcome } from './ks-link-endpoint.js';

/** Code-use events awaiting their link outcome; a few at most (a person types a code at a time). */
const MAX_TRACKED = 16;

/**
 * [KS-SERIAL §7.1] A home unit older than 1.1 answers CODE_USED / WINDOW_CODE_USED with NAK
 * UNKNOWN_TYPE. Then the use is sent again as the 1.0 CODE_ACCEPTED (same EVENT_SEQ, DEVICE_TIME,
 * SLOT, HOLDER_ID) so that unit still hears it; the audit record keeps the 1.1 kind and identity.
 */
export class CodeUseFallback {
  readonly #pending = new Map<string, KsEvent>();

  /** Remembers a sent code-use event by the link tag `send` returned. */
  track(tag: string | undefined, e: KsEvent): void {
    if (tag === undefined || (e.kind !== 'code_used' && e.kind !== 'window_code_used')) return;
    this.#pending.set(tag, e);
    while (this.#pending.size > MAX_TRACKED)
      this.#pending.delete(this.#pending.keys().next().value as string);
  }

  /** The 1.0 event to send instead, when this outcome was a 1.0 unit refusing a code-use event. */
  onOutcome(o: KsOutcome): KsEvent | null {
    const e = this.#pending.get(o.tag);
    if (e === undefined) return null;
    this.#pending.delete(o.tag);
    if (o.kind !== 'refused' || o.reason !== KsReason.UnknownType) return null;
    if (e.kind !== 'code_used' && e.kind !== 'window_code_used') return null;
    return {
      kind: 'code_accepted',
      eventSeq: e.eventSeq,
      deviceTime: e.deviceTime,
      slot: e.slot,
      holderId: e.holderId,
    };
  }
}
