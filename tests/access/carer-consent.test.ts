import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig, GATEWAY_ID } from './support/access-rig.js';

const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));

// [REQUIREMENTS §9.6] An informal carer gets a key-safe code only as far as the client consents:
// for an alarm they accepted, inside the client's windows; a withdrawal voids what they still hold.
describe('key access for an informal carer, by the client’s consent', () => {
  let r: AccessRig;
  beforeEach(async () => {
    r = await accessRig();
    await r.provision();
  });
  afterEach(async () => r.close());

  const call = async (
    auth: { authorization: string },
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) => {
    const res = await r.t.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };

  it('no code without consent; a code for the accepted alarm once granted; withdrawing voids it', async () => {
    const ctx = r.t.app.baken;
    const client = await r.t.userWithToken('client', { clientId: r.clientId });
    const add = await call(client.auth, 'POST', `/api/v1/clients/${r.clientId}/carers`, {
      name: 'Piet Jansen',
    });
    const token = add.body.invitation.token as string;
    const acc = await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/carer-invitations/accept',
      payload: { token, username: 'piet', password: 'a long password 1' },
    });
    expect(acc.statusCode).toBe(201);
    const pietId = acc.json().userId as string;
    const { token: bearer } = await ctx.auth.createApiToken(pietId, 'phone', null);
    const piet = { authorization: `Bearer ${bearer}` };
    await call(r.admin.auth, 'PUT', `/api/v1/homes/${r.homeId}/followup-chain`, {
      steps: [{ kind: 'informal_carers', minutesEach: 5 }],
    });

    const alarmId = r.raiseAlarm(null);
    r.t.app.ingest.bus.emit('alarm.created', {
      alarmId,
      homeId: r.homeId,
      gatewayId: GATEWAY_ID,
      deviceId: 'pendant-1',
      kind: 'alarm',
      state: 'new',
      assignedUserId: null,
      at: r.t.clock.now(),
    });
    await new Promise((res) => setImmediate(res));
    const ask = { homeId: r.homeId, situation: 'alarm', alarmId };
    // Not accepted yet, no consent: refused, with the reason.
    expect((await r.request(piet, ask)).body).toMatchObject({
      error: { details: [{ message: 'no_consent' }] },
    });
    expect((await call(piet, 'POST', `/api/v1/followup/alarms/${alarmId}/accept`)).status).toBe(200);
    expect((await r.request(piet, ask)).status).toBe(403);

    const grant = await call(client.auth, 'PUT', `/api/v1/homes/${r.homeId}/carer-access/${pietId}`, {
      windows: allWeek,
      alarmOnly: true,
    });
    expect(grant.status).toBe(200);
    // Only for the alarm, not for a visit.
    expect((await r.request(piet, { homeId: r.homeId, situation: 'planned_care' })).body).toMatchObject({
      error: { details: [{ message: 'consent_alarm_only' }] },
    });
    const code = await r.request(piet, ask);
    expect(code.status).toBe(201);
    expect(code.body).toMatchObject({ mode: 'online_pin', delivery: 'ok', alarmId });

    // The client sees the grant and the release in their access log.
    const log = (await call(client.auth, 'GET', `/api/v1/homes/${r.homeId}/access-log`)).body;
    expect(log.entries[0]).toMatchObject({ who: 'Piet Jansen', situation: 'alarm', how: 'one-time code' });
    expect(log.carerConsents).toMatchObject([{ change: 'granted', carer: 'Piet Jansen', alarmOnly: true }]);

    await r.advance(60_000);
    // Withdrawn: the code Piet still holds is voided on the key safe, and no new one is given.
    expect(
      (await call(client.auth, 'DELETE', `/api/v1/homes/${r.homeId}/carer-access/${pietId}`)).status,
    ).toBe(204);
    const release = (await call(r.admin.auth, 'GET', `/api/v1/access/releases/${code.body.releaseId}`)).body;
    expect(release.revokedAt).not.toBeNull();
    // The PIN's SET_CODE (relayed when it was given) and now the REVOKE of Piet's slots.
    expect(await r.relayAll()).toEqual([0, 0]);
    expect(r.ks.safe.enterCode(String(code.body['code']))).not.toBe('accepted');
    expect((await r.request(piet, ask)).status).toBe(403);
    const after = (await call(client.auth, 'GET', `/api/v1/homes/${r.homeId}/access-log`)).body;
    expect(after.carerConsents.map((c: { change: string }) => c.change)).toEqual(['withdrawn', 'granted']);
    const audit = ctx.db
      .prepare("SELECT action FROM audit_log WHERE action LIKE 'access.carer_consent%' ORDER BY seq")
      .all() as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).toEqual([
      'access.carer_consent_granted',
      'access.carer_consent_withdrawn',
    ]);
  });
});
