import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../clock.js';
import type { ServerConfig } from '../../config.js';
import type { Metrics } from '../../metrics.js';
import type { GatewaysRepository } from '../../store/repositories/gateways.js';
import type { BrokerLimits } from '../broker-limits.js';
import { RabbitUplink } from './rabbitmq-uplink.js';
import { RabbitmqGatewayUsers } from './rabbitmq-users.js';

/** How often an instance brings the broker's gateway users in line with the registry. */
export const RECONCILE_INTERVAL_MS = 5 * 60_000;

export interface RabbitmqBroker {
  client: RabbitUplink;
  credentials: RabbitmqGatewayUsers;
  /** Starts consuming uplink (after every module has subscribed) and the periodic reconcile. */
  start(gateways: GatewaysRepository): Promise<void>;
  /** Takes no more uplink (first step of a shutdown, before the modules close). */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}

/** `amqp://host:5672/vhost` with the server user's credentials put in (never logged). */
export function withCredentials(url: string, username: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * The clustered mode's broker side of `startServer` (docs/adr/0001-clustered-broker.md): the
 * uplink consumer and the gateway users. Gateways revoked in the registry lose their broker user at
 * the next reconcile (at start, then every {@link RECONCILE_INTERVAL_MS}); enrolment makes users
 * at once through `credentials.issue`.
 */
export async function connectRabbitmq(
  config: ServerConfig,
  deps: { clock: Clock; metrics: Metrics; logger: Logger; limits: BrokerLimits },
): Promise<RabbitmqBroker> {
  const r = config.mqtt.rabbitmq!;
  const username = config.mqtt.username!;
  const password = config.mqtt.password!;
  const client = await RabbitUplink.connect({
    urls: r.amqpUrls.map((u) => withCredentials(u, username, password)),
    ...(r.prefetch !== undefined ? { prefetch: r.prefetch } : {}),
    clock: deps.clock,
    metrics: deps.metrics,
    logger: deps.logger,
    rateLimit: { limits: deps.limits },
  });
  const credentials = new RabbitmqGatewayUsers({
    url: r.managementUrl,
    username,
    password,
    ...(r.vhost !== undefined ? { vhost: r.vhost } : {}),
  });
  const log = deps.logger.child({ component: 'rabbitmq-users' });
  let timer: TimerHandle | undefined;
  const reconcile = async (gateways: GatewaysRepository) => {
    try {
      const active = (await gateways.list()).filter((g) => g.revokedAt === null).map((g) => g.id);
      const { removed, missing } = await credentials.reconcile(active);
      if (removed.length > 0 || missing.length > 0)
        log.warn(
          { removed: removed.length, missing: missing.length, sample: missing.slice(0, 5) },
          'broker gateway users reconciled with the registry; missing ones need re-enrolment',
        );
    } catch (err) {
      log.error({ err }, 'reconciling broker gateway users failed; retried at the next interval');
    }
  };
  return {
    client,
    credentials,
    async start(gateways) {
      await client.startConsuming();
      await reconcile(gateways);
      timer = deps.clock.setInterval(() => void reconcile(gateways), RECONCILE_INTERVAL_MS);
    },
    stopConsuming: () => client.stopConsuming(),
    async close() {
      if (timer) deps.clock.clearInterval(timer);
      await client.close();
    },
  };
}
