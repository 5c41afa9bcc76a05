import type { HeartbeatPayload, StorageStatePayload } from '@baken/protocols';

export interface GatewayRow {
  gatewayId: string;
  homeId: string | null;
  region: string | null;
  lastSeenAt: number | null;
  intervalS: number | null;
  availability: 'online' | 'offline' | null;
  availabilityAt: number | null;
  software: string | null;
  uptimeS: number | null;
  mains: string | null;
  unitBattery: number | null;
  outboxDepth: number | null;
  outboxOldestAgeS: number | null;
  clockOffsetMs: number | null;
  /** The unit's outbox disk from its last heartbeat [MQTT-MAP §4.3.1]; null: not reported (older unit). */
  storageState: StorageStatePayload | null;
  /** When that state began (the unit's clock). */
  storageSince: number | null;
  storageMemoryDepth: number | null;
}

export interface DeviceRow {
  gatewayId: string;
  deviceId: string;
  kind: string;
  link: string;
  lastSeenAt: number | null;
  rssi: number | null;
  battery: number | null;
  firmware: string | null;
  linkChanges: number[];
}

/** A device's report in a heartbeat, as {@link StateStore.recordDevice} stores it. */
export type DeviceReport = Omit<DeviceRow, 'gatewayId' | 'linkChanges'>;

/** A heartbeat as {@link StateStore.recordStates} writes it: received at `at`. */
export interface HeartbeatWrite {
  gatewayId: string;
  hb: HeartbeatPayload;
  at: number;
}

/** An availability message as {@link StateStore.recordStates} writes it: seen at `at`. */
export interface AvailabilityWrite {
  gatewayId: string;
  state: 'online' | 'offline';
  at: number;
}

/** A device's report in a heartbeat with its link changes after it (`linkChangesAfter`). */
export interface DeviceWrite {
  gatewayId: string;
  report: DeviceReport;
  linkChanges: number[];
  at: number;
}

/**
 * What {@link StateStore.recordStates} writes: each gateway at most once among `heartbeats` and
 * `availability`, each device at most once (a turn that carries more for one is applied in rounds).
 */
export interface StateWrites {
  heartbeats: readonly HeartbeatWrite[];
  availability: readonly AvailabilityWrite[];
  devices: readonly DeviceWrite[];
}

/** `items` in code-point order of `key` (the order every writer locks rows in). */
export function byCodePoint<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** A device an event was heard from (see {@link StateStore.touchAll}). */
export interface DeviceTouch {
  gatewayId: string;
  deviceId: string;
  kind: string;
}

/**
 * The gateways (with the devices' own) and devices of a {@link StateStore.touchAll}, each once and
 * in one order (code points), so two writers lock the rows in the same order.
 */
export function touchSet(
  gatewayIds: readonly string[],
  devices: readonly DeviceTouch[],
): { gateways: string[]; devices: DeviceTouch[] } {
  const gws = new Set(gatewayIds);
  const devs = new Map<string, DeviceTouch>();
  for (const d of devices) {
    gws.add(d.gatewayId);
    devs.set(`${d.gatewayId}\u0000${d.deviceId}`, d);
  }
  return {
    gateways: byCodePoint([...gws], (id) => id),
    devices: byCodePoint([...devs.entries()], ([k]) => k).map(([, d]) => d),
  };
}

/** A device's link and its recent link changes (what flapping is judged on). */
export type LinkHistory = Pick<DeviceRow, 'link' | 'linkChanges'>;

/**
 * Current state per gateway and per device: one row each, updated in place, plus per-gateway
 * history buckets (heartbeats and offline marks per bucket) for graphs. Async, with a SQLite
 * (`sqlite-state-store.ts`) and a PostgreSQL (`pg-state-store.ts`) binding passing one contract
 * (`testing/state-store-contract.ts`). Last-seen times only move forward, whatever order two
 * writers commit in.
 */
export interface StateStore {
  /** Every enrolled (not revoked) gateway with its state, by id. */
  gateways(): Promise<GatewayRow[]>;
  gateway(id: string): Promise<GatewayRow | undefined>;
  /** The enrolled gateways among `ids` (in no particular order). */
  gatewaysIn(ids: readonly string[]): Promise<GatewayRow[]>;
  gatewaysOfHome(homeId: string): Promise<GatewayRow[]>;
  /** Devices of one gateway (by device id), or of every gateway (by gateway, then device id). */
  devices(gatewayId?: string): Promise<DeviceRow[]>;
  /** The devices of the gateways among `gatewayIds`, by gateway, then device id. */
  devicesIn(gatewayIds: readonly string[]): Promise<DeviceRow[]>;
  device(gatewayId: string, deviceId: string): Promise<DeviceRow | undefined>;
  /** Anything heard from the gateway (heartbeat, event, availability online) at `at`. */
  touchGateway(gatewayId: string, at: number): Promise<void>;
  recordHeartbeat(gatewayId: string, hb: HeartbeatPayload, at: number): Promise<void>;
  /**
   * Upserts one device's row; returns its link history before the update (undefined when new) and
   * the row after. `known`: the device's link and link changes as last written, when the caller
   * holds them (no read).
   */
  recordDevice(
    gatewayId: string,
    d: DeviceReport,
    at: number,
    flapWindowMs: number,
    known?: LinkHistory,
  ): Promise<{ before: LinkHistory | undefined; after: DeviceRow }>;
  /** An event from a device is proof of life for it (and its gateway). */
  touchDevice(gatewayId: string, deviceId: string, kind: string, at: number): Promise<void>;
  /**
   * What one ingest turn's events heard at `at`, in one statement: each gateway of `gatewayIds`
   * as {@link touchGateway} and each device of `devices` as {@link touchDevice} (its gateway too).
   * A gateway or device named twice is written once.
   */
  touchAll(gatewayIds: readonly string[], devices: readonly DeviceTouch[], at: number): Promise<void>;
  recordAvailability(gatewayId: string, state: 'online' | 'offline', at: number): Promise<void>;
  /**
   * One turn's heartbeats, availability messages and their devices' reports (one round of them:
   * see {@link StateWrites}), as {@link recordHeartbeat}, {@link recordAvailability} and
   * {@link recordDevice} would write each, with one statement per table (PostgreSQL: one round
   * trip), rows in code-point order so two writers lock them in the same order. Returns the
   * devices' rows after the write.
   */
  recordStates(w: StateWrites): Promise<DeviceRow[]>;
  /** History buckets of one gateway since `from` (oldest first). */
  buckets(
    gatewayId: string,
    from: number,
  ): Promise<Array<{ bucketStart: number; heartbeats: number; offline: number }>>;
  /** Drops history buckets older than `before` (the graphs keep a rolling year); how many. */
  pruneBuckets(before: number): Promise<number>;
  /** Marks an offline bucket for a gateway seen offline by the sweep. */
  markOffline(gatewayId: string, at: number): Promise<void>;
}
