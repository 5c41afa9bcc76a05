import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig } from './support/access-rig.js';

// A key safe the server holds no key for (installed, home unit online, KEY_INSTALL not done yet):
// nothing can be signed for it, and the caller is told what to do instead of getting a 500.
let r: AccessRig;
beforeEach(async () => {
  r = await accessRig({ fresh: true });
  await r.setOnline(true);
});
afterEach(() => r.close());

const releaseCount = () =>
  (r.t.app.baken.db.prepare('SELECT COUNT(*) AS n FROM access_releases').get() as { n: number }).n;

describe('a key safe without a key on the server', () => {
  it('remote open answers 409 BAKEN_ERR_KEYSAFE_NO_KEY, sends nothing and keeps no release', async () => {
    const alarmId = r.raiseAlarm('a');
    const res = await r.t.app.inject({
      method: 'POST',
      url: '/api/v1/access/remote-open',
      headers: r.monitor.auth,
      payload: { homeId: r.homeId, alarmId },
    });
    expect(res.statusCode).toBe(409);
    const body = res.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAKEN_ERR_KEYSAFE_NO_KEY');
    expect(body.error.message).toMatch(/install its key/);
    expect(r.outbox).toHaveLength(0);
    expect(releaseCount()).toBe(0);
  });

  it('asking for a code answers 409 BAKEN_ERR_KEYSAFE_NO_KEY and keeps no release', async () => {
    const w = await r.worker();
    const res = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'BAKEN_ERR_KEYSAFE_NO_KEY' } });
    expect(releaseCount()).toBe(0);
  });
});
