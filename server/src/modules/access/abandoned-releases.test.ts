import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';
import { ABANDONED_AFTER_MS, RELEASE_ABANDONED } from './abandoned-releases.js';
import { sqliteAccessStores } from './sqlite-access-stores.js';
import { release } from './testing/access-fixture.js';

let t: TestApp;
afterEach(() => t?.close());

/** Turns the event loop until `cond` holds (the sweep's work is asynchronous); never wall time. */
async function settle(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 5_000; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the sweep did not finish the release');
}

describe('the access sweep and a release its request left behind', () => {
  it('finishes it once it is past ABANDONED_AFTER_MS (the server stopped while the request waited)', async () => {
    t = await testApp();
    const stores = sqliteAccessStores(t.app.baken.db);
    const now = t.clock.now();
    const r = release({
      id: 'rel-left',
      deviceId: 'ks-left',
      slot: 1,
      issuedAt: now,
      validUntil: now + 900_000,
    });
    await stores.releases.insert(r);
    await stores.commands.insert({
      id: 'ks-cmd-left',
      deviceId: 'ks-left',
      kind: 'set_code',
      params: {},
      purpose: 'release',
      releaseId: r.id,
      createdAt: now,
    });
    await stores.commands.markSent('ks-cmd-left', 1, now);

    t.clock.advance(ABANDONED_AFTER_MS);
    expect(await stores.releases.get(r.id)).not.toBeNull();
    // the next per-minute sweep after the bound finishes it
    t.clock.advance(60_000);
    await settle(async () => (await stores.releases.get(r.id)) === null);
    expect(await stores.commands.get('ks-cmd-left')).toMatchObject({
      status: 'dropped',
      resultReason: `void: ${RELEASE_ABANDONED}`,
    });
  });
});
