import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { AlarmStore, NewAlarm, Transition } from '../../alarms/alarm-store.js';
import type { AlarmSource } from '../alarm-source.js';

const T0 = 1_765_432_100_123;

/** The access module's view of the alarms table, and the alarms module's store writing it. */
export interface AlarmSourceStores {
  source: AlarmSource;
  alarms: AlarmStore;
}

const alarm = (eventId: string, homeId: string | null, raisedAt: number): NewAlarm => ({
  eventId,
  gatewayId: 'gw-1',
  homeId,
  deviceId: 'pendant-1',
  kind: 'alarm',
  raisedAt,
  createdAt: raisedAt,
  authenticated: true,
});
const step: Transition = {
  fromState: 'new',
  toState: 'new',
  action: 'x',
  at: T0,
  byUserId: null,
  source: 'system',
  note: null,
};

/** The alarm source's contract, run on SQLite and PostgreSQL (`../alarm-source.contract.test.ts`). */
export function alarmSourceContract(name: string, make: MakeStore<AlarmSourceStores>): void {
  describe(`AlarmSource contract: ${name}`, () => {
    const stores = useStore(make);

    it('reads the open, uncancelled alarms of a home, oldest first, with whom they are assigned to', async () => {
      const { source, alarms } = stores();
      const later = (await alarms.create(alarm('e1', 'h-1', T0 + 10)))!;
      const first = (await alarms.create(alarm('e2', 'h-1', T0)))!;
      const closed = (await alarms.create(alarm('e3', 'h-1', T0 + 1)))!;
      const cancelled = (await alarms.create(alarm('e4', 'h-1', T0 + 2)))!;
      await alarms.create(alarm('e5', 'h-2', T0));
      await alarms.update(closed.id, { state: 'closed' }, step);
      await alarms.update(cancelled.id, { cancelledAt: T0 + 3 }, step);
      await alarms.update(later.id, { state: 'assigned', assignedTeamId: 'team-1' }, step);
      expect(await source.openAtHome('h-1')).toEqual([
        { id: first.id, assignedTeamId: null, assignedUserId: null, raisedAt: T0 },
        { id: later.id, assignedTeamId: 'team-1', assignedUserId: null, raisedAt: T0 + 10 },
      ]);
      expect(await source.openAtHome('h-3')).toEqual([]);
    });

    it("reads an alarm's raise time; null for an unknown alarm", async () => {
      const { source, alarms } = stores();
      const a = (await alarms.create(alarm('e1', null, T0 + 7)))!;
      expect(await source.raisedAt(a.id)).toBe(T0 + 7);
      expect(await source.raisedAt('none')).toBeNull();
    });
  });
}
