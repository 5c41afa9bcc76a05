// A server instance's uplink consumer for tests/server/rabbitmq-uplink.test.ts, in its own process
// so the test can kill it with SIGKILL. It takes messages from the shared queue with RabbitUplink and
// prints `got <id>`; it "commits" an event only when the parent says so on stdin: `commit <id>`
// (commit, then the handler resolves and the message is acked) or `commit-noack <id>` (commit, then
// never resolve: an instance that dies between its commit and its ack).
import { createInterface } from 'node:readline';
import { RabbitUplink } from '@baken/server/broker/rabbitmq/rabbitmq-uplink';
import { SystemClock } from '@baken/server/clock';
import { createMetrics } from '@baken/server/metrics';
import { pino } from 'pino';

const waiting = new Map<string, { resolve: () => void }>();
const orders = new Map<string, 'commit' | 'commit-noack'>();

function settle(id: string): void {
  const order = orders.get(id);
  const w = waiting.get(id);
  if (!order || !w) return;
  process.stdout.write(`commit ${id}\n`);
  if (order === 'commit') w.resolve();
}

async function main(): Promise<void> {
  const uplink = await RabbitUplink.connect({
    urls: [process.env['AMQP_URL']!],
    prefetch: Number(process.env['PREFETCH'] ?? '5'),
    clock: new SystemClock(),
    metrics: createMetrics(),
    logger: pino({ level: 'silent' }),
  });
  await uplink.subscribe('baken/v1/gw/+/events', (_topic, payload) => {
    const id = (JSON.parse(payload.toString()) as { id: string }).id;
    return new Promise<void>((resolve) => {
      waiting.set(id, { resolve });
      process.stdout.write(`got ${id}\n`);
      settle(id);
    });
  });
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [order, id] = line.split(' ') as ['commit' | 'commit-noack', string];
    orders.set(id, order);
    settle(id);
  });
  await uplink.startConsuming();
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
