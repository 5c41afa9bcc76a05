import { randomBytes } from 'node:crypto';
import { type Dc09Message, dc09Decode, dc09Encode } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange } from './client-transport.js';
import { type Dc09TestApp, dc09TestApp, KEY_HEX } from './test-support.js';

const KEY = new Uint8Array(Buffer.from(KEY_HEX, 'hex'));
const random = (n: number) => new Uint8Array(randomBytes(n));

interface Rejected {
  reason: string;
  answer: string;
  raw: string;
}

// docs/alarm-centre.md §In: Baken's receiver against frames a third-party unit could send
describe('DC-09 receiver', () => {
  let a: Dc09TestApp;
  let port: number;
  let home: string;
  let unitId: string;
  let gatewayId: string;

  beforeEach(async () => {
    a = await dc09TestApp();
    home = await a.newHome();
    const u = await a.call<{ id: string; gatewayId: string }>('POST', '/api/v1/alarm-centre/units', {
      homeId: home,
      account: 'A1B2C3',
      key: KEY_HEX,
      supervisionS: 60,
    });
    unitId = u.body.id;
    gatewayId = u.body.gatewayId;
    await a.call('POST', '/api/v1/alarm-centre/units', { homeId: home, account: 'PLAIN1' });
    port = (await a.ports()).tcpPort;
  });
  afterEach(async () => {
    await a.close();
  });

  const frame = (m: Partial<Dc09Message>, key: Uint8Array | null = KEY) => {
    const r = dc09Encode(
      {
        token: 'ADM-CID',
        encrypted: key !== null,
        sequence: 1,
        line: '0',
        account: 'A1B2C3',
        data: '#A1B2C3|1101 01 001',
        extended: [],
        timestamp: a.clock.now(),
        ...m,
      },
      { ...(key ? { key } : {}), random },
    );
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const send = async (bytes: Uint8Array, transport: 'tcp' | 'udp' = 'tcp') => {
    const p = transport === 'tcp' ? port : (await a.ports()).udpPort;
    const r = await exchange(a.clock, { host: '127.0.0.1', port: p, transport }, bytes, 5000);
    if (!r.ok) throw new Error(r.error);
    const d = dc09Decode(r.reply, () => KEY);
    if (!d.ok) throw new Error(d.error.message);
    return d.value;
  };
  const rejected = async () => (await a.call<Rejected[]>('GET', '/api/v1/alarm-centre/rejected')).body;
  const events = async () =>
    (
      await a.call<Array<{ code: string; mapped: string | null }>>(
        'GET',
        `/api/v1/alarm-centre/units/${unitId}/events`,
      )
    ).body;

  it('ACKs an encrypted alarm (encrypted ACK) and puts it in the inbox, once per sequence', async () => {
    const bytes = frame({ sequence: 7 });
    const ack = await send(bytes);
    expect(ack).toMatchObject({ token: 'ACK', encrypted: true, sequence: 7, account: 'A1B2C3' });
    // the same frame again (the unit missed our ACK): ACKed, not stored twice
    expect((await send(bytes)).token).toBe('ACK');
    expect(await events()).toHaveLength(1);
    const alarms = (
      await a.call<{ items: Array<{ homeId: string; gatewayId: string }> }>('GET', '/api/v1/alarms')
    ).body.items;
    expect(alarms).toEqual([expect.objectContaining({ homeId: home, gatewayId })]);
  });

  it('a different message under a sequence number just used is a new alarm, not a repeat', async () => {
    // a panel that restarts its sequence after a power cut, or never counts: the second alarm must
    // not be ACKed and dropped as a retransmission of the first
    expect((await send(frame({ sequence: 1, data: '#A1B2C3|1101 01 001' }))).token).toBe('ACK');
    a.clock.advance(5_000);
    expect((await send(frame({ sequence: 1, data: '#A1B2C3|1100 01 002' }))).token).toBe('ACK');
    expect((await events()).map((e) => e.code).sort()).toEqual(['E100', 'E101']);
  });

  it('a panel that never counts and sends no timestamp: the same alarm again later is a new alarm', async () => {
    const plain = await a.call<{ id: string }>('POST', '/api/v1/alarm-centre/units', {
      homeId: home,
      account: 'FIXED9',
    });
    const bytes = frame({ account: 'FIXED9', data: '#FIXED9|1101 01 001', timestamp: undefined }, null);
    expect((await send(bytes)).token).toBe('ACK');
    expect((await send(bytes)).token).toBe('ACK'); // a retransmission: stored once
    a.clock.advance(11 * 60_000);
    expect((await send(bytes)).token).toBe('ACK'); // pressed again eleven minutes later
    const stored = await a.call<unknown[]>('GET', `/api/v1/alarm-centre/units/${plain.body.id}/events`);
    expect(stored.body).toHaveLength(2);
    const alarms = (await a.call<{ items: unknown[] }>('GET', '/api/v1/alarms')).body.items;
    expect(alarms).toHaveLength(2);
  });

  it('refuses a replay outside the timestamp window with a NAK carrying its own time', async () => {
    const old = frame({ sequence: 8 });
    a.clock.advance(41_000);
    const nak = await send(old);
    expect(nak).toMatchObject({ token: 'NAK', timestamp: Math.floor(a.clock.now() / 1000) * 1000 });
    const future = frame({ sequence: 9, timestamp: a.clock.now() + 21_000 });
    expect((await send(future)).token).toBe('NAK');
    expect((await rejected()).map((r) => r.reason)).toEqual(['too_new', 'too_old']);
    expect(await events()).toHaveLength(0);
  });

  it("takes the unit's own window and key once changed, keeping its history", async () => {
    const late = frame({ sequence: 20, timestamp: a.clock.now() - 90_000 });
    expect((await send(late)).token).toBe('NAK');
    const patched = await a.call<{ windowPastS: number; keyBits: number | null }>(
      'PATCH',
      `/api/v1/alarm-centre/units/${unitId}`,
      { windowPastS: 120 },
    );
    expect(patched.body).toMatchObject({ windowPastS: 120, keyBits: 128 });
    expect((await send(late)).token).toBe('ACK');
    await a.call('PATCH', `/api/v1/alarm-centre/units/${unitId}`, { key: null });
    expect((await send(frame({ sequence: 21 }, null))).token).toBe('ACK');
    expect(await events()).toHaveLength(2);
  });

  it('refuses a plain frame for an account with a key, and an unknown account (NAK)', async () => {
    expect((await send(frame({ sequence: 3 }, null))).token).toBe('NAK');
    expect((await send(frame({ sequence: 4, account: 'FFFF' }, null))).token).toBe('NAK');
    expect((await rejected()).map((r) => r.reason)).toEqual([
      'unknown_account',
      'plain_for_encrypted_account',
    ]);
    expect(await events()).toHaveLength(0);
  });

  it('answers DUH to content it cannot read, and keeps the frame', async () => {
    expect((await send(frame({ sequence: 5, data: '#A1B2C3|not contact id' }))).token).toBe('DUH');
    expect(await rejected()).toEqual([expect.objectContaining({ answer: 'DUH' })]);
  });

  it('answers plain and encrypted NULL polls, as heartbeats of the unit', async () => {
    expect(await send(frame({ token: 'NULL', data: '', sequence: 5 }))).toMatchObject({
      token: 'ACK',
      encrypted: true,
    });
    const plain = frame({ token: 'NULL', data: '', sequence: 6, account: 'PLAIN1' }, null);
    expect(await send(plain, 'udp')).toMatchObject({ token: 'ACK', encrypted: false });
    const fleet = (
      await a.call<{ items: Array<{ gatewayId: string; state: string }> }>('GET', '/api/v1/fleet/gateways')
    ).body.items;
    expect(fleet.find((g) => g.gatewayId === gatewayId)?.state).toBe('online');
  });

  it('stores and shows an event code it does not map, and still ACKs it', async () => {
    expect((await send(frame({ sequence: 10, data: '#A1B2C3|1570 01 004' }))).token).toBe('ACK');
    expect(await events()).toEqual([expect.objectContaining({ code: 'E570', mapped: null })]);
  });

  it('survives a bad CRC, invalid UTF-8 and junk, and keeps each raw line', async () => {
    const good = Buffer.from(frame({ sequence: 11 }, null));
    good[2] = good[2] === 0x30 ? 0x31 : 0x30; // CRC digit changed
    expect((await send(good)).token).toBe('NAK');
    const utf8 = Buffer.concat([
      Buffer.from('\n0000001F"ADM-CID"0001L0#A1B2C3[\xff\xfe'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(']\r'),
    ]);
    expect((await send(utf8, 'udp')).token).toBe('NAK');
    const kept = await rejected();
    expect(kept).toHaveLength(2);
    expect(kept[0]!.raw).toMatch(/\\xc3\(/);
    expect(kept.every((r) => r.answer === 'NAK')).toBe(true);
    // still serving
    expect((await send(frame({ sequence: 12 }))).token).toBe('ACK');
  });
});
