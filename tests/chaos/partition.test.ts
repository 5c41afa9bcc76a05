import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosRegion, pressAlarms, until } from './support/chaos-region.js';
import { TcpProxy } from './support/tcp-proxy.js';

const ALARMS = 20;

interface IncidentRow {
  gateway_id: string;
  cause: string;
  started_at: number;
  ended_at: number | null;
}

/**
 * A partition of half the fleet (two of four real gateways reach the server through an in-process
 * proxy the test cuts): alarms pressed during it arrive once after it heals; each cut-off home has
 * one incident from its disconnect (not its last message) to its reconnect; the others none.
 */
describe('chaos: a partition of part of the fleet', () => {
  const region = new ChaosRegion();
  let proxy: TcpProxy;

  beforeAll(async () => {
    await region.start(4);
    proxy = new TcpProxy({ host: '127.0.0.1', port: region.server.mqttPort });
    await proxy.start();
    await region.gateway(0);
    await region.gateway(1);
    await region.gateway(2, proxy.url);
    await region.gateway(3, proxy.url);
    await until(() => region.gateways.every((g) => g.uplink.connected), 'gateways connected');
    // every home known online to the server before the cut
    await until(() => region.query('SELECT gateway_id FROM gateway_state').length >= 4, 'four homes seen');
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await region.close();
  }, 60_000);

  it('delivers the alarms once after healing and accounts the downtime from the cut to the reconnect', async () => {
    const cut = region.gateways.slice(2);
    const cutIds = region.homes.slice(2, 4).map((h) => h.id);
    const incidents = () =>
      region.query<IncidentRow>(
        "SELECT gateway_id, cause, started_at, ended_at FROM incidents WHERE subject_kind = 'gateway' ORDER BY gateway_id",
      );
    const cutAt = Date.now();
    proxy.cut();
    await until(() => cut.every((g) => !g.uplink.connected), 'cut-off gateways notice');
    for (const gw of cut) pressAlarms(gw, ALARMS);
    await until(() => incidents().length === 2, 'two incidents opened');
    const healAt = Date.now();
    proxy.heal();
    await until(() => cut.every((g) => g.uplink.connected), 'cut-off gateways back');
    const backAt = Date.now();
    await until(() => cut.every((g) => g.outbox.depth() === 0), 'outboxes acked');
    await until(() => incidents().every((i) => i.ended_at !== null), 'incidents closed');

    const stored = region.query<{ gateway_id: string; n: number; d: number }>(
      "SELECT gateway_id, count(*) AS n, count(DISTINCT id) AS d FROM events WHERE kind = 'alarm' GROUP BY gateway_id ORDER BY gateway_id",
    );
    expect(stored).toEqual(
      cutIds
        .map((id) => ({ gateway_id: id, n: ALARMS, d: ALARMS }))
        .sort((a, b) => a.gateway_id.localeCompare(b.gateway_id)),
    );
    const rows = incidents();
    expect(rows.map((r) => r.gateway_id)).toEqual([...cutIds].sort());
    for (const r of rows) {
      expect(r.cause).toBe('offline');
      // the incident starts at the disconnect (the will, at the server's receive time), to the second
      expect(r.started_at).toBeGreaterThanOrEqual(cutAt);
      expect(r.started_at - cutAt).toBeLessThanOrEqual(1_000);
      // and ends at the reconnect
      expect(r.ended_at!).toBeGreaterThanOrEqual(healAt);
      expect(r.ended_at!).toBeLessThanOrEqual(backAt + 1_000);
    }
  }, 120_000);
});
