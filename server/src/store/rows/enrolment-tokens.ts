// The rows of this aggregate's tables and their mapping to the domain type, shared by the SQLite and
// PostgreSQL bindings (server/src/store/README.md, "Rows").
import type { EnrolmentToken } from '../repositories/enrolment-tokens.js';

export interface EnrolmentTokenRow {
  id: string;
  home_id: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  gateway_id: string | null;
}
export const toToken = (r: EnrolmentTokenRow): EnrolmentToken => ({
  id: r.id,
  homeId: r.home_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  gatewayId: r.gateway_id,
});
