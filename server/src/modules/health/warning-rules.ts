import type { EventEnvelope, HeartbeatPayload, StorageStatePayload } from '@baken/protocols';
import type { DomainEventBus } from '../ingest/domain-events.js';
import type { WarningPolicy } from './health-policy.js';
import type { DeviceRow } from './legacy-sync/state-store.js';
import type { WarningKind, WarningStore } from './legacy-sync/warning-store.js';
import { SPOOFING_WARNING, SpoofingRule } from './spoofing-rule.js';

/** What the technician should do about each degraded disk state (shown with the warning). */
export const STORAGE_ADVICE: Record<Exclude<StorageStatePayload, 'ok'>, string> = {
  'low-space':
    'the data disk of the home unit is almost full: free space (logs, old files) at the next visit',
  full: 'the data disk of the home unit is full: alarms are held in memory and a restart would lose them; free space now',
  'read-only':
    'the SD card of the home unit is read-only (worn out): alarms are held in memory; replace the SD card',
  failed: 'the home unit cannot use its data disk: alarms are held in memory; check or replace the SD card',
};

/**
 * Turns heartbeats and events into device warnings: low battery (with hysteresis),
 * mains lost/restored, tamper (closes after a quiet period), clock drift from key-safe
 * `clock_report` [MQTT-MAP §4.1.3], outbox backing up, link flapping, a degraded outbox disk
 * (`storage_degraded`, [MQTT-MAP §4.3.1]). A gateway-level warning uses
 * the gateway id as device id.
 */
export class WarningRules {
  private readonly spoofing: SpoofingRule;

  constructor(
    private readonly store: WarningStore,
    private readonly bus: DomainEventBus,
    private readonly p: WarningPolicy,
  ) {
    this.spoofing = new SpoofingRule(store, (g, d, at, detail) =>
      this.raise(g, d, SPOOFING_WARNING, at, detail),
    );
  }

  onHeartbeat(gatewayId: string, hb: HeartbeatPayload, devices: DeviceRow[], at: number): void {
    if (hb.mains === 'off') this.raise(gatewayId, gatewayId, 'mains_lost', at, { source: 'heartbeat' });
    if (hb.mains === 'on') this.clear(gatewayId, gatewayId, 'mains_lost', at);
    const oldest = hb.outbox.oldestAgeS ?? 0;
    if (hb.outbox.depth >= this.p.outboxDepth || oldest >= this.p.outboxOldestAgeS)
      this.raise(gatewayId, gatewayId, 'outbox_backlog', at, { depth: hb.outbox.depth, oldestAgeS: oldest });
    else this.clear(gatewayId, gatewayId, 'outbox_backlog', at);
    // [MQTT-MAP §4.3.1] a unit whose outbox disk is full or read-only holds alarms in memory
    if (hb.storage !== undefined && hb.storage.state !== 'ok')
      this.raise(gatewayId, gatewayId, 'storage_degraded', at, {
        state: hb.storage.state,
        memoryDepth: hb.storage.memoryDepth,
        advice: STORAGE_ADVICE[hb.storage.state],
      });
    else this.clear(gatewayId, gatewayId, 'storage_degraded', at);
    if (hb.unitBattery !== undefined && hb.unitBattery !== null)
      this.battery(gatewayId, gatewayId, hb.unitBattery, at);
    for (const d of devices) {
      if (d.battery !== null) this.battery(gatewayId, d.deviceId, d.battery, at);
      const recent = d.linkChanges.filter((t) => t > at - this.p.flapWindowMs).length;
      if (recent >= this.p.flapChanges)
        this.raise(gatewayId, d.deviceId, 'link_flapping', at, {
          changes: recent,
          windowMs: this.p.flapWindowMs,
        });
      else this.clear(gatewayId, d.deviceId, 'link_flapping', at);
    }
    this.spoofing.onHeartbeat(gatewayId, hb, at);
  }

  onEvent(e: EventEnvelope, at: number): void {
    const { gatewayId, deviceId } = e;
    const data = e.data as Record<string, unknown>;
    switch (e.kind) {
      case 'low_battery':
        this.raise(gatewayId, deviceId, 'low_battery', at, {
          percent: data.percent ?? null,
          source: 'event',
        });
        return;
      case 'battery':
        if (typeof data.percent === 'number') this.battery(gatewayId, deviceId, data.percent, at);
        return;
      case 'mains_lost':
        this.raise(gatewayId, deviceId, 'mains_lost', at, { source: 'event' });
        return;
      case 'mains_restored':
        this.clear(gatewayId, deviceId, 'mains_lost', at);
        return;
      case 'tamper':
      case 'door_forced':
        this.raise(gatewayId, deviceId, 'tamper', at, { event: e.kind });
        return;
      case 'clock_report': {
        const offset = typeof data.offsetMs === 'number' ? data.offsetMs : 0;
        if (Math.abs(offset) > this.p.clockDriftMs)
          this.raise(gatewayId, deviceId, 'clock_drift', at, {
            offsetMs: offset,
            thresholdMs: this.p.clockDriftMs,
          });
        else this.clear(gatewayId, deviceId, 'clock_drift', at);
        return;
      }
      default:
        return;
    }
  }

  /** Closes warnings that have no clearing signal once quiet long enough. */
  sweep(now: number): void {
    for (const kind of ['tamper', SPOOFING_WARNING] as const)
      for (const w of this.store.quiet(kind, now - this.p.quietCloseMs))
        this.clear(w.gatewayId, w.deviceId, kind, now);
  }

  private battery(gatewayId: string, deviceId: string, percent: number, at: number): void {
    if (percent <= this.p.lowBatteryPercent) this.raise(gatewayId, deviceId, 'low_battery', at, { percent });
    else if (percent >= this.p.batteryRecoveredPercent) this.clear(gatewayId, deviceId, 'low_battery', at);
  }

  private raise(
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
    detail: Record<string, unknown>,
  ) {
    const { warning, opened } = this.store.raise(gatewayId, deviceId, kind, at, detail);
    if (opened) this.bus.emit('warning.opened', { warningId: warning.id, gatewayId, deviceId, kind, at });
  }

  private clear(gatewayId: string, deviceId: string, kind: WarningKind, at: number) {
    const w = this.store.clear(gatewayId, deviceId, kind, at);
    if (w) this.bus.emit('warning.closed', { warningId: w.id, gatewayId, deviceId, kind, at });
  }
}
