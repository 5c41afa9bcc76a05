import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestBroker, TestSubscriber, until } from '@baken/gateway/testing/test-broker';
import { pendantKeyTag } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./support/crash-child.ts', import.meta.url));
const ALARMS = 1_000;
// the child's pendant 'pendant-crash' and its key; authenticated pendant events have deterministic
// ids, pdt-<device>-<key tag>-<counter> [PENDANT SPEC §5.3]
const KEY_TAG = pendantKeyTag(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')).slice(0, 8);
const expectedIds = Array.from({ length: ALARMS }, (_, i) => `pdt-pendantcrash-${KEY_TAG}-${i + 1}`);

interface Child {
  proc: ChildProcess;
  /** Ids of alarms the child reported as committed to its outbox. */
  stored: string[];
  done: boolean;
  exited: Promise<void>;
}

function startChild(dataDir: string, brokerUrl: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      CRASH_DATA_DIR: dataDir,
      CRASH_BROKER_URL: brokerUrl,
      CRASH_ALARMS: String(ALARMS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child: Child = {
    proc,
    stored: [],
    done: false,
    exited: new Promise((resolve) => proc.once('exit', () => resolve())),
  };
  let buffered = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('stored ')) child.stored.push(line.slice(7));
      if (line.startsWith('done ')) child.done = true;
    }
  });
  return child;
}

async function kill9(child: Child): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}

const received = (sub: TestSubscriber): Set<string> =>
  new Set(
    sub
      .received('events')
      .filter((m) => m.payload['kind'] === 'alarm')
      .map((m) => String(m.payload['id'])),
  );

// `kill -9` the gateway (a child process) while 1,000 alarms are being sent, and while
// the broker is down; after a restart on the same outbox every alarm arrives at least once.
describe('gateway crash proofs (child process, SIGKILL)', () => {
  let dir: string;
  let broker: TestBroker;
  let sub: TestSubscriber;
  const children: Child[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-crash-'));
    broker = new TestBroker();
    await broker.start();
    sub = new TestSubscriber(true);
    await sub.connect(broker.url);
  });

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.proc.exitCode === null) await kill9(c);
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no alarm when killed while sending 1,000 alarms', { timeout: 120_000 }, async () => {
    const first = startChild(dir, broker.url);
    children.push(first);
    // killed mid-stream: some alarms published and acked, some in flight, some not yet pressed
    await until(() => received(sub).size >= 150, '150 alarms received');
    await kill9(first);
    // killed while alarms were still being sent
    expect(received(sub).size).toBeLessThan(ALARMS);
    const storedBeforeKill = new Set(first.stored);

    const second = startChild(dir, broker.url);
    children.push(second);
    await until(() => received(sub).size >= ALARMS, 'all alarms received');
    const ids = received(sub);
    expect([...ids].sort()).toEqual([...expectedIds].sort());
    // every alarm the killed gateway had committed reached the subscriber
    for (const id of storedBeforeKill) expect(ids.has(id)).toBe(true);
    await until(() => second.done, 'second run finished pressing');
  });

  it('loses no alarm when killed while the broker is down', { timeout: 120_000 }, async () => {
    await broker.stop();
    const first = startChild(dir, broker.url);
    children.push(first);
    await until(() => first.stored.length >= 400, '400 alarms stored offline');
    await kill9(first);
    expect(received(sub).size).toBe(0);

    await broker.start();
    await sub.connect(broker.url);
    const second = startChild(dir, broker.url);
    children.push(second);
    await until(() => received(sub).size >= ALARMS, 'all alarms received');
    expect([...received(sub)].sort()).toEqual([...expectedIds].sort());
    for (const id of first.stored) expect(received(sub).has(id)).toBe(true);
  });
});
