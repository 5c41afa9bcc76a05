import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Dc09TestApp,
  dc09TestApp,
  KEY_HEX,
  link,
  until,
  untilAsync,
} from '../alarm-centre/test-support.js';

interface Msg {
  kind: string;
  state: string;
  seq: number;
}
interface Run {
  alarmId: string;
  steps: Array<{ kind: string; detail: string | null }>;
}

/** A loopback port nobody listens on: a receiver that is down. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

// followup/README.md §The alarm centre, docs/alarm-centre.md §Follow-up chain: Baken's sender
// against Baken's own DC-09 receiver (a second server) over loopback TCP, AES-128.
describe('the follow-up chain hands the alarm to the alarm centre over DC-09', { timeout: 90_000 }, () => {
  let a: Dc09TestApp;
  let centre: Dc09TestApp;
  afterEach(async () => {
    await a?.close();
    await centre?.close();
  });

  /** A home with one informal carer who accepted, its chain (the carer 2 minutes, then the centre). */
  async function home(
    steps: unknown[] = [{ kind: 'informal_carers', minutesEach: 2 }, { kind: 'alarm_centre' }],
  ) {
    const c = await a.call<{ id: string }>('POST', '/api/v1/clients', { name: 'Mevrouw Jansen' });
    const h = await a.call<{ id: string }>('POST', '/api/v1/homes', {
      clientId: c.body.id,
      address: 'Dorpsstraat 1',
    });
    const client = await a.userWithToken('client', { clientId: c.body.id });
    const add = await a.app.inject({
      method: 'POST',
      url: `/api/v1/clients/${c.body.id}/carers`,
      headers: client.auth,
      payload: { name: 'Piet Jansen', relation: 'son' },
    });
    const accept = await a.call('POST', '/api/v1/carer-invitations/accept', {
      token: add.json().invitation.token,
      username: 'piet',
      password: 'a long password 1',
    });
    expect(accept.status).toBe(201);
    expect((await a.call('PUT', `/api/v1/homes/${h.body.id}/followup-chain`, { steps })).status).toBe(200);
    return h.body.id;
  }
  const both = (ms: number) => {
    a.clock.advance(ms);
    centre.clock.advance(ms);
  };
  const messages = async (homeId: string) =>
    (await a.call<Msg[]>('GET', `/api/v1/homes/${homeId}/alarm-centre/messages`)).body;
  const run = async (homeId: string) =>
    (await a.call<{ items: Run[] }>('GET', `/api/v1/homes/${homeId}/followup`)).body.items[0]!;
  /**
   * The chain's first offer is open and its deadline armed: the engine writes the alarm's
   * `followup.asked` note and arms the timer in one synchronous step, after storing the run — so
   * the clock is advanced only once the deadline it must pass exists.
   */
  const firstOffer = () =>
    until(
      () =>
        a.app.baken.db.prepare("SELECT 1 FROM alarm_transitions WHERE action = 'followup.asked'").get() !==
        undefined,
      'the first offer',
    );
  const kinds = async (homeId: string) => (await run(homeId)).steps.map((s) => s.kind);
  const notes = (alarmId: string) =>
    (
      a.app.baken.db
        .prepare('SELECT action, note FROM alarm_transitions WHERE alarm_id = ? ORDER BY rowid')
        .all(alarmId) as Array<{ action: string; note: string }>
    ).filter((t) => t.action?.startsWith('followup.centre'));

  it('holds the alarm while the carer is asked, sends it when the chain reaches the centre, and records the ACK', async () => {
    a = await dc09TestApp();
    centre = await dc09TestApp();
    const homeId = await home();
    const { unit } = await link(a, homeId, centre, await centre.newHome());

    await a.ingest(homeId, 'alarm', 'evt-alarm-chain-01');
    await firstOffer();
    // The carer is asked first: the centre hears nothing yet.
    expect(await messages(homeId)).toEqual([]);
    expect(await kinds(homeId)).toContain('asked');

    // Nobody answers in 2 minutes: the chain hands the alarm to the centre, over DC-09.
    both(2 * 60_000);
    await untilAsync(async () => (await kinds(homeId)).includes('centre_acked'), 'the ACK step');
    const m = await messages(homeId);
    expect(m).toEqual([expect.objectContaining({ kind: 'pendant/alarm', state: 'delivered' })]);
    const got = await centre.call<Array<{ code: string }>>(
      'GET',
      `/api/v1/alarm-centre/units/${unit.id}/events`,
    );
    expect(got.body.map((e) => e.code)).toEqual(['E101']);

    const r = await run(homeId);
    expect(r.steps.map((s) => s.kind)).toEqual([
      'asked',
      'not_notified',
      'no_answer',
      'handed_to_centre',
      'centre_sent',
      'centre_acked',
    ]);
    expect(JSON.parse(r.steps.at(-1)!.detail!)).toMatchObject({
      seq: m[0]!.seq,
      receiver: expect.stringMatching(/^127\.0\.0\.1:\d+\/tcp$/),
    });
    // The alarm's own timeline, in the deployment's language (Dutch).
    expect(notes(r.alarmId).map((t) => t.action)).toEqual([
      'followup.centre',
      'followup.centre-sent',
      'followup.centre-acked',
    ]);
    expect(notes(r.alarmId)[1]!.note).toContain('via DC-09 naar de alarmcentrale gestuurd');
    expect(notes(r.alarmId)[2]!.note).toContain('ontvangst bevestigd (ACK van 127.0.0.1:');

    // The response report counts it.
    const report = await a.call<{ alarmCentre: Record<string, unknown> }>('GET', '/api/v1/reports/followup');
    expect(report.body.alarmCentre).toEqual({
      sent: 1,
      acknowledged: 1,
      refused: 0,
      noLink: 0,
      failovers: 0,
      medianHandToAckMs: 0,
    });

    // ... and the reports page shows it, in Dutch and in English.
    const admin = await a.userWithToken('admin');
    const page = async (lang: string) =>
      (await a.app.inject({ url: `/app/reports?lang=${lang}`, headers: admin.auth })).body;
    const nlPage = await page('nl');
    expect(nlPage).toContain('Rapport opvolgketen');
    expect(nlPage).toContain('Overgedragen aan de alarmcentrale: 1');
    expect(nlPage).toContain('1 verstuurd, 1 bevestigd door de centrale, 0 geweigerd');
    expect(nlPage).toMatch(
      /<tr data-responder="informal_carer"><td>Mantelzorgers<\/td><td[^>]*>1<\/td><td[^>]*>0<\/td><td[^>]*>1<\/td>/,
    );
    expect(await page('en')).toContain('1 sent, 1 acknowledged by the centre, 0 refused');

    // The client's cancel now reaches the centre too: it has the alarm.
    await a.ingest(homeId, 'cancel', 'evt-cancel-chain-01');
    await untilAsync(
      async () =>
        (await messages(homeId)).every((x) => x.state === 'delivered') &&
        (await messages(homeId)).length === 2,
      'the cancel',
    );
    expect((await messages(homeId))[0]!.kind).toBe('pendant/cancel');
  });

  it('an unconfirmed cancel before the hand-over follows the alarm; a closed alarm is never sent', async () => {
    a = await dc09TestApp();
    centre = await dc09TestApp();
    const homeId = await home();
    await link(a, homeId, centre, await centre.newHome());
    const policy = { unverifiedCancel: 'confirm' };
    expect((await a.call('PUT', `/api/v1/homes/${homeId}/alarm-policy`, policy)).status).toBe(200);
    await a.ingest(homeId, 'alarm', 'evt-alarm-chain-02');
    await firstOffer();
    // A cancel from a pendant that cannot prove itself: staff must confirm it; the chain goes on.
    await a.ingest(homeId, 'cancel', 'evt-cancel-chain-02');
    expect(await messages(homeId)).toEqual([]);
    both(2 * 60_000);
    await untilAsync(
      async () => (await messages(homeId)).filter((m) => m.state === 'delivered').length === 2,
      'both',
    );
    expect((await messages(homeId)).map((m) => m.kind)).toEqual(['pendant/cancel', 'pendant/alarm']);

    // Staff close the next alarm before the chain reaches the centre: the centre never hears of it.
    const first = (await run(homeId)).alarmId;
    expect((await a.call('POST', `/api/v1/alarms/${first}/close`, { note: 'handled' })).status).toBe(200);
    await a.ingest(homeId, 'alarm', 'evt-alarm-chain-03');
    const runs = () =>
      (a.app.baken.db.prepare('SELECT COUNT(*) AS n FROM followup_runs').get() as { n: number }).n;
    await until(() => runs() === 2, 'run 2');
    const second = (await run(homeId)).alarmId;
    expect(
      (await a.call('POST', `/api/v1/alarms/${second}/close`, { note: 'called her: all well' })).status,
    ).toBe(200);
    both(10 * 60_000);
    expect(await messages(homeId)).toHaveLength(2);
  });

  it('records a failed try and the failover to the backup receiver, then the backup ACK', async () => {
    a = await dc09TestApp();
    centre = await dc09TestApp();
    const homeId = await home([{ kind: 'informal_carers', minutesEach: 1 }, { kind: 'alarm_centre' }]);
    await link(a, homeId, centre, await centre.newHome());
    const { tcpPort } = await centre.ports();
    expect(
      (
        await a.call('PUT', `/api/v1/homes/${homeId}/alarm-centre`, {
          account: '1234AB',
          key: KEY_HEX,
          receivers: [
            { host: '127.0.0.1', port: await deadPort(), transport: 'tcp' },
            { host: '127.0.0.1', port: tcpPort, transport: 'tcp' },
          ],
        })
      ).status,
    ).toBe(200);
    await a.ingest(homeId, 'alarm', 'evt-alarm-chain-03');
    await firstOffer();
    both(60_000);
    await untilAsync(async () => (await kinds(homeId)).includes('centre_failed'), 'the first failed try');
    both(5_000); // the retry fails as well: the sender moves to the backup
    await untilAsync(async () => (await kinds(homeId)).includes('centre_failover'), 'the failover');
    both(5_000);
    await untilAsync(async () => (await kinds(homeId)).includes('centre_acked'), 'the backup ACK');
    const r = await run(homeId);
    expect(r.steps.map((s) => s.kind).slice(-4)).toEqual([
      'centre_sent',
      'centre_failed',
      'centre_failover',
      'centre_acked',
    ]);
    const failover = JSON.parse(r.steps.find((s) => s.kind === 'centre_failover')!.detail!);
    expect(failover.nextReceiver).toBe(`127.0.0.1:${tcpPort}/tcp`);
    expect(notes(r.alarmId).map((t) => t.action)).toContain('followup.centre-failover');
    const report = await a.call<{ alarmCentre: Record<string, unknown> }>('GET', '/api/v1/reports/followup');
    expect(report.body.alarmCentre).toMatchObject({ sent: 1, acknowledged: 1, failovers: 1 });
  });

  it('a home without an alarm-centre link: the step says the monitoring staff have it', async () => {
    a = await dc09TestApp();
    centre = await dc09TestApp();
    const homeId = await home([{ kind: 'alarm_centre' }]);
    await a.ingest(homeId, 'alarm', 'evt-alarm-chain-04');
    await untilAsync(async () => (await kinds(homeId)).includes('centre_no_link'), 'the no-link step');
    expect(await kinds(homeId)).toEqual(['handed_to_centre', 'centre_no_link']);
    expect(await messages(homeId)).toEqual([]);
  });

  it('a chain that starts at the centre: ingest sends at once, the chain records the ACK once', async () => {
    a = await dc09TestApp();
    centre = await dc09TestApp();
    const homeId = await home([{ kind: 'alarm_centre' }]);
    await link(a, homeId, centre, await centre.newHome());
    await a.ingest(homeId, 'alarm', 'evt-alarm-chain-05');
    await untilAsync(async () => (await kinds(homeId)).includes('centre_acked'), 'the ACK step');
    expect((await kinds(homeId)).filter((k) => k === 'centre_acked')).toHaveLength(1);
    expect(await messages(homeId)).toEqual([
      expect.objectContaining({ kind: 'pendant/alarm', state: 'delivered' }),
    ]);
  });
});
