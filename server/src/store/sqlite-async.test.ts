import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from './database.js';
import { type SqliteHandle, sqliteHandle } from './sqlite-async.js';

let db: Db;
let h: SqliteHandle;
beforeEach(() => {
  db = openDatabase(':memory:', { migrations: [] });
  db.exec('CREATE TABLE t (v TEXT NOT NULL)');
  h = sqliteHandle(db);
});
afterEach(() => db.close());

const insert = (x: SqliteHandle, v: string) =>
  x.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run(v).changes);
const all = () =>
  (db.prepare('SELECT v FROM t ORDER BY rowid').all() as Array<{ v: string }>).map((r) => r.v);

describe('sqliteHandle', () => {
  it('is one handle per connection', () => {
    expect(sqliteHandle(db)).toBe(h);
  });

  it('commits when the callback resolves and leaves nothing when it rejects', async () => {
    await h.transaction(async (tx) => {
      await insert(tx, 'a');
      await insert(tx, 'b');
    });
    await expect(
      h.transaction(async (tx) => {
        await insert(tx, 'c');
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(all()).toEqual(['a', 'b']);
    expect(db.inTransaction).toBe(false);
  });

  it('nested transactions are savepoints: a failed one rolls back alone', async () => {
    await h.transaction(async (tx) => {
      await insert(tx, 'a');
      await tx
        .transaction(async (inner) => {
          await insert(inner, 'x');
          throw new Error('inner');
        })
        .catch(() => undefined);
      await tx.transaction(async (inner) => void (await insert(inner, 'b')));
    });
    expect(all()).toEqual(['a', 'b']);
  });

  it('runs two concurrent transactions one after the other, and shared calls after the open one', async () => {
    const order: string[] = [];
    const one = h.transaction(async (tx) => {
      await insert(tx, '1a');
      order.push('1a');
      await insert(tx, '1b');
      order.push('1b');
    });
    const two = h.transaction(async (tx) => {
      await insert(tx, '2a');
      order.push('2a');
    });
    const shared = insert(h, 's').then(() => order.push('s'));
    await Promise.all([one, two, shared]);
    expect(order.indexOf('1b')).toBe(order.indexOf('1a') + 1);
    expect(order).toContain('s');
    expect(all().sort()).toEqual(['1a', '1b', '2a', 's']);
  });

  it('a shared call waits until the open transaction has committed (it never joins it)', async () => {
    let sawInside: string[] | undefined;
    const tx = h.transaction(async (t) => {
      await insert(t, 'in');
      await Promise.resolve();
      throw new Error('rolled back');
    });
    const after = h.run(() => (sawInside = all()));
    await expect(tx).rejects.toThrow('rolled back');
    await after;
    expect(sawInside).toEqual([]);
  });

  it('rolls back a transaction that awaits the shared handle (it would wait for itself) at the end of its turn', async () => {
    let inner: Promise<unknown> | undefined;
    await expect(
      h.transaction(async (t) => {
        await insert(t, 'mine');
        inner = insert(h, 'shared');
        await inner;
      }),
    ).rejects.toMatchObject({ code: 'BAKEN_ERR_STORE', message: expect.stringMatching(/shared store/) });
    // the transaction's own write is gone; the shared call ran after it, on its own
    await inner;
    expect(all()).toEqual(['shared']);
    expect(db.inTransaction).toBe(false);
  });

  it('refuses to start inside a synchronous transaction, and rolls back a callback that awaited I/O', async () => {
    let started: Promise<unknown> | undefined;
    db.transaction(() => {
      started = h.transaction(async (tx) => insert(tx, 'x'));
    })();
    await expect(started).rejects.toMatchObject({ code: 'BAKEN_ERR_STORE' });
    await expect(
      h.transaction(async (tx) => {
        await insert(tx, 'y');
        await new Promise((r) => setImmediate(r));
      }),
    ).rejects.toThrow(/awaited I\/O/);
    expect(all()).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('a transaction handle refuses use after its end', async () => {
    let kept: SqliteHandle | undefined;
    await h.transaction(async (tx) => {
      kept = tx;
    });
    await expect(insert(kept!, 'late')).rejects.toMatchObject({ code: 'BAKEN_ERR_STORE' });
  });
});
