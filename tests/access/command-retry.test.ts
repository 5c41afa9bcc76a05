import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig, GATEWAY_ID } from './support/access-rig.js';

// A home unit that is online but whose key-safe link is down (cable loose, the safe still starting)
// hands a command back: it must reach the key safe once the link is up again, not at the home unit's
// next reconnect, which may be weeks away — an offline-code key, a revocation, a block.
let r: AccessRig;
beforeEach(async () => {
  r = await accessRig();
  await r.setOnline(true);
});
afterEach(() => r.close());

const commandStatus = () =>
  (
    r.t.app.baken.db.prepare("SELECT status FROM keysafe_commands WHERE purpose = 'offline_key'").get() as {
      status: string;
    }
  ).status;

const offlineKeyDelivered = async () => {
  const res = await r.t.app.inject({ url: '/api/v1/access/keysafes', headers: r.admin.auth });
  return (res.json() as Array<{ offlineKeyDelivered: boolean }>)[0]!.offlineKeyDelivered;
};

/** Queues the offline-code key and answers it as a home unit whose key-safe link is down. */
async function provisionAgainstALinkThatIsDown(): Promise<void> {
  const p = await r.t.app.inject({
    method: 'POST',
    url: `/api/v1/access/keysafes/${r.deviceId}/provision`,
    headers: r.admin.auth,
  });
  expect(p.statusCode).toBe(202);
  expect(r.outbox).toHaveLength(1);
  const sent = r.outbox.shift()!;
  const at = r.t.clock.now();
  r.t.app.ingest.bus.emit('command.result', {
    result: {
      v: 1,
      transaction: sent.req.transaction,
      status: 'error',
      reason: 'BAKEN_ERR_KEYSAFE_LINK_DOWN',
      at,
    },
    gatewayId: GATEWAY_ID,
    at,
  });
  await new Promise((done) => setImmediate(done)); // the result is handled asynchronously
  expect(commandStatus()).toBe('pending');
  expect(r.outbox).toHaveLength(0);
}

describe('a command the home unit handed back while its key-safe link was down', () => {
  it('goes again as soon as the key safe is heard from, and is delivered', async () => {
    await provisionAgainstALinkThatIsDown();
    await r.sendAudit(); // the link is up: the gateway forwards the key safe's audit buffer
    expect(r.outbox).toHaveLength(1);
    expect(await r.relayAll()).toEqual([0]);
    expect(commandStatus()).toBe('ok');
    expect(await offlineKeyDelivered()).toBe(true);
  });

  it('goes again at the next access sweep when the key safe says nothing', async () => {
    await provisionAgainstALinkThatIsDown();
    await r.advance(60_000);
    expect(r.outbox).toHaveLength(1);
    expect(await r.relayAll()).toEqual([0]);
    expect(await offlineKeyDelivered()).toBe(true);
  });

  it('waits while the home unit is offline, and goes when it is back', async () => {
    await provisionAgainstALinkThatIsDown();
    await r.setOnline(false);
    await r.advance(120_000);
    expect(r.outbox).toHaveLength(0);
    expect(commandStatus()).toBe('pending');
    await r.setOnline(true); // reconnect: flushed and relayed by the stand-in home unit
    expect(commandStatus()).toBe('ok');
    expect(await offlineKeyDelivered()).toBe(true);
  });
});
