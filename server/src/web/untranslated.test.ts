import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n, runWithI18n } from '../i18n/index.js';
import { type TestApp, testApp } from '../testing/test-app.js';
import { alarmCard } from './pages/alarms.js';
import { untranslated } from './untranslated.js';

// Every page rendered in Dutch and in English; text that stays the same in both and is not data
// was not translated [server/src/web/I18N.md].
let t: TestApp;
const users: Record<string, { authorization: string }> = {};
let homeId = '';
let deviceId = '';
const DATA = [
  'Europe/Amsterdam',
  'Dorpsstraat 9',
  '1234 AB',
  'Baarn',
  'Noord',
  'Mevrouw Jansen',
  'PEN-0001',
  'Acme',
  'admin',
  'monitor',
  // the test users' display names are their roles' ids
  'technician',
  'care_worker',
  'client',
];

beforeAll(async () => {
  t = await testApp();
  for (const role of ['admin', 'monitor', 'technician', 'care_worker'] as const)
    users[role] = (await t.userWithToken(role)).auth;
  const post = async (url: string, payload: Record<string, unknown>) =>
    (await t.app.inject({ method: 'POST', url, headers: users['admin'], payload })).json() as { id: string };
  const client = await post('/api/v1/clients', { name: 'Mevrouw Jansen' });
  homeId = (
    await post('/api/v1/homes', {
      clientId: client.id,
      address: 'Dorpsstraat 9',
      postalCode: '1234 AB',
      city: 'Baarn',
      region: 'Noord',
    })
  ).id;
  deviceId = (await post('/api/v1/devices', { serial: 'PEN-0001', type: 'pendant', model: 'Acme', homeId }))
    .id;
  users['client'] = (await t.userWithToken('client', { clientId: client.id })).auth;
  DATA.push(homeId, deviceId);
});
afterAll(() => t?.close());

const PAGES: Array<[string, string]> = [
  ['admin', '/app/fleet'],
  ['admin', '/app/fleet?state=offline&region=Zuid'],
  ['monitor', '/app/alarms'],
  ['monitor', '/app/access'],
  ['admin', '/app/reports'],
  ['monitor', '/app/homes/:home'],
  ['technician', '/app/devices/:device'],
  ['care_worker', '/app/key-code'],
  ['care_worker', '/app/fleet'],
  ['client', '/app/my-home'],
  ['admin', '/app/users'],
  ['admin', '/app/updates'],
  ['technician', '/app/registry'],
  ['admin', '/app/functions'],
  ['admin', '/app/alarm-centre'],
  ['technician', '/app/keysafes'],
  ['monitor', '/app/tokens'],
  ['', '/login'],
];

describe('no page shows an untranslated string', () => {
  it.each(PAGES)('%s %s', async (role, path) => {
    const url = path.replace(':home', homeId).replace(':device', deviceId);
    const get = async (lang: string) => {
      const r = await t.app.inject({
        url: `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`,
        headers: users[role] ?? {},
      });
      expect(r.statusCode, r.body.slice(0, 300)).toBeLessThan(500);
      return r.body;
    };
    const [nl, en] = [await get('nl'), await get('en')];
    expect(nl).toContain('<html lang="nl">');
    expect(untranslated(nl, en, [...DATA, 'Zuid'])).toEqual([]);
  });

  it('the alarm card in every state', () => {
    const T = 1_767_225_600_000;
    const labels = new Map([['h1', { address: 'Dorpsstraat 9', region: undefined }]]);
    for (const state of ['new', 'acknowledged', 'assigned', 'on_site', 'closed'])
      for (const role of ['monitor', 'care_worker'] as const) {
        const a = {
          id: 'a1',
          homeId: 'h1',
          deviceId: 'PEN-0001',
          kind: 'fall',
          state,
          raisedAt: T,
          acknowledgedAt: state === 'new' ? null : T + 60_000,
          onSiteAt: state === 'on_site' || state === 'closed' ? T + 600_000 : null,
          closedAt: state === 'closed' ? T + 900_000 : null,
          assignedUserName: 'Anna',
          authenticated: false,
          unverifiedCancelAt: T + 30_000,
        };
        const render = (lang: 'nl' | 'en') =>
          runWithI18n(createI18n(lang), () => alarmCard(a, T + 45 * 60_000, labels, role).value);
        expect(untranslated(render('nl'), render('en'), [...DATA, 'a1', 'h1', 'Anna'])).toEqual([]);
      }
  });
});
