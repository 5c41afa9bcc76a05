import type { EventEnvelope } from '@baken/protocols';

/**
 * Work done for a newly stored event INSIDE the ingest transaction (e.g. creating an alarm), so the
 * event, its consequences and the gateway's ack are all-or-nothing. A processor must be
 * synchronous, may throw (the batch is then rolled back and not acked: the gateway re-sends) and
 * returns an optional callback run after the commit (to emit domain events).
 */
export type EventProcessor = (
  event: EventEnvelope,
  ctx: {
    homeId: string | null;
    storedAt: number;
    /** Differs from one ingest turn (one transaction) to the next: per-turn work done once. */
    turn?: number;
  },
) => (() => void) | undefined;
