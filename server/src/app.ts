import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext, BakenApp } from './app-context.js';
import { type AppDatabase, databaseParts, moduleName } from './app-database.js';
import { authPlugin } from './auth/auth-plugin.js';
import { AuthService } from './auth/auth-service.js';
import { MachineCredentials } from './auth/machine-credentials.js';
import type { BrokerClient } from './broker/cluster/broker-client.js';
import type { GatewayCredentialSink } from './broker/mosquitto-credentials.js';
import type { Clock } from './clock.js';
import { type Cluster, localCluster } from './cluster/cluster.js';
import type { ServerConfig } from './config.js';
import { BakenError } from './errors.js';
import { errorBody, installErrorHandling, toBakenError } from './http/error-handler.js';
import { ErrorResponse } from './http/error-schema.js';
import { healthRoutes } from './http/health-routes.js';
import { LazySchemas } from './http/lazy-schemas.js';
import { installRouteContract } from './http/route-contract.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { modules } from './modules/index.js';
import { StorageHealth } from './store/storage-health.js';
import { watchStorage } from './store/watch-storage.js';

/**
 * `db` (the embedded SQLite connection) or `pg` (the clustered deployment's PostgreSQL pool,
 * migrated) is the deployment's database ({@link AppDatabase}).
 */
export type BuildAppOptions = AppDatabase & BuildAppSettings;

export interface BuildAppSettings {
  config: ServerConfig;
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
  mqtt?: BrokerClient | null;
  /** Broker URLs given to gateways; defaults to `config.mqtt.publicUrls` or the configured broker. */
  mqttPublicUrls?: string[];
  brokerCredentials?: GatewayCredentialSink | null;
  /** The gateway-password hasher; by default loaded from `dataDir` (the broker must share it). */
  machineCredentials?: MachineCredentials;
  /** What this instance shares with others; by default this process alone (`localCluster`). */
  cluster?: Cluster;
  /** Refuse (500) an answer with properties its response schema does not declare; for the contract test. */
  strictResponses?: boolean;
  /** The routes' schema compilers, each schema compiled at its first use (a test may force them all). */
  schemas?: LazySchemas;
}

/**
 * Builds the Fastify app: error handling, auth, OpenAPI at `/docs`, health and metrics, and every
 * module in `modules/index.ts`. Does not listen; `startServer` does.
 */
export async function buildApp(opts: BuildAppOptions): Promise<BakenApp> {
  const { config, clock } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: config.http.trustProxy,
    bodyLimit: config.http.bodyLimitBytes,
    // Errors Fastify raises before routing (bad URL encoding, bad content-type header) get the
    // uniform body too.
    frameworkErrors: (err, _req, reply) => {
      const e =
        toBakenError(err) ?? new BakenError('BAKEN_ERR_BAD_REQUEST', 400, 'The request could not be read.');
      (reply as unknown as FastifyReply).code(e.statusCode).send(errorBody(e));
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    // not at start-up: a start after `kill -9` holds the home units waiting (lazy-schemas.ts)
    schemaController: { compilersFactory: (opts.schemas ?? new LazySchemas()).compilersFactory },
  }).withTypeProvider<TypeBoxTypeProvider>();

  let registering: string | null = null;
  const database = databaseParts(opts, () => registering);
  const { repos } = database;
  const metrics = opts.metrics ?? createMetrics();
  const storageHealth = new StorageHealth({
    clock,
    log: logger.child({ component: 'storage' }),
    registry: metrics.registry,
  });
  database.storage = watchStorage(database.storage, storageHealth);
  const cluster = opts.cluster ?? localCluster(clock);
  const auth = new AuthService(repos, clock, config.auth, cluster.hitCounters);
  const ctx: AppContext = Object.defineProperties(
    {
      config,
      clock,
      metrics,
      storageHealth,
      auth,
      machineCredentials: opts.machineCredentials ?? MachineCredentials.load(config.dataDir, process.env),
      mqtt: opts.mqtt ?? null,
      brokerCredentials: opts.brokerCredentials ?? null,
      cluster,
      mqttPublicUrls: opts.mqttPublicUrls ??
        config.mqtt.publicUrls ?? [config.mqtt.url ?? `mqtt://${config.mqtt.host}:${config.mqtt.port}`],
    },
    Object.getOwnPropertyDescriptors(database),
  ) as AppContext;
  app.decorate('baken', ctx);
  installErrorHandling(app);
  installRouteContract(app, { strictResponses: opts.strictResponses ?? false });
  app.addSchema(ErrorResponse);
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({
      method: req.method,
      route: req.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Baken server API', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'baken_session' },
          // a home unit's own credentials (gateway id, MQTT password), e.g. for update downloads
          gatewayBasic: { type: 'http', scheme: 'basic' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(authPlugin, { auth, secureCookies: config.http.secureCookies });
  await app.register(healthRoutes);
  for (const m of modules) {
    registering = moduleName(m);
    await app.register(m);
  }
  registering = null;
  return app;
}
