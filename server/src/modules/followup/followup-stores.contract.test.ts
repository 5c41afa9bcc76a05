import { describe } from 'vitest';
import { createPgRepositories } from '../../store/pg/index.js';
import type { Repositories } from '../../store/repositories/index.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { needPostgres, sqliteStore, usePostgres } from '../../store/testing/store-fixture.js';
import { PgPushSubscriptions } from './notify/pg-push-subscriptions.js';
import { SqlitePushSubscriptions } from './notify/sqlite-push-subscriptions.js';
import { PgCarerStore } from './pg-carer-store.js';
import { PgFollowupStore } from './pg-followup-store.js';
import { SqliteCarers } from './sqlite-carers.js';
import { SqliteFollowupStore } from './sqlite-followup-store.js';
import { type FollowupStores, followupContract } from './testing/followup-contract.js';

/** A client with a home and two users, through the core repositories (foreign keys need them). */
async function seed(repos: Repositories): Promise<FollowupStores['ids']> {
  const c = await repos.clients.createClient({ name: 'Client' }, 1);
  const h = await repos.clients.createHome({ clientId: c.id, address: 'Straat 1' }, 1);
  const user = (u: string) =>
    repos.users.create({ username: u, displayName: u, role: 'informal_carer', passwordHash: 'h' }, 1);
  return { clientId: c.id, homeId: h.id, userA: (await user('a')).id, userB: (await user('b')).id };
}

const sqlite = sqliteStore((h) => h);
followupContract('SQLite (in memory)', async () => {
  const { stores: h, dispose } = await sqlite();
  const db = await h.run((d) => d);
  // runs and steps name their alarm by a foreign key
  const alarm = db.prepare(
    `INSERT INTO alarms (id, event_id, gateway_id, device_id, kind, state, raised_at, created_at)
     VALUES (?, ?, 'gw', 'd', 'alarm', 'new', 1, 1)`,
  );
  for (const id of ['al-1', 'al-2', 'al-3']) alarm.run(id, `ev-${id}`);
  return {
    stores: {
      runs: new SqliteFollowupStore(h),
      carers: new SqliteCarers(h),
      subs: new SqlitePushSubscriptions(h),
      ids: await seed(createSqliteRepositories(db)),
    },
    dispose,
  };
});

describe.skipIf(!needPostgres())('follow-up stores on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store(
    'followup_steps, followup_runs, followup_chains, push_subscriptions, carer_invitations, informal_carers, alarms, users, homes, clients',
    (db) => db,
  );
  followupContract('PostgreSQL', async () => {
    const { stores: db, dispose } = await make();
    for (const id of ['al-1', 'al-2', 'al-3'])
      await db.sql.query(
        `INSERT INTO alarms (id, event_id, gateway_id, device_id, kind, state, raised_at, created_at)
         VALUES ($1, $2, 'gw', 'd', 'alarm', 'new', 1, 1)`,
        [id, `ev-${id}`],
      );
    return {
      stores: {
        runs: new PgFollowupStore(db),
        carers: new PgCarerStore(db),
        subs: new PgPushSubscriptions(db),
        ids: await seed(createPgRepositories(db)),
      },
      dispose,
    };
  });
});
