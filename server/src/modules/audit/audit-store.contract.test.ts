import { describe, expect, it } from 'vitest';
import { needPostgres, sqliteStore, usePostgres } from '../../store/testing/store-fixture.js';
import { AuditChain } from './audit-chain.js';
import { PgAuditStore } from './pg-audit-store.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';
import { auditStoreContract } from './testing/audit-store-contract.js';

auditStoreContract(
  'SQLite (in memory)',
  sqliteStore((h) => new SqliteAuditStore(h)),
);

describe.skipIf(!needPostgres())('audit store on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store('audit_log, audit_checkpoints', (db) => new PgAuditStore(db));
  auditStoreContract('PostgreSQL', make);

  it('triggers refuse UPDATE and DELETE of entries and checkpoints outside the purge', async () => {
    const { stores } = await make();
    const chain = new AuditChain(stores);
    await chain.append({ at: 1, actor: 'system', action: 'a', subject: 's' });
    await chain.append({ at: 2, actor: 'system', action: 'a', subject: 's' });
    expect(await chain.purgeBefore(2, 3)).toMatchObject({ purged: 1 });
    const sql = pg.db().sql;
    await expect(sql.query("UPDATE audit_log SET actor = 'x'")).rejects.toThrow(/APPEND_ONLY/);
    await expect(sql.query('DELETE FROM audit_log')).rejects.toThrow(/APPEND_ONLY/);
    await expect(sql.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/APPEND_ONLY/);
    expect((await sql.query('SELECT active FROM audit_purge_guard')).rows).toEqual([{ active: false }]);
  });

  it('appends through two stores on separate connections at once still form one chain', async () => {
    const { stores } = await make();
    const other = new PgAuditStore(pg.db());
    const a = new AuditChain(stores);
    const b = new AuditChain(other);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).append({ at: i, actor: 'system', action: 'x', subject: `s${i}` }),
      ),
    );
    expect(await a.verify()).toMatchObject({ ok: true, entries: 20 });
  });
});
