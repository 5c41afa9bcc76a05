import { needProgram } from '@baken/hardware/testing/external-program';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInChromium, hasHorizontalOverflow, screenshot, serveInChromium } from './harness.js';

// The Functions screen in chromium: functions with their access hours per situation (days,
// from–until, local time), who has which function, the signed declaration and the yearly review —
// what was API-only — done on the page and checked in what the API stores.
describe.skipIf(!needProgram('chromium'))('the Functions screen in chromium', () => {
  let t: TestApp;
  let b: AppInChromium;
  let admin: { id: string; auth: { authorization: string } };
  let fatima = '';

  const get = async <T>(path: string) =>
    (await t.app.inject({ method: 'GET', url: path, headers: admin.auth })).json() as T;
  const pageAs = async (auth: { authorization: string }, viewport?: { width: number; height: number }) => {
    const page = await b.pageAs(auth, viewport);
    page.setDefaultTimeout(10_000); // a step that fails says which, before the test's own timeout
    return page;
  };
  type Fn = { id: string; name: string; windows: Record<string, Array<Record<string, number>>> };
  const fn = async (name: string) =>
    (await get<Fn[]>('/api/v1/access/functions')).find((f) => f.name === name);

  beforeAll(async () => {
    t = await testApp();
    admin = await t.userWithToken('admin', { username: 'beheer' });
    fatima = (
      await t.app.baken.repos.users.create(
        {
          username: 'fatima',
          displayName: 'Fatima el Amrani',
          role: 'care_worker',
          passwordHash: 'scrypt$1$1$1$AA==$AA==',
          clientId: null,
        },
        t.clock.now(),
      )
    ).id;
    b = await serveInChromium(t);
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  it('creates a function with its hours on weekdays and at the weekend (Dutch)', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${b.url}/app/functions?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('Functies en toegangstijden');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Functies');
    expect(await page.locator('main').textContent()).toContain('Europe/Amsterdam');
    const form = page.locator('details[data-function-new]');
    await form.locator('summary').click();
    await form.locator('input[name="name"]').fill('Wijkverpleegkundige');
    const planned = form.locator('fieldset[data-situation="planned_care"] [data-item]').first();
    for (const d of ['1', '2', '3', '4', '5'])
      await planned.locator(`input[name="weekday"][value="${d}"]`).check();
    await planned.locator('input[name="fromMinute"]').fill('08:00');
    await planned.locator('input[name="toMinute"]').fill('17:00');
    const alarm = form.locator('fieldset[data-situation="alarm"] [data-item]').first();
    for (const d of ['6', '7']) await alarm.locator(`input[name="weekday"][value="${d}"]`).check();
    await alarm.locator('input[name="fromMinute"]').fill('09:00');
    await alarm.locator('input[name="toMinute"]').fill('00:00');
    await form.locator('button[type="submit"]').click();

    const card = page.locator('article[data-function]', { hasText: 'Wijkverpleegkundige' });
    await card.waitFor();
    expect(await card.locator('[data-hours="planned_care"]').textContent()).toBe('ma–vr 08:00–17:00');
    expect(await card.locator('[data-hours="alarm"]').textContent()).toBe('za, zo 09:00–24:00');
    const stored = await fn('Wijkverpleegkundige');
    expect(stored?.windows['planned_care']).toEqual(
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1020 })),
    );
    expect(stored?.windows['alarm']).toEqual(
      [6, 7].map((weekday) => ({ weekday, fromMinute: 540, toMinute: 1440 })),
    );
    await screenshot(page, 'functions-nl');
  });

  it('refuses a window that ends before it starts, in words with the code, then saves a fixed one (Dutch)', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${b.url}/app/functions?lang=nl`);
    const card = page.locator('article[data-function]', { hasText: 'Wijkverpleegkundige' });
    await card.locator('details[data-edit-hours] summary').click();
    const alarm = card.locator('fieldset[data-situation="alarm"]');
    await alarm.locator('[data-add-item]').click();
    const row = alarm.locator('[data-item]').nth(1);
    await row.locator('input[name="weekday"][value="1"]').check();
    await row.locator('input[name="fromMinute"]').fill('22:00');
    await row.locator('input[name="toMinute"]').fill('07:00');
    await card.locator('form button[type="submit"]').click();
    const status = page.locator('#action-status.notice-error');
    await status.waitFor();
    expect(await status.textContent()).toContain(
      'Niet opgeslagen: Elk venster moet eindigen na het begin (tot 00:00 is het einde van de dag). (BAKEN_ERR_CONFLICT)',
    );
    expect((await fn('Wijkverpleegkundige'))?.windows['alarm']).toHaveLength(2);

    await row.locator('input[name="toMinute"]').fill('00:00');
    await card.locator('form button[type="submit"]').click();
    await page.locator('#action-status.notice-ok').waitFor();
    expect((await fn('Wijkverpleegkundige'))?.windows['alarm']).toContainEqual({
      weekday: 1,
      fromMinute: 1320,
      toMinute: 1440,
    });
    await expect
      .poll(() => page.locator('article[data-function] [data-hours="alarm"]').textContent())
      .toBe('ma 22:00–24:00; za, zo 09:00–24:00');
  });

  it('gives a care worker the function and records their declaration (English); fits a phone', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${b.url}/app/functions?lang=en`);
    expect(await page.locator('h1').textContent()).toBe('Functions and access hours');
    const row = page.locator(`tr[data-employee="${fatima}"]`);
    expect(await row.textContent()).toContain('No signed declaration yet');
    await row.locator('label', { hasText: 'Wijkverpleegkundige' }).locator('input').check();
    await row.locator('form[data-employee-functions] button').click();
    await page.locator('#action-status.notice-ok').waitFor();
    const id = (await fn('Wijkverpleegkundige'))?.id;
    expect(await get(`/api/v1/access/employees/${fatima}/functions`)).toEqual({
      userId: fatima,
      functionIds: [id],
    });

    await row.locator('details[data-declaration] summary').click();
    await row.locator('input[name="signedAt"]').fill('2026-11-30');
    await row.locator('input[name="documentRef"]').fill('VOG 2026-118');
    await row.locator('details[data-declaration] button').click();
    await page.locator(`tr[data-employee="${fatima}"]`, { hasText: 'Can get a code' }).waitFor();
    expect(await page.locator(`tr[data-employee="${fatima}"] input[value="${id}"]`).isChecked()).toBe(true);

    await page.locator('form[data-review] textarea').fill('Checked every function with the team leads.');
    await page.locator('form[data-review] button').click();
    await page.locator('[data-review-last]', { hasText: 'Checked every function' }).waitFor();
    await screenshot(page, 'functions-en');

    const phone = await pageAs(admin.auth, { width: 390, height: 844 });
    await phone.goto(`${b.url}/app/functions?lang=nl`);
    await phone.locator('article[data-function] details[data-edit-hours] summary').click();
    expect(await hasHorizontalOverflow(phone)).toBe(false);
  });

  it('is not in the menu of a monitor, who cannot open it', async () => {
    const monitor = (await t.userWithToken('monitor')).auth;
    const page = await pageAs(monitor);
    const r = await page.goto(`${b.url}/app/functions`);
    expect(r?.status()).toBe(403);
    expect(await page.locator('nav a[href="/app/functions"]').count()).toBe(0);
  });
});
