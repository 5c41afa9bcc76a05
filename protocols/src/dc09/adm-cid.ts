import { fail, ok, type Result } from '../errors.js';

/**
 * ADM-CID content — [DC09 SPEC §6.2]: Contact ID in a DC-09 data block, `#acct|QEEE GG ZZZ`:
 * Q qualifier (1 new event / opening, 3 restore / closing, 6 previously reported, still present),
 * EEE event code, GG group or partition, ZZZ zone or user number.
 */
export type Dc09CidQualifier = 1 | 3 | 6;

export interface Dc09Cid {
  /** The account repeated in the data block; absent when the block has no `#acct|`. */
  account?: string;
  qualifier: Dc09CidQualifier;
  /** Three characters, as received (digits; Contact ID also allows B–F). */
  code: string;
  /** Two characters. */
  group: string;
  /** Three characters. */
  zone: string;
}

export interface Dc09CidInput {
  account?: string;
  qualifier: Dc09CidQualifier;
  code: string | number;
  group: string | number;
  zone: string | number;
}

const CID = /^(?:#([0-9A-Za-z]{1,16}))?\|?([136])([0-9A-Fa-f]{3}) ?([0-9A-Fa-f]{2}) ?([0-9A-Fa-f]{3})$/;
const ACCOUNT = /^[0-9A-Za-z]{1,16}$/;

const field = (v: string | number, width: number): string | null => {
  const s = typeof v === 'number' ? (Number.isInteger(v) && v >= 0 ? String(v).padStart(width, '0') : '') : v;
  return new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(s) ? s.toUpperCase() : null;
};

/** `#acct|QEEE GG ZZZ` (spaces as the standard shows them). */
export function dc09CidData(input: Dc09CidInput): Result<string> {
  if (input.qualifier !== 1 && input.qualifier !== 3 && input.qualifier !== 6)
    return fail('BAKEN_ERR_DC09_FIELD', 'qualifier must be 1, 3 or 6', { field: 'qualifier' });
  const code = field(input.code, 3);
  const group = field(input.group, 2);
  const zone = field(input.zone, 3);
  if (code === null) return fail('BAKEN_ERR_DC09_FIELD', 'event code must be 3 digits', { field: 'code' });
  if (group === null) return fail('BAKEN_ERR_DC09_FIELD', 'group must be 2 digits', { field: 'group' });
  if (zone === null) return fail('BAKEN_ERR_DC09_FIELD', 'zone must be 3 digits', { field: 'zone' });
  if (input.account !== undefined && !ACCOUNT.test(input.account))
    return fail('BAKEN_ERR_DC09_FIELD', 'account must be 1–16 letters or digits', { field: 'account' });
  const prefix = input.account === undefined ? '' : `#${input.account}|`;
  return ok(`${prefix}${input.qualifier}${code} ${group} ${zone}`);
}

/** Reads ADM-CID data; tolerant of a missing `#acct|` and of missing spaces. */
export function dc09ParseCid(data: string): Result<Dc09Cid> {
  const m = CID.exec(data);
  if (!m) return fail('BAKEN_ERR_DC09_CONTENT', 'ADM-CID data is not #acct|QEEE GG ZZZ', {});
  const cid: Dc09Cid = {
    qualifier: Number(m[2]) as Dc09CidQualifier,
    code: m[3]!.toUpperCase(),
    group: m[4]!.toUpperCase(),
    zone: m[5]!.toUpperCase(),
  };
  if (m[1] !== undefined) cid.account = m[1];
  return ok(cid);
}
