import { needProgram } from '@baken/hardware/testing/external-program';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInChromium, hasHorizontalOverflow, screenshot, serveInChromium } from './harness.js';

// The API tokens screen in chromium: create a token (its secret shown once, then never again),
// see name, creation, last use and expiry, revoke it — and the revoked token no longer works.
describe.skipIf(!needProgram('chromium'))('the API tokens screen in chromium', () => {
  let t: TestApp;
  let b: AppInChromium;
  let tech: { id: string; auth: { authorization: string } };

  const pageAs = async (auth: { authorization: string }, viewport?: { width: number; height: number }) => {
    const page = await b.pageAs(auth, viewport);
    page.setDefaultTimeout(10_000);
    return page;
  };
  const secret = (page: Page) => page.locator('#new-token').textContent();

  beforeAll(async () => {
    t = await testApp();
    tech = await t.userWithToken('technician', { username: 'monteur' });
    b = await serveInChromium(t);
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  it('creates a token shown once, which works, and revokes it (Dutch)', async () => {
    const page = await pageAs(tech.auth);
    await page.goto(`${b.url}/app/tokens?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('API-sleutels');
    expect(await page.locator('a[aria-current="page"]').textContent()).toBe('API-sleutels');
    await page.locator('details[data-token-new] summary').click();
    await page.locator('details[data-token-new] input[name="name"]').fill('Voorraadscript');
    await page
      .locator('details[data-token-new] select[name="expiresInS"]')
      .selectOption({ label: '30 dagen' });
    await page.locator('details[data-token-new] button[type="submit"]').click();
    await expect.poll(() => secret(page)).toMatch(/^bkn_/);
    const token = (await secret(page)) ?? '';
    expect(await page.locator('[data-new-token]').isVisible()).toBe(true);
    const row = page.locator('tr', { hasText: 'Voorraadscript' });
    await row.waitFor();
    expect(await row.locator('[data-token-state]').textContent()).toBe('In gebruik');
    expect(await row.textContent()).toContain('nooit');

    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    await page.reload();
    expect(await page.content()).not.toContain(token);
    expect(await page.locator('tr', { hasText: 'Voorraadscript' }).textContent()).not.toContain('nooit');

    await page
      .locator('tr', { hasText: 'Voorraadscript' })
      .locator('button', { hasText: 'Intrekken' })
      .click();
    await page
      .locator('tr', { hasText: 'Voorraadscript' })
      .locator('[data-token-state]', { hasText: 'Ingetrokken' })
      .waitFor();
    const after = await t.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
    await screenshot(page, 'tokens-nl');
  });

  it('says what is wrong with a name that is too long, with the code (English); fits a phone', async () => {
    const page = await pageAs(tech.auth);
    await page.goto(`${b.url}/app/tokens?lang=en`);
    expect(await page.locator('h1').textContent()).toBe('API tokens');
    await page.locator('details[data-token-new] summary').click();
    const name = page.locator('details[data-token-new] input[name="name"]');
    // past the browser's own maxlength, as a script or an old page would send it
    await name.evaluate((el: { removeAttribute(a: string): void }) => el.removeAttribute('maxlength'));
    await name.fill('x'.repeat(101));
    await page.locator('details[data-token-new] button[type="submit"]').click();
    const status = page.locator('#action-status.notice-error');
    await status.waitFor();
    expect(await status.textContent()).toContain(
      'Not done: a field is missing or not filled in correctly (BAKEN_ERR_VALIDATION)',
    );
    expect(await page.locator('#new-token').textContent()).toBe('');

    expect(
      await page.locator('details[data-token-new] select[name="expiresInS"] option').allTextContents(),
    ).toEqual(['no end date', '1 day', '30 days', '90 days', '365 days']);

    const phone = await pageAs(tech.auth, { width: 390, height: 844 });
    await phone.goto(`${b.url}/app/tokens`);
    expect(await hasHorizontalOverflow(phone)).toBe(false);
    await screenshot(phone, 'tokens-phone-en');
  });

  it('is not offered to a care worker, who cannot open it', async () => {
    const worker = (await t.userWithToken('care_worker')).auth;
    const page = await pageAs(worker);
    const r = await page.goto(`${b.url}/app/tokens`);
    expect(r?.status()).toBe(403);
    expect(await page.locator('a[href="/app/tokens"]').count()).toBe(0);
  });
});
