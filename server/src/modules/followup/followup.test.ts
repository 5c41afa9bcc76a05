import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import type { BakenApp } from '../../app-context.js';
import { ManualClock } from '../../clock.js';
import { localClusters } from '../../cluster/cluster.js';
import { createLogger } from '../../logger.js';
import type { Db } from '../../store/database.js';
import { openDatabase } from '../../store/database.js';
import { type LocalPushService, startLocalPushService } from '../../testing/local-push-service.js';
import { testConfig } from '../../testing/test-app.js';
import { SqliteAlarmStore } from '../alarms/sqlite-alarm-store.js';

type Auth = { authorization: string };

describe('follow-up chain with informal carers and Web Push', () => {
  let db: Db;
  let clock: ManualClock;
  let app: BakenApp;
  let push: LocalPushService;
  let n = 0;

  const start = async () => {
    app = await buildApp({
      config: testConfig({ push: { subject: 'mailto:ops@example.org', allowHttpEndpoints: true } }),
      clock,
      db,
      logger: createLogger('silent'),
    });
    await app.ready();
  };
  const user = async (role: 'admin' | 'care_worker' | 'client', clientId?: string) => {
    const u = await app.baken.repos.users.create(
      {
        username: `${role}${++n}`,
        displayName: `${role} ${n}`,
        role,
        passwordHash: 'x',
        clientId: clientId ?? null,
      },
      clock.now(),
    );
    const { token } = await app.baken.auth.createApiToken(u.id, 't', null);
    return { id: u.id, auth: { authorization: `Bearer ${token}` } };
  };
  const call = async (
    auth: Auth | null,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) => {
    const r = await app.inject({
      method,
      url,
      headers: auth ?? {},
      ...(payload === undefined ? {} : { payload }),
    });
    return { status: r.statusCode, body: r.body ? r.json() : null };
  };
  const login = async (username: string, password: string) => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
    });
    expect(r.statusCode).toBe(200);
    const { token } = await app.baken.auth.createApiToken(
      (await app.baken.repos.users.findForLogin(username))!.id,
      't',
      null,
    );
    return { authorization: `Bearer ${token}` };
  };
  const raise = async (homeId: string) => {
    const a = (await new SqliteAlarmStore(db).create({
      eventId: `ev-${++n}`,
      gatewayId: 'gw',
      homeId,
      deviceId: 'pendant',
      kind: 'alarm',
      raisedAt: clock.now(),
      createdAt: clock.now(),
      authenticated: true,
    }))!;
    app.ingest.bus.emit('alarm.created', {
      alarmId: a.id,
      homeId,
      gatewayId: 'gw',
      deviceId: 'pendant',
      kind: 'alarm',
      state: 'new',
      assignedUserId: null,
      at: a.createdAt,
    });
    // The chain starts once the home is read (a turn of the event loop).
    await new Promise((r) => setImmediate(r));
    return a.id;
  };
  /**
   * Moves the clock on in half-minute steps, letting each deadline's step (async store calls that
   * settle within a turn of the event loop) finish and arm the next deadline before time moves on.
   */
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 30_000) {
      clock.advance(Math.min(30_000, left));
      await new Promise((r) => setImmediate(r));
    }
  };
  /** Lets the push requests (real HTTP on loopback) finish. */
  const settle = async (count: number) => {
    for (let i = 0; i < 200 && push.received.length + push.refused.length < count; i++)
      await new Promise((r) => setImmediate(r));
    // ... and until the server recorded what every offer's notifications came to (the step after
    // the push service answered), so the steps' order does not depend on a loaded machine.
    const pending = () =>
      (
        db
          .prepare(
            "SELECT SUM(kind = 'asked') - SUM(kind IN ('notified', 'not_notified')) AS n FROM followup_steps",
          )
          .get() as { n: number | null }
      ).n ?? 0;
    for (let i = 0; i < 50_000 && pending() > 0; i++) await new Promise((r) => setImmediate(r));
  };

  beforeEach(async () => {
    db = openDatabase(':memory:');
    clock = new ManualClock();
    push = await startLocalPushService();
    await start();
  });
  afterEach(async () => {
    await app.close();
    await push.close();
    db.close();
  });

  async function household() {
    const now = clock.now();
    const admin = await user('admin');
    const c = await app.baken.repos.clients.createClient({ name: 'Mevrouw Jansen' }, now);
    const home = await app.baken.repos.clients.createHome({ clientId: c.id, address: 'Dorpsstraat 1' }, now);
    const client = await user('client', c.id);
    const carers: Auth[] = [];
    for (const name of ['Piet Jansen', 'Els de Boer']) {
      const add = await call(client.auth, 'POST', `/api/v1/clients/${c.id}/carers`, {
        name,
        relation: 'son',
      });
      expect(add.status).toBe(201);
      const token = add.body.invitation.token as string;
      expect(add.body.invitation.url).toContain(`#token=${token}`);
      const username = name.split(' ')[0]!.toLowerCase();
      const acc = await call(null, 'POST', '/api/v1/carer-invitations/accept', {
        token,
        username,
        password: 'a long password 1',
      });
      expect(acc.status).toBe(201);
      // The token works once.
      expect(
        (
          await call(null, 'POST', '/api/v1/carer-invitations/accept', {
            token,
            username: `${username}2`,
            password: 'a long password 1',
          })
        ).status,
      ).toBe(404);
      carers.push(await login(username, 'a long password 1'));
    }
    const worker = await user('care_worker');
    const team = await app.access.setup.matrix.createTeam({ name: 'Team Noord', id: 'team-noord' }, now);
    await app.access.setup.matrix.updateTeam(team.id, { memberIds: [worker.id] });
    const chain = await call(admin.auth, 'PUT', `/api/v1/homes/${home.id}/followup-chain`, {
      steps: [
        { kind: 'informal_carers', minutesEach: 3 },
        { kind: 'care_team', teamId: team.id, minutes: 10 },
        { kind: 'alarm_centre' },
      ],
    });
    expect(chain.status).toBe(200);
    return { admin, client, clientId: c.id, homeId: home.id, carers, worker, teamId: team.id };
  }

  it('asks the first carer by push, moves on when nobody answers, and the care worker who accepts gets the alarm', async () => {
    const h = await household();
    const sub = push.subscribe('piet-phone');
    expect((await call(h.carers[0]!, 'POST', '/api/v1/push/subscriptions', sub)).status).toBe(201);
    expect(
      (await call(h.worker.auth, 'POST', '/api/v1/push/subscriptions', push.subscribe('worker-phone')))
        .status,
    ).toBe(201);

    const alarmId = await raise(h.homeId);
    await settle(1);
    expect(push.refused).toEqual([]);
    expect(push.received).toHaveLength(1);
    const first = push.received[0]!;
    expect(first.device).toBe('piet-phone');
    expect(JSON.parse(first.payload)).toEqual({
      title: 'Alarm bij Dorpsstraat 1',
      body: 'Kunt u gaan? Open Baken en neem het aan binnen 3 minuten.',
      url: '/app/respond',
      alarmId,
      tag: `alarm-${alarmId}`,
    });
    expect(first.headers).toMatchObject({ ttl: '180', urgency: 'high', 'content-encoding': 'aes128gcm' });
    expect(first.vapid.sub).toBe('mailto:ops@example.org');
    const offers = await call(h.carers[0]!, 'GET', '/api/v1/followup/offers');
    expect(offers.body.items).toMatchObject([
      { alarmId, status: 'open', address: 'Dorpsstraat 1', kind: 'carer' },
    ]);
    // The second carer is not asked yet.
    expect((await call(h.carers[1]!, 'GET', '/api/v1/followup/offers')).body.items).toEqual([]);

    await advance(3 * 60_000);
    expect((await call(h.carers[1]!, 'GET', '/api/v1/followup/offers')).body.items).toMatchObject([
      { status: 'open' },
    ]);
    expect((await call(h.carers[1]!, 'POST', `/api/v1/followup/alarms/${alarmId}/decline`)).status).toBe(200);
    await settle(2);
    expect(push.received.map((p) => p.device)).toEqual(['piet-phone', 'worker-phone']);
    expect(JSON.parse(push.received[1]!.payload).body).toContain('uw team');

    const accept = await call(h.worker.auth, 'POST', `/api/v1/followup/alarms/${alarmId}/accept`);
    expect(accept.body).toMatchObject({ state: 'accepted' });
    // Too late for the first carer now.
    expect((await call(h.carers[0]!, 'POST', `/api/v1/followup/alarms/${alarmId}/accept`)).status).toBe(409);
    const alarm = await call(h.admin.auth, 'GET', `/api/v1/alarms/${alarmId}`);
    expect(alarm.body).toMatchObject({
      state: 'assigned',
      assignedTeamId: h.teamId,
      assignedUserId: h.worker.id,
    });
    expect(alarm.body.transitions.map((t: { action: string }) => t.action)).toEqual(
      [
        'raise',
        'followup.asked',
        'followup.notified',
        'followup.no-answer',
        'followup.asked',
        'followup.declined',
        'followup.asked',
        'followup.accepted',
      ].filter((a) => a !== 'followup.notified'),
    );

    // The client sees every step of their home's alarm; nothing moves on after the acceptance.
    await advance(60 * 60_000);
    const seen = await call(h.client.auth, 'GET', `/api/v1/homes/${h.homeId}/followup`);
    expect(
      seen.body.items[0].steps.map((s: { kind: string; targetName: string | null; who: string | null }) => [
        s.kind,
        s.targetName ?? s.who,
      ]),
    ).toEqual([
      ['asked', 'Piet Jansen'],
      ['notified', 'Piet Jansen'],
      ['no_answer', 'Piet Jansen'],
      ['asked', 'Els de Boer'],
      ['not_notified', 'Els de Boer'],
      ['declined', 'Els de Boer'],
      ['asked', 'Team Noord'],
      ['notified', 'Team Noord'],
      ['accepted', 'Team Noord'],
    ]);
    expect(seen.body.items[0]).toMatchObject({
      state: 'accepted',
      acceptedBy: expect.stringMatching(/^care_worker/),
    });
    const report = await call(h.admin.auth, 'GET', '/api/v1/reports/followup');
    expect(report.body.rows).toEqual(
      expect.arrayContaining([
        {
          responder: 'informal_carer',
          asked: 2,
          accepted: 0,
          noAnswer: 1,
          declined: 1,
          medianAskToAcceptMs: null,
        },
        { responder: 'care_team', asked: 1, accepted: 1, noAnswer: 0, declined: 0, medianAskToAcceptMs: 0 },
      ]),
    );
  });

  it('carries on after a restart at the stored deadline, and ends at the alarm centre', async () => {
    const h = await household();
    const alarmId = await raise(h.homeId);
    await advance(60_000);
    await app.close();
    await start();
    await advance(2 * 60_000);
    expect((await call(h.carers[1]!, 'GET', '/api/v1/followup/offers')).body.items).toMatchObject([
      { alarmId, status: 'open' },
    ]);
    await advance(3 * 60_000 + 10 * 60_000);
    const seen = await call(h.admin.auth, 'GET', `/api/v1/homes/${h.homeId}/followup`);
    expect(seen.body.items[0].state).toBe('centre');
    expect(seen.body.items[0].steps.filter((s: { kind: string }) => s.kind === 'no_answer')).toHaveLength(3);
    // A carer asked earlier may still accept while the alarm centre has it.
    expect((await call(h.carers[0]!, 'POST', `/api/v1/followup/alarms/${alarmId}/accept`)).status).toBe(200);
  });

  it('starts the chain at the next start for an alarm committed just before a stop, whose chain never began', async () => {
    const h = await household();
    // committed, but the server stopped before `alarm.created` reached the chain
    const a = (await new SqliteAlarmStore(db).create({
      eventId: `ev-${++n}`,
      gatewayId: 'gw',
      homeId: h.homeId,
      deviceId: 'pendant',
      kind: 'alarm',
      raisedAt: clock.now(),
      createdAt: clock.now(),
      authenticated: true,
    }))!;
    await app.close();
    await start();
    await settle(1);
    expect((await call(h.carers[0]!, 'GET', '/api/v1/followup/offers')).body.items).toMatchObject([
      { alarmId: a.id, status: 'open' },
    ]);
    // it runs on to the alarm centre by itself, as any chain does
    await advance(2 * 3 * 60_000 + 10 * 60_000);
    const seen = await call(h.admin.auth, 'GET', `/api/v1/homes/${h.homeId}/followup`);
    expect(seen.body.items[0]).toMatchObject({ alarmId: a.id, state: 'centre' });
    // started once: another restart begins nothing new
    await app.close();
    await start();
    expect((await call(h.admin.auth, 'GET', `/api/v1/homes/${h.homeId}/followup`)).body.items).toHaveLength(
      1,
    );
  });

  it('stops when staff close the alarm, and drops a subscription the push service says is gone', async () => {
    const h = await household();
    expect(
      (await call(h.carers[0]!, 'POST', '/api/v1/push/subscriptions', push.subscribe('old-phone'))).status,
    ).toBe(201);
    push.expire('old-phone');
    const alarmId = await raise(h.homeId);
    await new Promise((r) => setTimeout(r, 50));
    expect((await call(h.carers[0]!, 'GET', '/api/v1/push/subscriptions')).body.items).toEqual([]);
    expect((await call(h.admin.auth, 'POST', `/api/v1/alarms/${alarmId}/close`, {})).status).toBe(200);
    await advance(30 * 60_000);
    const seen = await call(h.client.auth, 'GET', `/api/v1/homes/${h.homeId}/followup`);
    expect(seen.body.items[0].state).toBe('stopped');
    expect(seen.body.items[0].steps.at(-1)).toMatchObject({
      kind: 'ended',
      detail: 'het alarm is afgesloten',
    });
    expect((await call(h.carers[1]!, 'GET', '/api/v1/followup/offers')).body.items).toEqual([]);
  });

  it('refuses http push endpoints unless allowed, and chains that skip past the alarm centre', async () => {
    const h = await household();
    const bad = await call(h.admin.auth, 'PUT', `/api/v1/homes/${h.homeId}/followup-chain`, {
      steps: [{ kind: 'alarm_centre' }, { kind: 'informal_carers', minutesEach: 2 }],
    });
    expect(bad.status).toBe(400);
    const other = await user(
      'client',
      (await app.baken.repos.clients.createClient({ name: 'X' }, clock.now())).id,
    );
    expect((await call(other.auth, 'GET', `/api/v1/clients/${h.clientId}/carers`)).status).toBe(404);
    expect(
      (await call(h.client.auth, 'GET', `/api/v1/clients/${h.clientId}/carers`)).body.items,
    ).toHaveLength(2);
  });

  it("pushes to each device in the language its person chose there, else the deployment's", async () => {
    const h = await household();
    // Piet reads Baken in English: once asked for in the subscription, once from the page's cookie.
    const phone = { ...push.subscribe('piet-phone'), lang: 'en' };
    expect((await call(h.carers[0]!, 'POST', '/api/v1/push/subscriptions', phone)).status).toBe(201);
    const tablet = await app.inject({
      method: 'POST',
      url: '/api/v1/push/subscriptions',
      headers: { ...h.carers[0]!, cookie: 'baken_lang=en' },
      payload: push.subscribe('piet-tablet'),
    });
    expect(tablet.statusCode).toBe(201);
    // The care worker chose nothing: Dutch, the deployment's default.
    const worker = push.subscribe('worker-phone');
    expect((await call(h.worker.auth, 'POST', '/api/v1/push/subscriptions', worker)).status).toBe(201);
    const mine = await call(h.carers[0]!, 'GET', '/api/v1/push/subscriptions');
    expect(mine.body.items.map((i: { lang: string | null }) => i.lang)).toEqual(['en', 'en']);

    const alarmId = await raise(h.homeId);
    await settle(2);
    expect(push.refused).toEqual([]);
    expect(push.received.map((r) => r.device).sort()).toEqual(['piet-phone', 'piet-tablet']);
    for (const r of push.received)
      expect(JSON.parse(r.payload)).toMatchObject({
        title: 'Alarm at Dorpsstraat 1',
        body: 'Can you go? Open Baken and accept within 3 minutes.',
        alarmId,
      });
    // The alarm's timeline stays in the deployment's language.
    const timeline = db
      .prepare("SELECT note FROM alarm_transitions WHERE alarm_id = ? AND action = 'followup.asked'")
      .all(alarmId) as Array<{ note: string }>;
    expect(timeline[0]!.note).toContain('mantelzorger Piet Jansen gevraagd');

    // Both carers let it pass: the care team is asked, the worker's phone gets it in Dutch.
    await advance(6 * 60_000);
    await settle(3);
    const team = push.received.find((r) => r.device === 'worker-phone')!;
    expect(JSON.parse(team.payload).body).toBe(
      'Alarm voor uw team. Open Baken en neem het aan binnen 10 minuten.',
    );

    // A test message follows the same choice; a device switched back to Dutch gets Dutch.
    const before = push.received.length;
    expect((await call(h.carers[0]!, 'POST', '/api/v1/push/test')).body).toEqual({ delivered: 2, failed: 0 });
    await settle(before + 2);
    expect(push.received.slice(before).map((r) => JSON.parse(r.payload).body)).toEqual([
      'Notifications work on this device.',
      'Notifications work on this device.',
    ]);
    expect(
      (await call(h.carers[0]!, 'POST', '/api/v1/push/subscriptions', { ...phone, lang: 'nl' })).status,
    ).toBe(201);
    expect((await call(h.carers[0]!, 'POST', '/api/v1/push/test')).body).toEqual({ delivered: 2, failed: 0 });
    await settle(before + 4);
    const last = push.received.slice(before + 2);
    expect(JSON.parse(last.find((r) => r.device === 'piet-phone')!.payload).body).toBe(
      'Meldingen werken op dit apparaat.',
    );
    expect(JSON.parse(last.find((r) => r.device === 'piet-tablet')!.payload).body).toBe(
      'Notifications work on this device.',
    );
  });

  it('an offer armed by an instance that stopped moves on at another instance of the deployment', async () => {
    const h = await household();
    // two instances on one store and one set of leases: `app` has the deadline sweep's lease
    const [mine, other] = localClusters(clock, 2);
    await app.close();
    app = await buildApp({ config: testConfig(), clock, db, logger: createLogger('silent'), cluster: mine! });
    await app.ready();
    const second = await buildApp({
      config: testConfig(),
      clock,
      db,
      logger: createLogger('silent'),
      cluster: other!,
    });
    await second.ready();
    const alarmId = await raise(h.homeId);
    // the instance that asked the first carer (and holds the only timer) stops
    await app.close();
    // time passes in steps, letting each sweep's reads and writes finish
    for (let t = 0; t < 3 * 60_000 + 20_000; t += 5_000) {
      clock.advance(5_000);
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    }
    const seen = await second.inject({
      method: 'GET',
      url: `/api/v1/homes/${h.homeId}/followup`,
      headers: h.admin.auth,
    });
    const run = seen.json().items[0];
    expect(run).toMatchObject({ alarmId, state: 'asking' });
    expect(run.steps.filter((s: { kind: string }) => s.kind === 'no_answer')).toHaveLength(1);
    await second.close();
    await start();
  });
});
