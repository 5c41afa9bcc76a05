import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { createPgRepositories } from '../../store/pg/index.js';
import type { PgDatabase } from '../../store/pg/pg-database.js';
import { usePgInstances } from '../../testing/pg-instances.js';
import { needPostgres } from '../../testing/postgres.js';
import { AuditChain } from '../audit/audit-chain.js';
import { PgAuditStore } from '../audit/pg-audit-store.js';
import { ABANDONED_AFTER_MS, finishAbandonedReleases, RELEASE_ABANDONED } from './abandoned-releases.js';
import { VOID_PURPOSE } from './access-service.js';
import { KeysafeKeys } from './keysafe-keys.js';
import { KeysafeLink } from './keysafe-link.js';
import { pgAccessStores } from './pg-access-stores.js';
import { release } from './testing/access-fixture.js';

const T0 = 1_765_432_100_123;

/**
 * What an instance that died while a code release waited for the key safe leaves behind in the
 * region's database (clustered mode, docs/deploy/README.md), and the access sweep on a surviving
 * instance finishing it.
 */
describe.skipIf(!needPostgres())('code releases abandoned by a dead instance (PostgreSQL)', () => {
  const pools = usePgInstances();

  async function region(db: PgDatabase) {
    const clock = new ManualClock(T0);
    const stores = pgAccessStores(db);
    const repos = createPgRepositories(db);
    const audit = new AuditChain(new PgAuditStore(db));
    const keys = new KeysafeKeys(stores.keys, randomBytes(32));
    const published: string[] = [];
    const link = new KeysafeLink(
      stores,
      clock,
      keys,
      audit,
      () => ({
        publish: async (_topic, payload) => {
          published.push((JSON.parse(payload) as { transaction: string }).transaction);
        },
      }),
      async () => Math.floor(clock.now() / 1000),
    );
    const gw = `gw-${randomBytes(4).toString('hex')}`;
    await repos.gateways.create({
      id: gw,
      homeId: null,
      serial: null,
      createdAt: T0,
      revokedAt: null,
      mqttPasswordHash: 'x',
    });
    const device = await repos.devices.create(
      { serial: `KS-${gw}`, type: 'keysafe', status: 'installed', gatewayId: gw },
      { userId: null },
      T0,
    );
    await keys.ensure(device.id, device.serial, T0);
    const sweep = (at: number) =>
      finishAbandonedReleases({ stores, releases: stores.releases, audit, link, repos }, at);
    /** A release whose SET_CODE the dead instance sent (`sent`), as `releaseOnline` leaves it mid-wait. */
    const sentRelease = async (slot: number, at = T0) => {
      const r = release({
        id: `rel-${randomBytes(4).toString('hex')}`,
        deviceId: device.id,
        slot,
        issuedAt: at,
      });
      expect(await stores.releases.insertIfPinSlotFree(r, at)).toBe(true);
      const id = `ks-${randomBytes(4).toString('hex')}`;
      await stores.commands.insert({
        id,
        deviceId: device.id,
        kind: 'set_code',
        params: { kind: 'set_code', slot },
        purpose: 'release',
        releaseId: r.id,
        createdAt: at,
      });
      await stores.commands.markSent(id, slot, at);
      return { release: r, commandId: id };
    };
    return { clock, stores, audit, link, device, gw, published, sweep, sentRelease };
  }

  it('voids what no one waits for any more, revokes its slot, deletes the release and audits it; a confirmed PIN stands', async () => {
    const r = await region(pools.next());
    // the key safe never answered (or its answer was lost with the instance)
    const silent = await r.sentRelease(1);
    // the key safe's failure reached the survivor, which had no request waiting for it
    const failed = await r.sentRelease(2);
    await r.link.handleResult(r.gw, {
      v: 1,
      at: T0,
      transaction: failed.commandId,
      status: 'error',
      reason: 'BAKEN_ERR_KEYSAFE_LINK_DOWN',
    });
    // the key safe's ok reached the survivor: completed, the PIN is on the safe
    const confirmed = await r.sentRelease(3);
    await r.link.handleResult(r.gw, { v: 1, at: T0, transaction: confirmed.commandId, status: 'ok' });
    // the instance died between storing the release and its SET_CODE: nothing was sent
    const unsent = release({ id: 'rel-unsent', deviceId: r.device.id, slot: 4, issuedAt: T0 });
    await r.stores.releases.insertIfPinSlotFree(unsent, T0);
    // a request still waiting on a live instance
    const live = await r.sentRelease(5, T0 + ABANDONED_AFTER_MS - 1_000);

    expect(await r.sweep(T0 + ABANDONED_AFTER_MS - 1)).toBe(0);
    expect(await r.sweep(T0 + ABANDONED_AFTER_MS + 1)).toBe(3);

    expect(await r.link.get(silent.commandId)).toMatchObject({
      status: 'dropped',
      resultReason: `void: ${RELEASE_ABANDONED}`,
    });
    for (const gone of [silent.release.id, failed.release.id, unsent.id])
      expect(await r.stores.releases.get(gone)).toBeNull();
    expect(await r.stores.releases.get(confirmed.release.id)).not.toBeNull();
    expect(await r.stores.releases.get(live.release.id)).not.toBeNull();
    expect((await r.link.get(live.commandId))?.status).toBe('sent');
    // the slots a SET_CODE may have reached are revoked (queued until the key safe is reached)
    const revokes = (await r.stores.commands.unfinished(r.device.id)).filter(
      (c) => c.purpose === VOID_PURPOSE,
    );
    expect(revokes.map((c) => (c.params as { slot: number }).slot).sort()).toEqual([1, 2]);
    const entries = await r.audit.list({ action: 'access.release_abandoned', limit: 10 });
    expect(entries.map((e) => [e.details['releaseId'], e.details['status'], e.details['reason']])).toEqual([
      [silent.release.id, 'dropped', RELEASE_ABANDONED],
      [failed.release.id, 'failed', RELEASE_ABANDONED],
      [unsent.id, 'not_sent', RELEASE_ABANDONED],
    ]);
    // the key safe's late ok for the voided SET_CODE changes nothing; a second sweep finds nothing
    await r.link.handleResult(r.gw, { v: 1, at: T0, transaction: silent.commandId, status: 'ok' });
    expect((await r.link.get(silent.commandId))?.status).toBe('dropped');
    expect(await r.sweep(T0 + ABANDONED_AFTER_MS + 60_000)).toBe(0);
  });

  it('a release’s SET_CODE left pending by a dead instance is never sent from the queue; what waits behind it is', async () => {
    const r = await region(pools.next());
    const id = 'ks-left-pending';
    await r.stores.commands.insert({
      id,
      deviceId: r.device.id,
      kind: 'set_code',
      // as sendNow stores it: the PIN itself is never stored
      params: {
        kind: 'set_code',
        slot: 1,
        holderId: 7,
        validFrom: Math.floor(T0 / 1000) - 60,
        validUntil: Math.floor(T0 / 1000) + 900,
        codeKind: 1,
        oneTime: true,
      },
      purpose: 'release',
      releaseId: 'rel-x',
      createdAt: T0,
    });
    const revoke = await r.link.enqueue(
      r.device,
      { kind: 'revoke', slot: 0xff, holderId: 7 },
      'revoke',
      null,
    );
    expect(await r.link.flushDevice(r.device)).toBe(1);
    expect(r.published).toEqual([revoke]);
    expect((await r.link.get(id))?.status).toBe('pending');
    // the sweep voids it
    await r.sweep(T0 + ABANDONED_AFTER_MS + 1);
    expect(await r.link.get(id)).toMatchObject({
      status: 'dropped',
      resultReason: `void: ${RELEASE_ABANDONED}`,
    });
  });
});
