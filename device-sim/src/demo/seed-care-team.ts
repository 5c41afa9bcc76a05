import { randomBytes } from 'node:crypto';
import type { DemoCall } from './demo-api.js';

export interface DemoLogin {
  role: string;
  username: string;
  password: string;
}

const everyDay = (fromMinute: number, toMinute: number) =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute, toMinute }));

const password = (): string => `demo-${randomBytes(9).toString('base64url')}`;

/**
 * First start only: the function access matrix for the demo home (REQUIREMENTS §9.3): an "alarm
 * responder" function (alarms day and night, planned care 07:00–22:00), a district team serving the
 * client, a care worker in it with a signed declaration, and the client's own login for their access
 * log. Returns the two logins to show once.
 */
export async function seedCareTeam(call: DemoCall, clientId: string): Promise<DemoLogin[]> {
  const fn = await call('POST', '/api/v1/access/functions', {
    name: 'Alarm responder',
    windows: { alarm: everyDay(0, 1440), planned_care: everyDay(7 * 60, 22 * 60) },
  });
  const team = await call('POST', '/api/v1/access/teams', {
    name: 'Wijkteam Utrecht-Oost',
    id: 'team-utrecht-oost',
  });
  const worker: DemoLogin = { role: 'care worker', username: 'anna', password: password() };
  const user = await call('POST', '/api/v1/users', {
    username: worker.username,
    displayName: 'Anna de Boer',
    role: 'care_worker',
    password: worker.password,
  });
  await call('PATCH', `/api/v1/access/teams/${String(team['id'])}`, {
    clientIds: [clientId],
    memberIds: [user['id']],
  });
  await call('PUT', `/api/v1/access/employees/${String(user['id'])}/functions`, { functionIds: [fn['id']] });
  await call('POST', `/api/v1/access/employees/${String(user['id'])}/declarations`, {
    signedAt: Date.now(),
    documentRef: 'demo-declaration.pdf',
  });
  const client: DemoLogin = { role: 'client', username: 'devries', password: password() };
  await call('POST', '/api/v1/users', {
    username: client.username,
    displayName: 'Mevrouw A. de Vries',
    role: 'client',
    password: client.password,
    clientId,
  });
  return [worker, client];
}
