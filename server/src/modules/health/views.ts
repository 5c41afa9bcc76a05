import type { LinkState } from '../ingest/domain-events.js';
import type { HealthService } from './health-service.js';
import type { DeviceRow, GatewayRow } from './state-store.js';

export const gatewayView = (h: HealthService, g: GatewayRow, now: number) => ({
  gatewayId: g.gatewayId,
  homeId: g.homeId,
  region: g.region,
  state: h.gatewayState(g, now),
  lastSeenAt: g.lastSeenAt,
  intervalS: g.intervalS,
  availability: g.availability,
  software: g.software,
  uptimeS: g.uptimeS,
  mains: g.mains,
  unitBattery: g.unitBattery,
  outboxDepth: g.outboxDepth,
  outboxOldestAgeS: g.outboxOldestAgeS,
  clockOffsetMs: g.clockOffsetMs,
  storage: g.storageState,
  storageSince: g.storageSince,
  degraded: isDegraded(g),
});

/** The unit reports a degraded outbox disk [MQTT-MAP §4.3.1] (it still delivers, from memory). */
export const isDegraded = (g: GatewayRow): boolean => g.storageState !== null && g.storageState !== 'ok';

export const deviceView = (h: HealthService, g: GatewayRow, d: DeviceRow, now: number) => {
  const gwState = h.gatewayState(g, now);
  // A device behind an unreachable gateway cannot be observed: its state is not known.
  const state: LinkState =
    gwState === 'offline' || gwState === 'unknown' ? 'unknown' : h.deviceState(g, d, now);
  return {
    gatewayId: d.gatewayId,
    deviceId: d.deviceId,
    kind: d.kind,
    state,
    link: d.link,
    lastSeenAt: d.lastSeenAt,
    rssi: d.rssi,
    battery: d.battery,
    firmware: d.firmware,
  };
};

export const emptyCounts = (): Record<LinkState, number> => ({ online: 0, stale: 0, offline: 0, unknown: 0 });
