import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password.js';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { type RunningServer, startServer } from '../server.js';
import { testConfig } from '../testing/test-app.js';

// Gateway passwords: keyed hash verified on CONNECT; an older scrypt hash verifies once and is
// replaced (broker README, "Credentials").
let s: RunningServer;
const gw = { id: 'gw-cred-0001', password: 'a-random-gateway-password-0001' };
const connect = (password: string) =>
  mqtt.connectAsync(s.mqttUrl, {
    clientId: gw.id,
    username: gw.id,
    password,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
const stored = () => s.app.baken.repos.gateways.mqttPasswordHash(gw.id);

beforeAll(async () => {
  s = await startServer({ config: testConfig(), clock: new ManualClock(), logger: createLogger('silent') });
  await s.app.baken.repos.gateways.create({
    id: gw.id,
    homeId: null,
    serial: null,
    createdAt: 0,
    revokedAt: null,
    mqttPasswordHash: await hashPassword(gw.password, { N: 1024, r: 8, p: 1 }),
  });
});
afterAll(() => s?.close());

describe('gateway credentials on the embedded broker', () => {
  it('a scrypt-hashed gateway gets in and its hash is replaced by the keyed one', async () => {
    expect(await stored()).toMatch(/^scrypt\$/);
    const c = await connect(gw.password);
    await c.endAsync();
    const now = (await stored())!;
    expect(s.app.baken.machineCredentials.isCurrent(now)).toBe(true);
    const again = await connect(gw.password);
    await again.endAsync();
    expect(await stored()).toBe(now);
  });

  it('a wrong password is refused under either hash', async () => {
    await expect(connect('not-the-password')).rejects.toThrow(/Bad username or password/i);
  });
});
