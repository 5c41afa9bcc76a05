import type { EventEnvelope, HeartbeatPayload, StorageStatePayload } from '@baken/protocols';
import type { DomainEventBus } from '../ingest/domain-events.js';
import type { WarningPolicy } from './health-policy.js';
import { SPOOFING_WARNING, SpoofingRule } from './spoofing-rule.js';
import type { DeviceRow } from './state-store.js';
import type { WarningKind, WarningStore } from './warning-store.js';

/** What the technician should do about each degraded disk state (shown with the warning). */
export const STORAGE_ADVICE: Record<Exclude<StorageStatePayload, 'ok'>, string> = {
  'low-space':
    'the data disk of the home unit is almost full: free space (logs, old files) at the next visit',
  full: 'the data disk of the home unit is full: alarms are held in memory and a restart would lose them; free space now',
  'read-only':
    'the SD card of the home unit is read-only (worn out): alarms are held in memory; replace the SD card',
  failed: 'the home unit cannot use its data disk: alarms are held in memory; check or replace the SD card',
};

/** What an event asks of its device's warnings: open (or refresh) one kind, or close one. */
type EventAction =
  | { raise: WarningKind; detail: Record<string, unknown>; clear?: undefined }
  | { clear: WarningKind; raise?: undefined };

/** The clears, one object each (an event that clears allocates nothing for it). */
const CLEAR = {
  low_battery: { clear: 'low_battery' },
  mains_lost: { clear: 'mains_lost' },
  clock_drift: { clear: 'clock_drift' },
} as const satisfies Record<string, EventAction>;

/**
 * Turns heartbeats and events into device warnings: low battery (with hysteresis),
 * mains lost/restored, tamper (closes after a quiet period), clock drift from key-safe
 * `clock_report` [MQTT-MAP §4.1.3], outbox backing up, link flapping, a degraded outbox disk
 * (`storage_degraded`, [MQTT-MAP §4.3.1]). A gateway-level warning uses
 * the gateway id as device id.
 */
export class WarningRules {
  private readonly spoofing = new SpoofingRule();

  constructor(
    private readonly bus: DomainEventBus,
    private readonly p: WarningPolicy,
  ) {}

  /** A heartbeat's warnings, written on `store` (the ingest turn's). */
  async onHeartbeat(
    store: WarningStore,
    gatewayId: string,
    hb: HeartbeatPayload,
    devices: DeviceRow[],
    at: number,
  ): Promise<void> {
    if (hb.mains === 'off')
      await this.raise(store, gatewayId, gatewayId, 'mains_lost', at, { source: 'heartbeat' });
    if (hb.mains === 'on') await this.clear(store, gatewayId, gatewayId, 'mains_lost', at);
    const oldest = hb.outbox.oldestAgeS ?? 0;
    if (hb.outbox.depth >= this.p.outboxDepth || oldest >= this.p.outboxOldestAgeS)
      await this.raise(store, gatewayId, gatewayId, 'outbox_backlog', at, {
        depth: hb.outbox.depth,
        oldestAgeS: oldest,
      });
    else await this.clear(store, gatewayId, gatewayId, 'outbox_backlog', at);
    // [MQTT-MAP §4.3.1] a unit whose outbox disk is full or read-only holds alarms in memory
    if (hb.storage !== undefined && hb.storage.state !== 'ok')
      await this.raise(store, gatewayId, gatewayId, 'storage_degraded', at, {
        state: hb.storage.state,
        memoryDepth: hb.storage.memoryDepth,
        advice: STORAGE_ADVICE[hb.storage.state],
      });
    else await this.clear(store, gatewayId, gatewayId, 'storage_degraded', at);
    if (hb.unitBattery !== undefined && hb.unitBattery !== null)
      await this.battery(store, gatewayId, gatewayId, hb.unitBattery, at);
    for (const d of devices) {
      if (d.battery !== null) await this.battery(store, gatewayId, d.deviceId, d.battery, at);
      const recent = d.linkChanges.filter((t) => t > at - this.p.flapWindowMs).length;
      if (recent >= this.p.flapChanges)
        await this.raise(store, gatewayId, d.deviceId, 'link_flapping', at, {
          changes: recent,
          windowMs: this.p.flapWindowMs,
        });
      else await this.clear(store, gatewayId, d.deviceId, 'link_flapping', at);
    }
    for (const r of await this.spoofing.onHeartbeat(store, gatewayId, hb))
      await this.raise(store, gatewayId, r.deviceId, SPOOFING_WARNING, at, r.detail);
  }

  /** An event's warnings, written on `store`. */
  async onEvent(store: WarningStore, e: EventEnvelope, at: number): Promise<void> {
    const a = this.eventAction(e);
    if (a === null) return;
    if (a.raise !== undefined) await this.raise(store, e.gatewayId, e.deviceId, a.raise, at, a.detail);
    else await this.clear(store, e.gatewayId, e.deviceId, a.clear, at);
  }

  /**
   * Whether {@link onEvent} would certainly write and emit nothing for `e`, answered at once: the
   * event asks for no warning, or only to clear a kind that `knownClosed` says is not open (health's
   * memo). Most events of a busy fleet are that (an alarm, a battery reading above the recovery
   * level): the caller then skips {@link onEvent} and the chain of promises it would start.
   */
  changesNothing(
    e: EventEnvelope,
    knownClosed: (gatewayId: string, deviceId: string, kind: WarningKind) => boolean,
  ): boolean {
    const a = this.eventAction(e);
    return a === null || (a.clear !== undefined && knownClosed(e.gatewayId, e.deviceId, a.clear));
  }

  /** The one raise or clear an event asks of its device's warnings, or null. */
  private eventAction(e: EventEnvelope): EventAction | null {
    const data = e.data as Record<string, unknown>;
    switch (e.kind) {
      case 'low_battery':
        return { raise: 'low_battery', detail: { percent: data.percent ?? null, source: 'event' } };
      case 'battery':
        return typeof data.percent === 'number' ? this.batteryAction(data.percent) : null;
      case 'mains_lost':
        return { raise: 'mains_lost', detail: { source: 'event' } };
      case 'mains_restored':
        return CLEAR.mains_lost;
      case 'tamper':
      case 'door_forced':
        return { raise: 'tamper', detail: { event: e.kind } };
      case 'clock_report': {
        const offset = typeof data.offsetMs === 'number' ? data.offsetMs : 0;
        if (Math.abs(offset) > this.p.clockDriftMs)
          return { raise: 'clock_drift', detail: { offsetMs: offset, thresholdMs: this.p.clockDriftMs } };
        return CLEAR.clock_drift;
      }
      default:
        return null;
    }
  }

  /** Closes warnings that have no clearing signal once quiet long enough. */
  async sweep(store: WarningStore, now: number): Promise<void> {
    for (const kind of ['tamper', SPOOFING_WARNING] as const)
      for (const w of await store.quiet(kind, now - this.p.quietCloseMs))
        await this.clear(store, w.gatewayId, w.deviceId, kind, now);
  }

  private async battery(
    store: WarningStore,
    gatewayId: string,
    deviceId: string,
    percent: number,
    at: number,
  ): Promise<void> {
    const a = this.batteryAction(percent);
    if (a?.raise !== undefined) await this.raise(store, gatewayId, deviceId, a.raise, at, a.detail);
    else if (a?.clear !== undefined) await this.clear(store, gatewayId, deviceId, a.clear, at);
  }

  /** Low battery with hysteresis: opens at or below the low level, closes at or above recovery. */
  private batteryAction(percent: number): EventAction | null {
    if (percent <= this.p.lowBatteryPercent) return { raise: 'low_battery', detail: { percent } };
    if (percent >= this.p.batteryRecoveredPercent) return CLEAR.low_battery;
    return null;
  }

  private async raise(
    store: WarningStore,
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const { warning, opened } = await store.raise(gatewayId, deviceId, kind, at, detail);
    if (opened) this.bus.emit('warning.opened', { warningId: warning.id, gatewayId, deviceId, kind, at });
  }

  private async clear(
    store: WarningStore,
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
  ): Promise<void> {
    const w = await store.clear(gatewayId, deviceId, kind, at);
    if (w) this.bus.emit('warning.closed', { warningId: w.id, gatewayId, deviceId, kind, at });
  }
}
