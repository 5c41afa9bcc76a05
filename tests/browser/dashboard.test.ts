import { needProgram } from '@baken/hardware/testing/external-program';
import type { RunningServer } from '@baken/server';
import type mqtt from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  hasHorizontalOverflow,
  LOCALES,
  launchChromium,
  msg,
  publishHeartbeat,
  publishPendantAlarm,
  screenshot,
  seedHome,
  startTestServer,
} from './harness.js';

// The dashboard in a real browser (Debian's chromium via playwright-core).
// Screenshots go to .artifacts/screenshots/ (gitignored).
const ADDRESS = 'Kerkstraat 12 "achter" <b>bel 2×</b>';

describe.skipIf(!needProgram('chromium')).each(LOCALES)('dashboard in chromium (%s)', (lang) => {
  const shot = (page: Page, name: string) => screenshot(page, `${name}-${lang}`);
  let s: RunningServer;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let gw: mqtt.MqttClient;
  let gatewayId: string;
  let homeId: string;
  /** Which parts of the health/alarms API this server has (built in parallel to the pages). */
  let healthApi = false;
  let alarmsApi = false;
  let streamApi = false;

  beforeAll(async () => {
    ({ s, cleanup } = await startTestServer(lang));
    const api = await apiAs(s, 'admin', s.firstAdmin!.password);
    ({ gw, gatewayId, homeId } = await seedHome(api, ADDRESS, 'Noord'));
    await publishHeartbeat(gw, gatewayId, Date.now());
    healthApi = s.app.hasRoute({ method: 'GET', url: '/api/v1/fleet/summary' });
    alarmsApi = s.app.hasRoute({ method: 'GET', url: '/api/v1/alarms' });
    streamApi = s.app.hasRoute({ method: 'GET', url: '/api/v1/stream' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.endAsync();
    await cleanup?.();
  });

  it('logs in through the login page and lands on the fleet overview', async () => {
    await page.goto(`${s.url}/app/fleet`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'wrong-password');
    await page.click('button[type="submit"]');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    expect(await page.locator('#login-error').textContent()).toContain(msg(lang, 'js.loginWrong'));
    await page.fill('#password', s.firstAdmin!.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${s.url}/app/fleet`);
    expect(await page.locator('h1').textContent()).toBe(msg(lang, 'fleet.title'));
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  });

  it('shows the home on the fleet overview, online, with its address escaped', async (ctx) => {
    const row = page.locator('tr', { hasText: 'Kerkstraat 12' });
    await row.waitFor();
    expect(await row.locator('a').textContent()).toContain('<b>bel 2×</b>');
    expect(await page.locator('td b').count()).toBe(0);
    if (!healthApi) {
      // Without the health API the page must not pretend: state unknown, and it says why.
      expect(await row.locator('.state-unknown').textContent()).toContain(msg(lang, 'state.unknown'));
      expect(await page.locator('.notice-unavailable').first().textContent()).toContain(
        msg(lang, 'common.notAvailable'),
      );
      await shot(page, 'fleet-desktop');
      ctx.skip('health API (/api/v1/fleet/summary) not registered: checked the honest "not available" state');
    }
    // The gateway's heartbeat reaches the page through the live stream (or the fallback poll).
    await row.locator('.state-online').waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain(msg(lang, 'state.online'));
    const online = page.locator(`[data-tile="${msg(lang, 'fleet.tile.online')}"] .tile-value`);
    expect(Number(await online.textContent())).toBeGreaterThanOrEqual(1);
    await shot(page, 'fleet-desktop');
  });

  it('shows a new alarm live in the inbox, without a reload, and acknowledges it by clicking', async (ctx) => {
    await page.goto(`${s.url}/app/alarms`);
    if (!alarmsApi) {
      expect(await page.locator('.notice-unavailable').textContent()).toContain(msg(lang, 'alarms.inbox'));
      await shot(page, 'alarm-inbox-desktop');
      ctx.skip('alarms API (/api/v1/alarms) not registered: checked the honest "not available" state');
    }
    await page.locator('#live[data-state="live"], #live[data-state="polling"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate('window.__noReload = true')).toBe(true);
    expect(await page.locator('article.alarm[data-state="new"]').count()).toBe(0);

    await publishPendantAlarm(gw, gatewayId, Date.now(), 'evt-browser-alarm-0001');
    const card = page.locator('article.alarm', { hasText: 'Kerkstraat 12' });
    await card.waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.__noReload === true')).toBe(true);
    expect(await card.getAttribute('data-state')).toBe('new');
    expect(await card.textContent()).toMatch(lang === 'nl' ? /van de norm van 30 min/ : /of 30 min target/);
    await shot(page, 'alarm-inbox-new');

    await card.locator('button[data-action="ack"]').click();
    const acked = page.locator('article.alarm[data-state="acknowledged"]');
    await acked.waitFor({ timeout: 10_000 });
    expect(await acked.locator('.alarm-state').textContent()).toBe(msg(lang, 'alarmState.acknowledged'));
    expect(await page.evaluate('window.__noReload === true')).toBe(true);
    await shot(page, 'alarm-inbox-acknowledged');
  });

  it('shows the home page with its gateway, and the reports page', async () => {
    await page.goto(`${s.url}/app/homes/${homeId}`);
    expect(await page.locator('h1').textContent()).toBe(ADDRESS);
    if (healthApi) await page.locator('#h-gw + p .state-online').waitFor({ timeout: 10_000 });
    else expect(await page.locator('#h-gw + p').textContent()).toContain(msg(lang, 'common.notAvailable'));
    await shot(page, 'home-desktop');
    if (healthApi) {
      // The device the gateway reports links to its device page.
      await page.locator('#h-dev ~ .table-wrap a', { hasText: 'pendant-browser' }).click();
      await page.waitForURL(/\/app\/devices\//);
      expect(await page.locator('h1').textContent()).toContain('pendant-browser');
      await page.locator('.facts .state-online').waitFor();
      await shot(page, 'device-desktop');
    }
    await page.goto(`${s.url}/app/reports`);
    expect(await page.locator('h1').textContent()).toBe(msg(lang, 'reports.title'));
    if (healthApi) {
      // The CSV link downloads with the session cookie.
      const href = await page.locator('a[download]').first().getAttribute('href');
      const csv = await page.request.get(`${s.url}${href}`);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toContain('text/csv');
    }
    await shot(page, 'reports-desktop');
  });

  it('fits a phone screen (390×844) without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/app/fleet', 'fleet-phone'],
      ['/app/alarms', 'alarms-phone'],
      [`/app/homes/${homeId}`, 'home-phone'],
      ['/app/reports', 'reports-phone'],
    ] as const) {
      await page.goto(`${s.url}${path}`);
      expect(await hasHorizontalOverflow(page), `${path} overflows on a phone`).toBe(false);
      await shot(page, name);
    }
    const tap = await page.locator('.top nav a').first().boundingBox();
    expect(tap?.height ?? 0).toBeGreaterThanOrEqual(44);
  });

  it('tells the user when it is no longer live', async () => {
    await page.goto(`${s.url}/app/fleet`);
    const liveText = page.locator('#live .live-text');
    if (streamApi) {
      await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
      expect(await liveText.textContent()).toBe(msg(lang, 'js.live'));
    } else {
      // No stream on this server: the page polls and says it is not live.
      await page.locator('#live[data-state="polling"]').waitFor();
      expect(await liveText.textContent()).toMatch(
        lang === 'nl' ? /^Niet live: elke 15 s vernieuwd/ : /^Not live: refreshing every 15 s/,
      );
    }
    await context.setOffline(true);
    await page
      .locator('#live[data-state="reconnecting"], #live[data-state="offline"]')
      .waitFor({ timeout: 25_000 });
    expect(await liveText.textContent()).toMatch(
      lang === 'nl'
        ? /^(Opnieuw verbinden… gegevens zijn|Offline: gegevens zijn) .* oud/
        : /^(Reconnecting|Offline)… ?.*data is .* old|^Offline: data is/,
    );
    await shot(page, 'fleet-phone-not-live');
    await context.setOffline(false);
  });
});
