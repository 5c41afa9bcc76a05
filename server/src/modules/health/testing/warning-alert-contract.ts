import { describe, expect, it } from 'vitest';
import { useStore } from '../../../store/testing/store-fixture.js';
import { type MakeHealth, storesIn, T0 } from './health-fixture.js';

/** The warning, budget alert, platform run and schedule stores' contracts, on SQLite and PostgreSQL. */
export function warningAlertContract(name: string, make: MakeHealth): void {
  describe(`health WarningStore, BudgetAlertStore, PlatformRunStore contract: ${name}`, () => {
    const fx = useStore(make);

    it('raises a warning once, refreshes it, clears it; a new one after that', async () => {
      const { stores } = fx();
      const w = stores.warnings;
      const a = await w.raise('gw-1', 'p-1', 'low_battery', T0, { percent: 15 });
      expect(a.opened).toBe(true);
      expect(a.warning).toMatchObject({
        gatewayId: 'gw-1',
        deviceId: 'p-1',
        kind: 'low_battery',
        firstSeenAt: T0,
        lastSeenAt: T0,
        closedAt: null,
        detail: { percent: 15 },
      });
      const b = await w.raise('gw-1', 'p-1', 'low_battery', T0 + 100, { percent: 12 });
      expect(b).toEqual({
        warning: { ...a.warning, lastSeenAt: T0 + 100, detail: { percent: 12 } },
        opened: false,
      });
      // an older report never moves last-seen back
      await w.raise('gw-1', 'p-1', 'low_battery', T0 + 50, { percent: 13 });
      expect((await w.openOne('gw-1', 'p-1', 'low_battery'))?.lastSeenAt).toBe(T0 + 100);
      expect(await w.openOne('gw-1', 'p-1', 'tamper')).toBeUndefined();
      // the open warnings of a batch of devices in one read
      const t = await w.raise('gw-1', 'p-1', 'tamper', T0, {});
      await w.raise('gw-2', 'p-1', 'tamper', T0, {});
      await w.clear('gw-1', 'p-1', 'tamper', T0 + 1);
      expect(
        await w.openOfDevices([
          { gatewayId: 'gw-1', deviceId: 'p-1' },
          { gatewayId: 'gw-1', deviceId: 'p-2' },
        ]),
      ).toMatchObject([{ id: a.warning.id, kind: 'low_battery', closedAt: null }]);
      expect(t.opened).toBe(true);
      expect(await w.openOfDevices([])).toEqual([]);
      const cleared = await w.clear('gw-1', 'p-1', 'low_battery', T0 + 200);
      expect(cleared).toMatchObject({ id: a.warning.id, closedAt: T0 + 200 });
      expect(await w.clear('gw-1', 'p-1', 'low_battery', T0 + 300)).toBeUndefined();
      expect(await w.get(a.warning.id)).toMatchObject({ closedAt: T0 + 200 });
      const c = await w.raise('gw-1', 'p-1', 'low_battery', T0 + 400, {});
      expect(c.opened).toBe(true);
      expect(c.warning.id).not.toBe(a.warning.id);
    });

    it('lists warnings (open, closed, of a gateway; last seen newest first) and the quiet ones', async () => {
      const { stores } = fx();
      const w = stores.warnings;
      const t1 = (await w.raise('gw-1', 'p-1', 'tamper', T0, {})).warning;
      const t2 = (await w.raise('gw-2', 'p-2', 'tamper', T0 + 10, {})).warning;
      const m = (await w.raise('gw-1', 'gw-1', 'mains_lost', T0 + 20, {})).warning;
      await w.clear('gw-1', 'gw-1', 'mains_lost', T0 + 30);
      const ids = async (f: Parameters<typeof w.list>[0]) => (await w.list(f)).map((x) => x.id);
      expect(await ids({ limit: 10 })).toEqual([m.id, t2.id, t1.id]);
      expect(await ids({ limit: 10, open: true })).toEqual([t2.id, t1.id]);
      expect(await ids({ limit: 10, open: false })).toEqual([m.id]);
      expect(await ids({ limit: 10, gatewayId: 'gw-1' })).toEqual([m.id, t1.id]);
      expect(await ids({ limit: 1 })).toEqual([m.id]);
      expect((await w.quiet('tamper', T0 + 5)).map((x) => x.id)).toEqual([t1.id]);
      expect(await w.quiet('mains_lost', T0 + 100)).toEqual([]);
    });

    it('two instances raising one warning at once: one opens it, the other refreshes it', async () => {
      const { stores, storage } = fx();
      const opened: boolean[] = [];
      await Promise.all(
        [T0, T0 + 1].map((at) =>
          storesIn(storage, async (tx) => {
            opened.push((await tx.warnings.raise('gw-1', 'p-1', 'tamper', at, { at })).opened);
          }),
        ),
      );
      expect(opened.sort()).toEqual([false, true]);
      expect(await stores.warnings.list({ limit: 10 })).toHaveLength(1);
      expect((await stores.warnings.openOne('gw-1', 'p-1', 'tamper'))?.lastSeenAt).toBe(T0 + 1);
    });

    it('budget alerts: one open per scope, kind and incident; cleared by kind or by incident', async () => {
      const { stores } = fx();
      const al = stores.alerts;
      const a = await al.raise('h-1', 'burn_fast', null, T0, { burnRate: 20 });
      expect(a).toMatchObject({
        scope: 'h-1',
        kind: 'burn_fast',
        incidentId: null,
        openedAt: T0,
        closedAt: null,
      });
      expect(a?.detail).toEqual({ burnRate: 20 });
      expect(await al.raise('h-1', 'burn_fast', null, T0 + 1, {})).toBeUndefined();
      const inc = await al.raise('h-1', 'incident_long', 7, T0 + 2, {});
      expect(inc?.incidentId).toBe(7);
      expect(await al.raise('h-1', 'incident_long', 7, T0 + 3, {})).toBeUndefined();
      expect(await al.raise('h-1', 'incident_long', 8, T0 + 3, {})).toBeDefined();
      await al.raise('platform', 'yearly_exhausted', null, T0 + 4, {});
      await al.raise('h-0', 'burn_slow', null, T0 + 4, {});
      expect(await al.burningScopes()).toEqual(['h-0', 'h-1', 'platform']);
      await al.clear('h-1', 'burn_fast', null, T0 + 5);
      await al.clearIncident(7, T0 + 6);
      expect(await al.burningScopes()).toEqual(['h-0', 'platform']);
      const open = await al.list({ open: true, limit: 10 });
      expect(open.map((x) => `${x.scope}:${x.kind}:${x.incidentId}`)).toEqual([
        // newest first; the two opened at the same instant newest id first
        'h-0:burn_slow:null',
        'platform:yearly_exhausted:null',
        'h-1:incident_long:8',
      ]);
      expect((await al.list({ scope: 'h-1', limit: 10 })).map((x) => x.kind)).toEqual([
        'incident_long',
        'incident_long',
        'burn_fast',
      ]);
      expect((await al.raise('h-1', 'burn_fast', null, T0 + 7, {}))?.openedAt).toBe(T0 + 7);
    });

    it('two sweeps raising one alert at once open it once', async () => {
      const { stores, storage } = fx();
      const raised: unknown[] = [];
      await Promise.all(
        [0, 1].map(() =>
          storesIn(storage, async (tx) => {
            const a = await tx.alerts.raise('platform', 'burn_slow', null, T0, {});
            if (a) raised.push(a);
          }),
        ),
      );
      expect(raised).toHaveLength(1);
      expect(await stores.alerts.list({ limit: 10 })).toHaveLength(1);
    });

    it('platform runs: what earlier runs say as the next start sees it', async () => {
      const { stores } = fx();
      const r = stores.platformRuns;
      const first = await r.start(T0);
      expect(first.before).toBeUndefined();
      await r.alive(first.runId, T0 + 1000);
      await r.alive(first.runId, T0 + 500); // a late call never moves it back
      // the embedded deployment (no aliveSince): another run never counts as alive
      const second = await r.start(T0 + 1500);
      expect(second.runId).not.toBe(first.runId);
      expect(second.before).toEqual({ lastAliveAt: T0 + 1000, othersAlive: false });
      await r.stop(second.runId, T0 + 2000);
      // clustered: the first is alive since T0 + 1000, the second stopped
      expect((await r.start(T0 + 2500, T0 + 1000)).before).toEqual({
        lastAliveAt: T0 + 2000,
        othersAlive: true,
      });
      // the latest sign of life of any run, whichever started last
      await r.alive(first.runId, T0 + 9000);
      const late = await r.start(T0 + 20_000, T0 + 10_000);
      expect(late.before).toEqual({ lastAliveAt: T0 + 9000, othersAlive: false });
    });

    it('the sweep schedule (where kept in the database): due gateways earliest first, rescheduled, removed', async (t) => {
      const { stores, storage } = fx();
      const due = stores.due;
      if (!due) return t.skip(); // kept in memory by this binding
      await due.schedule('gw-b', T0 + 20);
      await due.schedule('gw-a', T0 + 10);
      await due.schedule('gw-c', T0 + 30);
      expect(await due.due(T0 + 25, 10)).toEqual(['gw-a', 'gw-b']);
      expect(await due.due(T0 + 25, 1)).toEqual(['gw-a']);
      await due.schedule('gw-a', T0 + 100);
      await due.schedule('gw-b', Number.POSITIVE_INFINITY);
      expect(await due.due(T0 + 50, 10)).toEqual(['gw-c']);
      await expect(
        storesIn(storage, async (tx) => {
          await tx.due?.schedule('gw-c', T0 + 1000);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await due.due(T0 + 50, 10)).toEqual(['gw-c']);
      // many at once: set, moved, and unset (the last time given for a gateway counts)
      await due.scheduleAll(
        new Map([
          ['gw-d', T0 + 5],
          ['gw-c', Number.POSITIVE_INFINITY],
          ['gw-a', T0 + 1.5],
        ]),
      );
      expect(await due.due(T0 + 50, 10)).toEqual(['gw-a', 'gw-d']);
      await due.scheduleAll(new Map());
      await due.scheduleAll(
        new Map([
          ['gw-a', Number.POSITIVE_INFINITY],
          ['gw-c', T0 + 30],
        ]),
      );
      expect(await due.due(T0 + 50, 10)).toEqual(['gw-d', 'gw-c']);
    });
  });
}
