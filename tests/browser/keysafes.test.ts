import { RIG_INSTALL_SECRET, RIG_SERIAL } from '@baken/device-sim/keysafe/ks-test-rig';
import { needProgram } from '@baken/hardware/testing/external-program';
import { ksInstallationCode } from '@baken/protocols';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig } from '../access/support/access-rig.js';
import { type AppInChromium, hasHorizontalOverflow, screenshot, serveInChromium } from './harness.js';

// The key safes screen in chromium: a newly paired key safe (simulated, behind an online home
// unit) gets its key from the installation code typed on the page [KS-SERIAL §8.8], refused
// first without the pairing button; then a trial code, shown once. The page never holds the key.
describe.skipIf(!needProgram('chromium'))('the key safes screen in chromium', () => {
  let r: AccessRig;
  let b: AppInChromium;
  const CODE = ksInstallationCode(RIG_INSTALL_SECRET);

  const pageAs = async (auth: { authorization: string }, viewport?: { width: number; height: number }) => {
    const page = await b.pageAs(auth, viewport);
    page.setDefaultTimeout(10_000);
    return page;
  };
  /** Relays what the server sends to the simulated key safe until the page says how it went. */
  const relayUntilSaid = async (page: Page) => {
    await expect
      .poll(async () => {
        await r.relayAll();
        return page.locator('#action-status[aria-busy], #action-status:not([hidden])').count();
      })
      .toBe(1);
    return page.locator('#action-status');
  };
  const safe = async () =>
    (
      (await r.t.app.inject({ url: '/api/v1/access/keysafes', headers: r.admin.auth })).json() as Array<
        Record<string, unknown>
      >
    )[0];

  beforeAll(async () => {
    r = await accessRig({ fresh: true });
    await r.setOnline(true);
    b = await serveInChromium(r.t);
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : r?.t.close());
  });

  it('refuses the key without the pairing button, then installs it (Dutch)', async () => {
    const page = await pageAs(r.admin.auth);
    await page.goto(`${b.url}/app/keysafes?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('Sleutelkluizen');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Sleutelkluizen');
    const row = page.locator(`tr[data-keysafe="${RIG_SERIAL}"]`);
    expect(await row.locator('[data-key-state]').textContent()).toBe('Nog geen sleutel');
    await row.locator('input[name="installationCode"]').fill(CODE);
    await row.locator('form button[type="submit"]').click();
    const status = await relayUntilSaid(page);
    await expect.poll(() => status.textContent()).toContain('De sleutelkluis weigerde de sleutel');
    expect(await status.textContent()).toContain('(BAKEN_ERR_CONFLICT)');
    expect((await safe())?.['hasKey']).toBe(false);

    r.ks.safe.pressPairingButton();
    await row.locator('input[name="installationCode"]').fill(CODE);
    await row.locator('form button[type="submit"]').click();
    await expect
      .poll(async () => {
        await r.relayAll();
        return page.locator(`tr[data-keysafe="${RIG_SERIAL}"] [data-key-state]`).textContent();
      })
      .toContain('Geïnstalleerd');
    expect(await page.locator('#action-status').textContent()).toBe(
      'Gedaan: de sleutelkluis heeft het bevestigd.',
    );
    await r.relayAll(); // the offline-code key follows the key
    expect(await safe()).toMatchObject({ hasKey: true, offlineKeyDelivered: true });
    expect(await page.content()).not.toContain(CODE);
    await screenshot(page, 'keysafes-nl');
  });

  it('gives the installer a trial code once (English), which opens the safe', async () => {
    const tech = await r.t.userWithToken('technician');
    const page = await pageAs(tech.auth);
    await page.goto(`${b.url}/app/keysafes?lang=en`);
    await page.locator(`tr[data-keysafe="${RIG_SERIAL}"] button[data-trial]`).click();
    await expect.poll(() => page.locator('#trial-code').textContent()).toMatch(/^\d{8}$/);
    expect(await page.locator('#action-status').textContent()).toBe('Trial code ready: the key safe has it.');
    const code = (await page.locator('#trial-code').textContent()) ?? '';
    expect(r.ks.safe.enterCode(code)).toBe('accepted');
    await page.reload();
    expect(await page.content()).not.toContain(code);

    const phone = await pageAs(tech.auth, { width: 390, height: 844 });
    await phone.goto(`${b.url}/app/keysafes`);
    expect(await hasHorizontalOverflow(phone)).toBe(false);
  });

  it('says so in words when the home unit is offline (English)', async () => {
    await r.setOnline(false);
    const page = await pageAs(r.admin.auth);
    await page.goto(`${b.url}/app/keysafes?lang=en`);
    const row = page.locator(`tr[data-keysafe="${RIG_SERIAL}"]`);
    await row.locator('details[data-install] summary').click();
    await row.locator('input[name="installationCode"]').fill(CODE);
    await row.locator('form button[type="submit"]').click(); // the replace question is accepted
    const status = page.locator('#action-status.notice-error');
    await status.waitFor();
    expect(await status.textContent()).toContain(
      'Not done: the key safe cannot be reached now (BAKEN_ERR_KEYSAFE_UNAVAILABLE)',
    );
  });

  it('is not in the menu of a monitor, who cannot open it', async () => {
    const page = await pageAs(r.monitor.auth);
    const res = await page.goto(`${b.url}/app/keysafes`);
    expect(res?.status()).toBe(403);
    expect(await page.locator('nav a[href="/app/keysafes"]').count()).toBe(0);
  });
});
