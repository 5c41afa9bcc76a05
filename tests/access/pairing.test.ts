import { RIG_INSTALL_SECRET } from '@baken/device-sim/keysafe/ks-test-rig';
import { ksInstallationCode } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig } from './support/access-rig.js';

/**
 * A newly paired key safe gets its key [KS-SERIAL §8.8]: the server creates K and sends it through
 * the home unit wrapped under the installation code printed inside the door; the safe takes it only in
 * the pairing window of its button. Then the installer's trial code opens it.
 */
let r: AccessRig;
beforeEach(async () => {
  r = await accessRig({ fresh: true });
  await r.setOnline(true);
});
afterEach(() => r.close());

const CODE = ksInstallationCode(RIG_INSTALL_SECRET);

/** Runs an installer request that waits for the key safe while relaying what it publishes. */
async function installer(
  url: string,
  payload?: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const pending = r.t.app.inject({
    method: 'POST',
    url,
    headers: r.admin.auth,
    ...(payload === undefined ? {} : { payload }),
  });
  let done = false;
  void pending.finally(() => {
    done = true;
  });
  while (!done) {
    await r.relayAll();
    await new Promise((res) => setImmediate(res));
  }
  const res = await pending;
  return { status: res.statusCode, body: res.json() };
}

const keyInstall = (installationCode = CODE) =>
  installer(`/api/v1/access/keysafes/${r.deviceId}/key-install`, { installationCode });

describe('the key reaches a newly paired key safe, and the trial opening passes', () => {
  it('without KEY_INSTALL the key created on the server never reaches the safe', async () => {
    const p = await r.t.app.inject({
      method: 'POST',
      url: `/api/v1/access/keysafes/${r.deviceId}/provision`,
      headers: r.admin.auth,
    });
    expect(p.statusCode).toBe(202);
    // the offline-code key, signed with a key the safe does not have, is refused
    expect(await r.relayAll()).toEqual([0x19]);
  });

  it('a block placed before the key is installed is accepted, waits, and reaches the safe with its key', async () => {
    const block = await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/access/blocks',
      headers: r.admin.auth,
      payload: { scope: 'keysafe', target: r.deviceId, reason: 'key lost by a contractor' },
    });
    expect(block.statusCode).toBe(201);
    // nothing can be signed yet: the command waits on the server, and a reconnect does not choke on it
    expect(r.outbox).toHaveLength(0);
    await r.setOnline(false);
    await r.setOnline(true);
    expect(r.outbox).toHaveLength(0);
    r.ks.safe.pressPairingButton();
    expect((await keyInstall()).status).toBe(202);
    const kinds = r.t.app.baken.db
      .prepare("SELECT kind, status FROM keysafe_commands WHERE purpose = 'block'")
      .all() as Array<{ kind: string; status: string }>;
    expect(kinds).toEqual([{ kind: 'block', status: 'ok' }]);
  });

  it('refused without the pairing button or with a wrong installation code; nothing changes on the server', async () => {
    const closed = await keyInstall();
    expect(closed.status).toBe(409);
    expect(JSON.stringify(closed.body)).toMatch(/pairing button/);
    r.ks.safe.pressPairingButton();
    const wrong = await keyInstall('0000-0000-0000-0000-0000-0000-0000-0000');
    expect(wrong.status).toBe(409);
    expect((await keyInstall('not a code')).status).toBe(400);
    expect(r.t.app.baken.db.prepare('SELECT COUNT(*) AS n FROM keysafe_keys').get()).toEqual({ n: 0 });
  });

  it('pairing button + installation code: the key is installed, the offline key delivered, a trial code opens the safe', async () => {
    r.ks.safe.pressPairingButton();
    const k = await keyInstall();
    expect(k).toMatchObject({ status: 202, body: { keyInstalled: true, offlineKeyGeneration: 1 } });
    const list = await r.t.app.inject({ url: '/api/v1/access/keysafes', headers: r.admin.auth });
    expect(list.json()[0]).toMatchObject({ hasKey: true, offlineKeyDelivered: true });

    const tech = await r.t.userWithToken('technician');
    const trial = await r.t.app.inject({
      method: 'POST',
      url: `/api/v1/access/keysafes/${encodeURIComponent('KS-SIM-0001')}/trial-code`,
      headers: tech.auth,
    });
    expect(trial.statusCode).toBe(201);
    const { code } = trial.json() as { code: string };
    expect(r.ks.safe.enterCode(code)).toBe('accepted');
    r.ks.safe.openDoor();
    r.ks.safe.closeDoor();
    await r.flushEvents();
    await r.sendAudit();
    // the safe's audit under the new key verifies; the trial opening is the installer's, not unknown
    const alerts = (
      await r.t.app.inject({ url: '/api/v1/access/alerts?open=true', headers: r.admin.auth })
    ).json().alerts as Array<{ kind: string }>;
    expect(alerts.map((a) => a.kind)).toEqual([]);
    const used = r.t.app.baken.db
      .prepare("SELECT actor, details FROM audit_log WHERE action = 'keysafe.code_accepted'")
      .get() as { details: string };
    expect(JSON.parse(used.details)).toMatchObject({ trial: true, attributed: true });
    const anchor = (
      await r.t.app.inject({ url: '/api/v1/access/keysafes', headers: r.admin.auth })
    ).json()[0];
    expect(anchor.auditAnchorSeq).toBeGreaterThan(0);
    // the trial code is one-time; care workers get codes as usual afterwards
    expect(r.ks.safe.enterCode(code)).toBe('rejected');
    const w = await r.worker({ team: 'a' });
    const rel = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(rel.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    expect(r.ks.safe.enterCode(rel.body['code'] as string)).toBe('accepted');
  });

  it('no trial code when the key safe does not take it; nothing is left queued to retry', async () => {
    r.ks.safe.pressPairingButton();
    expect((await keyInstall()).status).toBe(202);
    r.pinAnswer = 'link_down';
    const trial = await installer(`/api/v1/access/keysafes/${r.deviceId}/trial-code`);
    expect(trial.status).toBe(503);
    expect(JSON.stringify(trial.body)).toContain('BAKEN_ERR_KEYSAFE_LINK_DOWN');
    const rows = r.t.app.baken.db
      .prepare("SELECT status FROM keysafe_commands WHERE purpose IN ('trial_code', 'key_install')")
      .all();
    expect(rows).toEqual([{ status: 'ok' }, { status: 'failed' }]);
  });

  it('a care worker cannot ask for a trial code or install a key', async () => {
    const w = await r.worker({ team: 'a' });
    for (const path of ['trial-code', 'key-install']) {
      const res = await r.t.app.inject({
        method: 'POST',
        url: `/api/v1/access/keysafes/${r.deviceId}/${path}`,
        headers: w.auth,
        payload: { installationCode: CODE },
      });
      expect(res.statusCode).toBe(403);
    }
  });
});
