// Two server instances on one PostgreSQL and a RabbitMQ node (docs/deploy/README.md,
// "What happens when something dies"): `kill -9` of one instance during an alarm burst.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill9 } from '../bench/support/server-proc.js';
import { needPostgres } from '../support/postgres.js';
import { needRabbitmq } from '../support/rabbitmq.js';
import { type Instance, openStream, PgRegion, pressAlarms, until } from './support/pg-region.js';

const HOMES = 4;
const ALARMS = 60;
/** The health sweep's interval (`health-policy.ts`): its lease moves within one interval of a death. */
const SWEEP_MS = 15_000;

const ready = needPostgres() && needRabbitmq();

/**
 * Every alarm stored exactly once and acknowledged to its gateway (the outbox drains only on the
 * server's ack, sent after the commit), every one on the survivor's live stream, and the periodic
 * work's lease on the survivor within one sweep interval.
 */
describe.skipIf(!ready)('two server instances, kill -9 of one during an alarm burst', () => {
  const region = new PgRegion();
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    await region.start();
    a = await region.instance('a');
    b = await region.instance('b');
    for (let n = 0; n < HOMES; n++) await region.home(n % 2 === 0 ? a : b, n);
    await until(() => region.gateways.every((g) => g.uplink.connected), 'gateways connected');
  }, 240_000);

  afterAll(() => region.close(), 90_000);

  it('loses no alarm, stores none twice, shows every one on the survivor, and moves the lease', async () => {
    // the victim is the instance holding the sweep's lease, so the lease has to move
    await until(
      async () => (await region.leaseHolder('health.sweep')) !== null,
      'a sweep lease holder',
      30_000,
    );
    const victim = (await region.leaseHolder('health.sweep'))!;
    const survivor = victim === a ? b : a;
    const stream = await openStream(survivor, region.auth());

    const stored = async () =>
      (await region.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE kind = 'alarm'"))[0]!.n;
    const half = ALARMS / 2;
    for (const gw of region.gateways) pressAlarms(gw, half);
    await until(async () => (await stored()) > 0, 'first alarms stored');
    const killed = kill9(victim.proc);
    for (const gw of region.gateways) pressAlarms(gw, half, half + 1);
    await killed;
    const killedAt = Date.now();
    const storedAtKill = await stored();

    const total = HOMES * ALARMS;
    await until(() => region.gateways.every((g) => g.outbox.depth() === 0), 'every outbox acked', 120_000);
    expect(storedAtKill).toBeLessThan(total);
    const events = await region.query<{ id: string; n: number }>(
      "SELECT id, count(*) AS n FROM events WHERE kind = 'alarm' GROUP BY id",
    );
    expect(events).toHaveLength(total);
    expect(events.filter((e) => e.n !== 1)).toEqual([]);
    const alarms = await region.query<{ id: string; event_id: string }>('SELECT id, event_id FROM alarms');
    expect(alarms).toHaveLength(total);
    expect(new Set(alarms.map((x) => x.event_id)).size).toBe(total);

    // every alarm is on the surviving instance's dashboard stream, whichever instance stored it
    const onStream = () =>
      new Set(
        [...stream.text().matchAll(/event: alarm\.created\ndata: \{"alarmId":"([^"]+)"/g)].map((m) => m[1]),
      );
    await until(
      () => alarms.every((x) => onStream().has(x.id)),
      'every alarm on the survivor’s stream',
      30_000,
    ).catch((err) => {
      const missing = alarms.filter((x) => !onStream().has(x.id)).length;
      throw new Error(`${String(err)}: ${missing} of ${total} alarms never reached it`);
    });
    await stream.close();

    // the periodic work's lease is the survivor's within one sweep interval of the death
    await until(
      async () => (await region.leaseHolder('health.sweep')) === survivor,
      'the lease moved',
      SWEEP_MS + 5_000,
    );
    const movedMs = Date.now() - killedAt;
    expect(movedMs).toBeLessThan(SWEEP_MS + 5_000);
    console.info(
      `${storedAtKill} of ${total} alarms stored at the kill of ${victim.name}; all stored once, acked and on ${survivor.name}'s stream; the sweep lease moved within ${(movedMs / 1000).toFixed(1)} s`,
    );
  }, 300_000);
});
