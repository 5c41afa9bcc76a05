import type { EventEnvelope } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import type { BakenError } from '../../errors.js';
import { openDatabase } from '../../store/database.js';
import { bindStore, pgStorage, type Storage, sqliteStorage } from '../../store/storage.js';
import { type MakeStore, needPostgres, usePostgres, useStore } from '../../store/testing/store-fixture.js';
import { type DomainEvent, DomainEventBus } from '../ingest/domain-events.js';
import { AlarmService } from './alarm-service.js';
import { alarmStoreOn, cancelPoliciesOn } from './alarm-store-on.js';

const MIN = 60_000;

/** A user, and a client with `home-1`, in statements both databases take. */
const SEED = [
  "INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES ('u1', 'mon', 'Mon', 'monitor', 'x', 0, 0)",
  "INSERT INTO clients (id, name, created_at, updated_at) VALUES ('c1', 'C', 0, 0)",
  "INSERT INTO homes (id, client_id, address, created_at, updated_at) VALUES ('home-1', 'c1', 'A', 0, 0)",
];

async function seeded(storage: Storage): Promise<Storage> {
  for (const sql of SEED)
    await bindStore(storage.handle, {
      sqlite: (h) => h.run((db) => void db.exec(sql)),
      postgres: async (h) => void (await h.sql.query(sql)),
    });
  return storage;
}

/** The alarm service over one database, driven as ingest drives it. */
function serviceSuite(name: string, make: MakeStore<Storage>): void {
  describe(`AlarmService: ${name}`, () => {
    const storage = useStore(make);
    let n = 0;
    let turn = 0;

    const rig = () => {
      const clock = new ManualClock();
      const bus = new DomainEventBus();
      const seen: DomainEvent[] = [];
      bus.onAny((e) => seen.push(e));
      const s = storage();
      const svc = new AlarmService(alarmStoreOn(s.handle), clock, bus);
      const ev = (deviceKind: EventEnvelope['deviceKind'], kind: string, over: Partial<EventEnvelope> = {}) =>
        ({
          v: 1,
          id: `evt-${String(++n).padStart(8, '0')}`,
          gatewayId: 'gw-0001',
          deviceId: deviceKind === 'pendant' ? 'pendant-1' : 'KS-1',
          deviceKind,
          kind,
          priority: 'normal',
          deviceTime: null,
          receivedAt: clock.now(),
          data: {},
          ...over,
        }) as EventEnvelope;
      /** As the ingest turn does: the processor on the turn's transaction, its callback after the commit. */
      const feed = async (e: EventEnvelope, homeId: string | null = 'home-1') => {
        const after = await s.transaction(async (tx) =>
          svc.processor(e, { tx, turn: ++turn, homeId, storedAt: clock.now() }),
        );
        after?.();
      };
      const first = async () => (await svc.store.list({ limit: 1, offset: 0 }))[0]!;
      const actions = async (id: string) => (await svc.store.transitions(id)).map((t) => t.action);
      return { clock, seen, svc, ev, feed, first, actions, policies: cancelPoliciesOn(s.handle) };
    };

    it("handles a turn's events in order: its alarms opened together, a cancel after them sees them", async () => {
      const { svc, ev, seen, actions, clock } = rig();
      const alarm = ev('pendant', 'alarm', { data: { authenticated: true } });
      const fall = ev('pendant', 'fall', { deviceId: 'pendant-2' });
      const cancel = ev('pendant', 'cancel', { data: { authenticated: true } });
      const after = await storage().transaction(async (tx) =>
        svc.turnProcessor(
          [
            { event: alarm, homeId: 'home-1' },
            { event: fall, homeId: 'home-1' },
            { event: cancel, homeId: 'home-1' },
            { event: ev('pendant', 'alarm', { trial: true }), homeId: 'home-1' },
          ],
          { tx, turn: ++turn, storedAt: clock.now() },
        ),
      );
      expect(seen).toEqual([]); // only after the commit
      after?.();
      expect(seen.map((e) => e.type)).toEqual(['alarm.created', 'alarm.created', 'alarm.updated']);
      const list = await svc.store.list({ limit: 10, offset: 0 });
      expect(list).toHaveLength(2);
      const a = list.find((x) => x.eventId === alarm.id)!;
      expect(a.cancelEventId).toBe(cancel.id);
      expect(await actions(a.id)).toEqual(['raise', 'cancel']);
    });

    it('creates one alarm per pendant alarm/fall event id and ignores other kinds', async () => {
      const { svc, ev, feed, seen } = rig();
      const e = ev('pendant', 'alarm');
      await feed(e);
      await feed(e);
      await feed(ev('pendant', 'fall'));
      await feed(ev('pendant', 'test'));
      await feed(ev('keysafe', 'tamper'));
      expect((await svc.store.list({ limit: 10, offset: 0 })).map((a) => a.kind).sort()).toEqual([
        'alarm',
        'fall',
      ]);
      expect(seen.filter((s) => s.type === 'alarm.created')).toHaveLength(2);
    });

    it('never raises, cancels or moves an alarm for a trial event of the installation check', async () => {
      const { svc, ev, feed, seen, first } = rig();
      await feed(ev('pendant', 'alarm', { trial: true }));
      await feed(ev('pendant', 'fall', { trial: true }));
      expect(await svc.store.list({ limit: 10, offset: 0 })).toEqual([]);
      await feed(ev('pendant', 'alarm'));
      const a = await first();
      await svc.act(a.id, 'assign', 'u1', { teamId: 'team-1' });
      await feed(ev('pendant', 'cancel', { trial: true }));
      await feed(ev('keysafe', 'door_opened', { trial: true }));
      expect(await svc.store.get(a.id)).toMatchObject({ state: 'assigned', cancelledAt: null });
      expect(seen.filter((s) => s.type === 'alarm.created')).toHaveLength(1);
    });

    it('records an authenticated pendant cancel on the open alarm without closing it', async () => {
      const { clock, ev, feed, first, actions } = rig();
      await feed(ev('pendant', 'alarm', { data: { format: 'baken', authenticated: true } }));
      clock.advance(MIN);
      const cancel = ev('pendant', 'cancel', { data: { format: 'baken', authenticated: true } });
      await feed(cancel);
      const a = await first();
      expect(a.authenticated).toBe(true);
      expect(a).toMatchObject({ state: 'new', cancelledAt: clock.now(), cancelEventId: cancel.id });
      expect(await actions(a.id)).toEqual(['raise', 'cancel']);
    });

    it('an unauthenticated cancel never ends an alarm: refused by default, kept in the history', async () => {
      const { clock, ev, feed, first, actions, seen } = rig();
      await feed(ev('pendant', 'alarm', { data: { format: 'bthome', authenticated: false } }));
      clock.advance(MIN);
      await feed(ev('pendant', 'cancel', { data: { format: 'bthome', authenticated: false } }));
      await feed(ev('pendant', 'cancel', { data: { format: 'bthome' } })); // an older gateway does not say
      const a = await first();
      expect(a).toMatchObject({
        state: 'new',
        cancelledAt: null,
        unverifiedCancelAt: null,
        authenticated: false,
      });
      expect(await actions(a.id)).toEqual(['raise', 'cancel-refused', 'cancel-refused']);
      expect(seen.filter((s) => s.type === 'alarm.updated')).toEqual([]);
    });

    it("with the home's policy `confirm`, an unauthenticated cancel is an unverified cancel until staff confirm it", async () => {
      const { clock, svc, ev, feed, first, actions, policies } = rig();
      expect((await policies.get('home-1')).unverifiedCancel).toBe('refuse');
      await policies.set('home-1', 'confirm', 'u1', 0);
      await feed(ev('pendant', 'alarm'));
      const a = await first();
      await expect(svc.act(a.id, 'confirm-cancel', 'u1')).rejects.toThrow(/no unverified cancel/);
      clock.advance(MIN);
      const cancel = ev('pendant', 'cancel', { data: { format: 'bthome', authenticated: false } });
      await feed(cancel);
      expect(await svc.store.get(a.id)).toMatchObject({
        state: 'new',
        cancelledAt: null,
        unverifiedCancelAt: clock.now(),
        cancelEventId: cancel.id,
      });
      clock.advance(MIN);
      const confirmed = await svc.act(a.id, 'confirm-cancel', 'u1');
      expect(confirmed).toMatchObject({ state: 'new', cancelledAt: clock.now(), cancelConfirmedBy: 'u1' });
      expect(await actions(a.id)).toEqual(['raise', 'unverified-cancel', 'confirm-cancel']);
    });

    it('a key-safe opening at the home counts as on site only while the alarm is assigned', async () => {
      const { clock, svc, ev, feed, first } = rig();
      await feed(ev('pendant', 'alarm'));
      const a = await first();
      await feed(ev('keysafe', 'door_opened'));
      expect((await svc.store.get(a.id))?.state).toBe('new');
      await svc.act(a.id, 'assign', 'u1', { teamId: 'team-1' });
      await feed(ev('keysafe', 'code_accepted', { data: { slot: 1, codeKind: 'one_time' } }), 'home-2');
      expect((await svc.store.get(a.id))?.state).toBe('assigned');
      clock.advance(31 * MIN);
      await feed(ev('keysafe', 'code_accepted', { data: { slot: 1, codeKind: 'one_time' } }));
      expect(await svc.store.get(a.id)).toMatchObject({
        state: 'on_site',
        onSiteSource: 'keysafe',
        onSiteAt: clock.now(),
      });
    });

    it('on site is when the key safe opened, even when the home unit delivers the opening late', async () => {
      const { clock, svc, ev, feed, first } = rig();
      await feed(ev('pendant', 'alarm'));
      const a = await first();
      await svc.act(a.id, 'assign', 'u1', { teamId: 'team-1' });
      const openedAt = clock.now() + 12 * MIN;
      clock.advance(40 * MIN); // the unit was offline; the opening arrives now
      await feed(ev('keysafe', 'door_opened', { receivedAt: openedAt }));
      expect(await svc.store.get(a.id)).toMatchObject({ state: 'on_site', onSiteAt: openedAt });
      expect((await svc.store.transitions(a.id)).at(-1)).toMatchObject({ action: 'on-site', at: openedAt });
    });

    it('enforces the state machine: 409 for a wrong step, 404 for unknown alarm or user, 400 for an empty assign', async () => {
      const { clock, svc, ev, feed, first, seen } = rig();
      await feed(ev('pendant', 'alarm'));
      const a = await first();
      const code = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (e) {
          return (e as BakenError).statusCode;
        }
        return 200;
      };
      expect(await code(svc.act(a.id, 'on-site', 'u1'))).toBe(409);
      expect(await code(svc.act('nope', 'ack', 'u1'))).toBe(404);
      expect(await code(svc.act(a.id, 'assign', 'u1', {}))).toBe(400);
      expect(await code(svc.act(a.id, 'assign', 'u1', { userId: 'ghost' }))).toBe(404);
      // Assigning straight from `new` also acknowledges it.
      clock.advance(MIN);
      const assigned = await svc.act(a.id, 'assign', 'u1', { teamId: 'team-1' });
      expect(assigned).toMatchObject({
        state: 'assigned',
        acknowledgedAt: clock.now(),
        acknowledgedBy: 'u1',
      });
      await svc.act(a.id, 'close', 'u1', { note: 'false alarm' });
      expect(await code(svc.act(a.id, 'close', 'u1'))).toBe(409);
      expect(
        seen.filter((s) => s.type === 'alarm.updated').map((s) => (s.body as { action: string }).action),
      ).toEqual(['assign', 'close']);
    });

    it('two staff acknowledging one alarm at once: one does, the other is told it is acknowledged', async () => {
      const { svc, ev, feed, first, actions, seen } = rig();
      await feed(ev('pendant', 'alarm'));
      const a = await first();
      const got = await Promise.allSettled([svc.act(a.id, 'ack', 'u1'), svc.act(a.id, 'ack', 'u1')]);
      expect(got.map((g) => g.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((got.find((g) => g.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        statusCode: 409,
      });
      expect(await actions(a.id)).toEqual(['raise', 'ack']);
      expect(seen.filter((s) => s.type === 'alarm.updated')).toHaveLength(1);
    });

    it('a turn that rolls back leaves no alarm and emits nothing', async () => {
      const { svc, ev, clock, seen } = rig();
      const s = storage();
      await expect(
        s.transaction(async (tx) => {
          await svc.processor(ev('pendant', 'alarm'), {
            tx,
            turn: ++turn,
            homeId: 'home-1',
            storedAt: clock.now(),
          });
          throw new Error('the turn failed');
        }),
      ).rejects.toThrow('the turn failed');
      expect(await svc.store.list({ limit: 10, offset: 0 })).toEqual([]);
      expect(seen).toEqual([]);
    });
  });
}

serviceSuite('SQLite (in memory)', async () => {
  const db = openDatabase(':memory:');
  return { stores: await seeded(sqliteStorage(db)), dispose: async () => void db.close() };
});

describe.skipIf(!needPostgres())('the alarm service on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store('alarm_transitions, alarms, home_alarm_policies, users, homes, clients', pgStorage);
  serviceSuite('PostgreSQL', async () => {
    const { stores, dispose } = await make();
    return { stores: await seeded(stores), dispose };
  });
});
