import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import type { MachineCredentials } from '../auth/machine-credentials.js';
import type { Clock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import type { GatewaysRepository } from '../store/repositories/index.js';
import { AlarmGate } from './alarm-gate.js';
import { type BrokerLimits, DEFAULT_BROKER_LIMITS } from './broker-limits.js';
import { BrokerListeners } from './broker-listeners.js';
import type { FrameRefusal } from './frame-guard.js';
import { GuardedConnection } from './guarded-connection.js';
import { type OfflineQueueStore, skipOfflineQueueWhileUnused } from './offline-queue.js';
import { isAlarmEvent, overRateReporter, PublishRateLimiter } from './publish-rate.js';
import { indexRetained, type RetainedIndex, type RetainedStore } from './retained-index.js';
import { dropClientNotices } from './sys-notices.js';
import {
  type AclDecision,
  gatewayMayPublish,
  gatewayMaySubscribe,
  parseGatewayTopic,
  serverMayUse,
} from './topic-acl.js';

/**
 * Who a connection is. A gateway's `allowed` is the last topic its publish was allowed on: a unit
 * publishes to a handful of topics, and the decision is a function of its id and the topic alone.
 */
type Identity = { kind: 'gateway'; gatewayId: string; allowed: string | null } | { kind: 'server' };

/** Credential of the server's own MQTT client on the embedded broker (random per process). */
export interface InternalCredential {
  username: string;
  password: string;
}

export interface EmbeddedBroker {
  /** `mqtt://host:port` the broker listens on for home units. */
  url: string;
  port: number;
  /** Loopback URL for the server's own client, open from the start. */
  internalUrl: string;
  internal: InternalCredential;
  /**
   * Lets home units in: until then their connections are held unread (broker README, "Start under
   * a reconnect storm"). Call once the server has started.
   */
  admit(): void;
  /** Home-unit connections held until {@link admit}. */
  waiting(): number;
  connectedClients(): number;
  /** The broker's retained messages (for tests and capacity figures). */
  retained: RetainedIndex;
  /** True while no session has stored a subscription, so QoS 1 routing skips the offline queue. */
  offlineQueueUnused(): boolean;
  /** The aedes instance, for the server's in-process uplink (`embedded-uplink.ts`). */
  aedes: Aedes;
  close(): Promise<void>;
}

// [MQTT-3.2.2-3] CONNACK return codes 4 (bad username or password) and 5 (not authorised).
const BAD_CREDENTIALS = 4;
const NOT_AUTHORIZED = 5;

function refuse(code: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Where a dropped message goes: no client may subscribe to it (`$` topics, outside every ACL). */
const DROPPED_TOPIC = '$baken/dropped';

/**
 * Starts aedes (MQTT 3.1.1) on a TCP port with per-gateway authentication and topic ACLs.
 * Hooks are callback style (aedes #483). Contract:
 * - home units' connections are held unread until `admit()`; the server's own client uses
 *   `internalUrl`, a loopback listener open from the start ({@link BrokerListeners}); while units
 *   are held, an alarm read from a connected unit stops their admission until its app ack is
 *   written (at most 250 ms, {@link AlarmGate});
 * - every packet's size is checked on its fixed header before aedes reads it: a packet over
 *   `limits.maxPacketBytes` (a first CONNECT over `limits.maxConnectBytes`) closes the connection
 *   unread (`packet_too_large`, `connect_too_large`, `packet_malformed`);
 * - anonymous clients are refused; a gateway authenticates as username = gatewayId with its
 *   provisioned password (a keyed hash in the store, {@link MachineCredentials}) and must use clientId = gatewayId (or
 *   `{gatewayId}-probe` for its fail-back probe), so no
 *   one can take over another gateway's session by its client id;
 * - at most one session per gateway identity: a newly authenticated connection of a gateway
 *   takes over, and the older one (whatever its client id) is closed, as MQTT does for a repeated
 *   client id [MQTT-3.1.4-2] (`session_taken_over`). Taking over rather than refusing lets a
 *   rebooted unit back in at once while its old half-open connection is still open. A connection
 *   accepted before the live session's is refused instead (`session_superseded`): a unit's old
 *   attempt, read only after the unit gave up on it and got in again;
 * - each gateway's publishes go through a {@link PublishRateLimiter}: over its budget an alarm
 *   event still passes, anything else is acknowledged and dropped (`publish_rate_limited`);
 * - the server's internal client uses a random credential created here and clientId
 *   `baken-server-…`;
 * - every refusal is logged with a reason (never the password) and counted in
 *   `baken_mqtt_rejected_total{reason}`.
 */
export async function startEmbeddedBroker(opts: {
  host: string;
  port: number;
  gateways: GatewaysRepository;
  /** Verifies gateway passwords (keyed hash; older scrypt hashes are replaced on success). */
  credentials: MachineCredentials;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  limits?: BrokerLimits;
}): Promise<EmbeddedBroker> {
  const limits = opts.limits ?? DEFAULT_BROKER_LIMITS;
  const log = opts.logger.child({ component: 'mqtt-broker' });
  const internal: InternalCredential = {
    username: 'baken-server',
    password: randomBytes(32).toString('base64url'),
  };
  const identities = new WeakMap<Client, Identity>();
  /** The one live session of each gateway identity. */
  const sessions = new Map<string, Client>();
  const rate = new PublishRateLimiter(opts.clock, limits);
  const reject = (reason: string, ctx: Record<string, unknown>) => {
    opts.metrics.mqttRejected.inc({ reason });
    log.warn({ reason, ...ctx }, 'mqtt refused');
  };
  const noteOverRate = overRateReporter(opts.metrics, log, opts.clock);
  /** Each connection's place in accept order (broker README, "One session per gateway"). */
  const accepted = new WeakMap<object, number>();
  const orderOf = (c: Client) => accepted.get((c as unknown as { conn: object }).conn) ?? 0;
  /** False when a newer connection of the gateway already holds the session (this one is a ghost). */
  const takeOver = (gatewayId: string, client: Client, done: () => void): boolean => {
    const prev = sessions.get(gatewayId);
    if (prev && prev !== client && !prev.closed && orderOf(prev) > orderOf(client)) return false;
    sessions.set(gatewayId, client);
    if (!prev || prev === client || prev.closed) {
      done();
      return true;
    }
    opts.metrics.mqttRejected.inc({ reason: 'session_taken_over' });
    log.warn({ gatewayId, clientId: prev.id, by: client.id }, 'mqtt session taken over by a new connection');
    prev.close(done);
    return true;
  };

  /** Alarms read while units are held: no slice is admitted before their acks (`alarm-gate.ts`). */
  const alarms = new AlarmGate(() => opts.clock.now());
  let unitsHeld = (): number => 0;

  const broker = await Aedes.createBroker({
    // No global cap on messages in flight (broker README, "Message routing"). With aedes' cap of
    // 100, a burst arriving in one turn queued behind the first hundred, and the queue was drained
    // by synchronous recursion: a few thousand queued messages that complete at once (dropped over
    // the rate, the `$SYS` notices of a connect storm) overflowed the stack and killed the server.
    // Back-pressure stays per connection: aedes reads a client's next packets only once its
    // previous ones are delivered, and a subscriber that never drains is cut after `drainTimeout`.
    concurrency: 0,
    authenticate(client, username, password, done) {
      const pw = password?.toString('utf8') ?? '';
      const ctx = { clientId: client.id, username };
      if (username === undefined || username === '') {
        reject('connect_anonymous', ctx);
        return done(refuse(NOT_AUTHORIZED, 'anonymous clients are not allowed'), false);
      }
      if (username === internal.username) {
        if (sameSecret(pw, internal.password) && client.id.startsWith('baken-server-')) {
          identities.set(client, { kind: 'server' });
          return done(null, true);
        }
        reject('connect_bad_credentials', ctx);
        return done(refuse(BAD_CREDENTIALS, 'bad username or password'), false);
      }
      const check = async (): Promise<string | null> => {
        const v = await opts.credentials.verifyGateway(opts.gateways, username, pw);
        // a hash under another key: the key file was lost or replaced (broker README, "Credentials")
        if (!v.ok)
          return v.reason === 'unknown_key' ? 'connect_credential_key_unknown' : 'connect_bad_credentials';
        // The gateway's fail-back probe connects beside its session as `{id}-probe`.
        if (client.id !== username && client.id !== `${username}-probe`) return 'connect_client_id_mismatch';
        return null;
      };
      check().then(
        (reason) => {
          if (reason) {
            reject(reason, ctx);
            return done(
              refuse(reason === 'connect_client_id_mismatch' ? NOT_AUTHORIZED : BAD_CREDENTIALS, reason),
              false,
            );
          }
          // A connection accepted before the gateway's live session, authenticated only now (it
          // waited its turn while the unit gave up on it and connected again): refused, so that it
          // does not close the unit's newer session.
          const took = takeOver(username, client, () => {
            identities.set(client, { kind: 'gateway', gatewayId: username, allowed: null });
            done(null, true);
          });
          if (!took) {
            reject('session_superseded', ctx);
            done(refuse(3, 'a newer connection of this gateway holds its session'), false);
          }
        },
        (err: unknown) => {
          log.error({ err }, 'mqtt authenticate failed');
          reject('connect_error', ctx);
          done(refuse(3, 'server unavailable'), false);
        },
      );
    },

    authorizePublish(client, packet, callback) {
      // client === null: published by the broker itself (e.g. will messages are attributed to a client).
      if (!client) return callback(null);
      const id = identities.get(client);
      if (id?.kind !== 'gateway' || id.allowed !== packet.topic) {
        const d: AclDecision = !id
          ? { ok: false, reason: 'publish_unauthenticated' }
          : id.kind === 'server'
            ? serverMayUse(packet.topic)
            : gatewayMayPublish(id.gatewayId, packet.topic);
        if (!d.ok) {
          reject(d.reason, { clientId: client.id, topic: packet.topic });
          return callback(new Error(d.reason));
        }
        if (id?.kind === 'gateway') id.allowed = packet.topic;
      }
      if (id?.kind === 'gateway') {
        const v = rate.check(id.gatewayId, packet.topic, packet.payload as Buffer);
        noteOverRate(id.gatewayId, v, packet.topic);
        if (v === 'drop') {
          // aedes has no "accept and drop" answer (an error closes the connection, and the gateway
          // would reconnect and resend its whole window): the message is acknowledged as usual and
          // routed where no one listens.
          packet.topic = DROPPED_TOPIC;
          packet.retain = false;
        } else if (
          unitsHeld() > 0 &&
          packet.topic.endsWith('/events') &&
          isAlarmEvent(packet.payload as Buffer)
        ) {
          alarms.alarm(id.gatewayId);
        }
      }
      callback(null);
    },

    authorizeSubscribe(client, sub, callback) {
      const id = identities.get(client);
      const d: AclDecision = !id
        ? { ok: false, reason: 'subscribe_unauthenticated' }
        : id.kind === 'server'
          ? serverMayUse(sub.topic)
          : gatewayMaySubscribe(id.gatewayId, sub.topic);
      if (d.ok) return callback(null, sub);
      reject(d.reason, { clientId: client.id, topic: sub.topic });
      // A null subscription answers SUBACK 0x80 without dropping the connection. [MQTT-3.9.3-2]
      callback(null, null);
    },
  });

  // an alarm's app ack written (aedes emits `publish` once every delivery of it is written)
  broker.on('publish', (packet, client) => {
    if (alarms.pending === 0 || client) return;
    const t = parseGatewayTopic(packet.topic);
    if (t?.suffix === 'ack') alarms.acked(t.gatewayId);
  });
  // no `$SYS` notice per connect, subscribe and disconnect (no one may read them, `sys-notices.ts`)
  dropClientNotices(broker);
  // SUBSCRIBE cost independent of the number of retained messages (broker README, "Retained messages")
  const retained = indexRetained((broker as unknown as { persistence: RetainedStore }).persistence);
  // no offline-queue lookup per QoS 1 message while no session is persistent (`offline-queue.ts`)
  const offlineQueueUnused = skipOfflineQueueWhileUnused(
    (broker as unknown as { persistence: OfflineQueueStore }).persistence,
  );

  broker.on('clientDisconnect', (client) => {
    const id = identities.get(client);
    if (id?.kind === 'gateway' && sessions.get(id.gatewayId) === client) sessions.delete(id.gatewayId);
  });

  const onRefused = (conn: GuardedConnection, { reason, ...detail }: FrameRefusal) => {
    // aedes sets `conn.client` once it has read a CONNECT.
    const clientId = (conn as unknown as { client?: Client }).client?.id ?? null;
    reject(reason, { clientId, remoteAddress: conn.remoteAddress, ...detail });
  };
  const listeners = await BrokerListeners.open({
    host: opts.host,
    port: opts.port,
    now: () => opts.clock.now(),
    hold: () => alarms.holds(),
    handle: (socket, order) => {
      const conn: GuardedConnection = new GuardedConnection(socket, limits, (r) => onRefused(conn, r));
      accepted.set(conn, order);
      broker.handle(conn as never);
    },
  });
  unitsHeld = () => listeners.waiting;
  const port = listeners.port;
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  log.info({ port }, 'mqtt broker listening');
  let closing = false;
  void listeners.copied.then(() => {
    if (closing) return;
    // one handle still works, with one accept per turn of the event loop (broker README)
    const n = listeners.acceptHandles;
    if (n > 1) log.info({ acceptHandles: n }, 'mqtt broker accepts through several listening handles');
    else
      log.warn({ acceptHandles: n }, 'mqtt broker could not copy its listening handle (no child process?)');
  });

  return {
    url: `mqtt://${urlHost}:${port}`,
    port,
    internalUrl: `mqtt://127.0.0.1:${listeners.internalPort}`,
    internal,
    admit: () => {
      if (listeners.waiting > 0) log.info({ waiting: listeners.waiting }, 'mqtt broker admits home units');
      listeners.admit();
    },
    waiting: () => listeners.waiting,
    connectedClients: () => broker.connectedClients,
    retained,
    offlineQueueUnused,
    aedes: broker,
    // Resolves once every connection is gone: the sockets aedes did not end itself (one that never
    // sent CONNECT, or whose peer went away without a FIN) are destroyed rather than waited for.
    close: () => {
      closing = true;
      const closed = listeners.close();
      broker.close(() => listeners.destroyAll());
      return closed;
    },
  };
}
