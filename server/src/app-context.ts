import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AuthService } from './auth/auth-service.js';
import type { MachineCredentials } from './auth/machine-credentials.js';
import type { GatewayCredentialSink } from './broker/mosquitto-credentials.js';
import type { ServerMqttClient } from './broker/server-client.js';
import type { Clock } from './clock.js';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import type { Db } from './store/database.js';
import type { Repositories } from './store/repositories/index.js';

/** Everything a module needs, injected once by `buildApp` and reachable as `app.baken`. */
export interface AppContext {
  config: ServerConfig;
  clock: Clock;
  db: Db;
  repos: Repositories;
  metrics: Metrics;
  auth: AuthService;
  /** Hashes and verifies gateway MQTT passwords (a keyed fast hash; human passwords use `auth`). */
  machineCredentials: MachineCredentials;
  /** The server's MQTT client; null when the app runs without a broker (HTTP-only tests). */
  mqtt: ServerMqttClient | null;
  /** Broker URLs handed to gateways at provisioning. */
  mqttPublicUrls: string[];
  /** Where issued gateway credentials must also go (an external Mosquitto); null for aedes. */
  brokerCredentials: GatewayCredentialSink | null;
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

/**
 * A server module: a function that registers its routes, hooks and metrics on the app. Add a
 * folder `server/src/modules/<name>/` exporting one and list it in `modules/index.ts`. Start
 * background work in an `onReady` hook and stop it in `onClose`, using `app.baken.clock`.
 */
export type BakenModule = (app: BakenApp) => Promise<void>;
