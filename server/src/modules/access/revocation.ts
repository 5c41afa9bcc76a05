import { randomUUID } from 'node:crypto';
import { KsBlockScope, KsCodeKind } from '@baken/protocols';
import { notFound } from '../../errors.js';
import type { Device } from '../../store/repositories/index.js';
import type { AccessQueries } from './access-queries.js';
import { type AccessDeps, OFFLINE_KEY_SLOT } from './access-service.js';
import type { AccessStores } from './access-stores.js';
import type { Release } from './releases.js';

export type BlockScope = 'keysafe' | 'person' | 'team';

export interface AccessBlock {
  id: string;
  scope: BlockScope;
  target: string;
  reason: string;
  createdBy: string;
  createdAt: number;
  liftedAt: number | null;
  liftedBy: string | null;
}

/** What blocking and revocation use. */
export type RevocationDeps = Pick<AccessDeps, 'clock' | 'audit' | 'keys' | 'link' | 'repos' | 'releases'> &
  Pick<AccessQueries, 'deviceNowS' | 'isBlocked'> & {
    stores: Pick<AccessStores, 'blocks' | 'commands' | 'keysafeState'>;
  };

/** Offline-code keys are valid on the device for this long; re-provisioned before they end. */
const OFFLINE_KEY_VALIDITY_S = 5 * 365 * 86_400;

/**
 * Blocking and revocation. A block stops new releases at once (the matrix checks it)
 * and makes outstanding codes stop working on the key safe: PINs by REVOKE of the holder's slots,
 * offline codes by rotating the key safe's offline-code key (a new generation voids every outstanding
 * window code of that safe; other holders simply ask again). Commands are queued and reach an offline
 * key safe at the next contact; until then they are listed as not yet received.
 */
export class Revocation {
  constructor(private readonly d: RevocationDeps) {}

  /** Provision (or rotate) the offline-code key of a key safe: a queued SET_CODE kind 2. */
  async provisionOfflineKey(device: Device, by: string, purpose = 'offline_key'): Promise<number> {
    const { stores, clock, audit, keys } = this.d;
    await keys.ensure(device.id, device.serial, clock.now());
    const gen = await stores.keysafeState.nextOfflineGeneration(device.id);
    // Earlier undelivered rotations are superseded by this one.
    await stores.commands.dropPendingOfflineKeys(device.id);
    const nowS = await this.d.deviceNowS(device.id);
    await this.d.link.enqueue(
      device,
      {
        kind: 'set_code',
        slot: OFFLINE_KEY_SLOT,
        holderId: 0,
        validFrom: nowS - 3600,
        validUntil: nowS + OFFLINE_KEY_VALIDITY_S,
        codeKind: KsCodeKind.OfflineCodeKey,
        oneTime: false,
        offlineGeneration: gen,
      },
      purpose,
      null,
    );
    await audit.append({
      at: clock.now(),
      actor: by,
      action: purpose === 'offline_key' ? 'keysafe.offline_key_provisioned' : 'keysafe.offline_key_rotated',
      subject: `keysafe:${device.id}`,
      details: { generation: gen },
    });
    return gen;
  }

  async block(scope: BlockScope, target: string, reason: string, by: string): Promise<AccessBlock> {
    const { stores, clock, audit } = this.d;
    const now = clock.now();
    const id = randomUUID();
    await stores.blocks.insert({ id, scope, target, reason, createdBy: by, createdAt: now });
    await audit.append({
      at: now,
      actor: `user:${by}`,
      action: 'access.blocked',
      subject: `${scope}:${target}`,
      details: { blockId: id, reason },
    });
    if (scope === 'keysafe') {
      const device = await this.d.repos.devices.get(target);
      if (!device) throw notFound('Key safe');
      await this.d.link.enqueue(
        device,
        { kind: 'block', scope: KsBlockScope.Safe, target: 0 },
        'block',
        null,
      );
      await this.markRevoked(
        await this.d.releases.outstanding({ deviceId: target }, now),
        now,
        `keysafe block ${id}`,
      );
    } else {
      const filter = scope === 'person' ? { userId: target } : { teamId: target };
      await this.revokeReleases(await this.d.releases.outstanding(filter, now), `${scope} block ${id}`);
    }
    return (await this.getBlock(id))!;
  }

  async lift(id: string, by: string): Promise<AccessBlock | null> {
    const { stores, clock, audit } = this.d;
    const b = await this.getBlock(id);
    if (!b || b.liftedAt !== null) return b;
    const now = clock.now();
    await stores.blocks.lift(id, now, by);
    await audit.append({
      at: now,
      actor: `user:${by}`,
      action: 'access.unblocked',
      subject: `${b.scope}:${b.target}`,
      details: { blockId: id },
    });
    if (b.scope === 'keysafe' && !(await this.d.isBlocked('keysafe', b.target))) {
      const device = await this.d.repos.devices.get(b.target);
      if (device)
        await this.d.link.enqueue(
          device,
          { kind: 'unblock', scope: KsBlockScope.Safe, target: 0 },
          'unblock',
          null,
        );
    }
    return this.getBlock(id);
  }

  listBlocks(activeOnly: boolean): Promise<AccessBlock[]> {
    return this.d.stores.blocks.list(activeOnly);
  }

  getBlock(id: string): Promise<AccessBlock | null> {
    return this.d.stores.blocks.get(id);
  }

  /**
   * Makes outstanding releases stop working: REVOKE the holder's PIN slots on each key safe, rotate
   * the offline-code key of each key safe where an offline code is outstanding.
   */
  async revokeReleases(list: Release[], why: string): Promise<void> {
    const now = this.d.clock.now();
    const byDevice = new Map<string, Release[]>();
    for (const r of list) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
    for (const [deviceId, rs] of byDevice) {
      const device = await this.d.repos.devices.get(deviceId);
      if (!device) continue;
      for (const holderId of new Set(rs.filter((r) => r.mode === 'online_pin').map((r) => r.holderId))) {
        await this.d.link.enqueue(device, { kind: 'revoke', slot: 0xff, holderId }, 'revoke', null);
      }
      if (rs.some((r) => r.mode === 'offline_window'))
        await this.provisionOfflineKey(device, 'system', 'rotate_offline_key');
    }
    await this.markRevoked(list, now, why);
  }

  /**
   * Temporary staff past their end date and disabled accounts lose their outstanding codes by
   * themselves (run every minute on the injected clock).
   */
  async sweepExpired(): Promise<number> {
    const now = this.d.clock.now();
    const users = await this.d.repos.users.list();
    const gone = users.filter((u) => u.disabled || (u.validUntil !== null && u.validUntil <= now));
    let n = 0;
    for (const u of gone) {
      const out = await this.d.releases.outstanding({ userId: u.id }, now);
      if (out.length === 0) continue;
      await this.revokeReleases(out, u.disabled ? 'account disabled' : 'temporary access ended');
      n += out.length;
    }
    return n;
  }

  private async markRevoked(list: Release[], now: number, why: string): Promise<void> {
    if (list.length === 0) return;
    await this.d.releases.markRevoked(
      list.map((r) => r.id),
      now,
    );
    for (const r of list) {
      await this.d.audit.append({
        at: now,
        actor: 'system',
        action: 'access.release_revoked',
        subject: `home:${r.homeId}`,
        details: { releaseId: r.id, userId: r.userId, why },
      });
    }
  }
}
