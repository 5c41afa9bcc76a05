// One load-generator process (bundled and forked by generator.ts): a share of the fleet as lean
// home units, driven over IPC. Each request carries `seq`; the reply echoes it.
import { Backoff } from '@baken/gateway/uplink/backoff';
import { LeanHome } from './lean-home.js';
import { eventTemplate, heartbeatTemplate, type Template } from './payloads.js';

export interface HomeCred {
  id: string;
  password: string;
}
export type GenRequest =
  | { op: 'init'; host: string; port: number; homes: HomeCred[]; acks: 'app' | 'puback'; will: boolean }
  | { op: 'connect'; concurrency: number; reconnect: boolean }
  | { op: 'flood'; seconds: number; inFlight: number; warmupS: number }
  | { op: 'heartbeats'; ratePerS: number; seconds: number; intervalS: number }
  | { op: 'count' }
  | { op: 'tally' }
  | { op: 'close' };

/** Every event since `init` (the correctness check of a bench): ids all start with `prefix`. */
export interface Tally {
  prefix: string;
  sent: number;
  /** Events whose app ack arrived (each id counted once). */
  acked: number;
  /** App acks for an id already acked or never sent by this home: a message handled twice. */
  extraAcks: number;
  /** Sent, not yet acked. */
  pending: number;
}

interface Home {
  client: LeanHome;
  event: Template;
  heartbeat: (at: number) => string;
  pending: Set<string>;
  /** PUBACK mode: message ids awaiting their PUBACK. */
  mids: Set<number>;
  reconnect: boolean;
  backoff: Backoff;
}

const homes: Home[] = [];
let acks: 'app' | 'puback' = 'app';
let nonce = `${process.pid.toString(36)}${Date.now().toString(36)}`;
let counter = 0;
let onDone: ((h: Home) => void) | undefined;
let completed = 0;
const tally = { sent: 0, acked: 0, extraAcks: 0 };

function newHome(host: string, port: number, cred: HomeCred, will: boolean): Home {
  const h: Home = {
    event: eventTemplate(cred.id, 'battery'),
    heartbeat: heartbeatTemplate(cred.id, 60),
    pending: new Set(),
    mids: new Set(),
    reconnect: false,
    backoff: new Backoff({ initialMs: 1_000, maxMs: 60_000 }),
  } as Home;
  h.client = new LeanHome({
    host,
    port,
    gatewayId: cred.id,
    password: cred.password,
    will,
    onAck: (ids) => {
      for (const id of ids) {
        if (h.pending.delete(id)) {
          tally.acked += 1;
          done(h);
        } else tally.extraAcks += 1;
      }
    },
    onPuback: (mid) => {
      if (acks === 'puback' && h.mids.delete(mid)) done(h);
    },
    onClose: () => {
      h.pending.clear();
      h.mids.clear();
      if (h.reconnect) scheduleReconnect(h);
    },
  });
  return h;
}

function done(h: Home): void {
  completed += 1;
  onDone?.(h);
}

function sendEvent(h: Home): void {
  const id = `${nonce}x${(counter++).toString(36)}`;
  const mid = h.client.publishEvent(h.event(id, Date.now()));
  tally.sent += 1;
  if (acks === 'app') h.pending.add(id);
  else h.mids.add(mid);
}

function scheduleReconnect(h: Home): void {
  setTimeout(() => {
    h.client.connect(acks === 'app').then(
      () => h.backoff.reset(),
      () => {
        h.client.drop();
        if (!h.client.connected) scheduleReconnect(h);
      },
    );
  }, h.backoff.next());
}

async function connectAll(concurrency: number, reconnect: boolean): Promise<{ failed: number }> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < homes.length) {
      const h = homes[next++]!;
      h.reconnect = reconnect;
      try {
        await h.client.connect(acks === 'app');
      } catch {
        failed += 1;
        h.client.drop();
        if (reconnect) scheduleReconnect(h);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { failed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts completions over `seconds` after `warmupS` of the same load (the start is a transient). */
async function flood(seconds: number, inFlight: number, warmupS: number): Promise<{ completed: number }> {
  const active = homes.filter((h) => h.client.connected);
  let running = true;
  completed = 0;
  onDone = (h) => {
    if (running && h.client.connected) sendEvent(h);
  };
  for (const h of active) for (let i = 0; i < inFlight; i++) sendEvent(h);
  await sleep(warmupS * 1000);
  completed = 0;
  await sleep(seconds * 1000);
  running = false;
  const count = completed;
  onDone = undefined;
  // let what is in flight settle so the next phase starts from a quiet server
  for (let i = 0; i < 50 && active.some((h) => h.pending.size + h.mids.size > 0); i++) await sleep(100);
  return { completed: count };
}

async function heartbeats(ratePerS: number, seconds: number): Promise<{ sent: number }> {
  const active = homes.filter((h) => h.client.connected);
  if (active.length === 0) return { sent: 0 };
  const t0 = performance.now();
  let sent = 0;
  let i = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * ratePerS);
    const now = Date.now();
    for (; sent < due; sent++) {
      const h = active[i++ % active.length]!;
      h.client.publishHeartbeat(h.heartbeat(now));
    }
    await sleep(5);
  }
  // the broker has handled every heartbeat once each home's PINGRESP is back
  await Promise.race([Promise.all(active.map((h) => h.client.pingAwait())), sleep(60_000)]);
  return { sent };
}

const ping = setInterval(() => {
  for (const h of homes) void h.client.pingAwait();
}, 30_000);

process.on('message', (raw) => {
  const { seq, req } = raw as { seq: number; req: GenRequest };
  const reply = (body: unknown) => process.send?.({ seq, body });
  switch (req.op) {
    case 'init':
      acks = req.acks;
      nonce = `${nonce}${seq}`;
      for (const c of req.homes) homes.push(newHome(req.host, req.port, c, req.will));
      return reply({ homes: homes.length });
    case 'connect':
      return void connectAll(req.concurrency, req.reconnect).then(reply);
    case 'flood':
      return void flood(req.seconds, req.inFlight, req.warmupS).then(reply);
    case 'heartbeats':
      for (const h of homes) h.heartbeat = heartbeatTemplate(h.client.o.gatewayId, req.intervalS);
      return void heartbeats(req.ratePerS, req.seconds).then(reply);
    case 'count':
      return reply({ connected: homes.filter((h) => h.client.connected).length });
    case 'tally': {
      const pending = homes.reduce((a, h) => a + h.pending.size, 0);
      return reply({ prefix: `${nonce}x`, ...tally, pending } satisfies Tally);
    }
    case 'close':
      clearInterval(ping);
      for (const h of homes) {
        h.reconnect = false;
        h.client.disconnect();
      }
      reply({});
      setTimeout(() => process.exit(0), 200);
      return;
  }
});
process.send?.({ seq: 0, body: 'ready' });
