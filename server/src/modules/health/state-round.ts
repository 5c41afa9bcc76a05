import type { DomainEventMap } from '../ingest/domain-events.js';
import type { StateMessage } from '../ingest/event-processors.js';
import { linkChangesAfter } from './health-rows.js';
import type {
  AvailabilityWrite,
  DeviceRow,
  DeviceWrite,
  HeartbeatWrite,
  LinkHistory,
} from './state-store.js';
import type { WarningKind } from './warning-store.js';

/** A heartbeat or availability message of a turn (health's part of `StateMessage`). */
export type LinkMessage = Exclude<StateMessage, { kind: 'check' }>;

/** A heartbeat whose outbox disk state is evaluated (`HealthService.evaluateStorage`). */
export interface StorageCheck {
  gatewayId: string;
  homeId: string | null;
  hb: DomainEventMap['ingest.heartbeat']['heartbeat'];
  at: number;
}

/** What one round of a turn's state messages writes, and the storage checks it asks for. */
export interface RoundWrites {
  heartbeats: HeartbeatWrite[];
  availability: AvailabilityWrite[];
  devices: DeviceWrite[];
  checks: StorageCheck[];
}

/**
 * A turn's heartbeats and availability messages in rounds: a gateway's n-th message of the turn in
 * the n-th round, so each round names a gateway once and its messages keep their order.
 */
export function rounds(states: readonly StateMessage[]): LinkMessage[][] {
  const out: LinkMessage[][] = [];
  const seen = new Map<string, number>();
  for (const st of states) {
    if (st.kind === 'check') continue;
    const n = seen.get(st.body.gatewayId) ?? 0;
    seen.set(st.body.gatewayId, n + 1);
    const round = out[n];
    if (round) round.push(st);
    else out.push([st]);
  }
  return out;
}

/**
 * The writes of one round: each availability message, each heartbeat with its devices' reports
 * and their link changes counted from `history` (the memo's, else the row read before the round,
 * `before`), within `flapWindowMs`.
 */
export function roundWrites(
  round: readonly LinkMessage[],
  before: ReadonlyMap<string, readonly DeviceRow[]>,
  history: (gatewayId: string, deviceId: string) => LinkHistory | undefined,
  flapWindowMs: number,
): RoundWrites {
  const heartbeats: HeartbeatWrite[] = [];
  const availability: AvailabilityWrite[] = [];
  const devices = new Map<string, DeviceWrite>();
  const checks: StorageCheck[] = [];
  for (const m of round) {
    const { gatewayId, at } = m.body;
    if (m.kind === 'availability') {
      const a = m.body.availability;
      // `offline` takes the server's receive time: the will carries `at: null` [MQTT-MAP §4.4].
      // `online` is seen at its connect time (never later than now), so a retained `online`
      // re-delivered when the server subscribes again is not mistaken for a fresh sign of life.
      availability.push({
        gatewayId,
        state: a.state,
        at: a.state === 'online' && a.at !== null ? Math.min(a.at, at) : at,
      });
      continue;
    }
    const hb = m.body.heartbeat;
    heartbeats.push({ gatewayId, hb, at });
    checks.push({ gatewayId, homeId: m.body.homeId, hb, at });
    const known = new Map((before.get(gatewayId) ?? []).map((d) => [d.deviceId, d]));
    for (const d of hb.devices) {
      const k = `${gatewayId}\u0000${d.deviceId}`;
      // `up` means heard now; otherwise trust the reported last-seen but never a future one.
      const lastSeenAt = d.link === 'up' ? at : d.lastSeen === null ? null : Math.min(d.lastSeen, at);
      const was = devices.get(k);
      const prior = was
        ? { link: was.report.link, linkChanges: was.linkChanges }
        : (history(gatewayId, d.deviceId) ?? known.get(d.deviceId));
      const report = {
        deviceId: d.deviceId,
        kind: d.kind,
        link: d.link,
        lastSeenAt,
        rssi: d.rssi,
        battery: d.battery,
        firmware: d.firmware ?? null,
      };
      const linkChanges = linkChangesAfter(prior, d.link, at, flapWindowMs);
      devices.set(k, { gatewayId, report, linkChanges, at });
    }
  }
  return { heartbeats, availability, devices: [...devices.values()], checks };
}

/** The warnings a heartbeat raises or clears on its gateway, and on each of its devices. */
const GATEWAY_WARNINGS: readonly WarningKind[] = [
  'mains_lost',
  'outbox_backlog',
  'storage_degraded',
  'low_battery',
];
const DEVICE_WARNINGS: readonly WarningKind[] = ['low_battery', 'link_flapping', 'possible_spoofing'];

/** The open warnings the rules ask about for a round's heartbeats: each gateway's and device's. */
export function askedWarnings(
  heartbeats: readonly HeartbeatWrite[],
): { gatewayId: string; deviceId: string; kinds: readonly WarningKind[] }[] {
  return heartbeats.flatMap(({ gatewayId, hb }) => [
    { gatewayId, deviceId: gatewayId, kinds: GATEWAY_WARNINGS },
    ...hb.devices.map((d) => ({ gatewayId, deviceId: d.deviceId, kinds: DEVICE_WARNINGS })),
  ]);
}

/** Device rows grouped by their gateway, in the order given. */
export function byGateway(devices: readonly DeviceRow[]): Map<string, DeviceRow[]> {
  const out = new Map<string, DeviceRow[]>();
  for (const d of devices) {
    const list = out.get(d.gatewayId);
    if (list) list.push(d);
    else out.set(d.gatewayId, [d]);
  }
  return out;
}
