import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

/** A stream reader that keeps what arrived: `until(re)` reads on until `re` matches it. */
function sse(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let text = '';
  return {
    async until(re: RegExp): Promise<string> {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${re}`);
        text += dec.decode(value);
      }
      return text;
    },
    close: () => reader.cancel(),
  };
}
const readUntil = async (body: ReadableStream<Uint8Array>, re: RegExp) => {
  const s = sse(body);
  const text = await s.until(re);
  await s.close();
  return text;
};

describe('GET /api/v1/stream resumes after Last-Event-ID', () => {
  let t: TestApp;
  let base: string;
  let monitor: { authorization: string };
  beforeAll(async () => {
    t = await testApp();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    monitor = (await t.userWithToken('monitor')).auth;
  });
  afterAll(() => t?.close());

  const warning = (n: number) => ({ warningId: n, gatewayId: 'gw', deviceId: 'p', kind: 'tamper', at: n });
  const open = (headers: Record<string, string> = {}, qs = '') =>
    fetch(`${base}/api/v1/stream${qs}`, { headers: { ...monitor, ...headers } });

  it('numbers every event and replays what a reconnecting dashboard missed, in order', async () => {
    const bus = t.app.ingest.bus;
    const first = sse((await open()).body!);
    await first.until(/: connected/);
    bus.emit('warning.opened', warning(1));
    const seen = await first.until(/"warningId":1,/);
    await first.close();
    const id = /id: (\S+)\nevent: warning\.opened\ndata: \{"warningId":1/.exec(seen)?.[1];
    expect(id).toMatch(/^[0-9a-f]+-\d+$/);

    // Disconnected: two things happen meanwhile.
    bus.emit('warning.opened', warning(2));
    bus.emit('warning.closed', warning(3));

    const again = await open({ 'last-event-id': id! });
    const replay = await readUntil(again.body!, /"warningId":3/);
    expect(replay.indexOf('"warningId":2')).toBeGreaterThan(0);
    expect(replay.indexOf('"warningId":2')).toBeLessThan(replay.indexOf('"warningId":3'));
    expect(replay).not.toContain('"warningId":1');
    // The same through the query string (a page that re-creates its EventSource).
    const viaQuery = await open({}, `?lastEventId=${encodeURIComponent(id!)}`);
    expect(await readUntil(viaQuery.body!, /"warningId":3/)).toContain('"warningId":2');
  });

  it('asks for a full reload when it cannot resume (unknown id, or from before a restart)', async () => {
    const r = await open({ 'last-event-id': 'deadbeef-1' });
    expect(await readUntil(r.body!, /event: resync/)).toContain('event: resync');
  });
});

describe('GET /api/v1/stream when the server stops', () => {
  it('ends every open stream, so closing the server does not wait for dashboards', async () => {
    const t = await testApp();
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const monitor = (await t.userWithToken('monitor')).auth;
    const res = await fetch(`${base}/api/v1/stream`, { headers: monitor });
    const s = sse(res.body!);
    await s.until(/: connected/);
    // without ending the stream, close() never resolves and this test times out
    await t.close();
    await expect(s.until(/never sent/)).rejects.toThrow(/stream ended/);
  });
});
