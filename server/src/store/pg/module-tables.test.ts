import { describe, expect, it } from 'vitest';
import { needPostgres } from '../../testing/postgres.js';
import { openDatabase } from '../database.js';
import { pgColumns, sqliteColumns } from '../testing/schema-mirror.js';
import { usePostgres } from '../testing/store-fixture.js';

/** The tables of the module stores that have a PostgreSQL binding (migrations 010–014, 060). */
const MODULE_TABLES = [
  'audit_log',
  'audit_checkpoints',
  'audit_purge_guard',
  'update_releases',
  'update_rollouts',
  'update_rollout_units',
  'followup_chains',
  'followup_runs',
  'followup_steps',
  'informal_carers',
  'carer_invitations',
  'push_subscriptions',
  'dc09_out_accounts',
  'dc09_out_receivers',
  'dc09_outbox',
  'dc09_in_accounts',
  'dc09_in_events',
  'dc09_rejected',
  'pendant_pairings',
];

describe.skipIf(!needPostgres())('PostgreSQL module tables', () => {
  const pg = usePostgres();

  it('mirror the SQLite schema of the same tables: the same columns, nullable alike', async () => {
    const sqlite = openDatabase(':memory:');
    try {
      for (const table of MODULE_TABLES) {
        const lite = sqliteColumns(sqlite, table);
        const pgCols = await pgColumns(pg.db(), table);
        expect(lite.length, table).toBeGreaterThan(0);
        expect({ table, columns: pgCols }).toEqual({ table, columns: lite });
      }
    } finally {
      sqlite.close();
    }
  });
});
