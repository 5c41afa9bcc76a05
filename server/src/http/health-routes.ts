import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../app-context.js';
import { PUBLIC } from './route-contract.js';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  db: Check,
  broker: Check,
});

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
        summary: 'Readiness: the store and the broker are usable (503 when not)',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_req, reply) => {
      let db: { ok: boolean; detail?: string };
      try {
        app.baken.db.prepare('SELECT 1').get();
        db = { ok: true };
      } catch (e) {
        db = { ok: false, detail: (e as Error).message };
      }
      const mqtt = app.baken.mqtt;
      const broker = mqtt?.connected
        ? { ok: true }
        : { ok: false, detail: mqtt ? 'disconnected' : 'no broker configured' };
      const ready = db.ok && broker.ok;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', db, broker });
    },
  );
}
