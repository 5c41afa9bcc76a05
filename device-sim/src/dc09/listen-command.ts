import type { Clock } from '@baken/hardware';
import { all, type Dc09Args, intFlag, one, UsageError } from './args.js';
import { DC09_HELP_EN } from './help.js';
import { keyFromText, readKeyFile } from './keys.js';
import { Dc09Listener } from './listen.js';

export const LISTEN_HELP = DC09_HELP_EN.listen;

function accountsFrom(a: Dc09Args): Map<string, Uint8Array | undefined> {
  const accounts = new Map<string, Uint8Array | undefined>();
  for (const acct of all(a, 'account')) accounts.set(acct, undefined);
  const pairs = [
    ...all(a, 'key').map((p) => [p, (v: string) => v] as const),
    ...all(a, 'key-file').map((p) => [p, readKeyFile] as const),
  ];
  for (const [pair, read] of pairs) {
    const at = pair.indexOf(':');
    if (at < 1) throw new UsageError('--key and --key-file take <account>:<key or file>');
    accounts.set(pair.slice(0, at), keyFromText(read(pair.slice(at + 1)), a));
  }
  return accounts;
}

function windowFrom(a: Dc09Args): { pastMs: number; futureMs: number } {
  const w = one(a, 'window') ?? '40:20';
  const m = /^(\d{1,6}):(\d{1,6})$/.exec(w);
  if (!m) throw new UsageError('--window must be <past>:<future> in seconds, e.g. 40:20');
  return { pastMs: Number(m[1]) * 1000, futureMs: Number(m[2]) * 1000 };
}

export interface ListenIo {
  out(line: string): void;
  /** Resolves when the person stops the receiver (Ctrl-C); the CLI entry wires the signals. */
  stopped: Promise<unknown>;
}

export async function runListen(a: Dc09Args, io: ListenIo, clock: Clock): Promise<number> {
  const only = ['tcp', 'udp'].filter((t) => a.booleans.has(t)) as ('tcp' | 'udp')[];
  const count = intFlag(a, 'count', 0, 0, 1_000_000);
  let handled = 0;
  let reachedCount: () => void = () => {};
  const counted = new Promise<void>((r) => {
    reachedCount = r;
  });
  const listener = new Dc09Listener({
    host: one(a, 'host') ?? '0.0.0.0',
    port: intFlag(a, 'port', -1, 0, 65535),
    transports: only.length > 0 ? only : ['tcp', 'udp'],
    accounts: accountsFrom(a),
    window: windowFrom(a),
    clock,
    print: io.out,
    onMessage: () => {
      handled++;
      if (count > 0 && handled >= count) reachedCount();
    },
  });
  if (one(a, 'port') === undefined) throw new UsageError('--port is required (0 for any free port)');
  try {
    await listener.start();
  } catch (e) {
    await listener.stop();
    // A port in use or an address not on this machine: say so, not a stack trace.
    throw new UsageError(
      `cannot listen on ${one(a, 'host') ?? '0.0.0.0'}:${one(a, 'port')}: ${(e as Error).message}`,
    );
  }
  await Promise.race([io.stopped, counted]);
  await listener.stop();
  return 0;
}
