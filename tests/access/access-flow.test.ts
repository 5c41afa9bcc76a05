import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig } from './support/access-rig.js';

let r: AccessRig;
beforeEach(async () => {
  r = await accessRig();
  await r.provision();
});
afterEach(() => r.close());

describe('code release, end to end with signed frames fed to the simulated key safe', () => {
  it('an alarm, an online release, the door opens with the code, the client view shows who and when', async () => {
    const w = await r.worker({ team: 'a' });
    const alarmId = r.raiseAlarm('a');
    await r.advance(4 * 60_000);
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'alarm', alarmId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ decision: 'allow', mode: 'online_pin', delivery: 'ok', alarmId });
    // the key safe had the PIN before it was handed out
    expect(r.relayedPins).toHaveLength(1);
    expect(await r.relayAll()).toEqual([0]);
    await r.advance(6 * 60_000);
    expect(r.ks.safe.enterCode(res.body['code'] as string)).toBe('accepted');
    await r.flushEvents();
    // one-time: the same PIN does not open twice
    expect(r.ks.safe.enterCode(res.body['code'] as string)).toBe('rejected');

    const client = await r.t.userWithToken('client', { clientId: r.clientId });
    const log = await r.t.app.inject({ url: `/api/v1/homes/${r.homeId}/access-log`, headers: client.auth });
    expect(log.statusCode).toBe(200);
    const entry = log.json().entries[0];
    expect(entry).toMatchObject({ who: 'care_worker', situation: 'alarm', how: 'one-time code' });
    expect(entry.enteredAt).toBe(r.t.clock.now());

    const rep = await r.t.app.inject({
      url: '/api/v1/reports/response?format=json&period=day',
      headers: r.admin.auth,
    });
    expect(rep.json().rows).toEqual([
      expect.objectContaining({
        teamId: r.teamA,
        alarms: 1,
        medianAlarmToReleaseMs: 4 * 60_000,
        medianAlarmToOpenMs: 10 * 60_000,
        withinTarget: 1,
      }),
    ]);
    const csv = await r.t.app.inject({
      url: '/api/v1/reports/response?format=csv&period=day',
      headers: r.admin.auth,
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[1]).toContain('team-noord');

    const verify = await r.t.app.inject({ url: '/api/v1/audit/verify', headers: r.admin.auth });
    expect(verify.json()).toMatchObject({ ok: true });
  });

  it('home unit offline: the offline code opens inside its window, not twice, and not after it', async () => {
    await r.setOnline(false);
    const w = await r.worker({ team: 'a' });
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mode: 'offline_window', delivery: 'offline' });
    expect(r.outbox).toHaveLength(0);
    const code = res.body['code'] as string;
    expect(r.ks.safe.enterCode(code)).toBe('accepted');
    expect(r.ks.safe.enterCode(code)).toBe('rejected');

    const late = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(late.status).toBe(201);
    await r.advance((late.body['validUntil'] as number) - r.t.clock.now());
    expect(r.ks.safe.enterCode(late.body['code'] as string)).toBe('rejected');
  });

  it('the alarm centre reads a code out by phone: recorded with who released it and for whom', async () => {
    const w = await r.worker({ team: 'a' });
    const alarmId = r.raiseAlarm('a');
    const res = await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/access/phone-code',
      headers: r.monitor.auth,
      payload: { homeId: r.homeId, alarmId, forUserId: w.id },
    });
    expect(res.statusCode).toBe(201);
    await r.relayAll();
    expect(r.ks.safe.enterCode(res.json().code)).toBe('accepted');
    await r.flushEvents();
    const e = r.t.app.baken.db
      .prepare("SELECT actor, details FROM audit_log WHERE action = 'access.phone_code'")
      .get() as {
      actor: string;
      details: string;
    };
    expect(e.actor).toBe(`user:${r.monitor.id}`);
    expect(JSON.parse(e.details)).toMatchObject({ forUserId: w.id, alarmId });
    const log = await r.t.app.inject({ url: `/api/v1/homes/${r.homeId}/access-log`, headers: r.admin.auth });
    expect(log.json().entries[0]).toMatchObject({
      how: 'code given by phone by the alarm centre',
      releasedBy: 'monitor',
    });
    expect(log.json().entries[0].enteredAt).not.toBeNull();
  });
});
