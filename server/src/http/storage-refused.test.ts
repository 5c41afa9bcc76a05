import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BakenApp } from '../app-context.js';
import type { ManualClock } from '../clock.js';
import type { Db } from '../store/database.js';
import { STORAGE_CLEAR_AFTER_MS } from '../store/storage-health.js';
import { type AppOnDisk, appOnDisk, fillDisk, type LoggedLine } from '../store/testing/full-disk.js';

// The whole app on a real SQLite database file whose disk fills up (`max_page_count`): requests
// that write are refused 507 with what to do, store nothing, and raise the server's storage health.

let onDisk: AppOnDisk;
let db: Db;
let app: BakenApp;
let clock: ManualClock;
let auth: { authorization: string };
let logged: LoggedLine[];

beforeEach(async () => {
  onDisk = await appOnDisk();
  ({ app, db, clock, logged } = onDisk);
  const user = await app.baken.repos.users.create(
    {
      username: 'admin',
      displayName: 'A',
      role: 'admin',
      passwordHash: 'scrypt$1$1$1$AA==$AA==',
      clientId: null,
    },
    clock.now(),
  );
  auth = { authorization: `Bearer ${(await app.baken.auth.createApiToken(user.id, 'test', null)).token}` };
});
afterEach(() => onDisk.close());

const createClient = (i: number) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/clients',
    headers: auth,
    payload: {
      name: `Client ${i} ${'x'.repeat(150)}`,
      contacts: [{ name: `Contact ${i} ${'y'.repeat(100)}`, relation: 'daughter', phone: '+31600000000' }],
    },
  });
const clients = () => (db.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n;
const metric = async (name: string) => (await app.baken.metrics.registry.getSingleMetricAsString(name)) ?? '';

describe('a request whose write the disk refuses', () => {
  it('is answered 507 BAKEN_ERR_STORAGE_FULL with what to do, stores nothing, is counted and raised', async () => {
    const disk = fillDisk(db);
    let created = 0;
    let refused = null as Awaited<ReturnType<typeof createClient>> | null;
    // the disk fills up as clients are added: the pages it still has take a few, then none
    for (let i = 0; i < 500 && refused === null; i++) {
      const r = await createClient(i);
      if (r.statusCode === 201) created++;
      else refused = r;
    }
    expect(refused?.statusCode).toBe(507);
    expect(refused?.headers['retry-after']).toBe('60');
    const body = refused!.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAKEN_ERR_STORAGE_FULL');
    expect(body.error.message).toMatch(/^Nothing was stored: the server's disk is full.*Free space/);
    // nothing of the refused request is stored (its client and contacts roll back together)
    expect(clients()).toBe(created);
    expect(db.inTransaction).toBe(false);

    // counted, on /readyz, and in one error log line that says what to do
    expect(await metric('baken_storage_writes_refused_total')).toContain('reason="full"} 1');
    expect(await metric('baken_storage_refusing')).toMatch(/baken_storage_refusing 1/);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().storage).toEqual({
      ok: false,
      detail: expect.stringMatching(/^BAKEN_ERR_STORAGE_FULL: the server's disk is full since .*Free space/),
    });
    // one error line for the spell (not one stack per request; each refused request is a warning)
    const errors = logged.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('BAKEN_ERR_STORAGE_FULL');
    expect(errors[0]!.msg).toMatch(/resend.*Free space on the disk/);

    // reads still work while the disk is full; the staff's pages say so at the top, every one
    expect((await app.inject({ url: '/api/v1/clients', headers: auth })).statusCode).toBe(200);
    const page = await app.inject({ url: '/app/alarms', headers: auth });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /data-storage="full">De schijf van de server is vol sinds .*Waarschuw nu de beheerder\./,
    );

    // space comes back: the next change is stored, and once refusals have stopped the trouble ends
    disk.free();
    expect((await createClient(1000)).statusCode).toBe(201);
    clock.advance(STORAGE_CLEAR_AFTER_MS);
    expect((await createClient(1001)).statusCode).toBe(201);
    expect(clients()).toBe(created + 2);
    const after = await app.inject({ url: '/readyz' });
    expect(after.json().storage).toEqual({ ok: true });
    expect(await metric('baken_storage_refusing')).toMatch(/baken_storage_refusing 0/);
    expect((await app.inject({ url: '/app/alarms', headers: auth })).body).not.toContain('data-storage');
    expect(logged.some((l) => l.level === 40 && /takes writes again/.test(l.msg))).toBe(true);
  });
});
