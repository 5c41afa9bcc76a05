// One server instance of the clustered deployment (docs/deploy/README.md): the production bundle
// (`npm run build:server`, as the systemd unit runs it; `BENCH_SERVER_FORM=tsx` for the sources) as
// a child process on PostgreSQL and RabbitMQ with the region's environment. Used by the cluster
// tests and the cluster bench alike.
import { mkdirSync } from 'node:fs';
import { freePort, type ServerProc, startServerProc } from '../bench/support/server-proc.js';
import { RABBIT_ADMIN } from './rabbitmq.js';

export interface ClusteredInstanceOptions {
  /** The instance's own data folder (created). */
  dataDir: string;
  databaseUrl: string;
  /** The broker nodes' AMQP URLs, in the order the instance tries them. */
  amqpUrls: readonly string[];
  managementUrl: string;
  /** What gateways are given at provisioning (primary, then secondary). */
  publicUrls: readonly string[];
  /** The rest of the region's environment (its shared keys, a log level). */
  env?: Record<string, string>;
}

/** Starts the instance on free loopback ports; resolves once it listens (every module started). */
export async function startClusteredInstance(o: ClusteredInstanceOptions): Promise<ServerProc> {
  mkdirSync(o.dataDir, { recursive: true });
  return startServerProc({
    form: 'bundle',
    dataDir: o.dataDir,
    httpPort: await freePort(),
    mqttPort: await freePort(),
    metricsPort: await freePort(),
    env: {
      ...o.env,
      BAKEN_DATABASE: 'postgres',
      BAKEN_DATABASE_URL: o.databaseUrl,
      BAKEN_BROKER: 'rabbitmq',
      // no credentials in an AMQP URL (the configuration refuses them): the user goes in apart
      BAKEN_RABBITMQ_AMQP_URLS: o.amqpUrls.map((u) => `amqp://${new URL(u).host}`).join(','),
      BAKEN_RABBITMQ_MANAGEMENT_URL: o.managementUrl,
      BAKEN_MQTT_USERNAME: RABBIT_ADMIN.username,
      BAKEN_MQTT_PASSWORD: RABBIT_ADMIN.password,
      BAKEN_MQTT_PUBLIC_URLS: o.publicUrls.join(','),
    },
  });
}
