import { createServer, type Server, type Socket } from 'node:net';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext, BakenApp } from '../app-context.js';
import { ManualClock } from '../clock.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { pgStorage, type Storage } from '../store/storage.js';
import { needPostgres, startPostgres } from '../testing/postgres.js';
import { installErrorHandling } from './error-handler.js';
import { DB_PING_TIMEOUT_MS, healthRoutes, pingDatabase } from './health-routes.js';

/** Only what the health routes read of the app context. */
async function readyApp(storage: Storage, clock = new ManualClock()) {
  const app = Fastify() as unknown as BakenApp;
  app.decorate('baken', { storage, clock, mqtt: null } as unknown as AppContext);
  await app.register(healthRoutes);
  return app;
}

describe.skipIf(!needPostgres())('readiness on PostgreSQL', () => {
  const closing: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of closing.reverse()) await c().catch(() => undefined);
  });

  it('reports the database usable, and a stopped database as not ready (without its URL)', async () => {
    const cluster = await startPostgres();
    closing.push(() => cluster.stop());
    const url = await cluster.createDatabase();
    const db = new PgDatabase(url);
    closing.push(() => db.close());
    const app = await readyApp(pgStorage(db));
    closing.push(() => app.close());

    const up = await app.inject({ url: '/readyz' });
    expect(up.json().db).toEqual({ ok: true });

    await cluster.stop();
    const down = await app.inject({ url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not_ready', db: { ok: false, detail: expect.any(String) } });
    expect(down.body).not.toContain(url);
  });

  it('answers a request whose store call cannot reach the database 503 with Retry-After, never 500', async () => {
    const cluster = await startPostgres();
    closing.push(() => cluster.stop());
    const url = await cluster.createDatabase();
    const db = new PgDatabase(url);
    closing.push(() => db.close());
    const app = Fastify() as unknown as BakenApp;
    installErrorHandling(app);
    app.get('/probe', async () => (await db.sql.query('SELECT 1 AS one')).rows[0]);
    closing.push(() => app.close());

    expect((await app.inject({ url: '/probe' })).json()).toEqual({ one: 1 });
    await cluster.stop();
    const down = await app.inject({ url: '/probe' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json().error.code).toBe('BAKEN_ERR_UNAVAILABLE');
    expect(down.body).not.toContain(url);
  });

  it('counts a database that accepts connections but never answers as down after the ping timeout', async () => {
    // a peer that takes the TCP connection and says nothing (a hung server, a black hole)
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const db = new PgDatabase(`postgres://baken:secret@127.0.0.1:${port}/baken`);
    closing.push(() => db.close());
    // closed first (in reverse): the pool's pending connection ends with its socket
    closing.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    });
    const clock = new ManualClock();
    const ping = pingDatabase(pgStorage(db), clock);
    const settled = ping.then(
      () => 'answered',
      (e: Error) => e.message,
    );
    await new Promise((r) => setImmediate(r));
    clock.advance(DB_PING_TIMEOUT_MS);
    expect(await settled).toMatch(/did not answer within 3000 ms/);
  });
});
