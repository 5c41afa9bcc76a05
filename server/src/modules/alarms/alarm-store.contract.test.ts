import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { createPgRepositories } from '../../store/pg/index.js';
import type { Repositories } from '../../store/repositories/index.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { pgColumns, sqliteColumns } from '../../store/testing/schema-mirror.js';
import { needPostgres, sqliteStore, usePostgres } from '../../store/testing/store-fixture.js';
import { PgAlarmStore } from './pg-alarm-store.js';
import { PgCancelPolicies } from './pg-cancel-policies.js';
import { SqliteAlarmStore } from './sqlite-alarm-store.js';
import { SqliteCancelPolicies } from './sqlite-cancel-policies.js';
import { type AlarmStores, alarmStoreContract } from './testing/alarm-store-contract.js';

const TABLES = ['alarms', 'alarm_transitions', 'home_alarm_policies'];

/** Two homes (regions North and South) and two users, through the core repositories (foreign keys need them). */
async function seed(repos: Repositories): Promise<AlarmStores['ids']> {
  const c = await repos.clients.createClient({ name: 'Client' }, 1);
  const home = async (region: string) =>
    (await repos.clients.createHome({ clientId: c.id, address: `${region} 1`, region }, 1)).id;
  const user = async (u: string) =>
    (await repos.users.create({ username: u, displayName: u, role: 'monitor', passwordHash: 'h' }, 1)).id;
  return {
    homeA: await home('North'),
    homeB: await home('South'),
    userA: await user('a'),
    userB: await user('b'),
  };
}

const sqlite = sqliteStore((h) => h);
alarmStoreContract('SQLite (in memory)', async () => {
  const { stores: h, dispose } = await sqlite();
  const db = await h.run((d) => d);
  return {
    stores: {
      alarms: new SqliteAlarmStore(h),
      policies: new SqliteCancelPolicies(h),
      ids: await seed(createSqliteRepositories(db)),
      parallel: false,
    },
    dispose,
  };
});

describe.skipIf(!needPostgres())('alarm stores on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store(`${TABLES.join(', ')}, users, homes, clients`, (db) => db);
  alarmStoreContract('PostgreSQL', async () => {
    const { stores: db, dispose } = await make();
    return {
      stores: {
        alarms: new PgAlarmStore(db),
        policies: new PgCancelPolicies(db),
        ids: await seed(createPgRepositories(db)),
        parallel: true,
      },
      dispose,
    };
  });

  it('follow-up runs and steps name an existing alarm and go with it, as in SQLite', async () => {
    const db = pg.db();
    const a = (await new PgAlarmStore(db).create({
      eventId: 'evt-fk',
      gatewayId: 'gw',
      homeId: null,
      deviceId: 'd',
      kind: 'alarm',
      raisedAt: 1,
      createdAt: 1,
      authenticated: true,
    }))!;
    const run = (alarmId: string) =>
      db.sql.query(
        `INSERT INTO followup_runs (alarm_id, home_id, plan, position, state, started_at)
         VALUES ($1, 'h', '[]', 0, 'asking', 1)`,
        [alarmId],
      );
    await run(a.id);
    await db.sql.query(`INSERT INTO followup_steps (alarm_id, at, kind) VALUES ($1, 1, 'asked')`, [a.id]);
    await expect(run('no-such-alarm')).rejects.toMatchObject({ code: '23503' });
    await db.sql.query('DELETE FROM alarms WHERE id = $1', [a.id]);
    const left = await db.sql.query(
      'SELECT (SELECT COUNT(*) FROM followup_runs) + (SELECT COUNT(*) FROM followup_steps) AS n',
    );
    expect(left.rows[0]).toEqual({ n: 0 });
  });

  it('mirror the SQLite alarm tables: the same columns, nullable alike', async () => {
    const lite = openDatabase(':memory:');
    try {
      for (const table of TABLES)
        expect({ table, columns: await pgColumns(pg.db(), table) }).toEqual({
          table,
          columns: sqliteColumns(lite, table),
        });
    } finally {
      lite.close();
    }
  });
});

describe('the SQLite alarm store', () => {
  it('finds a pendant’s latest open alarm (its cancel, inside the ingest turn) by an index, not a scan', () => {
    const db = openDatabase(':memory:');
    try {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id FROM alarms WHERE gateway_id = ? AND device_id = ? AND state != 'closed'
           ORDER BY raised_at DESC, id LIMIT 1`,
        )
        .all('gw', 'd') as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX alarms_device/);
    } finally {
      db.close();
    }
  });
});
