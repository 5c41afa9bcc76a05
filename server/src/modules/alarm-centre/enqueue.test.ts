import { afterEach, describe, expect, it } from 'vitest';
import { type Dc09TestApp, dc09TestApp, KEY_HEX, link, untilAsync } from './test-support.js';

interface Delivery {
  kind: string;
  seq: number;
  state: string;
  data: string;
}

// docs/alarm-centre.md §Out: what is queued, and the key as a secret
describe('alarm-centre queue and account', () => {
  let a: Dc09TestApp;
  afterEach(async () => {
    await a.close();
  });

  it('queues a home unit going offline and coming back (from its incident), once each', async () => {
    a = await dc09TestApp();
    const h1 = await a.newHome();
    const h2 = await a.newHome();
    await link(a, h1, a, h2);
    const incident = {
      incidentId: 41,
      subjectKind: 'gateway' as const,
      subjectId: 'gw-home',
      gatewayId: 'gw-home',
      homeId: h1,
      cause: 'silence',
      startedAt: a.clock.now(),
      endedAt: null,
      downtimeMs: null,
    };
    const bus = a.app.ingest.bus;
    bus.emit('incident.opened', incident);
    bus.emit('incident.opened', incident); // announced twice: queued once
    bus.emit('incident.closed', { ...incident, endedAt: a.clock.now(), downtimeMs: 0 });
    // a device incident is not the home unit's
    bus.emit('incident.opened', { ...incident, incidentId: 42, subjectKind: 'device' });
    const msgs = async () =>
      (await a.call<Delivery[]>('GET', `/api/v1/homes/${h1}/alarm-centre/messages`)).body;
    await untilAsync(async () => (await msgs()).every((m) => m.state === 'delivered'), 'ACKs');
    expect((await msgs()).map((m) => [m.kind, m.data])).toEqual([
      ['gateway/restored', '#1234AB|3350 01 000'],
      ['gateway/offline', '#1234AB|1350 01 000'],
    ]);
  });

  it('never forwards a trial, and ignores homes without an account', async () => {
    a = await dc09TestApp();
    const h1 = await a.newHome();
    const h2 = await a.newHome();
    await link(a, h1, a, h2);
    await a.ingest(h1, 'alarm', 'evt-alarm-trial-01', true);
    await a.ingest(h2, 'alarm', 'evt-alarm-other-01'); // h2 has no account of its own
    for (const h of [h1, h2])
      expect((await a.call<Delivery[]>('GET', `/api/v1/homes/${h}/alarm-centre/messages`)).body).toEqual([]);
  });

  it('keeps the key sealed: never in the API, never in clear in the store', async () => {
    a = await dc09TestApp();
    const h1 = await a.newHome();
    const h2 = await a.newHome();
    const { unit, account } = await link(a, h1, a, h2);
    const raw = JSON.stringify([
      account,
      (await a.call('GET', `/api/v1/homes/${h1}/alarm-centre`)).body,
      (await a.call('GET', '/api/v1/alarm-centre/units')).body,
      unit,
    ]);
    expect(raw).not.toContain(KEY_HEX);
    expect(raw).toContain('"keyBits":128');
    const dump = JSON.stringify(a.app.baken.db.prepare('SELECT * FROM dc09_out_accounts').all());
    const units = JSON.stringify(a.app.baken.db.prepare('SELECT * FROM dc09_in_accounts').all());
    for (const text of [dump, units]) {
      expect(text).not.toContain(KEY_HEX);
      expect(text).not.toContain(Buffer.from(KEY_HEX, 'hex').toString('base64'));
    }
    // PUT without a key keeps it (the link still works encrypted); an invalid key is a 400
    const bad = await a.call<{ error: { code: string } }>('PUT', `/api/v1/homes/${h1}/alarm-centre`, {
      account: '1234AB',
      key: 'abc',
      receivers: [{ host: '127.0.0.1', port: 1, transport: 'tcp' }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toContain('abc"');
  });
});
