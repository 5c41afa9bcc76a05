import { dc09Ack, dc09Decode } from '@baken/protocols';
import { afterEach, describe, expect, it } from 'vitest';
import { PRIMARY_RETRY_MS } from './sender.js';
import { type Dc09TestApp, dc09TestApp, link, until, untilAsync } from './test-support.js';

interface Delivery {
  state: string;
  seq: number;
  kind: string;
  deliveredAt: number | null;
  attempts: number;
  lastError: string | null;
}
interface Alarm {
  homeId: string;
  kind: string;
  deviceId: string;
}

const messages = async (app: Dc09TestApp, home: string) =>
  (await app.call<Delivery[]>('GET', `/api/v1/homes/${home}/alarm-centre/messages`)).body;

// docs/alarm-centre.md: Baken's sender against Baken's receiver over loopback sockets
describe('alarm-centre link: sender → receiver over real sockets', () => {
  const apps: Dc09TestApp[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  for (const transport of ['tcp', 'udp'] as const)
    for (const key of ['000102030405060708090a0b0c0d0e0f', null])
      it(`delivers an alarm ${key ? 'encrypted' : 'plain'} over ${transport}; the receiving home gets it in its inbox`, async () => {
        const a = await dc09TestApp();
        apps.push(a);
        const sendingHome = await a.newHome();
        const receivingHome = await a.newHome();
        const { unit } = await link(a, sendingHome, a, receivingHome, { key, transport });

        await a.ingest(sendingHome, 'alarm', 'evt-alarm-000001');
        await untilAsync(async () => (await messages(a, sendingHome))[0]?.state === 'delivered', 'ACK');
        const [m] = await messages(a, sendingHome);
        expect(m).toMatchObject({ kind: 'pendant/alarm', seq: 1, attempts: 0, deliveredAt: a.clock.now() });

        const alarms = (await a.call<{ items: Alarm[] }>('GET', '/api/v1/alarms')).body.items;
        expect(alarms.map((x) => [x.homeId, x.kind])).toEqual(
          expect.arrayContaining([
            [sendingHome, 'alarm'],
            [receivingHome, 'alarm'],
          ]),
        );
        const received = (
          await a.call<Array<{ code: string; mapped: string }>>(
            'GET',
            `/api/v1/alarm-centre/units/${unit.id}/events`,
          )
        ).body;
        expect(received).toEqual([expect.objectContaining({ code: 'E101', mapped: 'pendant/alarm' })]);
      });

  it('sends in order with rising sequence numbers, SIA DCS as well', async () => {
    const a = await dc09TestApp();
    apps.push(a);
    const h1 = await a.newHome();
    const h2 = await a.newHome();
    const { unit } = await link(a, h1, a, h2, { content: 'SIA-DCS' });
    await a.ingest(h1, 'alarm', 'evt-alarm-000001');
    await a.ingest(h1, 'cancel', 'evt-cancel-00001');
    await a.ingest(h1, 'fall', 'evt-fall-0000001');
    await untilAsync(async () => (await messages(a, h1)).every((m) => m.state === 'delivered'), 'all ACKed');
    expect((await messages(a, h1)).map((m) => [m.kind, m.seq])).toEqual([
      ['pendant/fall', 3],
      ['pendant/cancel', 2],
      ['pendant/alarm', 1],
    ]);
    const codes = (
      await a.call<Array<{ code: string }>>('GET', `/api/v1/alarm-centre/units/${unit.id}/events`)
    ).body;
    expect(codes.map((c) => c.code)).toEqual(['MA', 'OC', 'QA']);
  });

  it('corrects its clock from the NAK of a receiver whose clock differs, then is ACKed', async () => {
    const sender = await dc09TestApp();
    const receiver = await dc09TestApp();
    apps.push(sender, receiver);
    receiver.clock.advance(5 * 60_000); // the centre's clock is five minutes ahead
    const h1 = await sender.newHome();
    const h2 = await receiver.newHome();
    await link(sender, h1, receiver, h2);
    await sender.ingest(h1, 'alarm', 'evt-alarm-000001');
    await untilAsync(async () => (await messages(sender, h1))[0]?.state === 'delivered', 'ACK after NAK');
    const [m] = await messages(sender, h1);
    expect(m).toMatchObject({ attempts: 1, lastError: null });
    const acct = (
      await sender.call<{ link: { clockOffsetMs: number } }>('GET', `/api/v1/homes/${h1}/alarm-centre`)
    ).body;
    expect(Math.abs(acct.link.clockOffsetMs - 5 * 60_000)).toBeLessThan(1000);
    const rejected = (
      await receiver.call<Array<{ reason: string; answer: string }>>('GET', '/api/v1/alarm-centre/rejected')
    ).body;
    expect(rejected).toEqual([expect.objectContaining({ reason: 'too_old', answer: 'NAK' })]);
  });

  it('fails over to the backup receiver after a silent primary, and goes back to the primary later', async () => {
    const { createSocket } = await import('node:dgram');
    const silent = createSocket('udp4');
    let heard = 0;
    let answering = false;
    // the primary: silent at first, later a centre that ACKs (plain account)
    silent.on('message', (msg, rinfo) => {
      heard++;
      const m = answering ? dc09Decode(new Uint8Array(msg)) : null;
      const ack = m?.ok ? dc09Ack(m.value, { now: Date.now() }) : null;
      if (ack?.ok) silent.send(ack.value, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      const a = await dc09TestApp();
      apps.push(a);
      const h1 = await a.newHome();
      const h2 = await a.newHome();
      await link(a, h1, a, h2, { key: null });
      const ports = await a.ports();
      await a.call('PUT', `/api/v1/homes/${h1}/alarm-centre`, {
        account: '1234AB',
        receivers: [
          { host: '127.0.0.1', port: silent.address().port, transport: 'udp' },
          { host: '127.0.0.1', port: ports.tcpPort, transport: 'tcp' },
        ],
      });
      await a.ingest(h1, 'alarm', 'evt-alarm-000001');
      await until(() => heard === 1, 'first try at the primary');
      a.clock.advance(5000); // no answer: timeout
      await untilAsync(async () => (await messages(a, h1))[0]?.attempts === 1, 'first failure recorded');
      a.clock.advance(5000); // retry pause
      await until(() => heard === 2, 'second try at the primary');
      a.clock.advance(5000); // timeout again: fail over
      await untilAsync(async () => (await messages(a, h1))[0]?.attempts === 2, 'second failure recorded');
      a.clock.advance(5000);
      await untilAsync(async () => (await messages(a, h1))[0]?.state === 'delivered', 'ACK from the backup');
      const acct = (
        await a.call<{ link: { up: boolean; receiverId: string }; receivers: Array<{ id: string }> }>(
          'GET',
          `/api/v1/homes/${h1}/alarm-centre`,
        )
      ).body;
      expect(acct.link.up).toBe(true);
      expect(acct.link.receiverId).toBe(acct.receivers[1]!.id);
      expect(heard).toBe(2);

      // ten minutes on the backup, the primary is back: the next message goes to the primary
      answering = true;
      a.clock.advance(PRIMARY_RETRY_MS);
      await a.ingest(h1, 'cancel', 'evt-cancel-00001');
      await untilAsync(async () => (await messages(a, h1))[0]?.state === 'delivered', 'ACK from the primary');
      expect(heard).toBe(3);
    } finally {
      silent.close();
    }
  });
});
