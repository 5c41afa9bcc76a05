import { Type } from '@sinclair/typebox';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { streamed } from '../../cluster/live-feed.js';
import { errorResponses } from '../../http/error-schema.js';
import type { DomainEvent } from '../ingest/domain-events.js';
import type { LoggedEvent } from './stream-log.js';

/** Keep-alive comment period: proxies and browsers drop idle streams. */
export const STREAM_KEEPALIVE_MS = 15_000;

/** Who may see an event on the stream. */
function visibleTo(e: DomainEvent, role: string, userId: string): boolean {
  if (!streamed(e)) return false;
  if (e.type === 'alarm.created' || e.type === 'alarm.updated') {
    const mine = role === 'care_worker' && e.body.assignedUserId === userId;
    if (role !== 'admin' && role !== 'monitor' && !mine) return false;
  }
  // Access alerts are for the monitoring staff who act on them.
  if (e.type === 'access.alert' && role !== 'admin' && role !== 'monitor') return false;
  // Deliveries to the alarm centre: for the roles that read them [docs/alarm-centre.md §Dashboard].
  if (e.type === 'alarm-centre.delivery' && role !== 'admin' && role !== 'monitor') return false;
  return true;
}

/**
 * `GET /api/v1/stream`: the domain bus as server-sent events for the live dashboard. Internal
 * `ingest.*` traffic is never streamed; alarm events go to admin and monitor, and to a care worker
 * only for alarms assigned to them. A `:` comment every 15 s on the injected clock keeps the
 * connection open. Every event carries an `id:`; a client that reconnects with `Last-Event-ID`
 * (or `?lastEventId=`) first gets what it missed, or `event: resync` when that is no longer known
 * (a restart, or more than the last 2,000 events ago) — the dashboard then reloads in full.
 */
export async function streamRoutes(app: BakenApp): Promise<void> {
  const { clock } = app.baken;
  const bus = app.ingest.bus;
  // Every instance's events, this one's included (the embedded default: this process's own).
  const feed = app.baken.cluster.liveFeed;
  const offBus = bus.onAny((e) => {
    if (streamed(e)) feed.append(e);
  });
  app.addHook('onClose', async () => offBus());
  // An open stream never ends by itself: end every one when the server closes, or the HTTP server
  // waits for dashboards forever and a stop (SIGTERM, a restart) hangs until it is killed. The
  // dashboards reconnect to the next server on their own (`retry:`) and resume by event id.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  app.get(
    '/api/v1/stream',
    {
      onRequest: requireRole('admin', 'monitor', 'technician', 'care_worker'),
      schema: {
        tags: ['health'],
        operationId: 'streamEvents',
        summary: 'Live domain events as server-sent events (text/event-stream)',
        produces: ['text/event-stream'],
        querystring: Type.Object(
          { lastEventId: Type.Optional(Type.String({ maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description:
              '`id: <id>`, `event: <type>` and `data: <json>` per event; a `:` comment every 15 s; resumes after `Last-Event-ID`',
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
      res.write(': connected\nretry: 5000\n\n');
      const send = ({ id, event: e }: LoggedEvent) => {
        if (visibleTo(e, role, userId))
          res.write(`id: ${id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.body)}\n\n`);
      };
      const header = req.headers['last-event-id'];
      const lastId = (typeof header === 'string' ? header : undefined) ?? req.query.lastEventId;
      // Live events arriving while the missed ones are read wait, and go out after them once.
      let waiting: LoggedEvent[] | null = lastId ? [] : null;
      const off = feed.subscribe((e) => (waiting ? waiting.push(e) : send(e)));
      const timer = clock.setInterval(() => res.write(': keep-alive\n\n'), STREAM_KEEPALIVE_MS);
      const end = () => res.end();
      open.add(end);
      const stop = () => {
        off();
        open.delete(end);
        clock.clearInterval(timer);
      };
      req.raw.on('close', stop);
      res.on('close', stop);
      if (lastId) {
        const missed = await feed.since(lastId).catch(() => 'gap' as const);
        const sent = new Set<string>();
        if (missed === 'gap') res.write('event: resync\ndata: {}\n\n');
        else
          for (const e of missed) {
            sent.add(e.id);
            send(e);
          }
        for (const e of waiting ?? []) if (!sent.has(e.id)) send(e);
        waiting = null;
      }
    },
  );
}
