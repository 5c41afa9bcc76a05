import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServer } from '../server.js';
import { testConfig } from '../testing/test-app.js';

// `npm start` must stop within 5 s of Ctrl-C: closing the embedded broker may not wait for a
// connection whose peer never ends it (one that has not sent CONNECT yet, a peer gone silent).
describe('embedded broker close', () => {
  it('does not wait for connections that never end by themselves', async () => {
    const server = await startServer({ config: testConfig() });
    const port = Number(new URL(server.mqttUrl).port);
    const idle = connect(port, '127.0.0.1');
    idle.on('error', () => undefined);
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    const ended = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    await ended;
  }, 15_000);
});
