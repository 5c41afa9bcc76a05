import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { hashSecret, newSecret } from '@baken/server/auth/secrets';
import { bulkEnrol } from '@baken/server/modules/enrolment/bulk-enrolment';
import { openDatabase } from '@baken/server/store/database';
import { createSqliteRepositories } from '@baken/server/store/sqlite/index';
import type { HomeCred } from './gen-proc.js';

export interface Seeded {
  homes: HomeCred[];
  /** A Bearer token of an admin (for the live stream and the API). */
  adminToken: string;
}

/**
 * Fills a fresh data folder the way an enrolled region looks: `n` homes enrolled through the
 * server's bulk enrolment (each gateway with its own password and machine-credential hash), and an
 * admin with an API token for the live stream.
 */
export async function seedRegion(dataDir: string, n: number, prefix = 'bench'): Promise<Seeded> {
  const db = openDatabase(join(dataDir, 'baken.sqlite'), { now: Date.now() });
  const repos = createSqliteRepositories(db);
  const now = Date.now();
  const adminToken = newSecret('bkn_');
  try {
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
    const enrolled = await bulkEnrol(repos, Date.now, { homes: n, label: prefix, parallel: 8 });
    return { homes: enrolled.map((e) => ({ id: e.gatewayId, password: e.password })), adminToken };
  } finally {
    db.close();
  }
}
