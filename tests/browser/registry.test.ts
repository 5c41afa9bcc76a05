import { needProgram } from '@baken/hardware/testing/external-program';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInChromium, hasHorizontalOverflow, screenshot, serveInChromium } from './harness.js';

// The Registry screen in a real browser: a technician registers a client, their home and a device
// installed there, gets the enrolment token with the provision command, exports the installed
// base and imports a CSV file (dry run first, with the per-row report) — all through the page.
describe.skipIf(!needProgram('chromium'))('the Registry screen in chromium', () => {
  let t: TestApp;
  let url: string;
  let b: AppInChromium;
  let tech: { authorization: string };

  const pageAs = (auth: { authorization: string }, viewport?: { width: number; height: number }) =>
    b.pageAs(auth, viewport);

  beforeAll(async () => {
    t = await testApp();
    tech = (await t.userWithToken('technician', { username: 'monteur' })).auth;
    b = await serveInChromium(t);
    url = b.url;
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  const repos = () => t.app.baken.repos;

  it('registers a client, a home, an installed pendant and issues an enrolment token (Dutch)', async () => {
    const page = await pageAs(tech);
    await page.goto(`${url}/app/registry?lang=nl`);
    expect(await page.locator('h1').textContent()).toBe('Register: cliënten, woningen en apparaten');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Register');

    await page.locator('details[data-registry-new-client] summary').click();
    const cf = page.locator('form[data-client-create]');
    await cf.locator('input[name="name"]').fill('Mevrouw de Vries');
    await cf.locator('input[name="phone"]').fill('0612345678');
    await cf.locator('button[type="submit"]').click();
    const client = page.locator('tr[data-client="Mevrouw de Vries"]');
    await client.waitFor();
    const stored = (await repos().clients.listClients(100, 0)).find((c) => c.name === 'Mevrouw de Vries');
    expect(stored?.phone).toBe('0612345678');

    await client.locator('summary').click();
    await client.locator('input[name="address"]').fill('Dorpsstraat 1');
    await client.locator('input[name="city"]').fill('Utrecht');
    await client.locator('form[data-home-create] button').click();
    const home = page.locator('tr[data-home="Dorpsstraat 1"]');
    await home.waitFor();
    const homes = await repos().clients.listHomes({ limit: 100, offset: 0 });
    expect(homes).toHaveLength(1);
    expect(homes[0]).toMatchObject({ clientId: stored?.id, address: 'Dorpsstraat 1', city: 'Utrecht' });

    await page.locator('details[data-registry-new-device] summary').click();
    const df = page.locator('form[data-device-create]');
    await df.locator('input[name="serial"]').fill('PD-0001');
    await df.locator('select[name="type"]').selectOption('pendant');
    await df.locator('select[name="homeId"]').selectOption(homes[0]!.id);
    await df.locator('select[name="status"]').selectOption('installed');
    await df.locator('input[name="installDate"]').fill('2026-12-06');
    await df.locator('button[type="submit"]').click();
    await page
      .locator('tr[data-device="PD-0001"] [data-device-status]', { hasText: 'geïnstalleerd' })
      .waitFor();
    expect(await repos().devices.getBySerial('PD-0001')).toMatchObject({
      type: 'pendant',
      status: 'installed',
      homeId: homes[0]!.id,
      installDate: '2026-12-06',
    });

    await page.locator('tr[data-home="Dorpsstraat 1"] button[data-token-home]').click();
    const command = page.locator('#registry-token [data-token-command]');
    await command.waitFor();
    const text = (await command.textContent()) ?? '';
    expect(text).toMatch(new RegExp(`^baken-gateway provision --server ${url} --token \\S+$`));
    expect(await page.locator('#registry-token h2').textContent()).toBe(
      'Aanmeldcode voor Dorpsstraat 1, Utrecht',
    );
    // The token shown is a live one for this home: the gateway can provision with it.
    const token = text.split(' ').at(-1);
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/provision',
      payload: { token, hardwareId: 'GW-0001', software: '0.1.0' },
    });
    expect(r.statusCode, r.body).toBe(200);
    await screenshot(page, 'registry-nl');
  });

  it('exports the installed base and imports a CSV file: dry run report first, then applied (English)', async () => {
    const page = await pageAs(tech);
    await page.goto(`${url}/app/registry?lang=en`);
    await page.locator('details[data-registry-exchange] summary').click();
    const csv = await page.evaluate(async () => (await fetch('/api/v1/export/devices.csv')).text());
    expect(csv.split('\n')[0]).toContain('serial');
    expect(await page.locator('a[data-export-csv]').getAttribute('href')).toBe('/api/v1/export/devices.csv');

    const form = page.locator('#registry-import');
    const file = (body: string) => ({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(body) });
    const header = 'serial,type,model,firmware,status,homeId,installDate\n';
    await form
      .locator('input[type="file"]')
      .setInputFiles(file(`${header}KS-0001,keysafe,,,in_stock,,\nBAD,phone,,,in_stock,,\n`));
    await form.locator('button[type="submit"]').click();
    const summary = page.locator('#registry-import-report [data-import-summary]');
    await summary.waitFor();
    expect(await summary.textContent()).toBe(
      'Dry run, nothing changed: 2 rows, 0 new, 0 changed, 0 unchanged, 1 with errors.',
    );
    expect(await page.locator('#registry-import-report li').textContent()).toMatch(/^Row 2 \(BAD\): \/type/);
    expect(await repos().devices.getBySerial('KS-0001')).toBeNull();

    await form
      .locator('input[type="file"]')
      .setInputFiles(file(`${header}KS-0001,keysafe,KS1,2.0,in_stock,,\n`));
    await form.locator('input[name="dryRun"]').uncheck();
    await form.locator('button[type="submit"]').click();
    await page.locator('#registry-import-report[data-applied="true"]').waitFor();
    expect(await summary.textContent()).toBe(
      'Imported: 1 rows, 1 new, 0 changed, 0 unchanged, 0 with errors.',
    );
    expect(await repos().devices.getBySerial('KS-0001')).toMatchObject({ type: 'keysafe', model: 'KS1' });
    await page.locator('tr[data-device="KS-0001"]').waitFor();

    const phone = await pageAs(tech, { width: 390, height: 844 });
    await phone.goto(`${url}/app/registry`);
    await phone.locator('tr[data-home] button[data-token-home]').first().click();
    await phone.locator('#registry-token [data-token-command]').waitFor();
    expect(await hasHorizontalOverflow(phone)).toBe(false);
  });

  it('is not in the menu of a monitor, who cannot open it', async () => {
    const page = await pageAs((await t.userWithToken('monitor')).auth);
    const r = await page.goto(`${url}/app/registry`);
    expect(r?.status()).toBe(403);
    expect(await page.locator('nav a[href="/app/registry"]').count()).toBe(0);
  });
});
