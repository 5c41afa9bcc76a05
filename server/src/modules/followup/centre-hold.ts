import type { Db } from '../../store/database.js';
import { SqliteFollowupStore } from './sqlite-followup-store.js';

/**
 * For the alarm-centre link [docs/alarm-centre.md §Follow-up chain]: true when the home's chain asks
 * people (informal carers, a care team) before the alarm centre. Such a home's alarms reach the
 * centre only when the chain hands them over; a home without a chain, or whose chain starts at the
 * centre, has its alarms sent at once. Synchronous, on SQLite: the alarm-centre enqueuer asks it
 * inside the ingest turn's transaction (the store README, "Module stores on PostgreSQL").
 */
export function chainAsksPeopleFirst(db: Db): (homeId: string) => boolean {
  const store = new SqliteFollowupStore(db);
  return (homeId) => {
    const first = store.chainNow(homeId)?.steps[0];
    return first !== undefined && first.kind !== 'alarm_centre';
  };
}
