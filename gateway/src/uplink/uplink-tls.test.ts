import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { needProgram } from '@baken/hardware/testing/external-program';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestBroker, type TestBrokerTls, TestSubscriber, until } from '../testing/test-broker.js';
import { type TestCert, TestPki } from '../testing/test-pki.js';
import { Uplink, type UplinkOptions } from './uplink.js';

const GW = 'gw-tls-1';
const log = pino({ level: 'silent' });

/**
 * mqtts:// as production runs it: a broker with a certificate from a private CA, the CA given to the
 * uplink as `ca` (config `mqtt.caFile`). The uplink must verify the chain and the host name, and a
 * refused handshake must surface as `attempt-failed` with the TLS error, then be retried on back-off.
 */
describe.skipIf(!needProgram('openssl'))('Uplink over mqtts:// with a private CA', () => {
  let dir: string;
  let ca: TestCert;
  let otherCa: TestCert;
  /** SAN DNS:localhost, IP:127.0.0.1, signed by `ca`. */
  let goodCert: TestCert;
  /** Signed by `ca` but for other names: SAN DNS:broker.invalid, IP:127.0.0.9. */
  let wrongNameCert: TestCert;
  let clock: MockClock;
  let uplink: Uplink | undefined;
  const brokers: TestBroker[] = [];
  const subs: TestSubscriber[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-uplink-tls-'));
    const pki = new TestPki(dir);
    ca = pki.ca('baken-test-ca');
    otherCa = pki.ca('baken-other-ca');
    goodCert = pki.server('broker', ca, ['DNS:localhost', 'IP:127.0.0.1']);
    wrongNameCert = pki.server('elsewhere', ca, ['DNS:broker.invalid', 'IP:127.0.0.9']);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const broker = async (tls: TestBrokerTls): Promise<TestBroker> => {
    const b = new TestBroker(tls);
    await b.start();
    brokers.push(b);
    return b;
  };
  const subscriber = async (url: string): Promise<TestSubscriber> => {
    const s = new TestSubscriber(false);
    await s.connect(url, ['baken/v1/gw/#'], { ca: ca.cert });
    subs.push(s);
    return s;
  };
  const startUplink = (opts: Partial<UplinkOptions> & { primaryUrl: string }): Uplink => {
    uplink = new Uplink(
      {
        gatewayId: GW,
        failoverAfterMs: 60_000,
        probeIntervalMs: 5_000,
        backoff: { initialMs: 1_000, maxMs: 8_000 },
        keepaliveS: 30,
        connectTimeoutMs: 5_000,
        random: () => 0.5,
        ...opts,
      },
      clock,
      log,
    );
    uplink.start();
    return uplink;
  };
  /** Resolves with the reason of the next `attempt-failed`; a `connected` instead fails the test. */
  const nextFailure = async (u: Uplink): Promise<string> => {
    const ac = new AbortController();
    const failed = once(u, 'attempt-failed', { signal: ac.signal }).then(([, reason]) => reason as string);
    const connected = once(u, 'connected', { signal: ac.signal }).then(() => {
      throw new Error('uplink connected, but the handshake should have been refused');
    });
    try {
      return await Promise.race([failed, connected]);
    } finally {
      ac.abort();
    }
  };
  /** The uplink refuses the broker, reports it, and keeps retrying on the back-off schedule. */
  const expectRefusedWithRetries = async (u: Uplink, reason: RegExp): Promise<void> => {
    const reasons = [await nextFailure(u)];
    expect(u.connected).toBe(false);
    // equal jitter with random 0.5: 750, 1500, 3000 ms (initial 1 s doubling, 3/4 of the cap)
    for (const delay of [750, 1_500, 3_000]) {
      expect(clock.nextTimerIn()).toBe(delay);
      const next = nextFailure(u);
      clock.advance(delay - 1);
      expect(clock.nextTimerIn()).toBe(1); // not retried early
      clock.advance(1);
      reasons.push(await next);
    }
    for (const r of reasons) expect(r).toMatch(reason);
    expect(u.connected).toBe(false);
    expect(u.lastFailure).toEqual({ path: 'primary', reason: reasons.at(-1), at: clock.now() });
  };

  beforeEach(() => {
    clock = new MockClock();
  });
  afterEach(async () => {
    await uplink?.stop();
    uplink = undefined;
    for (const s of subs.splice(0)) await s.close();
    for (const b of brokers.splice(0)) await b.stop();
  });

  it('connects to mqtts://localhost with the CA, sends SNI, publishes availability and events', async () => {
    const b = await broker({ ...goodCert });
    expect(b.url).toBe(`mqtts://localhost:${b.port}`);
    const u = startUplink({ primaryUrl: b.url, ca: ca.cert });
    const [path] = await once(u, 'connected');
    expect(path).toBe('primary');
    expect(u.connected).toBe(true);
    expect(b.servernames).toEqual(['localhost']);

    const sub = await subscriber(b.url);
    await until(() => sub.received('availability').length === 1, 'retained online');
    expect(sub.received('availability')[0]).toMatchObject({
      retain: true,
      payload: { v: 1, state: 'online' },
    });
    const id = 'evt-tls-00000001';
    await u.publish('events', JSON.stringify({ v: 1, id, alarm: true }), { qos: 1 });
    await until(() => sub.received('events').length === 1, 'event over TLS');
    expect(sub.received('events')[0]).toMatchObject({
      topic: `baken/v1/gw/${GW}/events`,
      payload: { v: 1, id, alarm: true },
    });
  });

  it('connects to mqtts://127.0.0.1 with the CA (IP subjectAltName, no SNI)', async () => {
    const b = await broker({ ...goodCert, host: '127.0.0.1' });
    const u = startUplink({ primaryUrl: b.url, ca: ca.cert });
    await once(u, 'connected');
    expect(b.servernames).toEqual([false]);
    const sub = await subscriber(b.url);
    await until(() => sub.received('availability').length === 1, 'retained online');
  });

  it('refuses the broker without the CA (system roots) and keeps retrying with back-off', async () => {
    const b = await broker({ ...goodCert });
    const u = startUplink({ primaryUrl: b.url });
    await expectRefusedWithRetries(
      u,
      /^UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate/,
    );
    expect(b.servernames).toEqual([]); // no handshake ever completed
  });

  it('refuses a broker whose certificate is from a different CA', async () => {
    const b = await broker({ ...goodCert });
    const u = startUplink({ primaryUrl: b.url, ca: otherCa.cert });
    await expectRefusedWithRetries(u, /^UNABLE_TO_VERIFY_LEAF_SIGNATURE: /);
    expect(b.servernames).toEqual([]);
  });

  it('refuses a certificate from the right CA whose names do not include the host (DNS)', async () => {
    const b = await broker({ ...wrongNameCert });
    const u = startUplink({ primaryUrl: b.url, ca: ca.cert });
    await expectRefusedWithRetries(
      u,
      /^ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames: Host: localhost\. is not in the cert's altnames: DNS:broker\.invalid/,
    );
  });

  it('refuses a certificate from the right CA whose names do not include the host (IP)', async () => {
    const b = await broker({ ...wrongNameCert, host: '127.0.0.1' });
    const u = startUplink({ primaryUrl: b.url, ca: ca.cert });
    await expectRefusedWithRetries(
      u,
      /^ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list/,
    );
  });

  it('connects once the broker presents a valid certificate after refusals', async () => {
    const bad = await broker({ ...wrongNameCert });
    const port = bad.port;
    const u = startUplink({ primaryUrl: bad.url, ca: ca.cert });
    await nextFailure(u);
    expect(u.lastFailure?.reason).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: /);
    await bad.stop();
    const good = new TestBroker({ ...goodCert });
    await good.start(port);
    brokers.push(good);
    const connected = once(u, 'connected');
    clock.advance(clock.nextTimerIn() ?? 0);
    await connected;
    expect(u.connected).toBe(true);
    expect(u.lastFailure).toBeUndefined();
  });
});
