import { bindStore, type StoreHandle } from '../../store/storage.js';
import type { FollowupStore } from './followup-store.js';
import { PgFollowupStore } from './pg-followup-store.js';
import { SqliteFollowupStore } from './sqlite-followup-store.js';

/**
 * For the alarm-centre link [docs/alarm-centre.md §Follow-up chain]: true when the home's chain asks
 * people (informal carers, a care team) before the alarm centre. Such a home's alarms reach the
 * centre only when the chain hands them over; a home without a chain, or whose chain starts at the
 * centre, has its alarms sent at once. Read on `h` — the alarm-centre enqueuer asks it inside the
 * ingest turn, on the turn's transaction (`ctx.tx`).
 */
export async function chainAsksPeopleFirst(h: StoreHandle, homeId: string): Promise<boolean> {
  const chains = bindStore<Pick<FollowupStore, 'chain'>>(h, {
    sqlite: (s) => new SqliteFollowupStore(s),
    postgres: (p) => new PgFollowupStore(p),
  });
  const first = (await chains.chain(homeId))?.steps[0];
  return first !== undefined && first.kind !== 'alarm_centre';
}
