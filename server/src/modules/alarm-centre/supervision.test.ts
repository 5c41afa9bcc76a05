import { createSocket } from 'node:dgram';
import { type AddressInfo, createServer } from 'node:net';
import { Dc09Deframer, dc09DecodeFrame, dc09Duh } from '@baken/protocols';
import { afterEach, describe, expect, it } from 'vitest';
import { type Dc09TestApp, dc09TestApp, link, until, untilAsync } from './test-support.js';

interface Gateways {
  items: Array<{ gatewayId: string; state: string }>;
}
interface Incidents {
  items: Array<{ gatewayId: string | null; cause: string; endedAt: number | null }>;
}

// docs/alarm-centre.md §Supervision
describe('alarm-centre supervision and refusals', () => {
  const apps: Dc09TestApp[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('NULL polls keep a unit online; when they stop, its silence opens an incident', async () => {
    const a = await dc09TestApp();
    apps.push(a);
    const h1 = await a.newHome();
    const h2 = await a.newHome();
    const { unit } = await link(a, h1, a, h2, { supervisionS: 60 });
    const state = async () =>
      (await a.call<Gateways>('GET', '/api/v1/fleet/gateways')).body.items.find(
        (g) => g.gatewayId === unit.gatewayId,
      )?.state;
    a.clock.advance(60_000);
    await untilAsync(async () => (await state()) === 'online', 'the poll heard');
    const acct = async () =>
      (
        await a.call<{ link: { up: boolean | null; lastAckAt: number | null } }>(
          'GET',
          `/api/v1/homes/${h1}/alarm-centre`,
        )
      ).body.link;
    await untilAsync(async () => (await acct()).up === true, 'the poll ACKed');

    await a.call('DELETE', `/api/v1/homes/${h1}/alarm-centre`); // the unit falls silent
    for (let i = 0; i < 16; i++) {
      a.clock.advance(15_000);
      await a.app.health.settled(); // the health sweep is async
    }
    expect(await state()).toBe('offline');
    const incidents = (await a.call<Incidents>('GET', '/api/v1/incidents')).body.items;
    expect(incidents).toEqual([expect.objectContaining({ gatewayId: unit.gatewayId, endedAt: null })]);
  });

  it('an unanswered supervision poll marks the link down', async () => {
    const silent = createSocket('udp4');
    let heard = 0;
    silent.on('message', () => heard++);
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      const a = await dc09TestApp({ attemptsPerReceiver: 1 });
      apps.push(a);
      const h1 = await a.newHome();
      await a.call('PUT', `/api/v1/homes/${h1}/alarm-centre`, {
        account: '1234',
        supervisionS: 30,
        receivers: [{ host: '127.0.0.1', port: silent.address().port, transport: 'udp' }],
      });
      a.clock.advance(30_000);
      await until(() => heard === 1, 'the poll');
      a.clock.advance(5_000);
      await untilAsync(
        async () =>
          (await a.call<{ link: { up: boolean | null } }>('GET', `/api/v1/homes/${h1}/alarm-centre`)).body
            .link.up === false,
        'link down',
      );
      const metrics = await a.app.baken.metrics.registry.getSingleMetricAsString('baken_dc09_alerts_total');
      expect(metrics).toMatch(/kind="link_down"} 1/);
    } finally {
      silent.close();
    }
  });

  it('a DUH marks the message refused and alerts; it is not sent again', async () => {
    // a centre that does not understand anything (DUH)
    let heard = 0;
    const centre = createServer((sock) => {
      const deframer = new Dc09Deframer();
      sock.on('data', (chunk: Buffer) => {
        for (const f of deframer.push(new Uint8Array(chunk))) {
          const frame = dc09DecodeFrame(f);
          heard++;
          const duh = frame.ok ? dc09Duh(frame.value) : null;
          if (duh?.ok) sock.write(duh.value);
        }
      });
    });
    await new Promise<void>((r) => centre.listen(0, '127.0.0.1', () => r()));
    try {
      const a = await dc09TestApp();
      apps.push(a);
      const h1 = await a.newHome();
      const port = (centre.address() as AddressInfo).port;
      await a.call('PUT', `/api/v1/homes/${h1}/alarm-centre`, {
        account: '9999',
        receivers: [{ host: '127.0.0.1', port, transport: 'tcp' }],
      });
      await a.ingest(h1, 'alarm', 'evt-alarm-000001');
      const msgs = async () =>
        (
          await a.call<Array<{ state: string; lastError: string | null }>>(
            'GET',
            `/api/v1/homes/${h1}/alarm-centre/messages`,
          )
        ).body;
      await untilAsync(async () => (await msgs())[0]?.state === 'refused', 'DUH');
      expect((await msgs())[0]).toMatchObject({ state: 'refused', lastError: 'DUH' });
      for (let i = 0; i < 5; i++) a.clock.advance(5_000);
      expect(heard).toBe(1);
      const acct = (await a.call<{ link: { refused: number } }>('GET', `/api/v1/homes/${h1}/alarm-centre`))
        .body;
      expect(acct.link.refused).toBe(1);
      const metrics = await a.app.baken.metrics.registry.getSingleMetricAsString('baken_dc09_alerts_total');
      expect(metrics).toMatch(/kind="refused"} 1/);
    } finally {
      centre.close();
    }
  });
});
