import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockBleScanner, MockClock } from '@baken/hardware';
import { type CheckReportPayload, encodeBthome } from '@baken/protocols';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createGateway, type Gateway } from '../gateway.js';
import { TestBroker, TestSubscriber, until } from '../testing/test-broker.js';
import { formatCheckReport, publishCheckReport, runInstallationCheck } from './installation-check.js';

const GW = 'home-check-1';
const PENDANT = 'D8:3A:DD:00:00:77';

const press = (packetId = 3): Uint8Array => {
  const r = encodeBthome({
    objects: [
      { kind: 'number', id: 0x00, name: 'packet_id', value: packetId },
      { kind: 'number', id: 0x01, name: 'battery', value: 64 },
      { kind: 'button', id: 0x3a, name: 'button', event: 'press' },
    ],
  });
  if (!r.ok) throw r.error;
  return r.value;
};

describe('installation check (REQUIREMENTS §8.5) against a real broker', () => {
  let dir: string;
  let clock: MockClock;
  let broker: TestBroker;
  let sub: TestSubscriber;
  let scanner: MockBleScanner;
  let gw: Gateway;

  /** Runs `p` while advancing the mock clock in small steps (the check waits on the clock). */
  async function drive<T>(p: Promise<T>): Promise<T> {
    let done = false;
    void p.finally(() => {
      done = true;
    });
    while (!done) {
      await clock.advanceAsync(20);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return p;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-check-'));
    clock = new MockClock();
    broker = new TestBroker();
    await broker.start();
    sub = new TestSubscriber(true);
    await sub.connect(broker.url);
    scanner = new MockBleScanner({ clock });
    gw = createGateway({
      config: parseConfig({
        dataDir: dir,
        mqtt: { primaryUrl: broker.url },
        devices: [{ id: 'pendant-check', kind: 'pendant', address: PENDANT }],
      }),
      credentials: {
        gatewayId: GW,
        server: 'http://x',
        mqtt: { username: GW, password: 'pw' },
        provisionedAt: 0,
      },
      clock,
      logger: pino({ level: 'silent' }),
      softwareVersion: '0.1.0-check',
      transports: { openBleScanner: () => scanner },
      unit: () => ({ mains: 'on' }),
    });
    await gw.start();
  });

  afterEach(async () => {
    await gw.stop();
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes when the trial alarm is acknowledged, heartbeats flow and the server is confirmed; publishes the report', async () => {
    const prompts: string[] = [];
    const report = await drive(
      runInstallationCheck({
        gateway: gw,
        clock,
        brokerUrl: broker.url,
        serverConfigRevision: () => 4,
        technician: 'j.tester',
        // mock time runs ahead of the real broker round trips; a long window keeps this deterministic
        windowMs: 3_600_000,
        unit: () => ({ mains: 'on' }),
        prompt: (text) => {
          prompts.push(text);
          if (text.includes('pendant'))
            scanner.emitAdvert({ address: PENDANT, rssi: -61, serviceData: { fcd2: press() } });
        },
      }),
    );
    expect(
      report.steps.map((s) => [s.name, s.passed]),
      JSON.stringify(report.steps),
    ).toEqual([
      ['trial_alarm_acknowledged', true],
      ['trial_opening', true],
      ['battery_and_mains', true],
      ['heartbeat_signalling', true],
      ['server_identity', true],
    ]);
    expect(report.passed).toBe(true);
    // [MQTT-MAP §4.1.1] the press left the unit as a trial, and the report says so
    expect(report.steps[0]?.detail).toMatch(
      /pendant-check: trial press \(marked as a test: no alarm raised\) acknowledged/,
    );
    const sent = sub
      .received('events')
      .map((m) => m.payload as { id: string; kind: string; trial?: boolean });
    const trials = sent.filter((e) => e.kind === 'alarm');
    expect(trials.length).toBeGreaterThan(0); // a QoS 1 retransmission may arrive twice
    expect(new Set(trials.map((e) => e.id)).size).toBe(1);
    expect(trials.every((e) => e.trial === true)).toBe(true);
    expect(report.steps[2]?.detail).toContain('pendant-check 64 %');
    expect(formatCheckReport(report)).toMatch(/PASSED/);
    publishCheckReport(gw, report);
    await until(() => sub.received('check').length === 1, 'check report');
    expect(sub.received('check')[0]?.payload).toMatchObject({
      id: report.id,
      passed: true,
      technician: 'j.tester',
    });

    // after the check a press is a real alarm again
    await clock.advanceAsync(60_000);
    scanner.emitAdvert({ address: PENDANT, rssi: -61, serviceData: { fcd2: press(4) } });
    const alarms = () =>
      sub
        .received('events')
        .map((m) => m.payload as { id: string; kind: string })
        .filter((e) => e.kind === 'alarm' && e.id !== trials[0]?.id);
    await until(() => alarms().length > 0, 'real alarm');
    expect(alarms()[0]).not.toHaveProperty('trial');
  });

  it('fails the trial alarm when the server never acknowledges it, and identity on plain MQTT without server config', async () => {
    sub.autoAck = false;
    const report: CheckReportPayload = await drive(
      runInstallationCheck({
        gateway: gw,
        clock,
        brokerUrl: broker.url,
        windowMs: 2_000,
        prompt: (text) => {
          if (text.includes('pendant'))
            scanner.emitAdvert({ address: PENDANT, serviceData: { fcd2: press() } });
        },
      }),
    );
    expect(report.passed).toBe(false);
    expect(report.steps[0]).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/not acknowledged/),
    });
    expect(report.steps[4]).toMatchObject({ passed: false, detail: expect.stringMatching(/not confirmed/) });
    expect(formatCheckReport(report)).toMatch(/FAIL\] trial_alarm_acknowledged/);
  });
});
