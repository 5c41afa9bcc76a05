import { join } from 'node:path';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { BakenApp } from './app-context.js';
import type { AppDatabase } from './app-database.js';
import { MachineCredentials } from './auth/machine-credentials.js';
import { brokerLimits } from './broker/broker-limits.js';
import type { BrokerClient } from './broker/cluster/broker-client.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded-broker.js';
import { EmbeddedUplink } from './broker/embedded-uplink.js';
import { type GatewayCredentialSink, MosquittoPasswordFile } from './broker/mosquitto-credentials.js';
import { connectRabbitmq, type RabbitmqBroker } from './broker/rabbitmq/start-rabbitmq.js';
import { ServerMqttClient } from './broker/server-client.js';
import { type Clock, SystemClock } from './clock.js';
import type { Cluster } from './cluster/cluster.js';
import { pgCluster } from './cluster/pg-cluster.js';
import type { ServerConfig } from './config.js';
import { BakenError } from './errors.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { type MetricsListener, startMetricsListener } from './ops/metrics-listener.js';
import { checkKeysAtStart } from './start-keys.js';
import { type Db, openDatabase } from './store/database.js';
import { openPgStore } from './store/open-store.js';
import type { Repositories } from './store/repositories/index.js';
import { createSqliteRepositories } from './store/sqlite/index.js';

function brokerCredentials(
  config: ServerConfig,
  rabbitmq: RabbitmqBroker | null,
): GatewayCredentialSink | null {
  if (rabbitmq) return rabbitmq.credentials;
  if (!config.mqtt.mosquittoPasswordFile) return null;
  return new MosquittoPasswordFile({
    passwordFile: config.mqtt.mosquittoPasswordFile,
    ...(config.mqtt.mosquittoPidFile ? { pidFile: config.mqtt.mosquittoPidFile } : {}),
  });
}

export interface StartServerOptions {
  config: ServerConfig;
  clock?: Clock;
  /**
   * An open SQLite database; by default `<dataDir>/baken.sqlite` (`:memory:` when dataDir is
   * `:memory:`). Not with `database=postgres`, where the server opens `databaseUrl` itself.
   */
  db?: Db;
  logger?: Logger;
}

export interface RunningServer {
  /** Base HTTP URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** URL of the MQTT broker the server uses (embedded or external). */
  mqttUrl: string;
  /** Where Prometheus scrapes, on its own listener (loopback by default). */
  metricsUrl: string;
  app: BakenApp;
  /** The SQLite database (`app.baken.db`): with `database=postgres` reading it refuses. */
  readonly db: Db;
  mqtt: BrokerClient;
  broker: EmbeddedBroker | null;
  /** Set only when this start created the first admin; show it once, never log it. */
  firstAdmin?: { username: string; password: string };
  close(): Promise<void>;
}

/**
 * Starts the whole server: store (migrated), broker (embedded aedes unless `mqtt.url` names an
 * external one, or the RabbitMQ cluster of `mqtt.broker: rabbitmq`), the server's broker client,
 * and the HTTP app. Ports 0 pick ephemeral ports.
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { config } = opts;
  const clock = opts.clock ?? new SystemClock();
  const logger = opts.logger ?? createLogger(config.logLevel);
  // before anything is opened: shared keys of the clustered mode, malformed keys in any mode
  checkKeysAtStart(config, process.env);
  const store = await openStore(opts, clock, logger);
  try {
    return await startOnStore(opts, clock, logger, store);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** The deployment's database, opened (and migrated) for this start, and how to let go of it. */
interface OpenStore {
  database: AppDatabase;
  repos: Repositories;
  /** The clustered deployment's shared state; undefined: this process alone (`localCluster`). */
  cluster?: Cluster;
  close(): Promise<void>;
}

/**
 * SQLite: the given connection or `<dataDir>/baken.sqlite`. PostgreSQL: a pool on `databaseUrl`
 * (migrated; the URL is a secret, never logged — the driver's errors do not hold it) and the
 * cluster's shared state on it (`pgCluster`: leases, signals, live feed, rate limits).
 */
async function openStore(opts: StartServerOptions, clock: Clock, logger: Logger): Promise<OpenStore> {
  const { config } = opts;
  if (config.database === 'postgres') {
    const url = config.databaseUrl;
    if (url === undefined || opts.db)
      throw new BakenError(
        'BAKEN_ERR_CONFIG',
        500,
        'database=postgres needs BAKEN_DATABASE_URL and no SQLite database of its own.',
      );
    const pg = await openPgStore(url, { now: clock.now() }).catch((e: unknown) => {
      throw new BakenError(
        'BAKEN_ERR_STORE',
        500,
        `Could not open the PostgreSQL database of BAKEN_DATABASE_URL: ${(e as Error).message}`,
        { cause: e },
      );
    });
    const cluster = pgCluster({
      db: pg.db,
      url,
      clock,
      onError: (err) => logger.warn({ err }, 'cluster background work failed (it is retried)'),
    });
    try {
      await cluster.start();
    } catch (e) {
      await pg.close();
      throw e;
    }
    logger.info({ instanceId: cluster.instanceId }, 'on PostgreSQL; clustered');
    return {
      database: { pg: pg.db },
      repos: pg.repos,
      cluster,
      async close() {
        await cluster.stop();
        await pg.close();
      },
    };
  }
  const db =
    opts.db ??
    openDatabase(config.dataDir === ':memory:' ? ':memory:' : join(config.dataDir, 'baken.sqlite'), {
      now: clock.now(),
    });
  return {
    database: { db },
    repos: createSqliteRepositories(db),
    close: async () => {
      if (!opts.db) db.close();
    },
  };
}

async function startOnStore(
  opts: StartServerOptions,
  clock: Clock,
  logger: Logger,
  store: OpenStore,
): Promise<RunningServer> {
  const { config } = opts;
  const { repos } = store;
  const metrics = createMetrics();
  const machineCredentials = MachineCredentials.load(config.dataDir, process.env);

  const limits = brokerLimits(config.mqtt.limits);
  let broker: EmbeddedBroker | null = null;
  let mqtt: BrokerClient;
  let rabbitmq: RabbitmqBroker | null = null;
  const cleanup: Array<() => Promise<void>> = [];
  try {
    if (config.mqtt.broker === 'rabbitmq') {
      rabbitmq = await connectRabbitmq(config, { clock, metrics, logger, limits });
      mqtt = rabbitmq.client;
    } else if (config.mqtt.url) {
      mqtt = await ServerMqttClient.connect({
        url: config.mqtt.url,
        ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
        ...(config.mqtt.password !== undefined ? { password: config.mqtt.password } : {}),
        metrics,
        logger,
        // An external broker has no per-gateway publish budget: the server applies it [broker README].
        rateLimit: { clock, limits },
      });
    } else {
      broker = await startEmbeddedBroker({
        host: config.mqtt.host,
        port: config.mqtt.port,
        gateways: repos.gateways,
        credentials: machineCredentials,
        metrics,
        logger,
        clock,
        limits,
      });
      const b = broker;
      cleanup.push(() => b.close());
      // No second MQTT hop in one process (broker README, "In-process uplink").
      mqtt = new EmbeddedUplink(broker.aedes, metrics, logger.child({ component: 'mqtt-uplink' }));
    }
    const client = rabbitmq ?? mqtt;
    cleanup.unshift(() => client.close());
    const mqttUrl = config.mqtt.url ?? broker?.url ?? config.mqtt.publicUrls?.[0] ?? '';
    const app = await buildApp({
      ...store.database,
      ...(store.cluster ? { cluster: store.cluster } : {}),
      config,
      clock,
      logger,
      metrics,
      mqtt,
      mqttPublicUrls: config.mqtt.publicUrls ?? [mqttUrl],
      machineCredentials,
      brokerCredentials: brokerCredentials(config, rabbitmq),
    });
    cleanup.unshift(() => app.close());
    // Every module has subscribed: this instance may now take uplink from the shared queue.
    if (rabbitmq) {
      const r = rabbitmq;
      await r.start(repos.gateways);
      cleanup.unshift(() => r.stopConsuming());
    }
    const metricsListener: MetricsListener = await startMetricsListener(
      {
        host: config.metrics.host,
        port: config.metrics.port,
        ...(config.metrics.token !== undefined ? { token: config.metrics.token } : {}),
      },
      metrics,
      logger,
    );
    cleanup.unshift(() => metricsListener.close());
    const firstAdmin = await app.baken.auth.ensureFirstAdmin();
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    // Home units only once everything has started (broker README, "Start under a reconnect storm").
    broker?.admit();
    const url = config.http.publicUrl ?? address;
    let closed = false;
    return {
      url,
      mqttUrl,
      metricsUrl: metricsListener.url,
      app,
      get db() {
        return app.baken.db;
      },
      mqtt,
      broker,
      ...(firstAdmin ? { firstAdmin } : {}),
      async close() {
        if (closed) return;
        closed = true;
        for (const c of cleanup) await c().catch((err: unknown) => logger.warn({ err }, 'close step failed'));
        await store.close();
      },
    };
  } catch (err) {
    for (const c of cleanup) await c().catch(() => undefined);
    throw err;
  }
}
