import { needProgram } from '@baken/hardware/testing/external-program';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInChromium, hasHorizontalOverflow, screenshot, serveInChromium } from './harness.js';

// The Access management screen in a real browser: teams and their members, and blocks of a
// person or a team — what was API-only — done on the page and checked in what the API stores.
describe.skipIf(!needProgram('chromium'))('the Access management screen in chromium', () => {
  let t: TestApp;
  let url: string;
  let b: AppInChromium;
  let admin: { id: string; auth: { authorization: string } };
  const people: Record<string, string | undefined> = {};

  const pageAs = (auth: { authorization: string }, viewport?: { width: number; height: number }) =>
    b.pageAs(auth, viewport);
  const api = async (path: string) =>
    (await t.app.inject({ method: 'GET', url: path, headers: admin.auth })).json() as Array<
      Record<string, unknown>
    >;

  beforeAll(async () => {
    t = await testApp();
    admin = await t.userWithToken('admin', { username: 'beheer' });
    for (const [username, displayName] of [
      ['fatima', 'Fatima el Amrani'],
      ['joost', 'Joost de Vries'],
    ] as const) {
      const u = await t.app.baken.repos.users.create(
        {
          username,
          displayName,
          role: 'care_worker',
          passwordHash: 'scrypt$1$1$1$AA==$AA==',
          clientId: null,
        },
        t.clock.now(),
      );
      people[username] = u.id;
    }
    b = await serveInChromium(t);
    url = b.url;
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  it('creates a team, adds two members and removes one (Dutch)', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${url}/app/manage-access?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('Toegangsbeheer');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Toegangsbeheer');
    await page.locator('details[data-team-new] summary').click();
    await page.locator('details[data-team-new] input[name="name"]').fill('Nachtdienst Noord');
    await page.locator('details[data-team-new] input[name="id"]').fill('nacht-noord');
    await page.locator('details[data-team-new] button[type="submit"]').click();
    const team = page.locator('[data-team="nacht-noord"]');
    await team.waitFor();
    expect(await team.locator('h3').textContent()).toBe('Nachtdienst Noord');

    for (const name of ['Fatima el Amrani', 'Joost de Vries']) {
      await page
        .locator('[data-team="nacht-noord"] form[data-team-add] select')
        .selectOption({ label: name });
      await page.locator('[data-team="nacht-noord"] form[data-team-add] button').click();
      await page.locator('[data-team="nacht-noord"] [data-team-members] li', { hasText: name }).waitFor();
    }
    const stored = async () => (await api('/api/v1/access/teams')).find((x) => x['id'] === 'nacht-noord');
    expect(((await stored())?.['memberIds'] as string[] | undefined)?.toSorted()).toEqual(
      [people['fatima'], people['joost']].toSorted(),
    );

    await page.locator(`[data-team="nacht-noord"] li[data-member="${people['fatima']}"] button`).click();
    await page
      .locator(`[data-team="nacht-noord"] li[data-member="${people['fatima']}"]`)
      .waitFor({ state: 'detached' });
    expect((await stored())?.['memberIds']).toEqual([people['joost']]);
    await screenshot(page, 'access-admin-teams-nl');
  });

  it('blocks a person with a reason and lifts the block (Dutch)', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${url}/app/manage-access?lang=nl`);
    const form = page.locator('details[data-block-new="person"]');
    await form.locator('summary').click();
    await form.locator('select[name="target"]').selectOption({ label: 'Fatima el Amrani' });
    await form.locator('input[name="reason"]').fill('Pas kwijt');
    await form.locator('button[type="submit"]').click();
    const row = page.locator('table[data-blocks] tr', { hasText: 'Fatima el Amrani' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Pas kwijt');
    expect(await row.textContent()).toContain('Persoon');
    const active = async () => (await api('/api/v1/access/blocks')).filter((b) => b['liftedAt'] === null);
    expect((await active()).map((b) => [b['scope'], b['target'], b['reason']])).toEqual([
      ['person', people['fatima'], 'Pas kwijt'],
    ]);

    await row.locator('button', { hasText: 'Blokkade opheffen' }).click();
    await page.locator('table[data-blocks]', { hasText: 'Er is niets geblokkeerd.' }).waitFor();
    expect(await active()).toEqual([]);
  });

  it('blocks a team and names it in the list (English); fits a phone', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${url}/app/manage-access?lang=en`);
    const form = page.locator('details[data-block-new="team"]');
    await form.locator('summary').click();
    await form.locator('select[name="target"]').selectOption({ label: 'Nachtdienst Noord' });
    await form.locator('input[name="reason"]').fill('Team disbanded tonight');
    await form.locator('button[type="submit"]').click();
    const row = page.locator('table[data-blocks] tr', { hasText: 'Nachtdienst Noord' });
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe('Team');
    const blocks = await api('/api/v1/access/blocks');
    expect(blocks.filter((b) => b['liftedAt'] === null).map((b) => [b['scope'], b['target']])).toEqual([
      ['team', 'nacht-noord'],
    ]);
    await screenshot(page, 'access-admin-blocks-en');

    const phone = await pageAs(admin.auth, { width: 390, height: 844 });
    await phone.goto(`${url}/app/manage-access`);
    expect(await hasHorizontalOverflow(phone)).toBe(false);
  });

  it('changes the code validity in the access settings (English)', async () => {
    const page = await pageAs(admin.auth);
    await page.goto(`${url}/app/manage-access?lang=en`);
    const form = page.locator('form[data-settings]');
    expect(await form.locator('input[name="codeValidityMinutes"]').inputValue()).toBe('15');
    await form.locator('input[name="codeValidityMinutes"]').fill('20');
    await form.locator('button[type="submit"]').click();
    await page.locator('#action-status.notice-ok').waitFor();
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/access/settings', headers: admin.auth });
    expect(r.json()).toMatchObject({
      codeValidityMinutes: 20,
      timeZone: 'Europe/Amsterdam',
      retentionDays: 730,
    });
  });

  it('is not in the menu of a monitor, who cannot open it', async () => {
    const monitor = (await t.userWithToken('monitor')).auth;
    const page = await pageAs(monitor);
    const r = await page.goto(`${url}/app/manage-access`);
    expect(r?.status()).toBe(403);
    expect(await page.locator('nav a[href="/app/manage-access"]').count()).toBe(0);
  });
});
