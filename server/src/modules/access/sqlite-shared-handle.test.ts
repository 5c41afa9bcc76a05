import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import { sqliteCarerConsentStore } from './sqlite-carer-consents.js';
import { sqliteMatrixStore } from './sqlite-matrix-store.js';

/**
 * The matrix and the carers' consents on the connection's shared async handle (store README,
 * "Async stores on SQLite"): a call made while another caller's transaction is open waits for its
 * end instead of joining it — so that caller's rollback does not take the call's write with it.
 */
describe('access matrix and consents on the shared SQLite handle', () => {
  it("do not join another caller's transaction: its rollback leaves their writes", async () => {
    const db = openDatabase(':memory:');
    try {
      const repos = createSqliteRepositories(db);
      const client = await repos.clients.createClient({ name: 'C', contacts: [] }, 1);
      const home = await repos.clients.createHome({ clientId: client.id, address: 'Laan 1' }, 1);
      const carer = await repos.users.create(
        {
          username: 'carer',
          displayName: 'Carer',
          role: 'informal_carer',
          passwordHash: 'x',
          clientId: client.id,
        },
        1,
      );
      const matrix = sqliteMatrixStore(db);
      const consents = sqliteCarerConsentStore(db);
      // another caller's transaction, open across several of its own statements
      let opened!: () => void;
      const isOpen = new Promise<void>((r) => (opened = r));
      const tx = sqliteHandle(db).transaction(async (t) => {
        opened();
        for (let i = 0; i < 20; i++) await t.run((d) => d.prepare('SELECT 1').get());
        throw new Error('rolled back');
      });
      await isOpen;
      const writes = [
        matrix.createTeam({ name: 'Team Noord' }, 2),
        consents.grant(
          { homeId: home.id, carerUserId: carer.id, windows: [], alarmOnly: true, grantedBy: 'u' },
          2,
        ),
      ];
      await expect(tx).rejects.toThrow('rolled back');
      await Promise.all(writes);
      expect((await matrix.listTeams()).map((t) => t.name)).toEqual(['Team Noord']);
      expect(await consents.active(home.id, carer.id)).toMatchObject({ alarmOnly: true });
    } finally {
      db.close();
    }
  });
});
