// The rows of this aggregate's tables and their mapping to the domain type, shared by the SQLite and
// PostgreSQL bindings (server/src/store/README.md, "Rows").
import type { Gateway } from '../repositories/gateways.js';

export interface GatewayRow {
  id: string;
  home_id: string | null;
  serial: string | null;
  created_at: number;
  revoked_at: number | null;
}
export const toGateway = (r: GatewayRow): Gateway => ({
  id: r.id,
  homeId: r.home_id,
  serial: r.serial,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});
