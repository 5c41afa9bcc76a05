import type { HeartbeatPayload } from '@baken/protocols';
import type { DeviceRow, GatewayRow } from '../state-store.js';

export type { DeviceRow, GatewayRow };

/**
 * Current state per gateway and per device: one row each, updated in place, plus
 * per-gateway history buckets (heartbeats and offline marks per bucket) for graphs.
 */
/** Interim: the synchronous state store the ingest turn still calls (until it is async). */
export interface StateStore {
  gateways(): GatewayRow[];
  gateway(id: string): GatewayRow | undefined;
  gatewaysOfHome(homeId: string): GatewayRow[];
  devices(gatewayId?: string): DeviceRow[];
  device(gatewayId: string, deviceId: string): DeviceRow | undefined;
  /** Anything heard from the gateway (heartbeat, event, availability online) at `at`. */
  touchGateway(gatewayId: string, at: number): void;
  recordHeartbeat(gatewayId: string, hb: HeartbeatPayload, at: number): void;
  /**
   * Upserts one device's row; returns the row before the update (undefined when new). `known`:
   * the device's link and link changes as last written, when the caller holds them (no read).
   */
  recordDevice(
    gatewayId: string,
    d: Omit<DeviceRow, 'gatewayId' | 'linkChanges'>,
    at: number,
    flapWindowMs: number,
    known?: Pick<DeviceRow, 'link' | 'linkChanges'>,
  ): { before: Pick<DeviceRow, 'link' | 'linkChanges'> | undefined; after: DeviceRow };
  /** An event from a device is proof of life for it (and its gateway). */
  touchDevice(gatewayId: string, deviceId: string, kind: string, at: number): void;
  recordAvailability(gatewayId: string, state: 'online' | 'offline', at: number): void;
  /** History buckets of one gateway since `from` (oldest first). */
  buckets(
    gatewayId: string,
    from: number,
  ): Array<{ bucketStart: number; heartbeats: number; offline: number }>;
  /** Drops history buckets older than `before` (the graphs keep a rolling year). */
  pruneBuckets(before: number): number;
  /** Marks an offline bucket for a gateway seen offline by the sweep. */
  markOffline(gatewayId: string, at: number): void;
}
