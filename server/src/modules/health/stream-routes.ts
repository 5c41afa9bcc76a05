import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { errorResponses } from '../../http/error-schema.js';
import { type DomainEvent, domainEvents } from '../ingest/domain-events.js';

/** Keep-alive comment period: proxies and browsers drop idle streams. */
export const STREAM_KEEPALIVE_MS = 15_000;

const INTERNAL = /^(ingest\.|command\.)/;

/**
 * `GET /api/v1/stream`: the domain bus as server-sent events for the live dashboard. Internal
 * `ingest.*` traffic is never streamed; alarm events go to admin and monitor, and to a care worker
 * only for alarms assigned to them. A `:`
 * comment every 15 s on the injected clock keeps the connection open.
 */
export async function streamRoutes(app: BakenApp): Promise<void> {
  const { clock } = app.baken;
  const bus = domainEvents(app.baken);
  app.get(
    '/api/v1/stream',
    {
      onRequest: requireRole('admin', 'monitor', 'technician', 'care_worker'),
      schema: {
        tags: ['health'],
        operationId: 'streamEvents',
        summary: 'Live domain events as server-sent events (text/event-stream)',
        produces: ['text/event-stream'],
        response: {
          200: {
            description: '`event: <type>` and `data: <json>` per event; a `:` comment every 15 s',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errorResponses(401, 403),
        },
      },
    },
    async (req, reply) => {
      const { role, id: userId } = req.principal!.user;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const send = (e: DomainEvent) => {
        if (INTERNAL.test(e.type)) return;
        if (e.type === 'alarm.created' || e.type === 'alarm.updated') {
          const mine = role === 'care_worker' && e.body.assignedUserId === userId;
          if (role !== 'admin' && role !== 'monitor' && !mine) return;
        }
        // Access alerts are for the monitoring staff who act on them.
        if (e.type === 'access.alert' && role !== 'admin' && role !== 'monitor') return;
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.body)}\n\n`);
      };
      const off = bus.onAny(send);
      const timer = clock.setInterval(() => res.write(': keep-alive\n\n'), STREAM_KEEPALIVE_MS);
      const stop = () => {
        off();
        clock.clearInterval(timer);
      };
      req.raw.on('close', stop);
      res.on('close', stop);
    },
  );
}
