import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/test-app.js';

let t: TestApp;
let en: TestApp;
let admin: { authorization: string };

beforeAll(async () => {
  t = await testApp();
  en = await testApp({ i18n: { locale: 'en', timeZone: 'Europe/Amsterdam' } });
  admin = (await t.userWithToken('admin')).auth;
});
afterAll(async () => {
  await t?.close();
  await en?.close();
});

describe('page language [server/src/web/I18N.md]', () => {
  it('speaks the deployment default (Dutch) and says so in <html lang>', async () => {
    const r = await t.app.inject({ url: '/login' });
    expect(r.body).toContain('<html lang="nl">');
    expect(r.body).toContain('Gebruikersnaam');
    const e = await en.app.inject({ url: '/login' });
    expect(e.body).toContain('<html lang="en">');
    expect(e.body).toContain('Username');
  });

  it('switches with ?lang= and remembers the choice in a cookie', async () => {
    const r = await t.app.inject({ url: '/login?lang=en' });
    expect(r.body).toContain('<html lang="en">');
    expect(String(r.headers['set-cookie'])).toMatch(/^baken_lang=en;/);
    const again = await t.app.inject({ url: '/login', cookies: { baken_lang: 'en' } });
    expect(again.body).toContain('<html lang="en">');
    const junk = await t.app.inject({ url: '/login?lang=xx', cookies: { baken_lang: 'fr' } });
    expect(junk.body).toContain('<html lang="nl">');
  });

  it('names the role in words, shows times in the home time zone and links the favicon', async () => {
    const r = await t.app.inject({ url: '/app/fleet', headers: admin });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('(Beheerder)');
    // The test clock starts at 2025-01-01T00:00Z: 01:00 in Amsterdam, not 00:00 UTC.
    expect(t.clock.now()).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(r.body).toContain('>01:00</time>');
    expect(r.body).toContain('href="/assets/favicon.svg"');
    const icon = await t.app.inject({ url: '/assets/favicon.svg' });
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });
});
