/**
 * Regenerates docs/screens/: the main pages at desktop (1280×900) and phone (390×844) width, in
 * Dutch and English, from a real server with one home, its gateway online and an open alarm.
 * Run `npm run screens` (needs /usr/bin/chromium). The README links these pictures.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import {
  apiAs,
  LOCALES,
  launchChromium,
  publishHeartbeat,
  publishPendantAlarm,
  seedHome,
  startTestServer,
} from './harness.js';

const OUT = fileURLToPath(new URL('../../docs/screens/', import.meta.url));
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const PASSWORD = 'screens-pw-0123456789';
const INTL: Record<string, string> = { nl: 'nl-NL', en: 'en-GB' };

async function shoot(
  browser: Browser,
  base: string,
  lang: string,
  who: string,
  pages: Array<[string, string]>,
) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    const context = await browser.newContext({
      viewport,
      locale: INTL[lang],
      timezoneId: 'Europe/Amsterdam',
    });
    const page = await context.newPage();
    await page.goto(`${base}/login?lang=${lang}`);
    await page.fill('#username', who);
    await page.fill('#password', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login') && u.pathname !== '/');
    for (const [name, path] of pages) {
      await page.goto(`${base}${path}`);
      await page.locator('h1').waitFor();
      await page.waitForTimeout(300);
      const file = join(OUT, `${name}-${size}-${lang}.png`);
      await page.screenshot({ path: file });
      console.log(file.slice(OUT.length));
    }
    await context.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    for (const lang of LOCALES) {
      const { s, cleanup } = await startTestServer(lang);
      try {
        const api = await apiAs(s, 'admin', s.firstAdmin!.password);
        const { gw, gatewayId, homeId, clientId } = await seedHome(api, 'Kerkstraat 12', 'Noord');
        await publishHeartbeat(gw, gatewayId, Date.now());
        await publishPendantAlarm(gw, gatewayId, Date.now(), `evt-screens-${lang}-0001`);
        const NAMES = { monique: 'Monique de Boer', jansen: 'Mevrouw Jansen', beheer: 'Bram Beheer' };
        for (const [username, role] of [
          ['monique', 'monitor'],
          ['jansen', 'client'],
          ['beheer', 'admin'],
        ] as const)
          await api('POST', '/api/v1/users', {
            username,
            displayName: NAMES[username],
            role,
            password: PASSWORD,
            ...(role === 'client' ? { clientId } : {}),
          });
        const context = await browser.newContext({ locale: INTL[lang], timezoneId: 'Europe/Amsterdam' });
        const login = await context.newPage();
        for (const [size, viewport] of Object.entries(SIZES)) {
          await login.setViewportSize(viewport);
          await login.goto(`${s.url}/login?lang=${lang}`);
          await login.screenshot({ path: join(OUT, `login-${size}-${lang}.png`) });
        }
        await context.close();
        await shoot(browser, s.url, lang, 'monique', [
          ['fleet', '/app/fleet'],
          ['alarms', '/app/alarms'],
          ['home', `/app/homes/${homeId}`],
          ['reports', '/app/reports'],
        ]);
        await shoot(browser, s.url, lang, 'jansen', [['client-home', '/app/my-home']]);
        // the management screens: a function with its hours, and the home's alarm-centre account
        const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1020 }));
        const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));
        await api('POST', '/api/v1/access/functions', {
          name: lang === 'nl' ? 'Wijkverpleegkundige' : 'District nurse',
          windows: { planned_care: weekdays, alarm: allWeek },
        });
        await api('PUT', `/api/v1/homes/${homeId}/alarm-centre`, {
          account: '1234',
          key: '00112233445566778899aabbccddeeff',
          content: 'SIA-DCS',
          receivers: [
            { host: '192.0.2.10', port: 9000, transport: 'tcp' },
            { host: '192.0.2.11', port: 9000, transport: 'udp' },
          ],
        });
        await shoot(browser, s.url, lang, 'beheer', [
          ['functions', '/app/functions'],
          ['alarm-centre', '/app/alarm-centre'],
        ]);
        await gw.endAsync();
      } finally {
        await cleanup();
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
