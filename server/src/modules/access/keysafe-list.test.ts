import { afterEach, beforeEach, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

it('technicians, who install the keys, see the key safes; care workers do not', async () => {
  const tech = await t.userWithToken('technician');
  const worker = await t.userWithToken('care_worker');
  const list = (auth: { authorization: string }) =>
    t.app.inject({ url: '/api/v1/access/keysafes', headers: auth });
  expect((await list(tech.auth)).statusCode).toBe(200);
  expect((await list(worker.auth)).statusCode).toBe(403);
});
