import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needProgram } from '@baken/hardware/testing/external-program';
import { TEST_RELEASE_KEY_PEM } from '@baken/protocols/release/test-keys';
import { signedUpload, trustReleaseKey } from '@baken/server/modules/updates/testing';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHorizontalOverflow, launchChromium, screenshot } from './harness.js';

// The Updates page in a real browser (Debian's chromium via playwright-core): an admin sees the
// releases, a rollout paused by itself after a unit rolled back (with the reason and the counts),
// each unit's state and version, and resumes it. The server is a test app on an ephemeral port;
// the units' answers arrive through the same domain bus ingest feeds.
describe.skipIf(!needProgram('chromium'))('the Updates page in chromium', () => {
  let t: TestApp;
  let dir: string;
  let url: string;
  let browser: Browser;
  let admin: { authorization: string };
  const contexts: BrowserContext[] = [];
  const units: string[] = [];

  async function pageAs(auth: { authorization: string }, viewport = { width: 1280, height: 900 }) {
    const ctx = await browser.newContext({ viewport, extraHTTPHeaders: auth });
    contexts.push(ctx);
    return ctx.newPage();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-web-upd-'));
    trustReleaseKey(dir, TEST_RELEASE_KEY_PEM);
    t = await testApp({ dataDir: dir });
    admin = (await t.userWithToken('admin')).auth;
    const { repos } = t.app.baken;
    for (let i = 0; i < 4; i++) {
      const c = await repos.clients.createClient({ name: `C${i}` }, t.clock.now());
      const h = await repos.clients.createHome(
        { clientId: c.id, address: `Dorpsstraat ${i + 1}` },
        t.clock.now(),
      );
      const id = `gw-web-${i}`;
      await repos.gateways.create({
        id,
        homeId: h.id,
        serial: null,
        createdAt: t.clock.now(),
        revokedAt: null,
        mqttPasswordHash: 'x',
      });
      units.push(id);
    }
    const post = (u: string, payload: object) =>
      t.app.inject({ method: 'POST', url: u, headers: admin, payload });
    expect(
      (
        await post(
          '/api/v1/updates/releases',
          signedUpload(Buffer.from('deb 0.2.0'), '0.2.0', TEST_RELEASE_KEY_PEM),
        )
      ).statusCode,
    ).toBe(201);
    expect(
      (await post('/api/v1/updates/rollouts', { version: '0.2.0', target: { all: true }, waves: [25, 100] }))
        .statusCode,
    ).toBe(201);
    // the first wave's unit takes the offer, installs, fails its health check and rolls back
    const svc = t.app.updates;
    const rollout = (await svc.store.rollouts())[0]!;
    const first = (await svc.store.units(rollout.id)).find((u) => u.state === 'offered')!;
    const bus = t.app.ingest.bus;
    bus.emit('command.result', {
      result: { v: 1, transaction: first.transactionId!, status: 'ok', at: t.clock.now() },
      gatewayId: first.gatewayId,
      at: t.clock.now(),
    });
    await new Promise((r) => setImmediate(r)); // the answer's store calls settle within this turn
    await svc.engine.onReport(
      first.gatewayId,
      {
        state: 'rolled_back',
        version: '0.2.0',
        running: '0.1.0',
        rollout: rollout.id,
        reason: 'BAKEN_ERR_UPDATE_HEALTH: not connected to the broker',
      },
      t.clock.now(),
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the release and the paused rollout with its reason, counts and units; an admin resumes it', async () => {
    const page = await pageAs(admin);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${url}/app/updates?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('Updates van thuiseenheden');
    expect(await page.locator('section[data-rollout] [data-rollout-state]').textContent()).toBe('Gepauzeerd');
    await page.goto(`${url}/app/updates?lang=en`);
    expect(await page.locator('h1').textContent()).toBe('Gateway updates');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Updates');
    expect(await page.locator('table[data-releases] tbody tr').first().textContent()).toContain('0.2.0');
    const card = page.locator('section[data-rollout]').first();
    expect(await card.locator('[data-rollout-state]').textContent()).toBe('Paused');
    expect(await card.locator('[data-pause-reason]').textContent()).toContain(
      '1 of 1 units failed or rolled back',
    );
    expect(await card.locator('[data-count="rolled_back"]').textContent()).toBe('1');
    expect(await card.locator('[data-count="pending"]').textContent()).toBe('3');
    await card.locator('details summary').click();
    const rolledBack = card.locator('tr[data-unit]', { hasText: 'Rolled back' });
    expect(await rolledBack.textContent()).toContain('0.1.0');
    expect(await rolledBack.textContent()).toContain('not connected to the broker');
    await screenshot(page, 'updates-paused');

    await card.locator('button[data-rollout-action="resume"]').click();
    await page.locator('#action-status.notice-ok').waitFor();
    await page.locator('section[data-rollout] [data-rollout-state]', { hasText: 'Running' }).waitFor();
    // resumed with the failure accepted: wave 1 is done, so wave 2 is offered
    expect(await page.locator('section[data-rollout] [data-rollout-wave]').textContent()).toBe('2');
    expect(await page.locator('section[data-rollout] [data-count="offered"]').textContent()).toBe('3');

    await page.locator('button[data-rollout-action="abort"]').click();
    await page.locator('section[data-rollout] [data-rollout-state]', { hasText: 'Aborted' }).waitFor();
    expect(await page.locator('button[data-rollout-action]').count()).toBe(0);
  });

  it('fits a phone, and is not in the menu of a monitor, who cannot open it', async () => {
    const phone = await pageAs(admin, { width: 390, height: 844 });
    await phone.goto(`${url}/app/updates`);
    expect(await hasHorizontalOverflow(phone)).toBe(false);
    const monitor = (await t.userWithToken('monitor')).auth;
    const page = await pageAs(monitor);
    const r = await page.goto(`${url}/app/updates`);
    expect(r?.status()).toBe(403);
    expect(await page.locator('nav a', { hasText: 'Updates' }).count()).toBe(0);
  });
});
