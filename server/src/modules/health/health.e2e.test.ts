import { availabilityWill, type EventEnvelope, encodeMqttPayload, topicFor } from '@baken/protocols';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { createLogger } from '../../logger.js';
import { type RunningServer, startServer } from '../../server.js';
import { testConfig } from '../../testing/test-app.js';

/** MQTT and HTTP round trips are real: allow for a loaded CI machine. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 20 });

// The health module over real MQTT (embedded aedes) with a ManualClock: the sweep and all "time" move
// only when the test advances the clock; no test sleeps on wall time.

const MIN = 60_000;
const clock = new ManualClock(Date.UTC(2026, 0, 5, 8));
let s: RunningServer;
let admin: Record<string, string>;

type Row = Record<string, unknown>;
/** Loosely typed answers; every field the tests rely on is checked by an assertion. */
type Body = Row & {
  items: Row[];
  alerts: Row[];
  homes: Row[];
  transitions: Row[];
  gateway: Row;
  budget: Row;
};

async function api(method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>, headers = admin) {
  const r = await s.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  return { status: r.statusCode, body: r.json() as Body };
}

async function enrol(region = 'Noord') {
  const c = await api('POST', '/api/v1/clients', { name: 'Client' });
  const h = await api('POST', '/api/v1/homes', { clientId: c.body.id, address: 'Laan 2', region });
  const tok = await api('POST', `/api/v1/homes/${h.body.id}/enrolment-tokens`);
  const p = await s.app.inject({
    method: 'POST',
    url: '/api/v1/provision',
    payload: { token: tok.body.token, hardwareId: `HW-${String(h.body.id).slice(0, 8)}`, software: '0.1.0' },
  });
  expect(p.statusCode).toBe(200);
  return {
    homeId: h.body.id as string,
    gatewayId: p.json().gatewayId as string,
    password: p.json().mqtt.password as string,
  };
}

interface Gw {
  id: string;
  client: mqtt.MqttClient;
  acks: string[][];
}

async function connect(gatewayId: string, password: string): Promise<Gw> {
  const will = availabilityWill(gatewayId);
  const client = await mqtt.connectAsync(s.mqttUrl, {
    protocolVersion: 4,
    clientId: gatewayId,
    username: gatewayId,
    password,
    reconnectPeriod: 0,
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain },
  });
  const gw: Gw = { id: gatewayId, client, acks: [] };
  client.on('message', (topic, payload) => {
    if (topic === topicFor('ack', gatewayId))
      gw.acks.push((JSON.parse(payload.toString()) as { ids: string[] }).ids);
  });
  await client.subscribeAsync(topicFor('ack', gatewayId), { qos: 1 });
  await client.publishAsync(
    topicFor('availability', gatewayId),
    encodeMqttPayload('availability', { v: 1, state: 'online', at: clock.now() }),
    { qos: 1, retain: true },
  );
  return gw;
}

const heartbeat = (gw: Gw, battery = 80) =>
  gw.client.publishAsync(
    topicFor('heartbeat', gw.id),
    encodeMqttPayload('heartbeat', {
      v: 1,
      gatewayId: gw.id,
      sentAt: clock.now(),
      uptimeS: 100,
      software: '0.1.0',
      intervalS: 60,
      mains: 'on',
      outbox: { depth: 0, oldestAgeS: null },
      scan: { running: true, restarts: 0 },
      devices: [
        { deviceId: 'pendant-1', kind: 'pendant', link: 'up', lastSeen: clock.now(), rssi: -70, battery },
      ],
    }),
    { qos: 0 },
  );

let seq = 0;
function event(
  gw: Gw,
  deviceKind: EventEnvelope['deviceKind'],
  kind: string,
  data: object = {},
): EventEnvelope {
  seq++;
  return {
    v: 1,
    id: `evt-${String(seq).padStart(8, '0')}-${gw.id.slice(3, 11)}`,
    gatewayId: gw.id,
    deviceId: deviceKind === 'pendant' ? 'pendant-1' : 'KS-000123',
    deviceKind,
    kind,
    priority: kind === 'alarm' ? 'alarm' : 'normal',
    deviceTime: null,
    receivedAt: clock.now(),
    data,
  } as EventEnvelope;
}
const publishEvent = (gw: Gw, e: EventEnvelope | string) =>
  gw.client.publishAsync(topicFor('events', gw.id), typeof e === 'string' ? e : JSON.stringify(e), {
    qos: 1,
  });

const gatewayState = async (gatewayId: string) =>
  (await api('GET', '/api/v1/fleet/gateways')).body.items.find((g) => g.gatewayId === gatewayId)?.state;
const incidentsOf = async (homeId: string) =>
  (await api('GET', `/api/v1/incidents?homeId=${homeId}`)).body.items;
const metric = async (name: string) => s.app.baken.metrics.registry.getSingleMetricAsString(name);

/**
 * Advances the clock in sweep-sized steps, as the real clock would, letting each (async) sweep
 * finish, and sweeps once more at the end (the job's own sweeps run on its phase, which an earlier
 * jump of the clock during a sweep shifted).
 */
const advance = async (ms: number) => {
  for (let left = ms; left > 0; left -= 15_000) {
    clock.advance(Math.min(15_000, left));
    await s.app.health.settled();
  }
  await s.app.health.sweep(clock.now());
};

beforeAll(async () => {
  s = await startServer({ config: testConfig(), clock, logger: createLogger('silent') });
  const login = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'admin', password: s.firstAdmin!.password },
  });
  const token = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/tokens',
    cookies: { baken_session: login.cookies[0]!.value },
    headers: { 'x-baken-csrf': login.json().csrfToken },
    payload: { name: 'e2e' },
  });
  admin = { authorization: `Bearer ${token.json().token}` };
});
afterAll(() => s?.close());

describe('health over real MQTT', () => {
  it('heartbeats → online; silence → incident from the missed heartbeat; back → closed with the right downtime', async () => {
    const { homeId, gatewayId, password } = await enrol();
    expect(await gatewayState(gatewayId)).toBe('unknown');
    const gw = await connect(gatewayId, password);
    try {
      await heartbeat(gw, 15);
      await poll(() => gatewayState(gatewayId)).toBe('online');
      const lastSeen = clock.now();
      // Low battery reported in the heartbeat → an open warning on the pendant. The unit's
      // availability message can make it online before its heartbeat is ingested, so wait for it.
      await poll(async () =>
        (await api('GET', '/api/v1/warnings?open=true')).body.items.some(
          (x: Row) => x.deviceId === 'pendant-1' && x.kind === 'low_battery' && x.gatewayId === gatewayId,
        ),
      ).toBe(true);

      await advance(2 * MIN);
      expect(await gatewayState(gatewayId)).toBe('stale');
      expect(await incidentsOf(homeId)).toEqual([]);
      await advance(1 * MIN); // 3 min > 2.5 × 60 s
      expect(await gatewayState(gatewayId)).toBe('offline');
      const open = await incidentsOf(homeId);
      expect(open).toHaveLength(1);
      // the first missed heartbeat was due one interval after the last one
      expect(open[0]).toMatchObject({
        subjectKind: 'gateway',
        cause: 'silence',
        startedAt: lastSeen + MIN,
        endedAt: null,
      });

      await advance(2 * MIN);
      await heartbeat(gw);
      await poll(async () => (await incidentsOf(homeId))[0]?.endedAt).not.toBeNull();
      const closed = (await incidentsOf(homeId))[0];
      expect(closed?.downtimeMs).toBe(4 * MIN);
      expect(closed?.endedAt).toBe(lastSeen + 5 * MIN);
      expect(await gatewayState(gatewayId)).toBe('online');
      expect(await metric('baken_incidents_open')).toMatch(/baken_incidents_open \d+/);
    } finally {
      await gw.client.endAsync(true);
    }
  });

  it('availability offline (socket destroyed → last will) opens an incident at once', async () => {
    const { homeId, gatewayId, password } = await enrol();
    const gw = await connect(gatewayId, password);
    await heartbeat(gw);
    await poll(() => gatewayState(gatewayId)).toBe('online');
    const lastSeen = clock.now();
    clock.advance(10_000);
    const disconnectedAt = clock.now();
    gw.client.stream.destroy();
    await poll(() => incidentsOf(homeId)).toHaveLength(1);
    const [inc] = await incidentsOf(homeId);
    // from the disconnect (the last will), not from the last heartbeat 10 s before it
    expect(inc).toMatchObject({ cause: 'offline', startedAt: disconnectedAt, endedAt: null });
    expect(lastSeen).toBeLessThan(disconnectedAt);
    expect(await gatewayState(gatewayId)).toBe('offline');

    // Reconnecting publishes `online`: the incident closes; downtime is exactly the 50 s injected.
    clock.advance(50_000);
    const again = await connect(gatewayId, password);
    try {
      await poll(async () => (await incidentsOf(homeId))[0]?.downtimeMs).toBe(50_000);
    } finally {
      await again.client.endAsync(true);
    }
  });

  it('budget: fast-window burn alert, then 60 and 90 minute incident alerts', async () => {
    const { homeId, gatewayId, password } = await enrol('Zuid');
    const gw = await connect(gatewayId, password);
    try {
      await heartbeat(gw);
      await poll(() => gatewayState(gatewayId)).toBe('online');
      const alertsOf = async () =>
        (await api('GET', '/api/v1/budgets')).body.alerts
          .filter((a: Row) => a.scope === homeId)
          .map((a: Row) => a.kind);
      // downtime counts from the first missed heartbeat, one minute after the last one
      await advance(5 * MIN);
      expect(await alertsOf()).toEqual([]); // 4 min down: under 6 min (2 % of 5 h) in the hour
      await advance(5 * MIN);
      expect(await alertsOf()).toContain('burn_fast');
      await advance(51 * MIN);
      expect(await alertsOf()).toContain('incident_long');
      expect(await alertsOf()).not.toContain('incident_over_budget');
      await advance(30 * MIN);
      expect(await alertsOf()).toEqual(expect.arrayContaining(['incident_over_budget', 'burn_slow']));
      const home = (await api('GET', '/api/v1/budgets')).body.homes.find((h: Row) => h.homeId === homeId);
      expect(home?.consumedMs).toBe(90 * MIN);
      expect(home?.remainingMs).toBe(210 * MIN);
      expect(home?.predictedExhaustionAt).toBeGreaterThan(clock.now());
      const health = await api('GET', `/api/v1/homes/${homeId}/health`);
      expect(health.status).toBe(200);
      expect(health.body.gateway.state).toBe('offline');
      expect(health.body.budget.consumedMs).toBe(90 * MIN);
    } finally {
      await gw.client.endAsync(true);
    }
  });
});

describe('ingest and the alarm inbox over real MQTT', () => {
  it('alarm → app-level ack → inbox → ack → assign → on site by door_opened → close, times measured', async () => {
    const { homeId, gatewayId, password } = await enrol();
    const gw = await connect(gatewayId, password);
    try {
      const alarm = event(gw, 'pendant', 'alarm', { format: 'baken', rssi: -70, counter: 1 });
      const raisedAt = alarm.receivedAt;
      await publishEvent(gw, alarm);
      await poll(() => gw.acks.flat()).toContain(alarm.id);
      const inbox = (await api('GET', '/api/v1/alarms?open=true')).body.items;
      const a: Row = inbox.find((x: Row) => x.eventId === alarm.id) ?? {};
      expect(a).toMatchObject({ state: 'new', homeId, kind: 'alarm', raisedAt });

      clock.advance(2 * MIN);
      expect((await api('POST', `/api/v1/alarms/${a.id}/ack`, {})).body).toMatchObject({
        state: 'acknowledged',
        timeToAckMs: 2 * MIN,
      });
      expect((await api('POST', `/api/v1/alarms/${a.id}/ack`, {})).status).toBe(409);
      const carer = await s.app.baken.repos.users.create(
        { username: 'carer1', displayName: 'Carer', role: 'care_worker', passwordHash: 'x', clientId: null },
        clock.now(),
      );
      const assigned = await api('POST', `/api/v1/alarms/${a.id}/assign`, {
        teamId: 'team-noord-2',
        userId: carer.id,
      });
      expect(assigned.body).toMatchObject({
        state: 'assigned',
        assignedTeamId: 'team-noord-2',
        assignedUserId: carer.id,
      });

      clock.advance(20 * MIN);
      await publishEvent(gw, event(gw, 'keysafe', 'door_opened', { cause: 'code', slot: 3 }));
      await poll(async () => (await api('GET', `/api/v1/alarms/${a.id}`)).body.state).toBe('on_site');
      const onSite = (await api('GET', `/api/v1/alarms/${a.id}`)).body;
      expect(onSite).toMatchObject({
        onSiteSource: 'keysafe',
        timeToOnSiteMs: 22 * MIN,
        onSiteWithinTarget: true,
      });

      const closed = await api('POST', `/api/v1/alarms/${a.id}/close`, { note: 'client fine' });
      expect(closed.body.state).toBe('closed');
      const detail = (await api('GET', `/api/v1/alarms/${a.id}`)).body;
      expect(detail.transitions.map((t: Row) => t.toState)).toEqual([
        'new',
        'acknowledged',
        'assigned',
        'on_site',
        'closed',
      ]);
      expect(detail.transitions[3]).toMatchObject({ source: 'keysafe', byUserId: null });

      const report = await s.app.inject({
        url: `/api/v1/reports/alarms?from=${raisedAt}&to=${clock.now() + 1}&format=csv`,
        headers: admin,
      });
      expect(report.headers['content-type']).toContain('text/csv');
      expect(report.body).toContain(`${homeId},1,1,1,${2 * MIN},${22 * MIN},1`);
    } finally {
      await gw.client.endAsync(true);
    }
  });

  it('stores a duplicate event id once and acks it twice', async () => {
    const { gatewayId, password } = await enrol();
    const gw = await connect(gatewayId, password);
    try {
      const e = event(gw, 'pendant', 'fall', {});
      await publishEvent(gw, e);
      await poll(() => gw.acks.flat().filter((id) => id === e.id).length).toBe(1);
      await publishEvent(gw, e);
      await poll(() => gw.acks.flat().filter((id) => id === e.id).length).toBe(2);
      const n = s.db.prepare('SELECT COUNT(*) AS n FROM events WHERE id = ?').get(e.id) as { n: number };
      expect(n.n).toBe(1);
      const alarms = (await api('GET', '/api/v1/alarms')).body.items.filter((a: Row) => a.eventId === e.id);
      expect(alarms).toHaveLength(1);
      expect(await metric('baken_events_ingested_total')).toMatch(/outcome="duplicate"/);
    } finally {
      await gw.client.endAsync(true);
    }
  });

  it('stores check reports, relays command results on the bus and measures ingest latency', async () => {
    const { gatewayId, password } = await enrol();
    const gw = await connect(gatewayId, password);
    const results: string[] = [];
    const off = s.app.ingest.bus.on('command.result', (r) => results.push(r.result.transaction));
    try {
      const report = {
        v: 1 as const,
        id: `chk-${gatewayId}`,
        at: clock.now(),
        technician: 'j.de.vries',
        steps: [{ name: 'trial_alarm_acknowledged', passed: true, detail: 'ack after 412 ms' }],
        passed: true,
      };
      await gw.client.publishAsync(topicFor('check', gatewayId), encodeMqttPayload('check', report), {
        qos: 1,
      });
      await gw.client.publishAsync(
        topicFor('cmd/res', gatewayId),
        encodeMqttPayload('cmd/res', { v: 1, transaction: 'tx-1', status: 'ok', at: clock.now() }),
        { qos: 1 },
      );
      await poll(() => results).toEqual(['tx-1']);
      const row = s.db
        .prepare('SELECT gateway_id AS g, passed FROM check_reports WHERE id = ?')
        .get(report.id);
      expect(row).toEqual({ g: gatewayId, passed: 1 });
      expect(await metric('baken_ingest_latency_seconds')).toMatch(
        /baken_ingest_latency_seconds_count\{priority="alarm"\} [1-9]/,
      );
    } finally {
      off();
      await gw.client.endAsync(true);
    }
  });

  it('rejects invalid payloads and a foreign gatewayId, counted by reason, never stored or acked', async () => {
    const a = await enrol();
    const b = await enrol();
    const gw = await connect(a.gatewayId, a.password);
    try {
      const bad = { ...event(gw, 'pendant', 'alarm'), data: { rssi: 'loud' } };
      const foreign = { ...event(gw, 'pendant', 'alarm'), gatewayId: b.gatewayId };
      await publishEvent(gw, '{not json');
      await publishEvent(gw, JSON.stringify(bad));
      await publishEvent(gw, JSON.stringify(foreign));
      await poll(() => metric('baken_mqtt_rejected_total')).toMatch(/reason="payload_gateway_mismatch"\} 1/);
      const m = await metric('baken_mqtt_rejected_total');
      expect(m).toMatch(/reason="payload_json"\} 1/);
      expect(m).toMatch(/reason="payload_schema"\} 1/);
      for (const id of [bad.id, foreign.id]) {
        expect(s.db.prepare('SELECT 1 FROM events WHERE id = ?').get(id)).toBeUndefined();
        expect(gw.acks.flat()).not.toContain(id);
      }
    } finally {
      await gw.client.endAsync(true);
    }
  });
});
