import { buildApp } from '../app.js';
import type { BakenApp } from '../app-context.js';
import { MIN_SCRYPT_N } from '../auth/password.js';
import { ManualClock } from '../clock.js';
import type { Cluster } from '../cluster/cluster.js';
import { loadConfig, type ServerConfig } from '../config.js';
import type { LazySchemas } from '../http/lazy-schemas.js';
import { createLogger } from '../logger.js';
import { openDatabase } from '../store/database.js';
import type { Role } from '../store/repositories/index.js';

/**
 * A config for tests: in-memory store, ephemeral ports, silent logs, and the cheapest scrypt cost
 * the configuration allows (production hashes human passwords at `HUMAN_SCRYPT`).
 */
export function testConfig(overrides: Record<string, unknown> = {}): ServerConfig {
  const { auth, ...rest } = overrides;
  return loadConfig({
    env: {},
    overrides: {
      dataDir: ':memory:',
      logLevel: 'silent',
      http: { port: 0 },
      mqtt: { port: 0 },
      metrics: { port: 0 },
      auth: { scrypt: { N: MIN_SCRYPT_N, r: 8, p: 1 }, ...(auth as Record<string, unknown> | undefined) },
      ...rest,
    },
  });
}

export interface TestApp {
  app: BakenApp;
  clock: ManualClock;
  /** Creates a user directly in the store and returns a Bearer header for it. */
  userWithToken(
    role: Role,
    opts?: { clientId?: string; username?: string },
  ): Promise<{ id: string; auth: { authorization: string } }>;
  close(): Promise<void>;
}

/** An app over an in-memory database and a ManualClock (HTTP only, no broker). */
export async function testApp(
  overrides: Record<string, unknown> = {},
  opts: { strictResponses?: boolean; cluster?: Cluster; schemas?: LazySchemas } = {},
): Promise<TestApp> {
  const clock = new ManualClock();
  const config = testConfig(overrides);
  const db = openDatabase(':memory:');
  const app = await buildApp({ config, clock, db, logger: createLogger('silent'), ...opts });
  await app.ready();
  let n = 0;
  return {
    app,
    clock,
    async userWithToken(role, opts = {}) {
      const user = await app.baken.repos.users.create(
        {
          username: opts.username ?? `${role}${++n}`,
          displayName: role,
          role,
          passwordHash: 'scrypt$1$1$1$AA==$AA==',
          clientId: opts.clientId ?? null,
        },
        clock.now(),
      );
      const { token } = await app.baken.auth.createApiToken(user.id, 'test', null);
      return { id: user.id, auth: { authorization: `Bearer ${token}` } };
    },
    async close() {
      await app.close();
      db.close();
    },
  };
}
