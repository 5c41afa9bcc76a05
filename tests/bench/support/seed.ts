import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MachineCredentials } from '@baken/server/auth/machine-credentials';
import { hashSecret, newSecret } from '@baken/server/auth/secrets';
import { bulkEnrol } from '@baken/server/modules/enrolment/bulk-enrolment';
import { openDatabase } from '@baken/server/store/database';
import { openPgStore } from '@baken/server/store/open-store';
import type { Repositories } from '@baken/server/store/repositories/index';
import { createSqliteRepositories } from '@baken/server/store/sqlite/index';
import type { HomeCred } from './gen-proc.js';

export interface Seeded {
  homes: HomeCred[];
  /** A Bearer token of an admin (for the live stream and the API). */
  adminToken: string;
}

/**
 * Fills a fresh data folder the way an enrolled region looks: `n` homes enrolled through the
 * server's bulk enrolment (each gateway with its own password, stored as the keyed
 * machine-credential hash under the data folder's key, as `enrol-fleet` and the bulk route store
 * it), and an admin with an API token for the live stream. The bulk route takes at most 50 homes
 * per call (its answer must beat a client's timeout); the seeding, like `enrol-fleet` on the
 * server's machine, calls the same function directly: 2,000 homes take about a second.
 */
export async function seedRegion(
  dataDir: string,
  n: number,
  prefix = 'bench',
  /** A PostgreSQL database to seed instead of the data folder's SQLite file (`database=postgres`). */
  databaseUrl?: string,
  /** Where the machine-credential key comes from (clustered instances share it through the environment). */
  env: Record<string, string | undefined> = process.env,
): Promise<Seeded> {
  if (databaseUrl) {
    const store = await openPgStore(databaseUrl);
    try {
      return await seedInto(store.repos, dataDir, n, prefix, env);
    } finally {
      await store.close();
    }
  }
  const db = openDatabase(join(dataDir, 'baken.sqlite'), { now: Date.now() });
  try {
    return await seedInto(createSqliteRepositories(db), dataDir, n, prefix, env);
  } finally {
    db.close();
  }
}

async function seedInto(
  repos: Repositories,
  dataDir: string,
  n: number,
  prefix: string,
  env: Record<string, string | undefined>,
): Promise<Seeded> {
  const now = Date.now();
  const adminToken = newSecret('bkn_');
  const admin = await repos.users.create(
    {
      username: `${prefix}-admin`,
      displayName: 'Bench',
      role: 'admin',
      passwordHash: 'scrypt$1$1$1$AA==$AA==',
    },
    now,
  );
  await repos.apiTokens.create({
    id: randomUUID(),
    userId: admin.id,
    name: 'bench',
    createdAt: now,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    tokenHash: hashSecret(adminToken),
  });
  const credentials = MachineCredentials.load(dataDir, env);
  const enrolled = await bulkEnrol(repos, Date.now, { homes: n, label: prefix, credentials });
  return { homes: enrolled.map((e) => ({ id: e.gatewayId, password: e.password })), adminToken };
}
