import { needProgram } from '@baken/hardware/testing/external-program';
import { type Dc09TestApp, dc09TestApp } from '@baken/server/modules/alarm-centre/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInChromium, hasHorizontalOverflow, screenshot, serveInChromium } from './harness.js';

// The alarm-centre accounts screen in chromium (docs/alarm-centre.md): a home's account at the
// alarm centre with its receivers, and a third-party unit reporting to Baken — created, changed
// and stopped on the page. Keys are write-only: typed once, never in a page or an answer again.
const KEY_128 = '00112233445566778899aabbccddeeff';
const KEY_256 = `${KEY_128}${KEY_128}`;

describe.skipIf(!needProgram('chromium'))('the alarm-centre accounts screen in chromium', () => {
  let t: Dc09TestApp;
  let b: AppInChromium;
  let admin: { authorization: string };
  let homeA = '';
  let homeB = '';

  const pageAs = async (auth: { authorization: string }, viewport?: { width: number; height: number }) => {
    const page = await b.pageAs(auth, viewport);
    page.setDefaultTimeout(10_000);
    return page;
  };
  const out = async () =>
    (await t.call<Array<Record<string, unknown>>>('GET', '/api/v1/alarm-centre/accounts')).body;
  const units = async () =>
    (await t.call<Array<Record<string, unknown>>>('GET', '/api/v1/alarm-centre/units')).body;
  const ok = (page: Page) => page.locator('#action-status.notice-ok').waitFor();

  beforeAll(async () => {
    t = await dc09TestApp({}, { strictResponses: false });
    admin = (await t.userWithToken('admin', { username: 'beheer' })).auth;
    homeA = await t.newHome('Dorpsstraat 9');
    homeB = await t.newHome('Kerkplein 2');
    b = await serveInChromium(t);
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  it('connects a home with an AES key and a backup receiver, changes it keeping the key, then sends unencrypted and stops (Dutch)', async () => {
    const page = await pageAs(admin);
    await page.goto(`${b.url}/app/alarm-centre?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('Meldkamerkoppeling (SIA DC-09)');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Meldkamer');
    const form = page.locator('details[data-out-new]');
    await form.locator('summary').click();
    await form.locator('select[name="homeId"]').selectOption({ label: 'Dorpsstraat 9' });
    await form.locator('input[name="account"]').fill('1234');
    await form.locator('input[name="key"]').fill(KEY_128);
    await form.locator('select[name="content"]').selectOption('SIA-DCS');
    await form.locator('input[name="supervisionS"]').fill('60');
    await form.locator('[data-item] input[name="host"]').fill('127.0.0.1');
    await form.locator('[data-item] input[name="port"]').fill('9000');
    await form.locator('[data-add-item]').click();
    const backup = form.locator('[data-item]').nth(1);
    await backup.locator('input[name="host"]').fill('127.0.0.2');
    await backup.locator('input[name="port"]').fill('9001');
    await backup.locator('select[name="transport"]').selectOption('udp');
    await form.locator('button[type="submit"]').click();

    const row = page.locator('tr[data-out-account="1234"]');
    await row.waitFor();
    expect(await row.locator('[data-encryption]').textContent()).toBe('AES-128');
    expect(await row.textContent()).toContain('127.0.0.1:9000 TCP (eerste)');
    expect(await row.textContent()).toContain('127.0.0.2:9001 UDP (reserve 1)');
    expect(await out()).toMatchObject([
      {
        homeId: homeA,
        account: '1234',
        keyBits: 128,
        content: 'SIA-DCS',
        supervisionS: 60,
        receivers: [
          { host: '127.0.0.1', port: 9000, transport: 'tcp' },
          { host: '127.0.0.2', port: 9001, transport: 'udp' },
        ],
      },
    ]);
    expect(await page.content()).not.toContain(KEY_128);
    expect(await row.locator('input[name="key"]').inputValue()).toBe('');

    await row.locator('details[data-edit] summary').click();
    await row.locator('input[name="supervisionS"]').fill('120');
    await row.locator('details[data-edit] button[type="submit"]').click();
    await ok(page);
    await expect.poll(async () => (await out())[0]?.['supervisionS']).toBe(120);
    expect((await out())[0]?.['keyBits']).toBe(128);

    await page.locator('tr[data-out-account="1234"] button[data-remove-key]').click();
    await page
      .locator('tr[data-out-account="1234"] [data-encryption]', { hasText: 'geen (onversleuteld)' })
      .waitFor();
    expect((await out())[0]).toMatchObject({ keyBits: null, supervisionS: 120, content: 'SIA-DCS' });
    await screenshot(page, 'alarm-centre-nl');

    await page.locator('tr[data-out-account="1234"] button[data-stop]').click();
    await page.locator('tr[data-out-account="1234"]').waitFor({ state: 'detached' });
    expect(await out()).toEqual([]);
  });

  it('registers a unit, refuses its account twice in words with the code, changes and removes it (English)', async () => {
    const page = await pageAs(admin);
    await page.goto(`${b.url}/app/alarm-centre?lang=en`);
    expect(await page.locator('[data-receiver]').textContent()).toContain('Listening on TCP');
    const register = async () => {
      const form = page.locator('details[data-in-new]');
      if (!(await form.locator('select[name="homeId"]').isVisible())) await form.locator('summary').click();
      await form.locator('select[name="homeId"]').selectOption({ label: 'Kerkplein 2' });
      await form.locator('input[name="account"]').fill('ABC123');
      await form.locator('input[name="key"]').fill(KEY_256);
      await form.locator('button[type="submit"]').click();
    };
    await register();
    const row = page.locator('tr[data-unit="ABC123"]');
    await row.waitFor();
    expect(await row.locator('[data-encryption]').textContent()).toBe('AES-256');
    expect(await units()).toMatchObject([
      {
        homeId: homeB,
        account: 'ABC123',
        keyBits: 256,
        windowPastS: 40,
        windowFutureS: 20,
        supervisionS: 3600,
      },
    ]);

    await register();
    const status = page.locator('#action-status.notice-error');
    await status.waitFor();
    expect(await status.textContent()).toContain(
      'Not saved: A unit with this account (and receiver and line) is registered already. (BAKEN_ERR_CONFLICT)',
    );
    expect(await units()).toHaveLength(1);
    expect(await page.content()).not.toContain(KEY_256);

    await row.locator('details[data-edit] summary').click();
    await row.locator('input[name="windowPastS"]').fill('60');
    await row.locator('details[data-edit] button[type="submit"]').click();
    await expect.poll(async () => (await units())[0]?.['windowPastS']).toBe(60);
    expect((await units())[0]?.['keyBits']).toBe(256);

    await page.locator('tr[data-unit="ABC123"] button[data-remove-unit]').click();
    await page.locator('tr[data-unit="ABC123"]').waitFor({ state: 'detached' });
    expect(await units()).toEqual([]);

    const phone = await pageAs(admin, { width: 390, height: 844 });
    await phone.goto(`${b.url}/app/alarm-centre`);
    expect(await hasHorizontalOverflow(phone)).toBe(false);
  });

  it('a technician changes accounts but cannot stop them; a monitor has no such page', async () => {
    await t.call('PUT', `/api/v1/homes/${homeA}/alarm-centre`, {
      account: '4321',
      receivers: [{ host: '127.0.0.1', port: 9000, transport: 'tcp' }],
    });
    const tech = (await t.userWithToken('technician')).auth;
    const page = await pageAs(tech);
    await page.goto(`${b.url}/app/alarm-centre?lang=en`);
    const row = page.locator('tr[data-out-account="4321"]');
    await row.waitFor();
    expect(await row.locator('details[data-edit]').count()).toBe(1);
    expect(await row.locator('button[data-stop]').count()).toBe(0);

    const monitor = (await t.userWithToken('monitor')).auth;
    const m = await pageAs(monitor);
    const r = await m.goto(`${b.url}/app/alarm-centre`);
    expect(r?.status()).toBe(403);
    expect(await m.locator('nav a[href="/app/alarm-centre"]').count()).toBe(0);
  });
});
