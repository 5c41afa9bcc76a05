import { encodeMqttPayload } from '@baken/protocols';

const ID_MARK = 'BENCHIDMARK0';
const AT_MARK = 1_111_111_111_111;

/**
 * A payload made once with the protocols encoder (so it is valid MQTT-MAP v1) and then stamped
 * per message by string replacement: validating every generated message would make the generator
 * the bottleneck.
 */
export type Template = (id: string, at: number) => string;

function template(json: string): Template {
  const [a, rest] = splitOnce(json, ID_MARK);
  const parts = rest.split(String(AT_MARK));
  return (id, at) => `${a}${id}${parts.join(String(at))}`;
}

function splitOnce(s: string, mark: string): [string, string] {
  const i = s.indexOf(mark);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + mark.length)];
}

/** A pendant event (`kind` alarm or battery) of one home; ids 8–64 of `[A-Za-z0-9_-]`. */
export function eventTemplate(
  gatewayId: string,
  kind: 'alarm' | 'battery',
  deviceId = 'pendant-1',
): Template {
  const common = { v: 1, id: ID_MARK, gatewayId, deviceId, deviceTime: null, receivedAt: AT_MARK } as const;
  const json =
    kind === 'alarm'
      ? encodeMqttPayload('events', {
          ...common,
          deviceKind: 'pendant',
          kind,
          priority: 'alarm',
          data: { format: 'baken', rssi: -70, authenticated: true },
        })
      : encodeMqttPayload('events', {
          ...common,
          deviceKind: 'pendant',
          kind,
          priority: 'normal',
          data: { percent: 88 },
        });
  return template(json);
}

/** A heartbeat of one home with one pendant, interval `intervalS`; the id argument is unused. */
export function heartbeatTemplate(gatewayId: string, intervalS: number): (at: number) => string {
  const json = encodeMqttPayload('heartbeat', {
    v: 1,
    gatewayId,
    sentAt: AT_MARK,
    uptimeS: 3600,
    software: '0.1.0',
    intervalS,
    mains: 'on',
    unitBattery: null,
    outbox: { depth: 0, oldestAgeS: null },
    scan: { running: true, restarts: 0 },
    devices: [
      { deviceId: 'pendant-1', kind: 'pendant', link: 'up', lastSeen: AT_MARK, rssi: -70, battery: 88 },
    ],
  });
  const parts = json.split(String(AT_MARK));
  return (at) => parts.join(String(at));
}
