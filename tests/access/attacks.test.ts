import { randomBytes } from 'node:crypto';
import { auditRecords } from '@baken/device-sim/keysafe/audit-log';
import { KsCodeKind, KsReason, KsType, ksSignCommand } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig, decodeCommand } from './support/access-rig.js';

let r: AccessRig;
beforeEach(async () => {
  r = await accessRig();
  await r.provision();
});
afterEach(() => r.close());

const alerts = async () =>
  (await r.t.app.inject({ url: '/api/v1/access/alerts?open=true', headers: r.monitor.auth })).json()
    .alerts as Array<{
    kind: string;
    message: string;
  }>;

async function onlineCode(w: { auth: { authorization: string } }): Promise<string> {
  const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
  expect(res.status).toBe(201);
  // handed out only after the key safe confirmed it (the rig relays PIN SET_CODEs at once)
  expect(res.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
  return res.body['code'] as string;
}

describe('attacks: each refused or detected', () => {
  it('a replayed open command is refused by the key safe (counter)', async () => {
    const alarmId = r.raiseAlarm('a');
    const open = await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/access/remote-open',
      headers: r.monitor.auth,
      payload: { homeId: r.homeId, alarmId },
    });
    expect(open.statusCode).toBe(202);
    const frame = r.outbox[0]!;
    expect(await r.relayAll()).toEqual([0]);
    expect(r.ks.safe.unlocked).toBe(true);
    await r.advance(30_000);
    expect(r.ks.safe.unlocked).toBe(false);
    expect(await r.relay(frame)).toBe(KsReason.CounterReplay);
    expect(r.ks.safe.unlocked).toBe(false);
  });

  it('remote open without an open alarm is refused and recorded', async () => {
    const res = await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/access/remote-open',
      headers: r.monitor.auth,
      payload: { homeId: r.homeId, alarmId: 'nope' },
    });
    expect(res.statusCode).toBe(403);
    expect(r.outbox).toHaveLength(0);
    const a = r.t.app.baken.db
      .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'access.remote_open_refused'")
      .get() as { n: number };
    expect(a.n).toBe(1);
  });

  it('a compromised gateway cannot mint, alter, redirect or replay commands', async () => {
    const w = await r.worker();
    await onlineCode(w);
    // the genuine SET_CODE the home unit relayed (and the key safe executed) before the PIN was shown
    const p = r.relayedPins.at(-1)!;
    const cmd = decodeCommand(p.req.frameHex!);
    if (cmd.kind !== 'set_code') throw new Error('expected set_code');
    // alter: stretch the validity by a day
    expect(await r.relay(p, { ...cmd, validUntil: cmd.validUntil + 86_400 })).toBe(KsReason.BadMac);
    // redirect to another key safe
    expect(await r.relay(p, { ...cmd, auth: { ...cmd.auth, targetSerial: 'KS-OTHER' } })).toBe(
      KsReason.WrongDevice,
    );
    // mint: a gateway without the key signs its own open
    const minted = ksSignCommand(
      {
        kind: 'open_now',
        holderId: 1,
        unlockSeconds: 60,
        auth: {
          targetSerial: cmd.auth.targetSerial,
          counter: cmd.auth.counter + 100n,
          issuedAt: cmd.auth.issuedAt,
          expiresAt: cmd.auth.expiresAt,
        },
      },
      randomBytes(32),
    );
    if (!minted.ok) throw new Error('sign failed');
    expect(await r.relay(p, minted.value)).toBe(KsReason.BadMac);
    expect(r.ks.safe.unlocked).toBe(false);
    // the genuine frame worked once; again it is a replay
    expect(await r.relay(p)).toBe(KsReason.CounterReplay);
  });

  it("a revoked person's PIN stops working (block delivered at once while online)", async () => {
    const w = await r.worker();
    const code = await onlineCode(w);
    expect(await r.relayAll()).toEqual([0]);
    const b = await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/access/blocks',
      headers: r.monitor.auth,
      payload: { scope: 'person', target: w.id, reason: 'badge lost' },
    });
    expect(b.statusCode).toBe(201);
    expect(await r.relayAll()).toEqual([0]);
    expect(r.ks.safe.enterCode(code)).toBe('rejected');
    const again = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({
      error: { code: 'BAKEN_ERR_ACCESS_DENIED', details: [{ message: 'person_blocked' }] },
    });
  });

  it('an offline revocation is shown as not yet received and voids the offline code at the next contact', async () => {
    await r.setOnline(false);
    const w = await r.worker();
    const other = await r.worker();
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.body['mode']).toBe('offline_window');
    await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/access/blocks',
      headers: r.admin.auth,
      payload: { scope: 'person', target: w.id, reason: 'left the organisation' },
    });
    const pending = await r.t.app.inject({
      url: '/api/v1/access/revocations/pending',
      headers: r.admin.auth,
    });
    expect(pending.json()).toEqual([
      expect.objectContaining({ deviceId: r.deviceId, status: 'pending', purpose: 'rotate_offline_key' }),
    ]);
    await r.setOnline(true);
    expect(
      (await r.t.app.inject({ url: '/api/v1/access/revocations/pending', headers: r.admin.auth })).json(),
    ).toEqual([]);
    expect(r.ks.safe.enterCode(res.body['code'] as string)).toBe('rejected');
    // others still get in (a fresh code under the new key)
    await r.setOnline(false);
    const fresh = await r.request(other.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(r.ks.safe.enterCode(fresh.body['code'] as string)).toBe('accepted');
  });

  it('temporary staff: a code never outlives the end date, and the login ends with it', async () => {
    const end = r.t.clock.now() + 5 * 60_000;
    const w = await r.worker({ validUntil: end });
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.body['validUntil']).toBe(end);
    await r.relayAll();
    await r.advance(6 * 60_000);
    expect(r.ks.safe.enterCode(res.body['code'] as string)).toBe('rejected');
    expect((await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' })).status).toBe(401);
  });

  it('a disabled account loses its outstanding codes within a minute (sweep on the injected clock)', async () => {
    const w = await r.worker();
    const code = await onlineCode(w);
    await r.relayAll();
    await r.t.app.baken.repos.users.update(w.id, { disabled: true }, r.t.clock.now());
    await r.advance(61_000);
    expect(await r.relayAll()).toEqual([0]);
    expect(r.ks.safe.enterCode(code)).toBe('rejected');
    const revoked = r.t.app.baken.db
      .prepare("SELECT details FROM audit_log WHERE action = 'access.release_revoked'")
      .all() as Array<{ details: string }>;
    expect(revoked.map((x) => JSON.parse(x.details).why)).toEqual(['account disabled']);
  });

  it('a PIN used outside its window is refused', async () => {
    const w = await r.worker();
    const code = await onlineCode(w);
    await r.relayAll();
    await r.advance(16 * 60_000);
    expect(r.ks.safe.enterCode(code)).toBe('rejected');
  });

  it("one care worker cannot use another team's alarm", async () => {
    const intruder = await r.worker({ team: 'b' });
    const alarmId = r.raiseAlarm('a');
    const res = await r.request(intruder.auth, { homeId: r.homeId, situation: 'alarm', alarmId });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { details: [{ message: 'alarm_not_assigned_to_team' }] } });
    expect(r.outbox).toHaveLength(0);
  });

  it('no access without a signed declaration', async () => {
    const w = await r.worker({ declaration: false });
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.body).toMatchObject({ error: { details: [{ message: 'no_declaration' }] } });
  });

  it('repeated refusals and repeated wrong codes alert monitoring staff; requests are rate limited', async () => {
    const intruder = await r.worker({ team: 'b' });
    for (let i = 0; i < 3; i++)
      await r.request(intruder.auth, { homeId: r.homeId, situation: 'planned_care' });
    for (let i = 0; i < 3; i++) r.ks.safe.enterCode('00000000');
    await r.flushEvents();
    const kinds = (await alerts()).map((a) => a.kind);
    expect(kinds).toContain('repeated_refusals');
    expect(kinds).toContain('repeated_wrong_codes');
    let last = 0;
    for (let i = 0; i < 10; i++)
      last = (await r.request(intruder.auth, { homeId: r.homeId, situation: 'planned_care' })).status;
    expect(last).toBe(429);
  });

  it('the clock is set only by the server, in bounded steps; a gateway cannot shift it', async () => {
    const before = r.ks.deviceNow();
    // a gateway-made TIME_SYNC: it has no key
    const forged = ksSignCommand(
      {
        kind: 'time_sync',
        newTime: before + 86_400,
        auth: { targetSerial: r.ks.safe.serial, counter: 10_000n, issuedAt: before, expiresAt: before + 60 },
      },
      randomBytes(32),
    );
    if (!forged.ok) throw new Error('sign failed');
    expect(await r.ks.command(forged.value)).toBe(KsReason.BadMac);
    expect(r.ks.deviceNow()).toBe(before);
    // the device runs 10 minutes slow: the server queues bounded time syncs
    r.ks.safe.rtc.set(before - 600);
    const { deviceEvents } = r.t.app.access;
    const device = (await r.t.app.baken.repos.devices.get(r.deviceId))!;
    await deviceEvents.clockReport(device, -600_000, r.t.clock.now());
    // each accepted step is bounded; the key safe's next clock report queues the next one
    const steps = await r.relayAll();
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.every((x) => x === 0)).toBe(true);
    const syncs = auditRecords(r.ks.safe.nv).filter((x) => x.kind === 0x80 && x.value === KsType.TimeSync);
    expect(syncs.length).toBe(steps.length);
    expect(Math.abs(r.ks.deviceNow() - Math.floor(r.t.clock.now() / 1000))).toBeLessThan(60);
    expect((await alerts()).map((a) => a.kind)).toContain('clock_drift');
    const ks = (await r.t.app.inject({ url: '/api/v1/access/keysafes', headers: r.monitor.auth })).json();
    expect(ks[0]).toMatchObject({ clockDrifting: false });
    expect(Math.abs(ks[0].clockOffsetMs)).toBeLessThan(60_000);
  });

  it('device audit: a deleted or altered record and an opening without a release are detected', async () => {
    const w = await r.worker();
    const code = await onlineCode(w);
    await r.relayAll();
    expect(r.ks.safe.enterCode(code)).toBe('accepted');
    r.ks.safe.openDoor();
    r.ks.safe.closeDoor();
    await r.sendAudit();
    expect(await alerts()).toEqual([]);
    // someone with the device key but outside the server sets a PIN and opens: no release covers it
    const now = r.ks.deviceNow();
    const counter = 1_000_000n;
    const rogue = r.ks.host.sign(
      {
        kind: 'set_code',
        slot: 77,
        holderId: 999,
        validFrom: now - 60,
        validUntil: now + 600,
        codeKind: KsCodeKind.Pin,
        oneTime: false,
        sealed: r.ks.host.seal(counter, new TextEncoder().encode('13579246')),
      },
      { counter, deviceNow: now },
    );
    const head = r.ks.safe.nv.audit.nextSeq - 1;
    expect(await r.ks.command(rogue)).toBe(0);
    expect(r.ks.safe.enterCode('13579246')).toBe('accepted');
    r.ks.safe.openDoor();
    r.ks.safe.closeDoor();
    r.ks.safe.enterCode('11111111'); // a wrong code, then a record a gateway "loses"
    r.ks.safe.enterCode('22222222');
    await r.sendAudit(head, (recs) => recs.filter((x) => x.seq !== head + 5));
    const kinds = (await alerts()).map((a) => a.kind);
    expect(kinds).toContain('opening_without_release');
    expect(kinds).toContain('device_audit_gap');
    // an altered record (holder changed) fails its MAC
    r.ks.safe.enterCode('33333333');
    const head2 = r.ks.safe.nv.audit.nextSeq - 2;
    await r.sendAudit(head2, (recs) => recs.map((x) => ({ ...x, holderId: x.holderId + 1 })));
    expect((await alerts()).map((a) => a.kind)).toContain('device_audit_bad_mac');
  });
});
