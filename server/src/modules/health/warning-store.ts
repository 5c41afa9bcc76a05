export const WARNING_KINDS = [
  'low_battery',
  'mains_lost',
  'tamper',
  'clock_drift',
  'outbox_backlog',
  'link_flapping',
  'storage_degraded',
  // a pendant's home unit refused forged, replayed or downgraded adverts [PENDANT SPEC §5.2]
  'possible_spoofing',
] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

export interface Warning {
  id: number;
  gatewayId: string;
  deviceId: string;
  kind: WarningKind;
  firstSeenAt: number;
  lastSeenAt: number;
  closedAt: number | null;
  detail: Record<string, unknown>;
}

/**
 * Device warnings, open or closed: one open row per (device, kind) with first/last seen (the partial
 * unique index `device_warnings_one_open`). Raising and clearing are each one statement, so of two
 * callers raising the same warning at once one opens it and the other refreshes it.
 */
export interface WarningStore {
  /** Opens the warning or refreshes the open one; `opened` tells whether it is new. */
  raise(
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
    detail: Record<string, unknown>,
  ): Promise<{ warning: Warning; opened: boolean }>;
  /** Closes the open warning, if any; returns it (undefined when none was open). */
  clear(gatewayId: string, deviceId: string, kind: WarningKind, at: number): Promise<Warning | undefined>;
  openOne(gatewayId: string, deviceId: string, kind: WarningKind): Promise<Warning | undefined>;
  /** The open warnings of the devices `devices` (any kind), in one read (in no particular order). */
  openOfDevices(devices: readonly { gatewayId: string; deviceId: string }[]): Promise<Warning[]>;
  get(id: number): Promise<Warning | undefined>;
  /** Last seen newest first (ties: newest id first). */
  list(f: { open?: boolean; gatewayId?: string; limit: number }): Promise<Warning[]>;
  /** Open warnings of `kind` last seen before `before` (for quiet closing). */
  quiet(kind: WarningKind, before: number): Promise<Warning[]>;
}
