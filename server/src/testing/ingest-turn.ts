import type { EventEnvelope } from '@baken/protocols';
import type { BakenApp } from '../app-context.js';
import { nextTurn } from '../modules/ingest/event-turn.js';

/**
 * Runs the ingest processors for `event` in one transaction, as a turn does, and their callbacks
 * after the commit — without storing the event or announcing it on the bus. For tests that stand
 * in for part of ingest (a rig driving another module's handling itself); a test that ingests an
 * event as a gateway would uses `app.ingest.storeTurn`.
 */
export async function runProcessors(
  app: BakenApp,
  event: EventEnvelope,
  homeId: string | null,
): Promise<void> {
  const storedAt = app.baken.clock.now();
  const turn = nextTurn();
  const after = await app.baken.storage.transaction(async (tx) => {
    const cbs: Array<() => void> = [];
    for (const p of app.ingest.processors) {
      const cb = await p([{ event, homeId }], { tx, turn, storedAt });
      if (cb) cbs.push(cb);
    }
    return cbs;
  });
  for (const cb of after) cb();
}
