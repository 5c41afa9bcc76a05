import { fail, ok, type Result } from '../errors.js';

/**
 * SIA DCS content — [DC09 SPEC §6.1]: SIA DC-03 data in a DC-09 data block,
 * `#acct|N` then `/`-separated elements: modifiers (`ri1` area, `id12` user, `ti12:30` time — two
 * lower-case letters and digits/colons) and events (two upper-case letters, an address of digits,
 * optional `^text^`). A modifier applies to the events after it, until changed.
 * Examples: `#1234|Nri1/QA001`, `#1234|NBA1`, `Nri1/PA01`, `#123456|Nri1CL0^FRONT DOOR^`.
 */
export interface Dc09SiaEvent {
  /** Two upper-case letters: `QA`, `BA`, `RP`, … */
  code: string;
  /** Digits after the code (zone, user, …); `''` when none. */
  address: string;
  text?: string;
  /** Modifiers in force for this event, e.g. `{ ri: '1' }`. */
  modifiers: Readonly<Record<string, string>>;
}

export interface Dc09Sia {
  account?: string;
  /** `N` new event, `O` old (stored) event; absent when the block has neither. */
  flag?: 'N' | 'O';
  events: Dc09SiaEvent[];
}

export interface Dc09SiaInput {
  account?: string;
  /** Area / partition (`ri`), written once before the events. */
  area?: string | number;
  events: readonly { code: string; address?: string | number; text?: string }[];
}

const ACCOUNT = /^[0-9A-Za-z]{1,16}$/;
const TEXT = /^[\x20-\x5a\x5c\x5f-\x7e]*$/; // printable, no '[', ']', '^'

/** `#acct|N[riA/]CODEaddr[^text^]/…`. */
export function dc09SiaData(input: Dc09SiaInput): Result<string> {
  if (input.account !== undefined && !ACCOUNT.test(input.account))
    return fail('BAKEN_ERR_DC09_FIELD', 'account must be 1–16 letters or digits', { field: 'account' });
  if (input.events.length === 0)
    return fail('BAKEN_ERR_DC09_FIELD', 'at least one event', { field: 'events' });
  const parts: string[] = [];
  if (input.area !== undefined) {
    const area = String(input.area);
    if (!/^[0-9]{1,4}$/.test(area))
      return fail('BAKEN_ERR_DC09_FIELD', 'area must be digits', { field: 'area' });
    parts.push(`ri${area}`);
  }
  for (const e of input.events) {
    const address = e.address === undefined ? '' : String(e.address);
    if (!/^[A-Z]{2}$/.test(e.code))
      return fail('BAKEN_ERR_DC09_FIELD', 'SIA code is two letters', { field: 'code' });
    if (!/^[0-9]{0,6}$/.test(address))
      return fail('BAKEN_ERR_DC09_FIELD', 'SIA address is up to 6 digits', { field: 'address' });
    if (e.text !== undefined && !TEXT.test(e.text))
      return fail('BAKEN_ERR_DC09_FIELD', 'SIA text must be printable, without [ ] ^', { field: 'text' });
    parts.push(`${e.code}${address}${e.text === undefined ? '' : `^${e.text}^`}`);
  }
  return ok(`${input.account === undefined ? '' : `#${input.account}`}|N${parts.join('/')}`);
}

/** Reads SIA DCS data; tolerant of a missing `#acct`, `|` or N/O flag and of elements without `/`. */
export function dc09ParseSia(data: string): Result<Dc09Sia> {
  const out: Dc09Sia = { events: [] };
  let rest = data;
  const acct = /^#([0-9A-Za-z]{1,16})\|/.exec(rest);
  if (acct) {
    out.account = acct[1]!;
    rest = rest.slice(acct[0].length);
  } else if (rest.startsWith('|')) {
    rest = rest.slice(1);
  }
  if (/^[NO](?:[a-z]|[A-Z]{2}|\/|$)/.test(rest)) {
    out.flag = rest[0] as 'N' | 'O';
    rest = rest.slice(1);
  }
  const modifiers: Record<string, string> = {};
  let i = 0;
  while (i < rest.length) {
    const tail = rest.slice(i);
    const mod = /^([a-z]{2})([0-9:]*)/.exec(tail);
    const ev = /^([A-Z]{2})([0-9]*)(?:\^([^^]*)\^)?/.exec(tail);
    if (tail[0] === '/' || tail[0] === ' ') {
      i++;
    } else if (mod) {
      modifiers[mod[1]!] = mod[2]!;
      i += mod[0].length;
    } else if (ev) {
      const e: Dc09SiaEvent = { code: ev[1]!, address: ev[2]!, modifiers: { ...modifiers } };
      if (ev[3] !== undefined) e.text = ev[3];
      out.events.push(e);
      i += ev[0].length;
    } else {
      return fail('BAKEN_ERR_DC09_CONTENT', 'SIA DCS data has an element it cannot read', { at: i });
    }
  }
  if (out.events.length === 0) return fail('BAKEN_ERR_DC09_CONTENT', 'SIA DCS data holds no event', {});
  return ok(out);
}
