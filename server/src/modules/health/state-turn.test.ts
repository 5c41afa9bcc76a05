import type { HeartbeatPayload } from '@baken/protocols';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app.js';
import type { BakenApp } from '../../app-context.js';
import { ManualClock } from '../../clock.js';
import { createLogger } from '../../logger.js';
import { openDatabase } from '../../store/database.js';
import { runPgMigrations } from '../../store/pg/migrate.js';
import { PgDatabase, type PgHandle } from '../../store/pg/pg-database.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../../testing/postgres.js';
import { testConfig } from '../../testing/test-app.js';
import type { StateMessage } from '../ingest/index.js';

// A turn's heartbeats and availability messages are applied together (store README, "One
// transaction per turn"): what the turn costs the database does not grow with how many it carries.
// Counted inside the turn's transaction, through the whole ingest module (`app.ingest.storeTurn`):
// on SQLite the calls on the transaction's handle (each an await of the turn), on PostgreSQL the
// statements (each a round trip the turn waits for).

const N = 20;
const gw = (i: number) => `gw-turn-${String(i).padStart(3, '0')}`;
const heartbeat = (gatewayId: string, at: number): HeartbeatPayload => ({
  v: 1,
  gatewayId,
  sentAt: at,
  uptimeS: 1,
  software: '0.1.0',
  intervalS: 60,
  mains: 'on',
  outbox: { depth: 0, oldestAgeS: null },
  scan: { running: true, restarts: 0 },
  storage: { state: 'ok', since: at, memoryDepth: 0 },
  devices: [
    { deviceId: 'pendant-1', kind: 'pendant', link: 'up', lastSeen: at, rssi: -60, battery: 90 },
    { deviceId: 'keysafe-1', kind: 'keysafe', link: 'up', lastSeen: at, rssi: -70, battery: 80 },
  ],
});
const beats = (ids: readonly string[], at: number): StateMessage[] =>
  ids.map((gatewayId) => ({
    kind: 'heartbeat',
    body: { heartbeat: heartbeat(gatewayId, at), gatewayId, homeId: null, at },
  }));
const availability = (gatewayId: string, state: 'online' | 'offline', at: number): StateMessage => ({
  kind: 'availability',
  body: {
    availability: { v: 1, state, at: state === 'online' ? at : null },
    gatewayId,
    homeId: null,
    at,
  },
});

interface Turns {
  app: BakenApp;
  clock: ManualClock;
  /** Stores `states` as one ingest turn; how much of the database its transaction used. */
  turn(states: StateMessage[]): Promise<number>;
}

async function seed(app: BakenApp): Promise<void> {
  for (let i = 0; i <= N; i++)
    await app.baken.repos.gateways.create({
      id: gw(i),
      homeId: null,
      serial: null,
      createdAt: 0,
      revokedAt: null,
      mqttPasswordHash: 'x',
    });
}

/** The same turns on either database: each step's cost does not depend on the turn's size. */
function perTurnCases(name: string, setup: () => Turns) {
  describe(`a turn's heartbeats and availability messages (${name})`, () => {
    it('cost the same whether a turn carries one heartbeat or twenty', async () => {
      const { app, clock, turn } = setup();
      const all = Array.from({ length: N }, (_, i) => gw(i + 1));
      // first heartbeats: every device is new
      const first1 = await turn(beats([gw(0)], clock.now()));
      const firstN = await turn(beats(all, clock.now()));
      // (the clock stays: a sweep due meanwhile would run its own transaction inside the count)
      const steady1 = await turn(beats([gw(0)], clock.now()));
      const steadyN = await turn(beats(all, clock.now()));
      expect({ firstN, steadyN }).toEqual({ firstN: first1, steadyN: steady1 });
      expect(steadyN).toBeLessThanOrEqual(8);
      const g = await app.health.states.gateway(gw(N));
      expect(g).toMatchObject({ lastSeenAt: clock.now(), mains: 'on', intervalS: 60 });
      expect((await app.health.states.devices(gw(N))).map((d) => [d.deviceId, d.lastSeenAt])).toEqual([
        ['keysafe-1', clock.now()],
        ['pendant-1', clock.now()],
      ]);
    });

    it('cost the same whether a turn carries one online or twenty', async () => {
      const { clock, turn } = setup();
      const one = await turn([availability(gw(0), 'online', clock.now())]);
      const many = await turn(
        Array.from({ length: N }, (_, i) => availability(gw(i + 1), 'online', clock.now())),
      );
      expect(many).toBe(one);
      expect(many).toBeLessThanOrEqual(8);
    });

    it("apply a unit's messages of one turn in their order: offline then online ends online", async () => {
      const { app, clock, turn } = setup();
      const at = clock.now();
      await turn([
        availability(gw(1), 'offline', at),
        ...beats([gw(2)], at),
        availability(gw(1), 'online', at),
        availability(gw(2), 'offline', at),
      ]);
      expect(await app.health.states.gateway(gw(1))).toMatchObject({ availability: 'online' });
      expect(await app.health.states.gateway(gw(2))).toMatchObject({ availability: 'offline' });
      const all = await app.health.incidents.list({ limit: 100, offset: 0 });
      const open = all.filter((i) => i.endedAt === null).map((i) => i.subjectId);
      expect(open).toContain(gw(2));
      expect(open).not.toContain(gw(1));
      // gw-1's outage was opened and closed within the turn, in that order
      expect(all.filter((i) => i.subjectId === gw(1)).map((i) => [i.cause, i.endedAt])).toEqual([
        ['offline', at],
      ]);
    });
  });
}

describe('on SQLite', () => {
  let t: Turns;
  let db: ReturnType<typeof openDatabase>;
  let calls = 0;
  beforeAll(async () => {
    db = openDatabase(':memory:');
    const clock = new ManualClock();
    const app = await buildApp({ config: testConfig(), clock, db, logger: createLogger('silent') });
    await app.ready();
    await seed(app);
    // every call on a transaction's handle: the class of the handle `transaction` hands out
    const probe = sqliteHandle(openDatabase(':memory:'));
    const proto = await probe.transaction(async (tx) => Object.getPrototypeOf(tx) as { run: () => unknown });
    const run = proto.run;
    vi.spyOn(proto, 'run').mockImplementation(function (this: unknown, ...args: unknown[]) {
      calls += 1;
      return (run as (...a: unknown[]) => unknown).apply(this, args);
    });
    t = {
      app,
      clock,
      async turn(states) {
        calls = 0;
        await app.ingest.storeTurn({ states });
        await app.health.idle();
        return calls;
      },
    };
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t.app.close();
    db.close();
  });
  perTurnCases('SQLite', () => t);
});

describe.skipIf(!needPostgres())('on PostgreSQL', () => {
  let pgc: ThrowawayPostgres;
  let db: PgDatabase;
  let t: Turns;
  let statements = 0;
  /** `h` with each statement counted (a savepoint's too). */
  const counting = (h: PgHandle): PgHandle => ({
    sql: {
      query: (text, values) => {
        statements += 1;
        return h.sql.query(text, values);
      },
    },
    transaction: (fn) => h.transaction((tx) => fn(counting(tx))),
  });
  beforeAll(async () => {
    pgc = await startPostgres();
    db = new PgDatabase(await pgc.createDatabase());
    await runPgMigrations(db);
    const clock = new ManualClock();
    const app = await buildApp({ config: testConfig(), clock, pg: db, logger: createLogger('silent') });
    await app.ready();
    await seed(app);
    const transaction = PgDatabase.prototype.transaction;
    vi.spyOn(PgDatabase.prototype, 'transaction').mockImplementation(function (this: PgDatabase, fn) {
      return transaction.call(this, (tx) => fn(counting(tx)));
    });
    t = {
      app,
      clock,
      async turn(states) {
        statements = 0;
        await app.ingest.storeTurn({ states });
        await app.health.idle();
        return statements;
      },
    };
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t.app.close();
    await db.close();
    await pgc.stop();
  });
  perTurnCases('PostgreSQL', () => t);
});
