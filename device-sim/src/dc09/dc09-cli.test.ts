import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { MockClock } from '@baken/hardware';
import { afterEach, describe, expect, it } from 'vitest';
import { dc09Main } from './cli.js';
import { Dc09Listener } from './listen.js';

// Both tools against each other over real loopback sockets (port 0); time is a MockClock.
const KEY = '000102030405060708090A0B0C0D0E0F';
const KEY256 = '00'.repeat(32);
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.();
});

async function receiver(accounts: [string, string | undefined][], clock = new MockClock({ epochMs: T0 })) {
  const lines: string[] = [];
  const keys = new Map(accounts.map(([a, k]) => [a, k ? Uint8Array.from(Buffer.from(k, 'hex')) : undefined]));
  const l = new Dc09Listener({
    host: '127.0.0.1',
    port: 0,
    transports: ['tcp', 'udp'],
    accounts: keys,
    window: { pastMs: 40_000, futureMs: 20_000 },
    clock,
    print: (line) => lines.push(line),
  });
  const at = await l.start();
  stops.push(() => l.stop());
  return { lines, tcp: at.tcp!.port, udp: at.udp!.port };
}

async function send(argv: string[], clock = new MockClock({ epochMs: T0 })) {
  const out: string[] = [];
  const code = await dc09Main(
    ['send', ...argv],
    { out: (l) => out.push(l), err: (l) => out.push(l), stopped: new Promise(() => {}) },
    clock,
  );
  return { code, out: out.join('\n') };
}

describe('baken-dc09 send ⇄ listen over loopback', () => {
  for (const transport of ['tcp', 'udp'] as const) {
    it(`plain ADM-CID over ${transport.toUpperCase()}: ACK, exit 0, the receiver prints the event`, async () => {
      const r = await receiver([['1234', undefined]]);
      const port = transport === 'tcp' ? r.tcp : r.udp;
      const s = await send([
        '--receiver',
        `127.0.0.1:${port}`,
        ...(transport === 'udp' ? ['--udp'] : []),
        '--account',
        '1234',
        '--line',
        '1',
        '--receiver-no',
        '12',
        '--event',
        'pendant_alarm',
      ]);
      expect(s.code).toBe(0);
      expect(s.out).toMatch(/\nACK$/);
      expect(r.lines.join('\n')).toMatch(
        new RegExp(
          `${transport.toUpperCase()} 127\\.0\\.0\\.1:\\d+ ACK ADM-CID seq 0001 account 1234 R12 L1 — E101 group 01 zone 001: Personal emergency`,
        ),
      );
    });

    it(`encrypted SIA-DCS over ${transport.toUpperCase()} (AES-128 and -256): *ACK with the receiver time`, async () => {
      const r = await receiver([
        ['5678', KEY],
        ['9ABC', KEY256],
      ]);
      const port = transport === 'tcp' ? r.tcp : r.udp;
      for (const [account, key] of [
        ['5678', KEY],
        ['9ABC', KEY256],
      ]) {
        const s = await send([
          '--receiver',
          `127.0.0.1:${port}`,
          ...(transport === 'udp' ? ['--udp'] : []),
          '--account',
          account!,
          '--key',
          key!,
          '--format',
          'sia',
          '--event',
          'fall',
          '--zone',
          '2',
        ]);
        expect(s.code).toBe(0);
        expect(s.out).toContain('"*SIA-DCS"0001L0#');
        expect(s.out).toContain('ACK — receiver time 2026-06-01T12:00:00.000Z, clocks agree');
        expect(s.out).not.toContain(key);
      }
      expect(
        r.lines.filter((l) => l.includes('ACK *SIA-DCS seq 0001') && l.includes('MA002: Fall detected')),
      ).toHaveLength(2);
      expect(r.lines.join('\n')).not.toContain(KEY);
    });
  }

  it('an out-of-window timestamp is NAKed with the receiver time; send exits 2 and says how far off it was', async () => {
    const r = await receiver([['5678', KEY]]);
    const s = await send([
      '--receiver',
      `127.0.0.1:${r.tcp}`,
      '--account',
      '5678',
      '--key',
      KEY,
      '--null',
      '--time-offset',
      '-300',
    ]);
    expect(s.code).toBe(2);
    expect(s.out).toContain('NAK — receiver time 2026-06-01T12:00:00.000Z, our timestamp was 300 s behind');
    expect(r.lines.join('\n')).toMatch(
      /NAK \*NULL seq 0001 account 5678: too_old \(sender clock -300 s\)\n {2}raw: <0x0A>/,
    );
  });

  it('a wrong key, an unknown account and a plain message to an encrypted account are NAKed (exit 2)', async () => {
    const r = await receiver([['5678', KEY]]);
    const to = ['--receiver', `127.0.0.1:${r.udp}`, '--udp'];
    expect((await send([...to, '--account', '5678', '--key', KEY256, '--code', '602'])).code).toBe(2);
    expect((await send([...to, '--account', '9999', '--code', '602'])).code).toBe(2);
    expect((await send([...to, '--account', '5678', '--code', '602'])).code).toBe(2);
    expect(r.lines.filter((l) => / NAK /.test(l)).map((l) => l.split(': ')[1]?.split(' ')[0])).toEqual([
      'decrypt',
      'unknown_account',
      'plain_for_encrypted_account',
    ]);
  });

  it('content the receiver cannot read gets DUH (exit 3); an unknown event code is still ACKed', async () => {
    const r = await receiver([]);
    const to = ['--receiver', `127.0.0.1:${r.tcp}`, '--account', '1234'];
    expect((await send([...to, '--data', '#1234|garbage'])).code).toBe(3);
    expect((await send([...to, '--code', '987', '--qualifier', '6'])).code).toBe(0);
    expect(r.lines.join('\n')).toContain('E987 group 01 zone 001: event code without a Baken label');
  });

  it('a repeated message (same sequence and data) is ACKed again and marked as a repeat', async () => {
    const r = await receiver([]);
    const again = [
      '--receiver',
      `127.0.0.1:${r.udp}`,
      '--udp',
      '--account',
      '1234',
      '--sequence',
      '7',
      '--code',
      '101',
    ];
    expect((await send(again)).code).toBe(0);
    expect((await send(again)).code).toBe(0);
    const acks = r.lines.filter((l) => l.includes('ACK ADM-CID seq 0007'));
    expect(acks.map((l) => l.endsWith('(repeat)'))).toEqual([false, true]);
  });

  it('no answer: exit 4 once the timeout passes on the clock', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((res) => silent.bind(0, '127.0.0.1', () => res()));
    stops.push(() => new Promise((res) => silent.close(() => res())));
    const arrived = new Promise((res) => silent.once('message', res));
    const clock = new MockClock({ epochMs: T0 });
    const running = send(
      [
        '--receiver',
        `127.0.0.1:${(silent.address() as AddressInfo).port}`,
        '--udp',
        '--account',
        '1234',
        '--code',
        '602',
        '--timeout',
        '5',
      ],
      clock,
    );
    await arrived;
    await clock.advanceAsync(5_000);
    const s = await running;
    expect(s.code).toBe(4);
    expect(s.out).toContain('no answer within 5 s');
  });

  it('a bad answer (not for our sequence) exits 5; bad options exit 1 naming the problem', async () => {
    const r = await receiver([]);
    const fake = createSocket('udp4');
    await new Promise<void>((res) => fake.bind(0, '127.0.0.1', () => res()));
    stops.push(() => new Promise((res) => fake.close(() => res())));
    fake.on('message', (_m, rinfo) =>
      fake.send('\nFFB70015"ACK"0003R12L1#1234[]\r', rinfo.port, rinfo.address),
    );
    const port = (fake.address() as AddressInfo).port;
    const bad = await send([
      '--receiver',
      `127.0.0.1:${port}`,
      '--udp',
      '--account',
      '1234',
      '--code',
      '602',
    ]);
    expect(bad.code).toBe(5);
    expect(bad.out).toContain('BAKEN_ERR_DC09_REPLY');
    const usage = await send([
      '--receiver',
      `127.0.0.1:${r.tcp}`,
      '--account',
      '1234',
      '--key',
      'XYZ',
      '--code',
      '602',
    ]);
    expect(usage.code).toBe(1);
    expect(usage.out).toContain('BAKEN_ERR_SIM_CONFIG: key: key must be 32, 48 or 64 hex digits');
    expect((await send(['--account', '1234', '--code', '602'])).code).toBe(1);
  });
});

describe('baken-dc09 listen (the command)', () => {
  it('a port in use is a clear message and exit 1, not a stack trace', async () => {
    const r = await receiver([]);
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
      stopped: new Promise(() => {}),
    };
    const args = ['listen', '--host', '127.0.0.1', '--port', String(r.tcp), '--tcp'];
    expect(await dc09Main(args, io, new MockClock())).toBe(1);
    expect(lines.join('\n')).toMatch(/BAKEN_ERR_SIM_CONFIG: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  });

  it('listens on port 0, ACKs --count messages and exits 0', async () => {
    const lines: string[] = [];
    const clock = new MockClock({ epochMs: T0 });
    let ready: (port: number) => void = () => {};
    const port = new Promise<number>((res) => {
      ready = res;
    });
    const io = {
      out: (l: string) => {
        lines.push(l);
        const m = /^listening on TCP .*:(\d+)$/.exec(l);
        if (m) ready(Number(m[1]));
      },
      err: (l: string) => lines.push(l),
      stopped: new Promise(() => {}),
    };
    const running = dc09Main(
      ['listen', '--host', '127.0.0.1', '--port', '0', '--tcp', '--key', `1234:${KEY}`, '--count', '1'],
      io,
      clock,
    );
    const s = await send(
      [
        '--receiver',
        `127.0.0.1:${await port}`,
        '--account',
        '1234',
        '--key',
        KEY,
        '--code',
        '602',
        '--zone',
        '0',
      ],
      clock,
    );
    expect(s.code).toBe(0);
    expect(await running).toBe(0);
    expect(lines.join('\n')).toContain(
      'ACK *ADM-CID seq 0001 account 1234 L0 — E602 group 01 zone 000: Periodic test',
    );
  });
});
