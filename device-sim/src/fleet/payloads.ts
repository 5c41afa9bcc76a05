/**
 * What a simulated home sends, built with the gateway's own code: pendant events through the
 * pendant bridge's `toDeviceEvent`, key-safe events through `keysafeDeviceEvent`, both wrapped by
 * the event writer's `toEnvelope`, and every payload checked against the protocols topic map
 * [MQTT-MAP §4.1, §4.3] by `encodeMqttPayload`. Nothing here knows a topic name or a field the
 * gateway does not send.
 */

import { keysafeDeviceEvent } from '@baken/gateway/bridges/keysafe-events';
import { toDeviceEvent } from '@baken/gateway/bridges/pendant-events';
import type { DeviceEvent } from '@baken/gateway/event-bus';
import { toEnvelope } from '@baken/gateway/outbox/event-writer';
import { type EventEnvelope, encodeMqttPayload, type HeartbeatPayload } from '@baken/protocols';

/** The devices of one simulated home: one pendant and one key safe. */
export const pendantIdOf = (homeIndex: number): string => `pendant-${homeIndex}`;
export const keySafeSerialOf = (homeIndex: number): string =>
  `KS-FLEET-${String(homeIndex).padStart(6, '0')}`;

export interface HeartbeatInput {
  gatewayId: string;
  homeIndex: number;
  /** The home unit's clock (skewed when the home simulates clock skew). */
  now: number;
  uptimeS: number;
  software: string;
  intervalS: number;
  pendantBattery: number;
  keySafeBattery: number;
  /** Unacknowledged events the home holds (its outbox depth). */
  outboxDepth: number;
  oldestAgeS: number | null;
  clockOffsetMs: number;
}

/** A heartbeat [MQTT-MAP §4.3] as the gateway's `Heartbeat.build()` shapes it. */
export function heartbeatPayload(h: HeartbeatInput): string {
  const hb: HeartbeatPayload = {
    v: 1,
    gatewayId: h.gatewayId,
    sentAt: h.now,
    uptimeS: h.uptimeS,
    software: h.software,
    intervalS: h.intervalS,
    mains: 'on',
    outbox: { depth: h.outboxDepth, oldestAgeS: h.oldestAgeS },
    storage: { state: 'ok', since: h.now - h.uptimeS * 1000, memoryDepth: 0 },
    clockOffsetMs: h.clockOffsetMs,
    scan: { running: true, restarts: 0, adapterResets: 0, lastResetReason: null, lastResetAt: null },
    devices: [
      {
        deviceId: pendantIdOf(h.homeIndex),
        kind: 'pendant',
        link: 'up',
        lastSeen: h.now,
        rssi: -70,
        battery: h.pendantBattery,
      },
      {
        deviceId: keySafeSerialOf(h.homeIndex),
        kind: 'keysafe',
        link: 'up',
        lastSeen: h.now,
        rssi: null,
        battery: h.keySafeBattery,
      },
    ],
  };
  return encodeMqttPayload('heartbeat', hb);
}

export interface EncodedEvent {
  id: string;
  alarm: boolean;
  payload: string;
}

function envelope(gatewayId: string, event: DeviceEvent, id: string): EncodedEvent {
  const env = toEnvelope(gatewayId, event, id) as unknown as EventEnvelope;
  return { id, alarm: event.priority === 'alarm', payload: encodeMqttPayload('events', env) };
}

/** A pendant press (`alarm`) or a low-battery report, as the pendant bridge relays it. */
export function pendantEvent(
  gatewayId: string,
  homeIndex: number,
  id: string,
  kind: 'alarm' | 'low_battery',
  counter: number,
  battery: number,
  receivedAt: number,
): EncodedEvent {
  const event = toDeviceEvent(
    pendantIdOf(homeIndex),
    {
      kind,
      format: 'baken',
      device: pendantIdOf(homeIndex),
      button: 0,
      sequence: counter,
      battery,
      rssi: -70,
      authenticated: true,
    },
    receivedAt,
  );
  if (event === null) throw new Error(`pendant ${kind} has no event form`);
  return envelope(gatewayId, event, id);
}

/** A key-safe door opening or closing [MQTT-MAP §4.1.3]; its id is the key safe's (serial, seq). */
export function keySafeEvent(
  gatewayId: string,
  homeIndex: number,
  kind: 'door_opened' | 'door_closed',
  eventSeq: number,
  deviceTime: number,
  receivedAt: number,
): EncodedEvent {
  const serial = keySafeSerialOf(homeIndex);
  const event = keysafeDeviceEvent(
    serial,
    serial,
    { kind, eventSeq, deviceTime: Math.floor(deviceTime / 1000) },
    receivedAt,
  );
  return envelope(gatewayId, event, event.id ?? `ks-${eventSeq}`);
}
