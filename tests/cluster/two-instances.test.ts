// Two server instances on one PostgreSQL and a three-node RabbitMQ cluster (docs/deploy/README.md,
// "What happens when something dies"): in one alarm burst, `kill -9` of one instance while a code
// release it started waits for the key safe, then `kill -9` of a broker node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill9 } from '../bench/support/server-proc.js';
import { needPostgres } from '../support/postgres.js';
import { needRabbitmq } from '../support/rabbitmq.js';
import { type KeysafeHome, keysafeHome } from './support/keysafe-home.js';
import { type Instance, openStream, PgRegion, pressAlarms, until } from './support/pg-region.js';

/** Homes with pendants only; one more has a key safe too (every home raises the burst's alarms). */
const HOMES = 4;
const ALARMS = 60;
/** The health sweep's interval (`health-policy.ts`): its lease moves within one interval of a death. */
const SWEEP_MS = 15_000;
/**
 * The broker node that dies: both instances' first AMQP node (the survivor moves to its next one)
 * and the first endpoint of the even homes (their gateways move to their second endpoint).
 */
const DOOMED_NODE = 1;

const ready = needPostgres() && needRabbitmq();

interface Command {
  id: string;
  status: string;
  resultReason: string | null;
  releaseId: string | null;
}

/**
 * Every alarm stored exactly once and acknowledged to its gateway (the outbox drains only on the
 * server's ack, sent after the commit), every one on the survivor's live stream, the periodic
 * work's lease on the survivor within one sweep interval, and the code release the dead instance
 * was waiting on finished by the survivor when the key safe's answer came.
 */
describe.skipIf(!ready)(
  'two server instances, kill -9 of one and of a broker node during an alarm burst',
  () => {
    const region = new PgRegion(3);
    let a: Instance;
    let b: Instance;
    let ks: KeysafeHome;

    beforeAll(async () => {
      await region.start();
      a = await region.instance('a', [DOOMED_NODE, 2, 0]);
      b = await region.instance('b', [DOOMED_NODE, 0, 2]);
      for (let n = 0; n < HOMES; n++) await region.home(n % 2 === 0 ? a : b, n);
      // an odd home: its gateway is on the node that stays, so the release's answer takes one path
      ks = await keysafeHome(region, b, HOMES + 1);
      await until(() => region.gateways.every((g) => g.uplink.connected), 'gateways connected');
    }, 240_000);

    afterAll(async () => {
      ks?.safe.powerOff();
      await region.close();
    }, 90_000);

    it('loses no alarm, stores none twice, shows every one on the survivor, moves the lease, and finishes the release', async () => {
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
      // a care worker asks the victim for a code; the key safe takes the PIN, its answer waits
      ks.hold();
      const asked = fetch(`${victim.url}/api/v1/access/requests`, {
        method: 'POST',
        headers: { ...ks.worker.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ homeId: ks.homeId, situation: 'planned_care' }),
      }).then(
        (res) => `answered ${res.status}`,
        (err: unknown) => `failed: ${String(err)}`,
      );
      await until(() => ks.held() > 0, 'the key safe’s answer to the SET_CODE', 30_000);
      // the burst's second half goes out as the victim dies (pressed earlier, a fast turn stores it all first)
      for (const gw of region.gateways) pressAlarms(gw, half, half + 1);
      await kill9(victim.proc);
      const heldMs = ks.answer();
      const killedAt = Date.now();
      const storedAtKill = await stored();
      // a broker node dies in the same burst: the one the instances and the even homes are on
      const inFlight = region.gateways.reduce((n, g) => n + g.outbox.depth(), 0);
      const nodeDown = region.rabbit.nodes[DOOMED_NODE]!.kill();
      await nodeDown;
      expect(inFlight).toBeGreaterThan(0);

      const total = region.gateways.length * ALARMS;
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
      ).catch(async (err) => {
        const missing = alarms.filter((x) => !onStream().has(x.id));
        const fed = new Set(
          (
            await region.query<{ body: string }>("SELECT body FROM live_events WHERE type = 'alarm.created'")
          ).map((r) => (JSON.parse(r.body) as { alarmId: string }).alarmId),
        );
        const unfed = missing.filter((x) => !fed.has(x.id)).length;
        throw new Error(
          `${String(err)}: ${missing.length} of ${total} alarms never reached it (${unfed} of them never in the live feed)`,
        );
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

      // the release the victim waited on: its caller lost the connection, never a code
      expect(await asked).toMatch(/^failed/);
      const release = await finishedRelease(survivor);
      console.info(
        `${storedAtKill} of ${total} alarms stored at the kill of ${victim.name} (answer held ${heldMs} ms), ${inFlight} in outboxes at the kill of broker node ${DOOMED_NODE}; all stored once, acked and on ${survivor.name}'s stream; the sweep lease moved within ${(movedMs / 1000).toFixed(1)} s; the release ended '${release}' on ${survivor.name}`,
      );
    }, 300_000);

    /**
     * The release the dead instance started reaches a final state on the survivor, whichever it is:
     * completed when the key safe's `ok` arrived (the PIN is on the safe; no one saw it), or failed
     * with the reason the home unit gave. Queryable through the survivor's API, audited, and no
     * command of it left waiting.
     */
    async function finishedRelease(survivor: Instance): Promise<string> {
      const rows = () =>
        region.query<{ id: string; release_id: string; status: string }>(
          "SELECT id, release_id, status FROM keysafe_commands WHERE purpose = 'release'",
        );
      await until(
        async () => (await rows()).every((c) => c.status !== 'sent' && c.status !== 'pending'),
        'the release’s SET_CODE answered',
        30_000,
      );
      const [row] = await rows();
      expect(row).toBeDefined();
      const cmd = await region.api<Command>(survivor, 'GET', `/api/v1/access/commands/${row!.id}`);
      expect(cmd.releaseId).toBe(row!.release_id);
      const audit = await region.api<Array<{ action: string; details: Record<string, unknown> }>>(
        survivor,
        'GET',
        `/api/v1/audit/entries?subject=${encodeURIComponent(`keysafe:${ks.deviceId}`)}`,
      );
      expect(audit.filter((x) => x.details['commandId'] === cmd.id).map((x) => x.action)).toEqual([
        `keysafe.command_${cmd.status}`,
      ]);
      const requests = await region.api<Array<{ action: string }>>(
        survivor,
        'GET',
        `/api/v1/audit/entries?subject=${encodeURIComponent(`home:${ks.homeId}`)}&action=access.request`,
      );
      expect(requests).toHaveLength(1);
      const res = await fetch(`${survivor.url}/api/v1/access/releases/${cmd.releaseId}`, {
        headers: ks.worker.auth,
      });
      if (cmd.status === 'ok') {
        // completed: the key safe holds the PIN, the release says so
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ id: cmd.releaseId, delivery: 'ok', mode: 'online_pin' });
        // the worker, whose request died with the instance, asks the survivor again: a new PIN, confirmed
        const again = await region.api<{ code: string; delivery: string; releaseId: string }>(
          survivor,
          'POST',
          '/api/v1/access/requests',
          { homeId: ks.homeId, situation: 'planned_care' },
          ks.worker.auth,
        );
        expect(again).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
        expect(again.releaseId).not.toBe(cmd.releaseId);
        expect(ks.safe.enterCode(again.code)).toBe('accepted');
      } else {
        expect(cmd.status).toBe('failed');
        expect(cmd.resultReason).toMatch(/^BAKEN_ERR_|timeout|no answer/);
      }
      return cmd.status;
    }
  },
);
