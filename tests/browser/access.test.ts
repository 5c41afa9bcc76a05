import type { AddressInfo } from 'node:net';
import { needProgram } from '@baken/hardware/testing/external-program';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig } from '../access/support/access-rig.js';
import { hasHorizontalOverflow, LOCALES, launchChromium, msg, screenshot } from './harness.js';

// Access in a real browser (Debian's chromium via playwright-core): the care worker's code on a
// phone, the client's access log, and an access alert arriving live on the Access page. The server
// is the access rig (test app + simulated key safe behind a stand-in home unit), listening on an
// ephemeral port; each person browses with their own bearer token.
describe.skipIf(!needProgram('chromium'))('access in chromium', () => {
  let r: AccessRig;
  let url: string;
  let browser: Browser;
  let worker: { id: string; auth: { authorization: string } };
  let otherHomeId: string;
  const contexts: BrowserContext[] = [];

  async function pageAs(
    auth: { authorization: string },
    viewport = { width: 1280, height: 900 },
    lang: 'nl' | 'en' = 'en',
  ) {
    const ctx = await browser.newContext({ viewport, extraHTTPHeaders: auth });
    // The rig's server speaks the deployment default (Dutch); most checks here read English.
    await ctx.addCookies([{ name: 'baken_lang', value: lang, url }]);
    contexts.push(ctx);
    return ctx.newPage();
  }

  beforeAll(async () => {
    r = await accessRig();
    await r.provision();
    const ctx = r.t.app.baken;
    worker = await r.worker({ team: 'a' });
    await ctx.repos.users.update(worker.id, { displayName: 'Anna de Vries' }, r.t.clock.now());
    const other = await ctx.repos.clients.createClient({ name: 'Mr. Bakker' }, r.t.clock.now());
    otherHomeId = (
      await ctx.repos.clients.createHome({ clientId: other.id, address: 'Geheimlaan 7' }, r.t.clock.now())
    ).id;
    await r.t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(r.t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await r?.close();
  });

  it('a care worker gets a one-time code for their assigned alarm on a phone, and it opens the key safe', async () => {
    const alarmId = r.raiseAlarm('a');
    r.t.app.baken.db.prepare('UPDATE alarms SET assigned_user_id = ? WHERE id = ?').run(worker.id, alarmId);
    const page = await pageAs(worker.auth, { width: 390, height: 844 });
    await page.goto(`${url}/app/key-code`);
    expect(await page.locator('h1').textContent()).toBe('Key safe code');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Key safe code');
    const card = page.locator(`li[data-alarm-id="${alarmId}"]`);
    expect(await card.textContent()).toContain('Dorpsstraat 1');
    await card.locator('button[data-request-code]').click();
    const code = page.locator('#code-result .code');
    await code.waitFor();
    const digits = ((await code.textContent()) ?? '').replace(/\s/g, '');
    expect(digits).toMatch(/^\d{8}$/);
    expect(await page.locator('#code-result .code-window').textContent()).toMatch(
      /Valid .+–.+ \(15 min\)\. Works once\./,
    );
    expect(await hasHorizontalOverflow(page)).toBe(false);
    await screenshot(page, 'key-code-phone');

    // The code reaches the key safe and opens it once.
    expect(await r.relayAll()).toEqual([0]);
    await r.advance(60_000);
    expect(r.ks.safe.enterCode(digits)).toBe('accepted');
    await r.flushEvents();
  });

  it.each(LOCALES)(
    'a care worker without a signed declaration reads the refusal in plain words (%s)',
    async (lang) => {
      const w = await r.worker({ team: 'a', declaration: false });
      const page = await pageAs(w.auth, { width: 390, height: 844 }, lang);
      await page.goto(`${url}/app/key-code`);
      expect(await page.locator('h1').textContent()).toBe(msg(lang, 'keycode.title'));
      await page.selectOption('#planned-home', r.homeId);
      await page.click('#planned button[type="submit"]');
      const refusal = page.locator('#code-result .refusal');
      await refusal.waitFor();
      expect(await refusal.textContent()).toBe(
        msg(lang, 'js.noCode', { reason: msg(lang, 'js.reason.no_declaration') }),
      );
      expect(await page.locator('#code-result .code').count()).toBe(0);
      await screenshot(page, `key-code-refused-phone-${lang}`);
    },
  );

  it("the client sees who entered their home, when and why, and cannot open another home's page", async () => {
    const client = await r.t.userWithToken('client', { clientId: r.clientId });
    const page = await pageAs(client.auth, { width: 390, height: 844 });
    await page.goto(`${url}/app/my-home`);
    const row = page.locator('[data-section="access-log"] tr[data-entry]').first();
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Anna de Vries');
    expect(text).toContain('Alarm follow-up');
    expect(text).toContain('one-time code');
    expect(await row.locator('td').first().locator('time').count()).toBe(1);
    expect(await page.locator('[data-section="who-may-enter"]').textContent()).toContain('Anna de Vries');
    expect(await hasHorizontalOverflow(page)).toBe(false);
    await screenshot(page, 'client-access-log-phone');

    const res = await page.goto(`${url}/app/homes/${otherHomeId}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Home not found');
    expect(await page.content()).not.toContain('Geheimlaan');
  });

  it('an access alert appears live on the Access page and can be acknowledged', async () => {
    const page = await pageAs(r.monitor.auth);
    await page.goto(`${url}/app/access`);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-open-access-alerts]').getAttribute('data-open-access-alerts')).toBe('0');
    const a = await r.t.app.access.setup.alerts.raise(
      'door_forced',
      `keysafe:${r.deviceId}`,
      'The key safe door was forced',
      r.t.clock.now(),
      'browser-1',
    );
    const item = page.locator(`li[data-alert-id="${a!.id}"]`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.textContent()).toContain('Door forced');
    expect(await page.locator('[data-open-access-alerts]').getAttribute('data-open-access-alerts')).toBe('1');
    await screenshot(page, 'access-alert-live');
    await item.locator('button[data-ack-alert]').click();
    await page.locator('#action-status', { hasText: 'Alert acknowledged.' }).waitFor();
    await item.waitFor({ state: 'detached' });
    expect(await page.locator('#live-region').textContent()).toContain('No open access alerts.');
  });

  it('the monitor assigns an acknowledged alarm to the team serving the home, and a member of it', async () => {
    const alarmId = r.raiseAlarm(null);
    const page = await pageAs(r.monitor.auth, { width: 390, height: 844 });
    await page.goto(`${url}/app/alarms`);
    const card = page.locator(`article.alarm[data-alarm-id="${alarmId}"]`);
    await card.locator('button[data-action="ack"]').click();
    await page.locator(`article.alarm[data-alarm-id="${alarmId}"][data-state="acknowledged"]`).waitFor();
    expect(await card.locator('button[data-action="assign"]').count()).toBe(0);

    // The team serving this home comes first; the member list shows only that team's people.
    const team = card.locator(`select[name="teamId"]`);
    expect(await team.locator('option').nth(1).textContent()).toBe('Team Noord');
    expect(await card.locator('label', { hasText: 'Team' }).first().getAttribute('for')).toBe(
      await team.getAttribute('id'),
    );
    const member = card.locator(`select[name="userId"]`);
    const anna = member.locator('option', { hasText: 'Anna de Vries' });
    expect(await anna.isDisabled()).toBe(true);
    await team.selectOption({ label: 'Team Zuid' });
    expect(await anna.isDisabled()).toBe(true);
    await team.selectOption({ label: 'Team Noord' });
    expect(await anna.isDisabled()).toBe(false);
    await member.selectOption({ label: 'Anna de Vries' });
    expect(await hasHorizontalOverflow(page)).toBe(false);
    await screenshot(page, 'alarm-assign-team-phone');
    await card.locator('form.assign-form button[type="submit"]').click();

    const assigned = page.locator(`article.alarm[data-alarm-id="${alarmId}"][data-state="assigned"]`);
    await assigned.waitFor({ timeout: 10_000 });
    expect(await assigned.locator('.meta').first().textContent()).toContain('team Team Noord');
    expect(await assigned.locator('.meta').first().textContent()).toContain('assigned to Anna de Vries');
    await page
      .locator('#action-status', { hasText: 'Done: assigned to Team Noord, Anna de Vries.' })
      .waitFor();
    const row = r.t.app.baken.db
      .prepare('SELECT assigned_team_id AS teamId, assigned_user_id AS userId FROM alarms WHERE id = ?')
      .get(alarmId);
    expect(row).toEqual({ teamId: r.teamA, userId: worker.id });
    await screenshot(page, 'alarm-assigned-team-phone');
  });
});
