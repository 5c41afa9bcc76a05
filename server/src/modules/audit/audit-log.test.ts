import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../store/database.js';
import { AuditLog } from './audit-log.js';

let db: Db;
let log: AuditLog;
beforeEach(() => {
  db = openDatabase(':memory:');
  log = new AuditLog(db);
});
afterEach(() => db.close());

async function fill(n: number, start = 1000): Promise<void> {
  for (let i = 0; i < n; i++)
    await log.append({
      at: start + i,
      actor: 'user:u1',
      action: 'access.request',
      subject: 'home:h1',
      details: { i },
    });
}

/** Simulates someone with raw database access: drops the trigger, tampers, puts it back. */
function tamper(sql: string, ...args: unknown[]): void {
  const trig = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
    .all() as Array<{ name: string; sql: string }>;
  for (const t of trig) db.exec(`DROP TRIGGER ${t.name}`);
  db.prepare(sql).run(...args);
  for (const t of trig) db.exec(t.sql);
}

describe('AuditLog', () => {
  it('chains every entry to the previous one and verifies', async () => {
    await fill(5);
    const all = await log.list({ limit: 100 });
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 5, firstSeq: 1, lastSeq: 5 });
  });

  it('refuses UPDATE and DELETE through SQLite triggers', async () => {
    await fill(2);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 1").run()).toThrow(/APPEND_ONLY/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/APPEND_ONLY/);
    expect(() => db.prepare('UPDATE audit_purge_guard SET active = 1').run()).not.toThrow();
  });

  it('names an altered entry', async () => {
    await fill(5);
    tamper('UPDATE audit_log SET details = ? WHERE seq = 3', '{"i":99}');
    expect(await log.verify()).toMatchObject({ ok: false, firstBrokenSeq: 3, problem: 'hash_mismatch' });
  });

  it('names a deleted entry', async () => {
    await fill(5);
    tamper('DELETE FROM audit_log WHERE seq = 2');
    expect(await log.verify()).toMatchObject({ ok: false, firstBrokenSeq: 2, problem: 'seq_gap' });
  });

  it('names an entry rewritten with a fresh hash (the link to its successor breaks)', async () => {
    await fill(4);
    const e = (await log.list({ limit: 10 }))[1]!;
    tamper('UPDATE audit_log SET hash = ? WHERE seq = 2', 'f'.repeat(64));
    expect(await log.verify()).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    expect(e.seq).toBe(2);
  });

  it('the retention purge removes old entries, leaves a checkpoint and its own entry, and still verifies', async () => {
    await fill(5, 1000);
    await fill(2, 5000);
    const r = await log.purgeBefore(5000, 9000);
    expect(r).toEqual({ purged: 5, throughSeq: 5 });
    const rest = await log.list({ limit: 100 });
    expect(rest.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(rest[2]).toMatchObject({ action: 'audit.purged', details: { throughSeq: 5, purged: 5 } });
    expect(await log.verify()).toMatchObject({ ok: true, firstSeq: 6, lastSeq: 8 });
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 6').run()).toThrow(/APPEND_ONLY/);
    expect(() => db.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/APPEND_ONLY/);
  });

  it('after a purge, deleting the first remaining entry is still detected', async () => {
    await fill(3, 1000);
    await fill(3, 5000);
    await log.purgeBefore(5000, 9000);
    tamper('DELETE FROM audit_log WHERE seq = 4');
    expect(await log.verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 4,
      problem: 'checkpoint_mismatch',
    });
  });
});
