import { describe, expect, it } from 'vitest';
import { useStore } from '../../../store/testing/store-fixture.js';
import type { NewIncident } from '../incident-store.js';
import { type MakeHealth, seedHome, storesIn, T0 } from './health-fixture.js';

const gatewayDown = (subjectId: string, homeId: string | null, startedAt = T0): NewIncident => ({
  subjectKind: 'gateway',
  subjectId,
  gatewayId: subjectId,
  homeId,
  cause: 'silence',
  startedAt,
});

/** The incident store's contract (`IncidentStore`) and the read model over incidents, on SQLite and PostgreSQL. */
export function incidentStoreContract(name: string, make: MakeHealth): void {
  describe(`health IncidentStore contract: ${name}`, () => {
    const fx = useStore(make);

    it('opens one incident per subject, closes it once, never before its start', async () => {
      const { stores } = fx();
      const inc = stores.incidents;
      const a = await inc.open(gatewayDown('gw-1', 'h-1'), T0 + 150_000);
      expect(a.opened).toBe(true);
      expect(a.incident).toMatchObject({
        subjectKind: 'gateway',
        subjectId: 'gw-1',
        gatewayId: 'gw-1',
        homeId: 'h-1',
        cause: 'silence',
        startedAt: T0,
        endedAt: null,
        downtimeMs: null,
      });
      const again = await inc.open(gatewayDown('gw-1', 'h-1', T0 + 5), T0 + 160_000);
      expect(again).toEqual({ incident: a.incident, opened: false });
      expect(await inc.openFor('gateway', 'gw-1')).toEqual(a.incident);
      expect(await inc.openFor('device', 'gw-1')).toBeUndefined();
      // a batch of subjects in one read: only the open ones come back
      expect(
        await inc.openForAll([
          { kind: 'device', subjectId: 'gw-1' },
          { kind: 'gateway', subjectId: 'gw-1' },
          { kind: 'gateway', subjectId: 'gw-2' },
        ]),
      ).toEqual([a.incident]);
      expect(await inc.openForAll([])).toEqual([]);
      expect(await inc.countOpen()).toBe(1);
      const closed = await inc.close(a.incident.incidentId, T0 - 10);
      expect(closed).toMatchObject({ endedAt: T0, downtimeMs: 0 });
      expect(await inc.close(a.incident.incidentId, T0 + 500)).toBeUndefined();
      expect(await inc.get(a.incident.incidentId)).toMatchObject({ endedAt: T0, downtimeMs: 0 });
      expect(await inc.openFor('gateway', 'gw-1')).toBeUndefined();
      const b = await inc.open(gatewayDown('gw-1', 'h-1', T0 + 1000), T0 + 2000);
      expect(b.opened).toBe(true);
      expect(b.incident.incidentId).not.toBe(a.incident.incidentId);
      await inc.moveStart(b.incident.incidentId, T0 + 900);
      await inc.moveStart(b.incident.incidentId, T0 + 950);
      expect((await inc.get(b.incident.incidentId))?.startedAt).toBe(T0 + 900);
      expect((await inc.close(b.incident.incidentId, T0 + 1900))?.downtimeMs).toBe(1000);
      expect(await inc.get(999_999)).toBeUndefined();
    });

    it('two instances opening the same subject at once open one incident', async () => {
      const { stores, storage } = fx();
      const results: boolean[] = [];
      await Promise.all(
        [0, 1, 2].map((i) =>
          storesIn(storage, async (tx) => {
            const open = await tx.incidents.openFor('device', 'gw-1/p-1');
            const r = open
              ? { opened: false }
              : await tx.incidents.open(
                  { ...gatewayDown('gw-1/p-1', null, T0 + i), subjectKind: 'device', gatewayId: 'gw-1' },
                  T0 + 10,
                );
            results.push(r.opened);
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await stores.incidents.list({ limit: 10, offset: 0 })).toHaveLength(1);
      expect(await stores.incidents.countOpen()).toBe(1);
    });

    it('two instances closing one incident at once: one closes it', async () => {
      const { stores, storage } = fx();
      const { incident } = await stores.incidents.open(gatewayDown('gw-1', null), T0);
      const closed: unknown[] = [];
      await Promise.all(
        [T0 + 10, T0 + 20].map((at) =>
          storesIn(storage, async (tx) => {
            const c = await tx.incidents.close(incident.incidentId, at);
            if (c) closed.push(c);
          }),
        ),
      );
      expect(closed).toHaveLength(1);
      expect(await stores.incidents.countOpen()).toBe(0);
    });

    it('a rolled-back open leaves no incident, and the subject can be opened again', async () => {
      const { stores, storage } = fx();
      await expect(
        storesIn(storage, async (tx) => {
          await tx.incidents.open(gatewayDown('gw-1', null), T0);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await stores.incidents.countOpen()).toBe(0);
      expect((await stores.incidents.open(gatewayDown('gw-1', null), T0)).opened).toBe(true);
    });

    it('records a finished span; lists by state, home and window, newest first', async () => {
      const { stores } = fx();
      const inc = stores.incidents;
      const p = await inc.record(
        {
          subjectKind: 'platform',
          subjectId: 'platform',
          cause: 'platform_down',
          startedAt: T0,
          endedAt: T0 + 60_000,
        },
        T0 + 60_000,
      );
      expect(p).toMatchObject({ gatewayId: null, homeId: null, endedAt: T0 + 60_000, downtimeMs: 60_000 });
      const a = (await inc.open(gatewayDown('gw-a', 'h-1', T0 + 1000), T0 + 2000)).incident;
      const b = (await inc.open(gatewayDown('gw-b', 'h-2', T0 + 1000), T0 + 2000)).incident;
      await inc.close(b.incidentId, T0 + 5000);
      const ids = async (f: Parameters<typeof inc.list>[0]) => (await inc.list(f)).map((i) => i.incidentId);
      const page = { limit: 10, offset: 0 };
      expect(await ids(page)).toEqual([b.incidentId, a.incidentId, p.incidentId]);
      expect(await ids({ ...page, open: true })).toEqual([a.incidentId]);
      expect(await ids({ ...page, open: false })).toEqual([b.incidentId, p.incidentId]);
      expect(await ids({ ...page, homeId: 'h-2' })).toEqual([b.incidentId]);
      expect(await ids({ ...page, from: T0 + 60_000 })).toEqual([a.incidentId]);
      expect(await ids({ ...page, to: T0 + 1000 })).toEqual([p.incidentId]);
      expect(await ids({ limit: 1, offset: 1 })).toEqual([a.incidentId]);
    });

    it('downtime spans per scope: homes and the platform, open ones to now, storage left out', async () => {
      const { stores } = fx();
      const inc = stores.incidents;
      await inc.record(
        {
          subjectKind: 'platform',
          subjectId: 'platform',
          cause: 'platform_down',
          startedAt: T0,
          endedAt: T0 + 10,
        },
        T0 + 10,
      );
      await inc.open(gatewayDown('gw-a', 'h-1', T0 + 100), T0 + 100);
      await inc.open(
        {
          subjectKind: 'storage',
          subjectId: 'gw-a',
          gatewayId: 'gw-a',
          homeId: 'h-1',
          cause: 'storage_degraded',
          startedAt: T0,
        },
        T0,
      );
      await inc.open(gatewayDown('gw-x', null), T0);
      const old = (await inc.open(gatewayDown('gw-b', 'h-2', T0 - 1000), T0)).incident;
      await inc.close(old.incidentId, T0 - 500);
      const spans = await inc.spansByScope(T0, T0 + 1000);
      expect(Object.fromEntries(spans)).toEqual({
        platform: [{ start: T0, end: T0 + 10 }],
        'h-1': [{ start: T0 + 100, end: T0 + 1000 }],
      });
      expect(Object.fromEntries(await inc.spansByScope(T0, T0 + 1000, ['h-1', 'h-9']))).toEqual({
        'h-1': [{ start: T0 + 100, end: T0 + 1000 }],
      });
      expect((await inc.spansByScope(T0, T0 + 1000, [])).size).toBe(0);
    });

    it('the read model: home ids, home incident spans with regions, open alarms', async (t) => {
      const { stores, repos, addAlarm } = fx();
      const h1 = await seedHome(repos, ['gw-1'], 'Zuid');
      const h2 = await seedHome(repos, ['gw-2']);
      expect(await stores.readModel.homeIds()).toEqual([h1, h2].sort());
      const a = (await stores.incidents.open(gatewayDown('gw-1', h1, T0 + 100), T0)).incident;
      await stores.incidents.open(gatewayDown('gw-2', h2, T0 + 200), T0);
      await stores.incidents.close(a.incidentId, T0 + 300);
      await stores.incidents.open(gatewayDown('gw-9', null, T0), T0);
      const spans = await stores.readModel.homeIncidentSpans(T0, T0 + 1000, T0 + 500);
      expect(spans).toEqual([
        { homeId: h1, region: 'Zuid', start: T0 + 100, end: T0 + 300 },
        { homeId: h2, region: '', start: T0 + 200, end: T0 + 500 },
      ]);
      expect(await stores.readModel.homeIncidentSpans(T0 + 400, T0 + 1000, T0 + 500)).toHaveLength(1);
      if (!addAlarm) return t.skip(); // this binding's alarms table is not there yet
      expect(await stores.readModel.openAlarmCount()).toBe(0);
      await addAlarm('al-1', 'new');
      await addAlarm('al-2', 'closed');
      await addAlarm('al-3', 'assigned');
      expect(await stores.readModel.openAlarmCount()).toBe(2);
    });
  });
}
