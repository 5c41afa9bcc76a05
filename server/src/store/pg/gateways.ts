import type { Gateway, GatewaysRepository } from '../repositories/gateways.js';
import { type GatewayRow, toGateway } from '../rows/gateways.js';
import type { PgHandle } from './pg-database.js';

export class PgGatewaysRepository implements GatewaysRepository {
  constructor(private readonly db: PgHandle) {}

  async create(g: Gateway & { mqttPasswordHash: string }): Promise<void> {
    await this.db.sql.query(
      'INSERT INTO gateways (id, home_id, mqtt_password_hash, serial, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [g.id, g.homeId, g.mqttPasswordHash, g.serial, g.createdAt, g.revokedAt],
    );
  }

  async get(id: string): Promise<Gateway | null> {
    const r = (await this.db.sql.query<GatewayRow>('SELECT * FROM gateways WHERE id = $1', [id])).rows[0];
    return r ? toGateway(r) : null;
  }

  async mqttPasswordHash(id: string): Promise<string | null> {
    const r = await this.db.sql.query<{ h: string }>(
      'SELECT mqtt_password_hash AS h FROM gateways WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return r.rows[0]?.h ?? null;
  }

  async replaceMqttPasswordHash(id: string, previous: string, next: string): Promise<boolean> {
    const r = await this.db.sql.query(
      'UPDATE gateways SET mqtt_password_hash = $1 WHERE id = $2 AND mqtt_password_hash = $3',
      [next, id, previous],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async list(homeId?: string): Promise<Gateway[]> {
    const r =
      homeId === undefined
        ? await this.db.sql.query<GatewayRow>('SELECT * FROM gateways ORDER BY created_at, id COLLATE "C"')
        : await this.db.sql.query<GatewayRow>(
            'SELECT * FROM gateways WHERE home_id = $1 ORDER BY created_at, id COLLATE "C"',
            [homeId],
          );
    return r.rows.map(toGateway);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const r = await this.db.sql.query(
      'UPDATE gateways SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [now, id],
    );
    return (r.rowCount ?? 0) > 0;
  }
}
