import { needProgram } from '@baken/hardware/testing/external-program';
import type { RunningServer } from '@baken/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, LOCALES, launchChromium, msg, startTestServer } from './harness.js';

// Every role logs in through the login page and lands on its own first page — never on a page its
// role cannot open (a care worker used to land on the fleet overview's 403).
describe.skipIf(!needProgram('chromium')).each(LOCALES)('landing page per role, in chromium (%s)', (lang) => {
  let s: RunningServer;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  const PASSWORD = 'landing-page-test-pw';

  beforeAll(async () => {
    ({ s, cleanup } = await startTestServer(lang));
    const api = await apiAs(s, 'admin', s.firstAdmin!.password);
    const client = await api<{ id: string }>('POST', '/api/v1/clients', { name: 'Mevrouw Jansen' });
    for (const [username, role] of [
      ['tess', 'technician'],
      ['mo', 'monitor'],
      ['anna', 'care_worker'],
      ['jansen', 'client'],
    ] as const) {
      await api('POST', '/api/v1/users', {
        username,
        displayName: username,
        role,
        password: PASSWORD,
        ...(role === 'client' ? { clientId: client.id } : {}),
      });
    }
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  async function logIn(username: string, password: string, start = '/') {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'document') statuses.push(r.status());
    });
    await page.goto(`${s.url}${start}`);
    await page.waitForURL(/\/login/);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login') && u.pathname !== '/');
    await page.locator('h1').waitFor();
    return { page, context, statuses };
  }

  it.each([
    ['admin', '/app/fleet', msg(lang, 'fleet.title')],
    ['tess', '/app/fleet', msg(lang, 'fleet.title')],
    ['mo', '/app/fleet', msg(lang, 'fleet.title')],
    ['anna', '/app/alarms', msg(lang, 'alarms.title')],
    ['jansen', '/app/my-home', null],
  ])('%s lands on %s', async (username, path, heading) => {
    const { page, context, statuses } = await logIn(
      username,
      username === 'admin' ? s.firstAdmin!.password : PASSWORD,
    );
    expect(new URL(page.url()).pathname).toBe(path);
    expect(statuses).not.toContain(403);
    expect(await page.locator('h1').textContent()).not.toBe(msg(lang, 'forbidden.title'));
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    if (heading !== null) expect(await page.locator('h1').textContent()).toBe(heading);
    await context.close();
  });

  it('a link to a page the role cannot open still lands a care worker on their own page after login', async () => {
    const { page, context, statuses } = await logIn('anna', PASSWORD, '/app/fleet');
    expect(new URL(page.url()).pathname).toBe('/app/alarms');
    expect(statuses).not.toContain(403);
    // Following such a link while logged in: the 403 page points to their own first page.
    await page.goto(`${s.url}/app/reports`);
    expect(await page.locator('h1').textContent()).toBe(msg(lang, 'forbidden.title'));
    await page.click(`text=${msg(lang, 'forbidden.back')}`);
    await page.waitForURL(`${s.url}/app/alarms`);
    await context.close();
  });
});
