import { KsCodeKind } from '@baken/protocols';
import { afterEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig, decodeCommand } from './support/access-rig.js';

/**
 * Access never depends on the network: with the home unit online, a one-time PIN is
 * handed out only after the key safe confirmed its SET_CODE. When the key safe's link behind the home
 * unit is down, or no answer comes within `pinConfirmSeconds` (injected clock), the same response
 * carries an offline window code instead, and the PIN that was never shown can never become usable.
 */
let r: AccessRig;
afterEach(() => r.close());

async function rig(provisioned = true): Promise<AccessRig> {
  r = await accessRig();
  if (provisioned) await r.provision();
  else await r.setOnline(true);
  return r;
}

const fallbacks = (): Array<Record<string, unknown>> =>
  (
    r.t.app.baken.db
      .prepare("SELECT actor, details FROM audit_log WHERE action = 'access.fallback_offline'")
      .all() as Array<{ actor: string; details: string }>
  ).map((e) => ({ actor: e.actor, ...(JSON.parse(e.details) as Record<string, unknown>) }));

const pinSlots = () => r.ks.safe.nv.slots.filter((s) => s.codeKind === KsCodeKind.Pin).map((s) => s.slot);

const commands = (purpose: string) =>
  r.t.app.baken.db
    .prepare('SELECT status, result_reason AS reason FROM keysafe_commands WHERE purpose = ? ORDER BY rowid')
    .all(purpose) as Array<{ status: string; reason: string | null }>;

/** Lets the request run until it has published its SET_CODE (bounded; no wall-clock sleep). */
async function untilPublished(n: number): Promise<void> {
  for (let i = 0; i < 1000 && r.outbox.length < n; i++) await new Promise((res) => setImmediate(res));
  expect(r.outbox).toHaveLength(n);
}

describe('an online PIN is handed out only once the key safe has it', () => {
  it('key safe answers ok: the PIN is returned with delivery ok and opens the safe', async () => {
    await rig();
    const w = await r.worker();
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    expect(commands('release')).toEqual([{ status: 'ok', reason: 'ok' }]);
    expect(fallbacks()).toEqual([]);
    expect(r.ks.safe.enterCode(res.body['code'] as string)).toBe('accepted');
  });

  it('key-safe link down behind an online home unit: an offline code in the same response opens the safe', async () => {
    await rig();
    r.pinAnswer = 'link_down';
    const w = await r.worker();
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mode: 'offline_window', delivery: 'offline' });
    const [fb] = fallbacks();
    expect(fb).toMatchObject({
      actor: 'system',
      forUserId: w.id,
      reason: 'failed',
      detail: 'BAKEN_ERR_KEYSAFE_LINK_DOWN',
    });
    // the voided release is gone; the one returned is the offline one
    expect(fb!['voidedReleaseId']).not.toBe(res.body['releaseId']);
    const gone = await r.t.app.inject({
      url: `/api/v1/access/releases/${fb!['voidedReleaseId']}`,
      headers: w.auth,
    });
    expect(gone.statusCode).toBe(404);
    const mine = await r.t.app.inject({
      url: `/api/v1/access/releases/${res.body['releaseId']}`,
      headers: w.auth,
    });
    expect(mine.json()).toMatchObject({
      mode: 'offline_window',
      delivery: 'offline',
      code: res.body['code'],
    });
    const released = r.t.app.baken.db
      .prepare("SELECT details FROM audit_log WHERE action = 'access.released'")
      .get() as { details: string };
    expect(JSON.parse(released.details)).toMatchObject({ mode: 'offline_window', delivery: 'offline' });
    expect(r.ks.safe.enterCode(res.body['code'] as string)).toBe('accepted');
    // the slot's REVOKE is queued and shown as not yet received
    const pending = await r.t.app.inject({
      url: '/api/v1/access/revocations/pending',
      headers: r.admin.auth,
    });
    expect(pending.json()).toEqual([expect.objectContaining({ kind: 'revoke', purpose: 'void_release' })]);
    const voided = decodeCommand(r.outbox[0]!.req.frameHex!);
    // while that REVOKE is unanswered its slot is not given to a new release
    r.pinAnswer = 'relay';
    const next = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(next.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    const set = decodeCommand(r.relayedPins.at(-1)!.req.frameHex!);
    expect(voided.kind === 'revoke' && set.kind === 'set_code' && set.slot !== voided.slot).toBe(true);
    expect(r.ks.safe.enterCode(next.body['code'] as string)).toBe('accepted');
  });

  it('no answer within pinConfirmSeconds (mock clock): offline code; a late ok is ignored and the slot revoked', async () => {
    await rig();
    r.pinAnswer = 'silent';
    const w = await r.worker();
    let settled = false;
    const pending = r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' }).finally(() => {
      settled = true;
    });
    await untilPublished(1);
    await r.advance(4_999);
    expect(settled).toBe(false);
    await r.advance(1);
    const res = await pending;
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mode: 'offline_window', delivery: 'offline' });
    expect(fallbacks()).toEqual([expect.objectContaining({ reason: 'timeout', detail: 'no answer' })]);
    // held SET_CODE + the REVOKE of its slot
    await untilPublished(2);
    const [setCode, revoke] = r.outbox;
    const sc = decodeCommand(setCode!.req.frameHex!);
    const rv = decodeCommand(revoke!.req.frameHex!);
    expect(sc.kind).toBe('set_code');
    expect(rv).toMatchObject({ kind: 'revoke', slot: sc.kind === 'set_code' ? sc.slot : -1 });
    // the late frame lands after all: the server ignores its ok, then the REVOKE clears the slot
    expect(await r.relayAll()).toEqual([0, 0]);
    expect(commands('release')).toEqual([{ status: 'dropped', reason: 'void: timeout' }]);
    expect(commands('void_release')).toEqual([{ status: 'ok', reason: 'ok' }]);
    expect(pinSlots()).toEqual([]);
    expect(r.ks.safe.enterCode(res.body['code'] as string)).toBe('accepted');
  });

  it('no offline-code key yet: the existing 503, with the fallback reason audited and no release left', async () => {
    await rig(false);
    r.pinAnswer = 'link_down';
    const w = await r.worker();
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'BAKEN_ERR_KEYSAFE_UNAVAILABLE' } });
    expect(fallbacks()).toEqual([expect.objectContaining({ reason: 'failed' })]);
    const n = r.t.app.baken.db.prepare('SELECT COUNT(*) AS n FROM access_releases').get() as { n: number };
    expect(n.n).toBe(0);
  });
});
