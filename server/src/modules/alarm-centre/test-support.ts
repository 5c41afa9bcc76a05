import { type EventEnvelope, MQTT_EXAMPLE_EVENTS } from '@baken/protocols';
import type { ManualClock } from '../../clock.js';
import { type TestApp, testApp } from '../../testing/test-app.js';
import { ingestSink } from './inbound-sink.js';

/** Polls `cond` between I/O turns (loopback sockets answer within a few turns; never wall-time sleeps). */
export async function until(cond: () => boolean, what: string, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** As {@link until}, for a condition read over the API. */
export async function untilAsync(cond: () => Promise<boolean>, what: string, turns = 5_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export const KEY_HEX = '000102030405060708090a0b0c0d0e0f';

export interface Dc09TestApp extends TestApp {
  call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: T }>;
  newHome(address?: string): Promise<string>;
  /** The receiver's TCP/UDP ports. */
  ports(): Promise<{ tcpPort: number; udpPort: number }>;
  /** Stores a gateway event for a home the way ingest does (processors in the same transaction). */
  ingest(homeId: string, kind: 'alarm' | 'fall' | 'cancel', id: string, trial?: boolean): Promise<void>;
}

/** An app with the DC-09 receiver on ephemeral loopback ports and an admin token. */
export async function dc09TestApp(
  dc09: Record<string, unknown> = {},
  opts: { strictResponses?: boolean } = { strictResponses: true },
): Promise<Dc09TestApp> {
  const t = await testApp(
    { dc09: { port: 0, ackTimeoutS: 5, retryDelayS: 5, attemptsPerReceiver: 2, ...dc09 } },
    opts,
  );
  const admin = await t.userWithToken('admin');
  const call = async <T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const r = await t.app.inject({
      method,
      url,
      headers: admin.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: r.statusCode, body: (r.body ? r.json() : null) as T };
  };
  const ctx = t.app.baken;
  const sink = ingestSink(t.app.ingest);
  let homes = 0;
  return {
    ...t,
    call,
    async newHome(address = `Dorpsstraat ${++homes}`) {
      const c = await call<{ id: string }>('POST', '/api/v1/clients', { name: 'Mevrouw Jansen' });
      const h = await call<{ id: string }>('POST', '/api/v1/homes', { clientId: c.body.id, address });
      return h.body.id;
    },
    async ports() {
      const r = await call<{ tcpPort: number; udpPort: number }>('GET', '/api/v1/alarm-centre/receiver');
      return r.body;
    },
    async ingest(homeId, kind, id, trial = false) {
      const example = MQTT_EXAMPLE_EVENTS.find((e) => e.deviceKind === 'pendant' && e.kind === kind)!;
      const event = {
        ...example,
        id,
        gatewayId: 'gw-home',
        receivedAt: ctx.clock.now(),
        ...(trial ? { trial: true } : {}),
      } as EventEnvelope;
      await sink.commit(homeId, [event], async () => undefined);
    },
  };
}

/** Registers `home` at `receiver` as a DC-09 unit and points `sender`'s home at it. */
export async function link(
  sender: Dc09TestApp,
  senderHome: string,
  receiver: Dc09TestApp,
  receiverHome: string,
  o: {
    key?: string | null;
    transport?: 'tcp' | 'udp';
    supervisionS?: number;
    content?: 'ADM-CID' | 'SIA-DCS';
  } = {},
) {
  const key = o.key === undefined ? KEY_HEX : o.key;
  const unit = await receiver.call<{ id: string; gatewayId: string }>('POST', '/api/v1/alarm-centre/units', {
    homeId: receiverHome,
    account: '1234AB',
    key,
    supervisionS: o.supervisionS ?? 60,
  });
  const ports = await receiver.ports();
  const transport = o.transport ?? 'tcp';
  const account = await sender.call('PUT', `/api/v1/homes/${senderHome}/alarm-centre`, {
    account: '1234AB',
    key,
    content: o.content ?? 'ADM-CID',
    supervisionS: o.supervisionS ?? 0,
    receivers: [{ host: '127.0.0.1', port: transport === 'tcp' ? ports.tcpPort : ports.udpPort, transport }],
  });
  return { unit: unit.body, account: account.body };
}

export type { ManualClock };
