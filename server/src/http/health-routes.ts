import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../app-context.js';
import type { Clock } from '../clock.js';
import { bindStore, type Storage } from '../store/storage.js';
import { PUBLIC } from './route-contract.js';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  db: Check,
  broker: Check,
  /** Whether the disk under the database takes writes (full, read-only, failing: not ready). */
  storage: Check,
});

/** A database that has not answered within this long counts as down for readiness. */
export const DB_PING_TIMEOUT_MS = 3_000;

/**
 * One round trip to the deployment's database: `SELECT 1` on the SQLite connection (after any
 * open transaction), a query on a pooled PostgreSQL connection. Rejects when the database fails
 * or does not answer within {@link DB_PING_TIMEOUT_MS}; the driver's messages never hold the URL.
 */
export async function pingDatabase(storage: Storage, clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>) {
  const ping = bindStore(storage.handle, {
    sqlite: (h) => () => h.run((db) => db.prepare('SELECT 1').get()),
    postgres: (h) => () => h.sql.query('SELECT 1'),
  });
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(
      () => reject(new Error(`the database did not answer within ${DB_PING_TIMEOUT_MS} ms`)),
      DB_PING_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([ping(), timeout]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}

/**
 * `/healthz` (the process answers), `/readyz` (store and broker usable). Prometheus metrics are not
 * on the API port: see `ops/metrics-listener.ts`.
 */
export async function healthRoutes(app: BakenApp): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['ops'],
        operationId: 'getHealthz',
        security: PUBLIC,
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['ops'],
        operationId: 'getReadyz',
        security: PUBLIC,
        summary:
          'Readiness: the store and the broker are usable and the disk takes writes (503 when not, with the reason)',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_req, reply) => {
      let db: { ok: boolean; detail?: string };
      try {
        await pingDatabase(app.baken.storage, app.baken.clock);
        db = { ok: true };
      } catch (e) {
        db = { ok: false, detail: (e as Error).message };
      }
      const mqtt = app.baken.mqtt;
      const broker = mqtt?.connected
        ? { ok: true }
        : { ok: false, detail: mqtt ? 'disconnected' : 'no broker configured' };
      const storage = app.baken.storageHealth?.check() ?? { ok: true };
      const ready = db.ok && broker.ok && storage.ok;
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', db, broker, storage });
    },
  );
}
