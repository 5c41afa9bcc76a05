import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginOptions,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import fp from 'fastify-plugin';
import type { AuthService } from './auth/auth-service.js';
import type { MachineCredentials } from './auth/machine-credentials.js';
import type { BrokerClient } from './broker/cluster/broker-client.js';
import type { GatewayCredentialSink } from './broker/mosquitto-credentials.js';
import type { Clock } from './clock.js';
import type { Cluster } from './cluster/cluster.js';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import type { Db } from './store/database.js';
import type { Repositories } from './store/repositories/index.js';
import type { Storage } from './store/storage.js';
import type { StorageHealth } from './store/storage-health.js';

/** Everything a module needs, injected once by `buildApp` and reachable as `app.baken`. */
export interface AppContext {
  config: ServerConfig;
  clock: Clock;
  /**
   * The deployment's database as module stores see it: build a store on `storage.handle` (or a
   * transaction's handle) with `bindStore(h, { sqlite, postgres })` (store README, "Module stores
   * on PostgreSQL").
   */
  storage: Storage;
  /**
   * Whether the disk under the database takes writes: a spell of refused writes (full, read-only,
   * failing) is raised in the log, on `/readyz` and in metrics until writes succeed again.
   */
  storageHealth: StorageHealth;
  /**
   * The embedded deployment's SQLite connection, for module stores not on {@link storage} yet.
   * With `database=postgres` there is none: reading it throws `BAKEN_ERR_CONFIG` naming the module
   * that still needs it, so no module ever writes to some other SQLite file.
   */
  readonly db: Db;
  repos: Repositories;
  metrics: Metrics;
  auth: AuthService;
  /** Hashes and verifies gateway MQTT passwords (a keyed fast hash; human passwords use `auth`). */
  machineCredentials: MachineCredentials;
  /** The server's broker client (MQTT, or the RabbitMQ queue); null without a broker (HTTP-only tests). */
  mqtt: BrokerClient | null;
  /** Broker URLs handed to gateways at provisioning. */
  mqttPublicUrls: string[];
  /** Where issued gateway credentials must also go (an external Mosquitto); null for aedes. */
  brokerCredentials: GatewayCredentialSink | null;
  /** What this instance shares with the deployment's others: leases of periodic work (`cluster/`). */
  cluster: Cluster;
}

declare module 'fastify' {
  interface FastifyInstance {
    baken: AppContext;
  }
}

/** The Fastify instance type every module receives (TypeBox type provider). */
export type BakenApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The name every module registers under; another module's `dependencies` name it. */
export type ModuleName =
  | 'users'
  | 'registry'
  | 'enrolment'
  | 'ingest'
  | 'health'
  | 'alarms'
  | 'audit'
  | 'access'
  | 'followup'
  | 'gateway-config'
  | 'updates'
  | 'alarm-centre'
  | 'web';

/**
 * A server module: a Fastify plugin with a name and the modules it needs (`modules/README.md`).
 * Fastify refuses to start when a dependency was not registered before it, so the order in
 * `modules/index.ts` is checked, not assumed. What a module offers the others is one typed
 * decorator (`app.ingest`, `app.access`, …) declared with `declare module 'fastify'` beside it.
 * Start background work in an `onReady` hook and stop it in `onClose`, using `app.baken.clock`.
 */
// biome-ignore lint/suspicious/noExplicitAny: each module has its own options type
export type BakenModule = FastifyPluginAsync<any>;

export interface ModuleMeta {
  name: ModuleName;
  /** The modules whose decorators this one uses; each must be registered first. */
  dependencies?: ModuleName[];
  /**
   * Keep this module's hooks (e.g. `onSend`) and decorators to its own routes. Such a module
   * offers no decorator to the others.
   */
  encapsulate?: boolean;
}

/** Wraps a module's setup as a named Fastify plugin (`fastify-plugin`) with its dependencies. */
export function defineModule<O extends FastifyPluginOptions = Record<never, never>>(
  meta: ModuleMeta,
  setup: (app: BakenApp, opts: O) => Promise<void>,
): FastifyPluginAsync<O> {
  const plugin = async (app: FastifyInstance, opts: O) => setup(app as BakenApp, opts);
  return fp(plugin, {
    fastify: '5.x',
    name: meta.name,
    dependencies: meta.dependencies ?? [],
    encapsulate: meta.encapsulate ?? false,
  });
}
