import { fail, type Result } from '../errors.js';
import { type Dc09CidQualifier, dc09CidData } from './adm-cid.js';
import { dc09SiaData } from './sia-dcs.js';

/**
 * The events Baken sends to an alarm receiving centre and their Contact ID and SIA DCS codes —
 * [DC09 SPEC §7]. Zone / user = the pendant, key safe or 000 for the home unit; group = 01 unless
 * the account says otherwise.
 */
export type Dc09BakenEvent =
  | 'pendant_alarm'
  | 'fall'
  | 'pendant_cancel'
  | 'pendant_test'
  | 'low_battery'
  | 'battery_restored'
  | 'mains_lost'
  | 'mains_restored'
  | 'periodic_test'
  | 'keysafe_tamper'
  | 'unit_tamper'
  | 'keysafe_forced'
  | 'unit_offline'
  | 'unit_online';

export interface Dc09EventCodes {
  /** Contact ID qualifier and event code. */
  cid: { qualifier: Dc09CidQualifier; code: string };
  /** SIA DCS event code. */
  sia: string;
  /** What an operator reads (English; the dashboard translates). */
  label: string;
}

export const DC09_EVENT_MAP: Readonly<Record<Dc09BakenEvent, Dc09EventCodes>> = {
  pendant_alarm: {
    cid: { qualifier: 1, code: '101' },
    sia: 'QA',
    label: 'Personal emergency (pendant alarm)',
  },
  fall: { cid: { qualifier: 1, code: '100' }, sia: 'MA', label: 'Fall detected (medical alarm)' },
  pendant_cancel: { cid: { qualifier: 1, code: '406' }, sia: 'OC', label: 'Alarm cancelled by the user' },
  pendant_test: { cid: { qualifier: 1, code: '601' }, sia: 'RX', label: 'Manual test (pendant test button)' },
  low_battery: { cid: { qualifier: 1, code: '302' }, sia: 'YT', label: 'Low battery' },
  battery_restored: { cid: { qualifier: 3, code: '302' }, sia: 'YR', label: 'Battery restored' },
  mains_lost: { cid: { qualifier: 1, code: '301' }, sia: 'AT', label: 'Mains (AC) lost' },
  mains_restored: { cid: { qualifier: 3, code: '301' }, sia: 'AR', label: 'Mains (AC) restored' },
  periodic_test: { cid: { qualifier: 1, code: '602' }, sia: 'RP', label: 'Periodic test' },
  keysafe_tamper: { cid: { qualifier: 1, code: '383' }, sia: 'TA', label: 'Key safe tamper' },
  unit_tamper: { cid: { qualifier: 1, code: '137' }, sia: 'TA', label: 'Home unit tamper' },
  keysafe_forced: { cid: { qualifier: 1, code: '423' }, sia: 'DF', label: 'Key safe forced open' },
  unit_offline: {
    cid: { qualifier: 1, code: '350' },
    sia: 'YC',
    label: 'Home unit offline (communication trouble)',
  },
  unit_online: { cid: { qualifier: 3, code: '350' }, sia: 'YK', label: 'Home unit back online' },
};

export const DC09_BAKEN_EVENTS = Object.keys(DC09_EVENT_MAP) as Dc09BakenEvent[];

export interface Dc09EventTarget {
  format: 'SIA-DCS' | 'ADM-CID';
  account: string;
  /** Zone or user number (pendant, key safe; 0 for the home unit). */
  zone: number;
  /** Group / partition (ADM-CID) or area (SIA `ri`); default 1. */
  group?: number;
}

/** The data block for one Baken event in the chosen format. */
export function dc09EventData(event: Dc09BakenEvent, target: Dc09EventTarget): Result<string> {
  const codes = DC09_EVENT_MAP[event];
  if (!codes) return fail('BAKEN_ERR_DC09_FIELD', 'no DC-09 mapping for this event', { field: 'event' });
  const group = target.group ?? 1;
  if (target.format === 'ADM-CID')
    return dc09CidData({ account: target.account, ...codes.cid, group, zone: target.zone });
  return dc09SiaData({
    account: target.account,
    area: group,
    events: [{ code: codes.sia, address: String(target.zone).padStart(3, '0') }],
  });
}

/** The label of a Contact ID code Baken knows (qualifier + code), for printing received events. */
export function dc09CidLabel(qualifier: number, code: string): string | undefined {
  return Object.values(DC09_EVENT_MAP).find((c) => c.cid.qualifier === qualifier && c.cid.code === code)
    ?.label;
}

/** The label of a SIA DCS code Baken knows. */
export function dc09SiaLabel(code: string): string | undefined {
  return Object.values(DC09_EVENT_MAP).find((c) => c.sia === code)?.label;
}
