import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { hashPassword, MACHINE_SCRYPT } from '@baken/server/auth/password';
import { hashSecret, newSecret } from '@baken/server/auth/secrets';
import { openDatabase } from '@baken/server/store/database';
import { createSqliteRepositories } from '@baken/server/store/sqlite/index';
import type { HomeCred } from './gen-proc.js';

export interface Seeded {
  homes: HomeCred[];
  /** A Bearer token of an admin (for the live stream and the API). */
  adminToken: string;
}

/**
 * Fills a fresh data folder the way an enrolled region looks: one client with `n` homes, one
 * gateway each (MQTT username = gateway id, its own credential record), and an admin with an API
 * token. Every gateway shares one password so the machine hash is computed once; the server still
 * verifies it at every CONNECT, as it would a distinct one.
 */
export async function seedRegion(dataDir: string, n: number, prefix = 'bench'): Promise<Seeded> {
  const db = openDatabase(join(dataDir, 'baken.sqlite'), { now: Date.now() });
  const repos = createSqliteRepositories(db);
  const now = Date.now();
  const password = newSecret('');
  const hash = await hashPassword(password, MACHINE_SCRYPT);
  const adminToken = newSecret('bkn_');
  const homes: HomeCred[] = [];
  db.exec('BEGIN');
  try {
    const admin = await repos.users.create(
      { username: `${prefix}-admin`, displayName: 'Bench', role: 'admin', passwordHash: hash },
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
    const client = await repos.clients.createClient({ name: 'Bench region' }, now);
    for (let i = 0; i < n; i++) {
      const home = await repos.clients.createHome({ clientId: client.id, address: `Benchstraat ${i}` }, now);
      const id = `${prefix}-${i.toString().padStart(6, '0')}`;
      await repos.gateways.create({
        id,
        homeId: home.id,
        serial: null,
        createdAt: now,
        revokedAt: null,
        mqttPasswordHash: hash,
      });
      homes.push({ id, password });
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  } finally {
    db.close();
  }
  return { homes, adminToken };
}
