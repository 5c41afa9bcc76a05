import { needProgram } from '@baken/hardware/testing/external-program';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInChromium, serveInChromium } from './harness.js';

// forms.js and form-body.js in chromium: what a management form sends (nested names, lists of
// items, day checkboxes spread into one item per day, times as minutes) and how an answer is shown
// (an error in words with its code, a new secret revealed once). A fixture page on the app's own
// origin loads the real scripts; the API it calls is answered by the test.
const FIXTURE = `<!doctype html><html><head>
<meta name="baken-csrf" content="csrf-1">
<meta name="baken-messages" content='{"js.err.BAKEN_ERR_VALIDATION":"a field is wrong"}'>
<script type="module" src="/assets/forms.js"></script></head><body>
<p id="action-status" hidden></p>
<form id="f" data-api="/api/v1/echo/{id}" data-method="PUT" data-ok="ok" data-fail="Not saved:" data-err-conflict="Windows overlap.">
  <input type="hidden" name="id" value="fn 1">
  <input name="name" value="Nurse">
  <input name="meta.count" data-type="int" value="3">
  <fieldset data-list="windows.alarm">
    <div data-item data-spread="weekday">
      ${[1, 2, 3, 4, 5, 6, 7].map((d) => `<input type="checkbox" name="weekday" value="${d}" data-type="int" data-many${d <= 5 ? ' checked' : ''}>`).join('')}
      <input type="time" name="fromMinute" data-type="minutes" value="08:00">
      <input type="time" name="toMinute" data-type="end-minutes" value="17:30">
      <button type="button" data-remove-item>x</button>
    </div>
    <template><div data-item data-spread="weekday">
      ${[1, 2, 3, 4, 5, 6, 7].map((d) => `<input type="checkbox" name="weekday" value="${d}" data-type="int" data-many>`).join('')}
      <input type="time" name="fromMinute" data-type="minutes">
      <input type="time" name="toMinute" data-type="end-minutes">
      <button type="button" data-remove-item>x</button>
    </div></template>
    <button type="button" data-add-item>add</button>
  </fieldset>
  <fieldset data-list="windows.planned_care"></fieldset>
  <button type="submit">save</button>
</form>
<form id="r" data-api="/api/v1/echo/token" data-method="POST" data-ok="ok" data-reveal="token" data-reveal-into="#secret">
  <input name="name" value="script"><button type="submit">create</button>
</form>
<div hidden><code id="secret"></code></div>
</body></html>`;

describe.skipIf(!needProgram('chromium'))('management forms in chromium', () => {
  let t: TestApp;
  let b: AppInChromium;
  let page: Page;
  const sent: Array<{ method: string; url: string; csrf: string | undefined; body: unknown }> = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    t = await testApp();
    const admin = await t.userWithToken('admin');
    b = await serveInChromium(t);
    page = await b.pageAs(admin.auth);
    await page.route('**/fixture*', (r: Route) => r.fulfill({ contentType: 'text/html', body: FIXTURE }));
    await page.route('**/api/v1/echo/**', (r: Route) => {
      const q = r.request();
      sent.push({
        method: q.method(),
        url: q.url(),
        csrf: q.headers()['x-baken-csrf'],
        body: q.postDataJSON(),
      });
      return r.fulfill({
        status: answer.status,
        contentType: 'application/json',
        body: JSON.stringify(answer.body),
      });
    });
    await page.goto(`${b.url}/fixture`);
  }, 60_000);

  afterAll(async () => {
    await (b ? b.close() : t?.close());
  });

  const submit = async (form: string) => {
    const n = sent.length;
    await page.locator(`${form} button[type="submit"]`).click();
    await expect.poll(() => sent.length).toBe(n + 1);
    await page.locator('#action-status:not([hidden])').waitFor();
    return sent[n]!;
  };

  it('sends nested names and lists of items, one item per ticked day, times as minutes', async () => {
    await page.locator('#f [data-add-item]').click();
    const added = page.locator('#f [data-item]').nth(1);
    await added.locator('input[value="6"]').check();
    await added.locator('input[name="fromMinute"]').fill('22:00');
    await added.locator('input[name="toMinute"]').fill('00:00');
    await page.locator('#f [data-add-item]').click(); // a third row left empty: not sent
    const req = await submit('#f');
    await expect.poll(() => page.locator('#action-status').textContent()).toBe('ok');
    expect(req.method).toBe('PUT');
    expect(req.url).toMatch(/\/api\/v1\/echo\/fn%201$/);
    expect(req.csrf).toBe('csrf-1');
    expect(req.body).toEqual({
      name: 'Nurse',
      meta: { count: 3 },
      windows: {
        alarm: [
          ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1050 })),
          { weekday: 6, fromMinute: 1320, toMinute: 1440 },
        ],
        planned_care: [],
      },
    });
  });

  it('removes an item, and sends an empty list when none is left', async () => {
    const first = await submit('#f'); // the live state after the previous test
    expect((first.body as { windows: { alarm: unknown[] } }).windows.alarm.length).toBeGreaterThan(0);
    while ((await page.locator('#f [data-item]').count()) > 0)
      await page.locator('#f [data-item] [data-remove-item]').first().click();
    const req = await submit('#f');
    expect(req.body).toMatchObject({ windows: { alarm: [], planned_care: [] } });
  });

  it("says an error in the form's own words or the page's, with the code and the API's detail", async () => {
    answer = {
      status: 409,
      body: { error: { code: 'BAKEN_ERR_CONFLICT', message: 'Each window must end after it starts.' } },
    };
    await submit('#f');
    await expect
      .poll(() => page.locator('#action-status').textContent())
      .toBe('Not saved: Windows overlap. (BAKEN_ERR_CONFLICT) — Each window must end after it starts.');
    expect(await page.locator('#action-status').getAttribute('class')).toContain('notice-error');
    answer = {
      status: 400,
      body: {
        error: {
          code: 'BAKEN_ERR_VALIDATION',
          message: 'The request is invalid.',
          details: [{ field: '/name', message: 'must NOT have fewer than 1 characters' }],
        },
      },
    };
    await submit('#f');
    await expect
      .poll(() => page.locator('#action-status').textContent())
      .toBe('Not saved: a field is wrong (BAKEN_ERR_VALIDATION) — must NOT have fewer than 1 characters');
    answer = { status: 200, body: {} };
  });

  it('shows a field of the answer once where the form says (a new secret)', async () => {
    answer = { status: 201, body: { token: 'bkn_secret', meta: { id: 'x' } } };
    await submit('#r');
    await expect.poll(() => page.locator('#secret').textContent()).toBe('bkn_secret');
    expect(await page.locator('#secret').isVisible()).toBe(true);
    answer = { status: 200, body: {} };
  });
});
