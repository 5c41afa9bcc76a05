// The rows of this aggregate's tables and their mapping to the domain type, shared by the SQLite and
// PostgreSQL bindings (server/src/store/README.md, "Rows").
import type { Home } from '../repositories/clients.js';

export interface ClientRow {
  id: string;
  name: string;
  phone: string | null;
  notes: string | null;
  created_at: number;
  updated_at: number;
}
export interface HomeRow {
  id: string;
  client_id: string;
  address: string;
  postal_code: string | null;
  city: string | null;
  region: string | null;
  access_procedure: string | null;
  created_at: number;
  updated_at: number;
}

export const toHome = (r: HomeRow): Home => ({
  id: r.id,
  clientId: r.client_id,
  address: r.address,
  postalCode: r.postal_code,
  city: r.city,
  region: r.region,
  accessProcedure: r.access_procedure,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
