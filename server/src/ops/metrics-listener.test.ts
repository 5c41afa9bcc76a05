import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { defaultConfig } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { testConfig } from '../testing/test-app.js';

let s: RunningServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('metrics listener', () => {
  it('serves /metrics on its own loopback listener, not on the API port', async () => {
    expect(defaultConfig().metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    s = await startServer({ config: testConfig(), clock: new ManualClock() });
    const api = await fetch(`${s.url}/metrics`);
    expect(api.status).toBe(404);
    expect(s.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scrape = await fetch(s.metricsUrl);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('baken_mqtt_rejected_total');
    expect((await fetch(s.metricsUrl.replace('/metrics', '/docs'))).status).toBe(404);
  });

  it('with a token, refuses a scrape without it', async () => {
    const token = 'a-metrics-token-of-some-length';
    s = await startServer({ config: testConfig({ metrics: { port: 0, token } }), clock: new ManualClock() });
    expect((await fetch(s.metricsUrl)).status).toBe(401);
    expect((await fetch(s.metricsUrl, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(s.metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
  });
});
