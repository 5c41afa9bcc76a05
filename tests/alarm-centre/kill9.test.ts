import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adminApi,
  type ServerProcess,
  sendFrame,
  spawnServer,
  TestCentre,
  unitFrame,
  until,
} from './support.js';

interface Delivery {
  kind: string;
  seq: number;
  state: string;
}

// docs/alarm-centre.md §Delivery guarantee: a message the centre has not ACKed survives `kill -9`
// of the server and is sent after the restart, once, with the same sequence number; an ACKed one
// is never sent again.
describe('alarm-centre delivery across kill -9 of the server (child process)', () => {
  let dir: string;
  let centre: TestCentre;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-dc09-kill-'));
    centre = new TestCentre();
    await centre.start();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      if (s.proc.exitCode === null && s.proc.signalCode === null) {
        s.proc.kill('SIGKILL');
        await s.exited;
      }
    }
    await centre.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the un-ACKed alarm after the restart, once; never the ACKed one', {
    timeout: 120_000,
  }, async () => {
    // a long ACK wait: when killed, the first server is still waiting for the centre's answer
    const env = { BAKEN_DC09_ACK_TIMEOUT_S: '60', BAKEN_DC09_RETRY_DELAY_S: '1' };
    const first = await spawnServer(dir, env);
    servers.push(first);
    const api = await adminApi(first, dir);
    const client = await api<{ id: string }>(`${first.url}/api/v1/clients`, 'POST', {
      name: 'Mevrouw Jansen',
    });
    const home = await api<{ id: string }>(`${first.url}/api/v1/homes`, 'POST', {
      clientId: client.id,
      address: 'Dorpsstraat 1',
    });
    await api(`${first.url}/api/v1/homes/${home.id}/alarm-centre`, 'PUT', {
      account: '1234',
      receivers: [{ host: '127.0.0.1', port: centre.port, transport: 'tcp' }],
    });
    // alarms reach the server from a third-party unit at the same home, over its DC-09 receiver
    await api(`${first.url}/api/v1/alarm-centre/units`, 'POST', { homeId: home.id, account: 'UNIT1' });
    const rx = await api<{ tcpPort: number }>(`${first.url}/api/v1/alarm-centre/receiver`);

    expect(await sendFrame(rx.tcpPort, unitFrame('UNIT1', 1, '1101 01 001'))).toBe('ACK');
    await until(() => centre.seqs().length === 1, 'the first alarm at the centre');
    const messages = (s: ServerProcess) =>
      api<Delivery[]>(`${s.url}/api/v1/homes/${home.id}/alarm-centre/messages`);
    await until(async () => (await messages(first))[0]?.state === 'delivered', 'the first alarm ACKed');

    centre.answer = 'silent';
    expect(await sendFrame(rx.tcpPort, unitFrame('UNIT1', 2, '1100 01 001'))).toBe('ACK');
    await until(() => centre.seqs().length === 2, 'the fall at the centre, unanswered');
    expect((await messages(first)).map((m) => [m.kind, m.state])).toEqual([
      ['pendant/fall', 'pending'],
      ['pendant/alarm', 'delivered'],
    ]);
    first.proc.kill('SIGKILL');
    await first.exited;

    centre.answer = 'ack';
    const second = await spawnServer(dir, env);
    servers.push(second);
    await until(async () => (await messages(second)).every((m) => m.state === 'delivered'), 'the fall ACKed');
    // one more alarm through the restarted server: it goes after the fall, so by the time it is
    // ACKed anything re-sent from before would have shown
    const rx2 = await api<{ tcpPort: number }>(`${second.url}/api/v1/alarm-centre/receiver`);
    expect(await sendFrame(rx2.tcpPort, unitFrame('UNIT1', 3, '1101 01 001'))).toBe('ACK');
    await until(
      async () => (await messages(second)).length === 3 && (await messages(second))[0]?.state === 'delivered',
      'the third alarm ACKed',
    );
    // seq 1: once; seq 2: the unanswered send before the kill and one after the restart; seq 3 once
    expect(centre.seqs()).toEqual([1, 2, 2, 3]);
  });
});
