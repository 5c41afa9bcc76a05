import {
  DC09_EVENT_MAP,
  type Dc09BakenEvent,
  type Dc09Cid,
  type Dc09Sia,
  dc09EventData,
  type EventPriority,
  type MqttDeviceKind,
} from '@baken/protocols';
import type { ContentFormat } from './out-account-store.js';

/**
 * Baken events ↔ the codec's DC-09 event table [DC09 SPEC §7]. Out: which events go to the
 * centre and under which zone; in: what a received code becomes in Baken. Zones: 000 the home unit,
 * 001 the pendant, 002 the key safe [docs/alarm-centre.md §Zones].
 */

/** The Baken event kinds forwarded to the alarm centre, with the codec's event and zone. */
const OUT: Readonly<Record<string, { event: Dc09BakenEvent; zone: number }>> = {
  'pendant/alarm': { event: 'pendant_alarm', zone: 1 },
  'pendant/fall': { event: 'fall', zone: 1 },
  'pendant/cancel': { event: 'pendant_cancel', zone: 1 },
  'pendant/low_battery': { event: 'low_battery', zone: 1 },
  'keysafe/tamper': { event: 'keysafe_tamper', zone: 2 },
  'keysafe/door_forced': { event: 'keysafe_forced', zone: 2 },
  'gateway/offline': { event: 'unit_offline', zone: 0 },
  'gateway/restored': { event: 'unit_online', zone: 0 },
};

/** The data block for a Baken event (`pendant/alarm`), or null when it is not forwarded. */
export function outboundData(kind: string, format: ContentFormat, account: string): string | null {
  const m = OUT[kind];
  if (!m) return null;
  const r = dc09EventData(m.event, { format, account, zone: m.zone });
  return r.ok ? r.value : null;
}

/** What a received event becomes: a Baken event, a sign of life only, or nothing Baken knows. */
export interface InboundEvent {
  /** As received: `E101`/`R302` (Contact ID qualifier + code) or `QA` (SIA). */
  code: string;
  zone: string | null;
  label: string | null;
  heartbeat: boolean;
  mapped: {
    deviceKind: MqttDeviceKind;
    kind: string;
    priority: EventPriority;
    data: Record<string, unknown>;
  } | null;
}

type Mapped = NonNullable<InboundEvent['mapped']>;
const ev = (
  deviceKind: MqttDeviceKind,
  kind: string,
  priority: EventPriority = 'normal',
  data = {},
): Mapped => ({
  deviceKind,
  kind,
  priority,
  data,
});

/** Received codes → Baken events; codes in the table but not here are stored with their label only. */
const IN: Partial<Record<Dc09BakenEvent, Mapped | 'heartbeat'>> = {
  pendant_alarm: ev('pendant', 'alarm', 'alarm'),
  fall: ev('pendant', 'fall', 'alarm'),
  pendant_cancel: ev('pendant', 'cancel', 'alarm'),
  pendant_test: ev('pendant', 'test'),
  low_battery: ev('pendant', 'low_battery', 'normal', { percent: null }),
  mains_lost: ev('gateway', 'mains_lost'),
  mains_restored: ev('gateway', 'mains_restored'),
  keysafe_tamper: ev('keysafe', 'tamper', 'alarm'),
  keysafe_forced: ev('keysafe', 'door_forced', 'alarm'),
  periodic_test: 'heartbeat',
};

const CID_NAME: Record<number, string> = { 1: 'E', 3: 'R', 6: 'P' };

function fromTable(
  event: Dc09BakenEvent | undefined,
  code: string,
  zone: string | null,
  authenticated: boolean,
): InboundEvent {
  const to = event ? IN[event] : undefined;
  let mapped = to === undefined || to === 'heartbeat' ? null : to;
  // a pendant press from an encrypted account was proved by the account key
  if (mapped?.deviceKind === 'pendant' && mapped.kind !== 'low_battery')
    mapped = { ...mapped, data: { authenticated } };
  return {
    code,
    zone,
    label: event ? DC09_EVENT_MAP[event].label : null,
    heartbeat: to === 'heartbeat',
    mapped,
  };
}

/**
 * The events of a received message (a Contact ID block holds one, a SIA DCS block one or more), as
 * parsed by the receiver engine. Unknown codes come back with `mapped: null`: the receiver stores
 * and shows them.
 */
export function inboundEvents(
  content: { cid?: Dc09Cid; sia?: Dc09Sia },
  authenticated: boolean,
): InboundEvent[] {
  const entries = Object.entries(DC09_EVENT_MAP) as Array<
    [Dc09BakenEvent, (typeof DC09_EVENT_MAP)[Dc09BakenEvent]]
  >;
  const { cid, sia } = content;
  if (cid) {
    const code = cid.code.toUpperCase();
    const found = entries.find(([, v]) => v.cid.qualifier === cid.qualifier && v.cid.code === code);
    return [fromTable(found?.[0], `${CID_NAME[cid.qualifier]}${cid.code}`, cid.zone, authenticated)];
  }
  return (sia?.events ?? []).map((e) => {
    const found = entries.find(([, v]) => v.sia === e.code);
    return fromTable(found?.[0], e.code, e.address === '' ? null : e.address, authenticated);
  });
}
