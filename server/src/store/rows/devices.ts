// The rows of this aggregate's tables and their mapping to the domain type, shared by the SQLite and
// PostgreSQL bindings (server/src/store/README.md, "Rows").
import type { Device, DevicePatch, DeviceStatus, DeviceType } from '../repositories/devices.js';

export interface DeviceRow {
  id: string;
  serial: string;
  type: DeviceType;
  model: string;
  firmware: string;
  home_id: string | null;
  gateway_id: string | null;
  install_date: string | null;
  status: DeviceStatus;
  created_at: number;
  updated_at: number;
}
export const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  serial: r.serial,
  type: r.type,
  model: r.model,
  firmware: r.firmware,
  homeId: r.home_id,
  gatewayId: r.gateway_id,
  installDate: r.install_date,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type By = { userId: string | null; note?: string | null };
export const PATCH_COLS: Array<[keyof DevicePatch, string]> = [
  ['model', 'model'],
  ['firmware', 'firmware'],
  ['homeId', 'home_id'],
  ['gatewayId', 'gateway_id'],
  ['installDate', 'install_date'],
];
