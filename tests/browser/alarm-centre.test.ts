import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needProgram } from '@baken/hardware/testing/external-program';
import { createLogger, type RunningServer, startServer } from '@baken/server';
import { testConfig } from '@baken/server/testing/test-app';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFrame, TestCentre, unitFrame, until } from '../alarm-centre/support.js';
import { apiAs, launchChromium, msg, screenshot } from './harness.js';

// docs/alarm-centre.md §Dashboard: each alarm card says whether the alarm centre has it (ACK) yet.
describe.skipIf(!needProgram('chromium'))('alarm delivery to the centre, in chromium', () => {
  let s: RunningServer;
  let dataDir: string;
  let centre: TestCentre;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'baken-web-dc09-'));
    s = await startServer({
      config: testConfig({ dataDir, dc09: { port: 0, ackTimeoutS: 60 } }),
      logger: createLogger('silent'),
    });
    centre = new TestCentre();
    await centre.start();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await centre?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows one alarm delivered (acknowledged by the centre) and one still waiting', async () => {
    const api = await apiAs(s, 'admin', s.firstAdmin!.password);
    const client = await api<{ id: string }>('POST', '/api/v1/clients', { name: 'Mevrouw Jansen' });
    const home = await api<{ id: string }>('POST', '/api/v1/homes', {
      clientId: client.id,
      address: 'Kerkstraat 12',
    });
    await api('PUT', `/api/v1/homes/${home.id}/alarm-centre`, {
      account: '1234',
      receivers: [{ host: '127.0.0.1', port: centre.port, transport: 'tcp' }],
    });
    await api('POST', '/api/v1/alarm-centre/units', { homeId: home.id, account: 'UNIT1' });
    const rx = await api<{ tcpPort: number }>('GET', '/api/v1/alarm-centre/receiver');
    expect(await sendFrame(rx.tcpPort, unitFrame('UNIT1', 1, '1101 01 001'))).toBe('ACK');
    await until(() => centre.seqs().length === 1, 'the alarm at the centre');
    centre.answer = 'silent';
    expect(await sendFrame(rx.tcpPort, unitFrame('UNIT1', 2, '1100 01 001'))).toBe('ACK');
    await until(() => centre.seqs().length === 2, 'the fall at the centre, unanswered');

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${s.url}/login`);
    await page.fill('#username', 'admin');
    await page.fill('#password', s.firstAdmin!.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/app\//);
    await page.goto(`${s.url}/app/alarms?lang=en`);
    const alarm = page.locator('article.alarm', { hasText: 'Alarm' }).filter({ hasNotText: 'Fall' });
    const fall = page.locator('article.alarm', { hasText: 'Fall' });
    await alarm.locator('.centre-delivery').waitFor();
    expect(await alarm.locator('.centre-delivery').getAttribute('data-delivery-state')).toBe('delivered');
    expect(await alarm.locator('.centre-delivery').textContent()).toContain('Alarm centre: delivered');
    expect(await fall.locator('.centre-delivery').getAttribute('data-delivery-state')).toBe('pending');
    expect(await fall.locator('.centre-delivery').textContent()).toContain('not yet acknowledged');
    await screenshot(page, 'alarm-centre-delivery');

    // The same cards in Dutch (the deployment's default language).
    const alarmId = await alarm.getAttribute('data-alarm-id');
    const fallId = await fall.getAttribute('data-alarm-id');
    await page.goto(`${s.url}/app/alarms?lang=nl`);
    const nlAlarm = page.locator(`article.alarm[data-alarm-id="${alarmId}"] .centre-delivery`);
    const nlFall = page.locator(`article.alarm[data-alarm-id="${fallId}"] .centre-delivery`);
    await nlAlarm.waitFor({ timeout: 15_000 });
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await nlAlarm.textContent()).toContain(msg('nl', 'centre.delivered', { when: '' }).trim());
    expect(await nlFall.textContent()).toContain(msg('nl', 'centre.pending', { when: '' }).split(',')[0]!);
    await screenshot(page, 'alarm-centre-delivery-nl');
  }, 90_000);
});
