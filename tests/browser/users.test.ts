import { needProgram } from '@baken/hardware/testing/external-program';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInChromium, hasHorizontalOverflow, screenshot, serveInChromium } from './harness.js';

// The Users screen in a real browser (Debian's chromium via playwright-core): what was API-only —
// adding a user, changing a role, resetting a password, disabling — done on a page, in Dutch and
// English, with the last-admin rule explained by the API's own message.
describe.skipIf(!needProgram('chromium'))('the Users screen in chromium', () => {
  let t: TestApp;
  let url: string;
  let b: AppInChromium;
  let admin: { id: string; auth: { authorization: string } };

  const pageAs = (auth: { authorization: string }, viewport?: { width: number; height: number }) =>
    b.pageAs(auth, viewport);

  beforeAll(async () => {
    t = await testApp();
    admin = await t.userWithToken('admin', { username: 'beheer' });
    await t.app.baken.repos.clients.createClient({ name: 'Mevrouw Jansen' }, t.clock.now());
    b = await serveInChromium(t);
    url = b.url;
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  const stored = (username: string) =>
    t.app.baken.repos.users.list().then((us) => us.find((u) => u.username === username));

  it('adds a care worker, makes them a monitor, resets their password and disables them (Dutch)', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${url}/app/users?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('Gebruikers en rollen');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Gebruikers');
    await page.locator('details[data-user-new] summary').click();
    const form = page.locator('form[data-user-create]');
    await form.locator('input[name="displayName"]').fill('Fatima el Amrani');
    await form.locator('input[name="username"]').fill('fatima');
    await form.locator('select[name="role"]').selectOption('care_worker');
    await form.locator('input[name="password"]').fill('een lang eerste wachtwoord');
    await form.locator('button[type="submit"]').click();
    const row = page.locator('tr[data-user="fatima"]');
    await row.waitFor();
    expect(await row.locator('[data-user-role]').textContent()).toBe('Zorgverlener');
    expect((await stored('fatima'))?.role).toBe('care_worker');

    await row.locator('summary').click();
    await row.locator('select[name="role"]').selectOption('monitor');
    await row
      .locator('form', { has: page.locator('select[name="role"]') })
      .locator('button')
      .click();
    await page
      .locator('tr[data-user="fatima"] [data-user-role]', { hasText: 'Meldkamermedewerker' })
      .waitFor();
    expect((await stored('fatima'))?.role).toBe('monitor');

    const before = (await t.app.baken.repos.users.findForLogin('fatima'))?.passwordHash;
    await page.locator('tr[data-user="fatima"] summary').click();
    await page.locator('tr[data-user="fatima"] input[name="password"]').fill('een nieuw lang wachtwoord');
    await page
      .locator('tr[data-user="fatima"] form', { has: page.locator('input[name="password"]') })
      .locator('button')
      .click();
    await page.locator('#action-status.notice-ok').waitFor();
    await expect
      .poll(async () => (await t.app.baken.repos.users.findForLogin('fatima'))?.passwordHash)
      .not.toBe(before);

    await page.locator('tr[data-user="fatima"] summary').click();
    await page.locator('tr[data-user="fatima"] button', { hasText: 'Uitschakelen' }).click();
    await page.locator('tr[data-user="fatima"] [data-user-status]', { hasText: 'Uitgeschakeld' }).waitFor();
    expect((await stored('fatima'))?.disabled).toBe(true);
    await screenshot(page, 'users-nl');
  });

  it('refuses to demote the last admin and says why (English); fits a phone', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${url}/app/users?lang=en`);
    const me = page.locator('tr[data-user="beheer"]');
    await me.locator('summary').click();
    await me.locator('select[name="role"]').selectOption('monitor');
    await me
      .locator('form', { has: page.locator('select[name="role"]') })
      .locator('button')
      .click();
    const status = page.locator('#action-status.notice-error');
    await status.waitFor();
    expect(await status.textContent()).toMatch(/^Not saved: .*admin/i);
    expect((await stored('beheer'))?.role).toBe('admin');

    const phone = await pageAs(admin.auth, { width: 390, height: 844 });
    await phone.goto(`${url}/app/users`);
    expect(await hasHorizontalOverflow(phone)).toBe(false);
  });

  it('is not in the menu of a monitor, who cannot open it', async () => {
    const monitor = (await t.userWithToken('monitor')).auth;
    const page = await pageAs(monitor);
    const r = await page.goto(`${url}/app/users`);
    expect(r?.status()).toBe(403);
    expect(await page.locator('nav a[href="/app/users"]').count()).toBe(0);
  });
});
