import { needProgram } from '@baken/hardware/testing/external-program';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppInChromium,
  hasHorizontalOverflow,
  LOCALES,
  msg,
  screenshot,
  serveInChromium,
} from './harness.js';

// The header in chromium: the administrator's own screens sit under one "Manage" menu, so the header
// of a phone keeps the page's content in view; the menu opens, leads to its pages, says which page is
// open, and closes as a menu does (a click elsewhere, Escape). Other roles have no such menu.
describe.skipIf(!needProgram('chromium'))('the header menu in chromium', () => {
  let t: TestApp;
  let b: AppInChromium;
  let admin: { auth: { authorization: string } };
  let monitor: { auth: { authorization: string } };

  beforeAll(async () => {
    t = await testApp();
    admin = await t.userWithToken('admin', { username: 'beheer' });
    monitor = await t.userWithToken('monitor', { username: 'meldkamer' });
    b = await serveInChromium(t);
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  for (const lang of LOCALES) {
    it(`keeps the administrator's header short on a phone, with the screens under Manage (${lang})`, async () => {
      const page = await b.pageAs(admin.auth, { width: 390, height: 844 });
      page.setDefaultTimeout(10_000);
      await page.goto(`${b.url}/app/alarms?lang=${lang}`);
      const header = await page.locator('header.top').boundingBox();
      // Eleven entries in a row took 420 px of a 844 px phone screen; the menu leaves the content in view.
      expect(header?.height ?? 0).toBeLessThan(330);
      expect(await hasHorizontalOverflow(page)).toBe(false);

      const menu = page.locator('.nav-more');
      const summary = menu.locator('summary');
      expect(await summary.textContent()).toBe(msg(lang, 'nav.manage'));
      const functions = menu.locator('a[href="/app/functions"]');
      expect(await functions.isVisible()).toBe(false);
      await summary.click();
      expect(await functions.isVisible()).toBe(true);
      await screenshot(page, `manage-menu-phone-${lang}`);
      const box = await functions.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);

      // A click elsewhere closes it; so does Escape, with focus back on the summary.
      await page.mouse.click(380, 830);
      expect(await functions.isVisible()).toBe(false);
      await summary.click();
      await page.keyboard.press('Escape');
      expect(await functions.isVisible()).toBe(false);
      expect(await page.evaluate('document.activeElement && document.activeElement.tagName')).toBe('SUMMARY');

      await summary.click();
      await functions.click();
      await page.waitForURL('**/app/functions');
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe(msg(lang, 'nav.functions'));
      expect(await page.locator('.nav-more summary').getAttribute('data-current')).toBe('true');
      await page.close();
    });
  }

  it('gives monitoring staff their four pages and no Manage menu', async () => {
    const page = await b.pageAs(monitor.auth);
    await page.goto(`${b.url}/app/alarms?lang=nl`);
    expect(await page.locator('.top nav:not(.prefs) a').count()).toBe(4);
    expect(await page.locator('.nav-more').count()).toBe(0);
    await page.close();
  });
});
