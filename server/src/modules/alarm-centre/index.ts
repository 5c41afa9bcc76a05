import { Counter, Gauge } from 'prom-client';
import { type BakenApp, defineModule } from '../../app-context.js';
import { leaderRole } from '../../cluster/leader-role.js';
import { loadMasterKey } from '../access/keysafe-keys.js';
import { alarmStoreOn } from '../alarms/alarm-store-on.js';
import { chainAsksPeopleFirst } from '../followup/centre-hold.js';
import { ChainHandover } from './chain-handover.js';
import { Enqueuer } from './enqueue.js';
import { inRoutes, type ReceiverStatus } from './in-routes.js';
import { InboundHandler } from './inbound.js';
import { ingestSink } from './inbound-sink.js';
import { Dc09Listener } from './listener.js';
import { outRoutes } from './out-routes.js';
import { SecretBox } from './secret-box.js';
import { Dc09Sender } from './sender.js';
import { inAccountsOn, inLogOn, outAccountsOn, outboxOn } from './stores-on.js';

export { InboundHandler } from './inbound.js';
export { Dc09Sender, type SenderPolicy } from './sender.js';

/** Sender defaults [docs/alarm-centre.md §Configuration]. */
export const DC09_DEFAULTS = { ackTimeoutS: 10, retryDelayS: 5, attemptsPerReceiver: 2 } as const;

/** Within this, another instance takes over the sender when its holder dies (store README, "The sweep lease"). */
const SENDER_ROLE_MS = 10_000;
/** Signals between instances: an account's queue has something new; an account was changed. */
const KICK = 'alarm_centre.kick';
const ACCOUNT = 'alarm_centre.account';

/**
 * The alarm-centre link [docs/alarm-centre.md]: SIA DC-09 out to each home's alarm receiving centre
 * (persisted queue, ACK/NAK/DUH, failover, supervision) and in from third-party home units (a
 * receiver whose events enter ingest, the alarm inbox and health like any home unit's).
 */
export const alarmCentreModule = defineModule(
  { name: 'alarm-centre', dependencies: ['ingest'], encapsulate: true },
  alarmCentre,
);

async function alarmCentre(app: BakenApp): Promise<void> {
  const ctx = app.baken;
  const cfg = ctx.config.dc09 ?? {};
  const box = new SecretBox(loadMasterKey(ctx.config.dataDir, process.env));
  const storage = ctx.storage;
  const accounts = outAccountsOn(storage.handle, box);
  const outbox = outboxOn(storage.handle);
  const log = app.log.child({ component: 'alarm-centre' });
  const bus = app.ingest.bus;
  const alerts = new Counter({
    name: 'baken_dc09_alerts_total',
    help: 'Alarm-centre link alerts: refused (DUH), link_down, link_up',
    labelNames: ['kind'],
    registers: [ctx.metrics.registry],
  });
  const signals = ctx.cluster.signals;
  const alarms = alarmStoreOn(ctx.storage.handle);
  const handover = new ChainHandover(bus, alarms, ctx.clock, (err) =>
    log.error({ err }, 'alarm-centre hand-over failed'),
  );
  const sender = new Dc09Sender({
    accounts,
    outbox,
    clock: ctx.clock,
    log,
    policy: {
      ackTimeoutMs: (cfg.ackTimeoutS ?? DC09_DEFAULTS.ackTimeoutS) * 1000,
      retryDelayMs: (cfg.retryDelayS ?? DC09_DEFAULTS.retryDelayS) * 1000,
      attemptsPerReceiver: cfg.attemptsPerReceiver ?? DC09_DEFAULTS.attemptsPerReceiver,
    },
    onDelivery: handover.onDelivery,
    onAlert: (a) => {
      alerts.inc({ kind: a.kind });
      log.warn({ accountId: a.accountId, kind: a.kind, detail: a.detail }, 'alarm-centre link alert');
    },
  });
  const enqueuer = new Enqueuer({
    storage,
    box,
    // whichever instance queued it: the sender runs on the role's holder
    kick: (id) => void signals.notify(KICK, id),
    heldByChain: chainAsksPeopleFirst,
  });
  app.ingest.addTurnProcessor(enqueuer.turnProcessor);
  const offHandover = handover.listen(enqueuer);
  // after health's commit, in a transaction of their own
  for (const state of ['opened', 'closed'] as const)
    bus.on(`incident.${state}`, (i) => {
      enqueuer
        .incident(i, state, ctx.clock.now())
        .catch((err) => log.error({ err }, 'alarm-centre could not queue an incident'));
    });
  new Gauge({
    name: 'baken_dc09_outbox_pending',
    help: 'Messages for alarm centres not yet acknowledged',
    registers: [ctx.metrics.registry],
    async collect() {
      this.set(await outbox.countPending());
    },
  });

  const inAccounts = inAccountsOn(storage.handle, box);
  const inLog = inLogOn(storage.handle);
  const answers = new Counter({
    name: 'baken_dc09_received_total',
    help: 'DC-09 frames received, by answer and reason',
    labelNames: ['answer', 'reason'],
    registers: [ctx.metrics.registry],
  });
  const handler = new InboundHandler({
    accounts: inAccounts,
    log: inLog,
    storesOn: (tx) => ({ accounts: inAccountsOn(tx, box), log: inLogOn(tx) }),
    clock: ctx.clock,
    logger: log,
    count: (answer, reason) => answers.inc({ answer, reason }),
    sink: ingestSink(app.ingest),
  });
  let listener: Dc09Listener | null = null;
  const status = (): ReceiverStatus => ({
    listening: listener !== null,
    host: listener ? (cfg.host ?? '127.0.0.1') : null,
    tcpPort: listener?.tcpPort ?? null,
    udpPort: listener?.udpPort ?? null,
  });

  // One sender in the deployment (one message in flight per account, its sequence numbers): it
  // runs on the instance holding its lease; the others signal it what they queued or changed.
  const offSignals = [
    await signals.listen(KICK, {
      onMessage: (id) => sender.kick(id),
      onResync: () => {
        accounts.all().then(
          (all) => {
            for (const a of all) sender.kick(a.id);
          },
          (err) => log.error({ err }, 'alarm-centre accounts could not be read after a resync'),
        );
      },
    }),
    await signals.listen(ACCOUNT, { onMessage: (id) => void sender.configure(id) }),
  ];
  leaderRole(app, {
    name: 'alarm-centre.sender',
    intervalMs: SENDER_ROLE_MS,
    onGain: () => sender.start(),
    onLose: () => sender.stop(),
    what: 'alarm-centre sender',
  });
  app.addHook('onReady', async () => {
    if (cfg.port === undefined) return;
    const l = new Dc09Listener({
      host: cfg.host ?? '127.0.0.1',
      port: cfg.port,
      handle: (raw, peer) => handler.handle(raw, peer),
      log,
    });
    await l.start();
    listener = l;
    log.info({ tcpPort: l.tcpPort, udpPort: l.udpPort }, 'DC-09 receiver listening');
  });
  app.addHook('onClose', async () => {
    for (const off of offSignals) await off();
    offHandover();
    await listener?.stop();
    listener = null;
  });

  await outRoutes(app, accounts, outbox, {
    status: (id) => sender.status(id),
    configure: (id) => void signals.notify(ACCOUNT, id),
  });
  await inRoutes(app, inAccounts, inLog, status);
}
