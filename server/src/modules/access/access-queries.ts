import type { Clock } from '../../clock.js';
import type { Device, Repositories } from '../../store/repositories/index.js';
import type { AccessStores } from './access-stores.js';

/** Questions the access module's collaborators ask besides their own stores. */
export interface AccessQueries {
  /** The server's estimate of a key safe's clock, seconds (server time + its last reported offset). */
  deviceNowS(deviceId: string): Promise<number>;
  isBlocked(scope: 'keysafe' | 'person' | 'team', target: string): Promise<boolean>;
  /** The home's key safe: the installed one, else the first registered. */
  keysafeForHome(homeId: string): Promise<Device | null>;
}

export function accessQueries(d: {
  clock: Clock;
  repos: Pick<Repositories, 'devices'>;
  stores: Pick<AccessStores, 'keysafeState' | 'blocks'>;
}): AccessQueries {
  return {
    async deviceNowS(deviceId) {
      const offset = (await d.stores.keysafeState.clockOffsetMs(deviceId)) ?? 0;
      return Math.floor((d.clock.now() + offset) / 1000);
    },
    isBlocked: (scope, target) => d.stores.blocks.isActive(scope, target),
    async keysafeForHome(homeId) {
      const list = await d.repos.devices.list({ homeId, type: 'keysafe', limit: 20, offset: 0 });
      return list.find((x) => x.status === 'installed') ?? list[0] ?? null;
    },
  };
}
