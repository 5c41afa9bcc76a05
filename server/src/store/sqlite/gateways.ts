import type { Db } from '../database.js';
import type { Gateway, GatewaysRepository } from '../repositories/gateways.js';
import { type GatewayRow, toGateway } from '../rows/gateways.js';

export class SqliteGatewaysRepository implements GatewaysRepository {
  constructor(private readonly db: Db) {}

  async create(g: Gateway & { mqttPasswordHash: string }): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO gateways (id, home_id, mqtt_password_hash, serial, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(g.id, g.homeId, g.mqttPasswordHash, g.serial, g.createdAt, g.revokedAt);
  }

  async get(id: string): Promise<Gateway | null> {
    const r = this.db.prepare('SELECT * FROM gateways WHERE id = ?').get(id) as GatewayRow | undefined;
    return r ? toGateway(r) : null;
  }

  async mqttPasswordHash(id: string): Promise<string | null> {
    const r = this.db
      .prepare('SELECT mqtt_password_hash AS h FROM gateways WHERE id = ? AND revoked_at IS NULL')
      .get(id) as { h: string } | undefined;
    return r?.h ?? null;
  }

  async replaceMqttPasswordHash(id: string, previous: string, next: string): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE gateways SET mqtt_password_hash = ? WHERE id = ? AND mqtt_password_hash = ?')
        .run(next, id, previous).changes > 0
    );
  }

  async list(homeId?: string): Promise<Gateway[]> {
    const rows =
      homeId === undefined
        ? this.db.prepare('SELECT * FROM gateways ORDER BY created_at, id').all()
        : this.db.prepare('SELECT * FROM gateways WHERE home_id = ? ORDER BY created_at, id').all(homeId);
    return (rows as GatewayRow[]).map(toGateway);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    return (
      this.db.prepare('UPDATE gateways SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id)
        .changes > 0
    );
  }
}
