import type { AddressInfo } from 'node:net';
import { needProgram } from '@baken/hardware/testing/external-program';
import type { EventEnvelope } from '@baken/protocols';
import { runProcessors } from '@baken/server/testing/ingest-turn';
import { type LocalPushService, startLocalPushService } from '@baken/server/testing/local-push-service';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig, GATEWAY_ID } from '../access/support/access-rig.js';
import { hasHorizontalOverflow, launchChromium, msg, screenshot } from './harness.js';

const PHONE = { width: 390, height: 844 };

// The follow-up chain end to end in Chromium: an alarm goes to the first informal carer's phone
// (a local push service receives and decrypts it), nobody accepts, the chain moves on to the care
// team by itself, a care worker accepts on their phone, gets a code and opens the simulated key
// safe, and the client sees every step on their own page.
describe.skipIf(!needProgram('chromium'))('follow-up chain in chromium', () => {
  let r: AccessRig;
  let url: string;
  let browser: Browser;
  let push: LocalPushService;
  const contexts: BrowserContext[] = [];

  async function pageAs(auth: { authorization: string } | null, viewport = { width: 1280, height: 900 }) {
    const ctx = await browser.newContext({ viewport, ...(auth ? { extraHTTPHeaders: auth } : {}) });
    contexts.push(ctx);
    return ctx.newPage();
  }
  /** The page's own fetch, with its CSRF token: what the page's scripts do. */
  const pageFetch = async (page: Page, path: string, method: string, body: unknown) =>
    (await page.evaluate(`(async () => {
      const csrf = document.querySelector('meta[name="baken-csrf"]')?.getAttribute('content') ?? '';
      const res = await fetch(${JSON.stringify(path)}, {
        method: ${JSON.stringify(method)},
        headers: { 'content-type': 'application/json', 'x-baken-csrf': csrf },
        body: ${JSON.stringify(JSON.stringify(body))},
      });
      return res.status;
    })()`)) as number;
  const waitFor = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((res) => setTimeout(res, 10));
    expect(cond()).toBe(true);
  };

  beforeAll(async () => {
    r = await accessRig({
      config: { push: { subject: 'mailto:ops@example.org', allowHttpEndpoints: true } },
    });
    await r.provision();
    push = await startLocalPushService();
    // Key-safe events reach the alarm inbox as ingest would deliver them (an opening puts an
    // assigned alarm on site), besides the access module's own handling the rig drives.
    const events = r.t.app.access.deviceEvents;
    const handle = events.handle.bind(events);
    events.handle = async (e: EventEnvelope) => {
      await runProcessors(r.t.app, e, r.homeId);
      await handle(e);
    };
    await r.t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(r.t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await push?.close();
    await r?.close();
  });

  it('carer asked by push, no answer, the care team accepts, opens the key safe, the client sees every step', async () => {
    const ctx = r.t.app.baken;
    const client = await r.t.userWithToken('client', { clientId: r.clientId });
    const worker = await r.worker({ team: 'a' });
    await ctx.repos.users.update(worker.id, { displayName: 'Anna de Vries' }, r.t.clock.now());
    await ctx.repos.clients.updateHome(
      r.homeId,
      { accessProcedure: 'Key safe left of the front door' },
      r.t.clock.now(),
    );

    // The client names her son on her own page and gets a one-time invitation link.
    const clientPage = await pageAs(client.auth, PHONE);
    await clientPage.goto(`${url}/app/my-carers`);
    await clientPage.fill('#carer-name', 'Piet Jansen');
    await clientPage.fill('#carer-relation', 'son');
    await clientPage.click('#add-carer button[type="submit"]');
    const link = await clientPage.locator('#invitation-link').inputValue();
    expect(link).toMatch(/\/carer\/invite#token=bkc_/);
    await clientPage.locator('li[data-carer-id]', { hasText: 'Piet Jansen' }).waitFor();
    await screenshot(clientPage, 'client-carers-phone');

    // Piet accepts on his own phone and lands on his page; his phone registers for push.
    let piet = await pageAs(null, PHONE);
    await piet.goto(link);
    expect(new URL(piet.url()).hash).toBe('');
    await piet.fill('#invite-username', 'piet');
    await piet.fill('#invite-password', 'a long password 1');
    await piet.click('#carer-invite button[type="submit"]');
    // Accepted and logged in: the page leaves the invitation. (The test server's clock is in the
    // past, so the browser drops the session cookie at once; Piet browses on with his own token.)
    await piet.waitForURL((u) => !u.pathname.startsWith('/carer/invite'));
    const pietUser = (await ctx.repos.users.findForLogin('piet'))!;
    expect(pietUser).toMatchObject({ role: 'informal_carer', displayName: 'Piet Jansen' });
    const { token } = await ctx.auth.createApiToken(pietUser.id, 'phone', null);
    piet = await pageAs({ authorization: `Bearer ${token}` }, PHONE);
    await piet.goto(`${url}/app/respond`);
    expect(await pageFetch(piet, '/api/v1/push/subscriptions', 'POST', push.subscribe('piets-phone'))).toBe(
      201,
    );
    expect(
      await piet.evaluate(`navigator.serviceWorker.getRegistration('/app/').then((r) => r && r.scope)`),
    ).toBe(`${url}/app/`);

    // Staff set the home's chain in the editor: carers 2 minutes each, then Team Noord, then the centre.
    const admin = await pageAs(r.admin.auth);
    await admin.goto(`${url}/app/homes/${r.homeId}/chain`);
    await admin.click('#add-step');
    await admin.click('#add-step');
    const rows = admin.locator('li.chain-step');
    await rows.nth(0).locator('[name="minutes"]').fill('2');
    await rows.nth(1).locator('[name="kind"]').selectOption('care_team');
    await rows.nth(1).locator('[name="teamId"]').selectOption(r.teamA);
    await rows.nth(1).locator('[name="minutes"]').fill('5');
    await admin.click('#chain-form button[type="submit"]');
    await admin.locator('#chain-result', { hasText: 'Opgeslagen.' }).waitFor();
    await screenshot(admin, 'followup-chain-editor');

    // The alarm: Piet's phone gets it (the push service decrypts it with the phone's own key).
    const alarmId = r.raiseAlarm(null);
    r.t.app.ingest.bus.emit('alarm.created', {
      alarmId,
      homeId: r.homeId,
      gatewayId: GATEWAY_ID,
      deviceId: 'pendant-1',
      kind: 'alarm',
      state: 'new',
      assignedUserId: null,
      at: r.t.clock.now(),
    });
    await waitFor(() => push.received.length === 1);
    expect(push.refused).toEqual([]);
    expect(JSON.parse(push.received[0]!.payload)).toMatchObject({
      title: 'Alarm bij Dorpsstraat 1',
      url: '/app/respond',
      alarmId,
    });
    await piet.reload();
    await piet.locator(`li[data-alarm-id="${alarmId}"][data-status="open"]`).waitFor();
    await screenshot(piet, 'carer-alarm-phone');

    // Nobody answers: after two minutes the chain asks Team Noord by itself.
    await r.advance(2 * 60_000);
    const annaPage = await pageAs(worker.auth, PHONE);
    await annaPage.goto(`${url}/app/respond`);
    // Anna's phone speaks Dutch, the deployment's default.
    expect(await annaPage.locator('html').getAttribute('lang')).toBe('nl');
    const offer = annaPage.locator(`li[data-alarm-id="${alarmId}"]`);
    expect(await offer.locator('button[data-offer-action="accept"]').textContent()).toBe(
      msg('nl', 'respond.accept'),
    );
    await offer.locator('button[data-offer-action="accept"]').click();
    await annaPage.locator(`li[data-alarm-id="${alarmId}"][data-status="accepted"]`).waitFor();
    expect(await annaPage.locator(`li[data-alarm-id="${alarmId}"]`).textContent()).toContain(
      'Key safe left of the front door',
    );
    await annaPage.locator(`li[data-alarm-id="${alarmId}"] button[data-request-code]`).click();
    const code = annaPage.locator('#code-result .code');
    await code.waitFor();
    const digits = ((await code.textContent()) ?? '').replace(/\s/g, '');
    expect(digits).toMatch(/^\d{8}$/);
    expect(await hasHorizontalOverflow(annaPage)).toBe(false);
    await screenshot(annaPage, 'care-worker-accepted-code-phone');

    // The code opens the simulated key safe; the opening puts the alarm on site.
    expect(await r.relayAll()).toEqual([0]);
    await r.advance(30_000);
    expect(r.ks.safe.enterCode(digits)).toBe('accepted');
    await r.flushEvents();

    // The client sees every step.
    await clientPage.goto(`${url}/app/my-carers`);
    const steps = clientPage.locator(`ol.followup-steps[data-alarm-id="${alarmId}"] li`);
    await steps.first().waitFor();
    const kinds = await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(kinds).toEqual(['asked', 'notified', 'no_answer', 'asked', 'not_notified', 'accepted', 'on_site']);
    const text =
      (await clientPage.locator(`ol.followup-steps[data-alarm-id="${alarmId}"]`).textContent()) ?? '';
    // In Dutch (the deployment's default), and in English on request.
    expect(text).toContain('Piet Jansen werd gevraagd');
    expect(text).toContain('Piet Jansen antwoordde niet op tijd');
    expect(text).toContain('Anna de Vries nam het aan en ging');
    expect(text).toContain('er was hulp bij uw deur');
    expect(await clientPage.locator('html').getAttribute('lang')).toBe('nl');
    expect(await hasHorizontalOverflow(clientPage)).toBe(false);
    await screenshot(clientPage, 'client-followup-steps-phone');
    await clientPage.goto(`${url}/app/my-carers?lang=en`);
    expect(await clientPage.locator(`ol.followup-steps[data-alarm-id="${alarmId}"]`).textContent()).toContain(
      'Anna de Vries accepted and went',
    );
    const log = await r.t.app.inject({
      method: 'GET',
      url: `/api/v1/homes/${r.homeId}/access-log`,
      headers: client.auth,
    });
    expect(log.json().entries[0]).toMatchObject({ who: 'Anna de Vries', situation: 'alarm' });
    expect(log.json().entries[0].enteredAt).not.toBeNull();
  }, 180_000);
});
