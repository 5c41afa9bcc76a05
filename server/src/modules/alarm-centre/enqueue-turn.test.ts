import { type EventEnvelope, MQTT_EXAMPLE_EVENTS } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import type { StoreHandle } from '../../store/storage.js';
import {
  type MakeStore,
  needPostgres,
  sqliteStore,
  usePostgres,
  useStore,
} from '../../store/testing/store-fixture.js';
import { chainAsksPeopleFirst } from '../followup/centre-hold.js';
import { Enqueuer } from './enqueue.js';
import { outboxOn } from './stores-on.js';
import { CENTRE_TABLES, type CentreStores, pgCentre, sqliteCentre } from './testing/centre-fixture.js';

const T0 = 1_765_432_100_123;

const pendant = (kind: 'alarm' | 'cancel', id: string): EventEnvelope =>
  ({
    ...MQTT_EXAMPLE_EVENTS.find((e) => e.deviceKind === 'pendant' && e.kind === kind)!,
    id,
    gatewayId: 'gw-home',
  }) as EventEnvelope;

const incident = (homeId: string) => ({
  incidentId: 41,
  subjectKind: 'gateway' as const,
  subjectId: 'gw-home',
  gatewayId: 'gw-home',
  homeId,
  cause: 'silence',
  startedAt: T0,
  endedAt: null,
  downtimeMs: null,
});

/**
 * The enqueuer on each database [docs/alarm-centre.md "Storage"]: an event's message is queued on
 * the ingest turn's transaction and commits or rolls back with it; the chain and incident paths
 * run their own transaction.
 */
function enqueueSuite(name: string, make: MakeStore<CentreStores>): void {
  describe(`alarm-centre enqueuer: ${name}`, () => {
    const stores = useStore(make);

    const setUp = async (s: CentreStores) => {
      const kicked: string[] = [];
      const enqueuer = new Enqueuer({
        storage: s.storage,
        box: s.box,
        kick: (id) => kicked.push(id),
        heldByChain: chainAsksPeopleFirst,
      });
      const account = await s.out.put(
        s.homes[0],
        {
          receiver: null,
          line: null,
          account: '1234',
          key: null,
          content: 'SIA-DCS',
          supervisionS: 0,
          receivers: [],
        },
        T0,
      );
      const turn = (e: EventEnvelope, fail = false) =>
        s.storage.transaction(async (tx: StoreHandle) => {
          const after = await enqueuer.processor(e, { tx, turn: 1, storedAt: T0, homeId: s.homes[0] });
          if (fail) throw new Error('the turn failed');
          return after;
        });
      const messages = async () =>
        (await outboxOn(s.storage.handle).ofHome(s.homes[0], 10)).map((m) => [m.kind, m.seq]);
      return { enqueuer, account, kicked, turn, messages };
    };

    it("queues an event's message in the turn: a failed turn leaves none and takes no number", async () => {
      const s = stores();
      const { account, kicked, turn, messages } = await setUp(s);
      await expect(turn(pendant('alarm', 'ev-1'), true)).rejects.toThrow('the turn failed');
      expect(await messages()).toEqual([]);
      const after = await turn(pendant('alarm', 'ev-1'));
      expect(kicked).toEqual([]); // only after the commit
      after?.();
      expect(kicked).toEqual([account.id]);
      expect(await messages()).toEqual([['pendant/alarm', 1]]);
      expect(await turn(pendant('alarm', 'ev-1'))).toBeUndefined(); // once per event
    });

    it("queues a turn's events in order, each home's from its account; trials and homes without one queue nothing", async () => {
      const s = stores();
      const { enqueuer, account, kicked, messages } = await setUp(s);
      const after = await s.storage.transaction(async (tx: StoreHandle) =>
        enqueuer.turnProcessor(
          [
            { event: pendant('alarm', 'ev-1'), homeId: s.homes[0] },
            { event: pendant('alarm', 'ev-2'), homeId: s.homes[1] },
            { event: { ...pendant('cancel', 'ev-3'), trial: true } as EventEnvelope, homeId: s.homes[0] },
            { event: pendant('cancel', 'ev-4'), homeId: null },
            { event: pendant('cancel', 'ev-5'), homeId: s.homes[0] },
          ],
          { tx, turn: 1, storedAt: T0 },
        ),
      );
      expect(await messages()).toEqual([
        ['pendant/cancel', 2],
        ['pendant/alarm', 1],
      ]);
      expect(kicked).toEqual([]);
      after?.();
      expect(kicked).toEqual([account.id]);
    });

    it('holds an alarm while the chain asks people first; the hand-over queues it with its cancel', async () => {
      const s = stores();
      const { enqueuer, turn, messages } = await setUp(s);
      await s.sql(
        'INSERT INTO followup_chains (home_id, steps, updated_at) VALUES (?, ?, ?)',
        s.homes[0],
        JSON.stringify([{ kind: 'informal_carers', minutesEach: 3 }, { kind: 'alarm_centre' }]),
        T0,
      );
      expect(await turn(pendant('alarm', 'ev-1'))).toBeUndefined();
      expect(await turn(pendant('cancel', 'ev-2'))).toBeUndefined();
      expect(await messages()).toEqual([]);
      const r = await enqueuer.handOver(
        { homeId: s.homes[0], eventId: 'ev-1', kind: 'alarm', cancelEventId: 'ev-2' },
        T0,
      );
      expect(r).toMatchObject({ state: 'queued', entry: { kind: 'pendant/alarm', seq: 1 } });
      expect(await messages()).toEqual([
        ['pendant/cancel', 2],
        ['pendant/alarm', 1],
      ]);
      expect(
        await enqueuer.handOver(
          { homeId: s.homes[1], eventId: 'ev-9', kind: 'alarm', cancelEventId: null },
          T0,
        ),
      ).toEqual({ state: 'no_account' });
    });

    it("queues a home unit's incident once, also when it is told twice at once", async () => {
      const s = stores();
      const { enqueuer, messages } = await setUp(s);
      await Promise.all([
        enqueuer.incident(incident(s.homes[0]), 'opened', T0),
        enqueuer.incident(incident(s.homes[0]), 'opened', T0),
      ]);
      await enqueuer.incident(incident(s.homes[0]), 'closed', T0 + 1);
      expect((await messages()).map(([kind]) => kind)).toEqual(['gateway/restored', 'gateway/offline']);
    });
  });
}

enqueueSuite('SQLite (in memory)', sqliteCentre(sqliteStore((h) => h)));

describe.skipIf(!needPostgres())('alarm-centre enqueuer on PostgreSQL', () => {
  enqueueSuite('PostgreSQL', pgCentre(usePostgres().store(CENTRE_TABLES, (db) => db)));
});
