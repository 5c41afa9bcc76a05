/** The installed base (REQUIREMENTS §11.4): every serial registered once, with lifecycle history. */
export const DEVICE_TYPES = ['pendant', 'keysafe', 'gateway'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export const DEVICE_STATUSES = ['in_stock', 'installed', 'faulty', 'returned', 'reconditioned'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface Device {
  id: string;
  serial: string;
  type: DeviceType;
  model: string;
  firmware: string;
  homeId: string | null;
  gatewayId: string | null;
  /** ISO date `YYYY-MM-DD`. */
  installDate: string | null;
  status: DeviceStatus;
  createdAt: number;
  updatedAt: number;
}

export interface DeviceStatusChange {
  fromStatus: DeviceStatus | null;
  toStatus: DeviceStatus;
  at: number;
  byUserId: string | null;
  note: string | null;
}

export type NewDevice = Pick<Device, 'serial' | 'type' | 'status'> &
  Partial<Pick<Device, 'model' | 'firmware' | 'homeId' | 'gatewayId' | 'installDate'>>;
export type DevicePatch = Partial<
  Pick<Device, 'model' | 'firmware' | 'homeId' | 'gatewayId' | 'installDate'>
>;

export interface DeviceFilter {
  homeId?: string;
  status?: DeviceStatus;
  type?: DeviceType;
  limit: number;
  offset: number;
}

export interface DevicesRepository {
  /** Creates the device and its first history row. Throws on a duplicate serial. */
  create(d: NewDevice, by: { userId: string | null; note?: string | null }, now: number): Promise<Device>;
  get(id: string): Promise<Device | null>;
  getBySerial(serial: string): Promise<Device | null>;
  list(filter: DeviceFilter): Promise<Device[]>;
  /** All devices, ordered by serial (for export). */
  all(): Promise<Device[]>;
  update(id: string, patch: DevicePatch, now: number): Promise<Device | null>;
  /** Changes the lifecycle status and appends a history row; a no-op when unchanged. */
  setStatus(
    id: string,
    status: DeviceStatus,
    by: { userId: string | null; note?: string | null },
    now: number,
  ): Promise<Device | null>;
  history(id: string): Promise<DeviceStatusChange[]>;
  /**
   * Creates or updates (by serial) every row in one transaction: all or nothing. A status change
   * appends a history row.
   */
  upsertMany(
    rows: NewDevice[],
    by: { userId: string | null; note?: string | null },
    now: number,
  ): Promise<{ created: number; updated: number; unchanged: number }>;
}
