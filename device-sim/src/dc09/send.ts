import { randomBytes } from 'node:crypto';
import type { Clock } from '@baken/hardware';
import {
  DC09_BAKEN_EVENTS,
  type Dc09BakenEvent,
  type Dc09CidQualifier,
  dc09CidData,
  dc09Encode,
  dc09EventData,
  dc09Printable,
  dc09ReadReply,
  dc09SiaData,
} from '@baken/protocols';
import { type Dc09Args, hostPort, intFlag, one, UsageError } from './args.js';
import { DC09_HELP_EN } from './help.js';
import { senderKey } from './keys.js';
import { exchange } from './transport.js';

/** Exit codes of `baken-dc09 send` (docs/dc09-tools.md). */
export const SEND_EXIT = { ack: 0, usage: 1, nak: 2, duh: 3, timeout: 4, badReply: 5 } as const;

/** The help in English; `baken-dc09` prints it in the reader's language (`help.ts`, `help-nl.ts`). */
export const SEND_HELP = DC09_HELP_EN.send;

interface Out {
  out(line: string): void;
}

function dataBlock(a: Dc09Args, account: string, format: 'ADM-CID' | 'SIA-DCS'): string {
  const raw = one(a, 'data');
  if (raw !== undefined) return raw;
  const zone = intFlag(a, 'zone', 1, 0, 999);
  const group = intFlag(a, 'group', 1, 0, 99);
  const event = one(a, 'event');
  const code = one(a, 'code');
  if ((event === undefined) === (code === undefined))
    throw new UsageError('give one of --event, --code or --data');
  let r: ReturnType<typeof dc09CidData>;
  if (event !== undefined) {
    if (!DC09_BAKEN_EVENTS.includes(event as Dc09BakenEvent))
      throw new UsageError(`unknown --event ${event}`);
    r = dc09EventData(event as Dc09BakenEvent, { format, account, zone, group });
  } else if (format === 'ADM-CID') {
    const qualifier = intFlag(a, 'qualifier', 1, 1, 6) as Dc09CidQualifier;
    r = dc09CidData({ account, qualifier, code: code!, group, zone });
  } else {
    r = dc09SiaData({
      account,
      area: group,
      events: [{ code: code!, address: String(zone).padStart(3, '0') }],
    });
  }
  if (!r.ok) throw new UsageError(r.error.message);
  return r.value;
}

export async function runSend(a: Dc09Args, io: Out, clock: Clock): Promise<number> {
  const to = hostPort(one(a, 'receiver') ?? '');
  const account = one(a, 'account');
  if (account === undefined) throw new UsageError('--account is required');
  const fmt = one(a, 'format') ?? 'cid';
  if (fmt !== 'cid' && fmt !== 'sia') throw new UsageError('--format must be cid or sia');
  const key = senderKey(a);
  const isNull = a.booleans.has('null');
  const token = isNull ? 'NULL' : fmt === 'cid' ? 'ADM-CID' : 'SIA-DCS';
  const data = isNull ? '' : dataBlock(a, account, token === 'ADM-CID' ? 'ADM-CID' : 'SIA-DCS');
  const receiverNo = one(a, 'receiver-no');
  // --time-offset: a deliberately wrong clock, to see the receiver's window refuse it.
  const sentAt = clock.now() + intFlag(a, 'time-offset', 0, -31_536_000, 31_536_000) * 1000;
  const header = {
    token,
    encrypted: key !== undefined,
    sequence: intFlag(a, 'sequence', 1, 0, 9999),
    line: one(a, 'line') ?? '0',
    account,
    ...(receiverNo === undefined ? {} : { receiver: receiverNo }),
  } as const;
  const frame = dc09Encode(
    { ...header, data, extended: [], timestamp: sentAt },
    key === undefined ? {} : { key, random: (n) => new Uint8Array(randomBytes(n)) },
  );
  if (!frame.ok) throw new UsageError(frame.error.message);
  const transport = a.booleans.has('udp') ? 'udp' : 'tcp';
  io.out(
    `sending ${key ? 'encrypted ' : ''}${token} [${data}] to ${to.host}:${to.port} over ${transport.toUpperCase()}`,
  );
  io.out(`  > ${dc09Printable(frame.value)}`);
  const timeoutMs = intFlag(a, 'timeout', 10, 1, 3600) * 1000;
  const r = await exchange({ ...to, transport, frame: frame.value, timeoutMs, clock });
  if (r.kind === 'timeout') {
    io.out(`no answer within ${timeoutMs / 1000} s`);
    return SEND_EXIT.timeout;
  }
  if (r.kind === 'error') {
    io.out(`failed: ${r.message}`);
    return SEND_EXIT.badReply;
  }
  io.out(`  < ${dc09Printable(r.bytes)}`);
  const reply = dc09ReadReply(r.bytes, header, key);
  if (!reply.ok) {
    io.out(`bad answer: ${reply.error.code} ${reply.error.message}`);
    return SEND_EXIT.badReply;
  }
  const v = reply.value;
  const clockNote = (t: number | undefined): string => {
    if (t === undefined) return '';
    // The wire has whole seconds: differences under 2 s are rounding, not a wrong clock.
    const ahead = Math.round((sentAt - t) / 1000);
    const verdict =
      Math.abs(ahead) < 2
        ? 'clocks agree'
        : `our timestamp was ${Math.abs(ahead)} s ${ahead > 0 ? 'ahead' : 'behind'}`;
    return ` — receiver time ${new Date(t).toISOString()}, ${verdict}`;
  };
  if (v.kind === 'ack') io.out(`ACK${clockNote(v.timestamp)}`);
  if (v.kind === 'duh') io.out('DUH — the receiver did not understand the message');
  if (v.kind === 'nak') io.out(`NAK${clockNote(v.timestamp)}`);
  return SEND_EXIT[v.kind];
}
