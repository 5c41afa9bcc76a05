import { join } from 'node:path';
import { emptyBakenReplayState } from '@baken/protocols';
import type { Extension } from '../extension.js';
import type { GatewayContext } from '../gateway.js';
import { KeysafeBridges } from './keysafe-bridges.js';
import { PendantBridge, type PendantBridgeOptions } from './pendant-bridge.js';
import { JsonStateFile } from './state-file.js';

export * from './frame-transport.js';
export * from './keysafe-bridge.js';
export * from './keysafe-bridges.js';
export * from './keysafe-commands.js';
export * from './keysafe-events.js';
export * from './pendant-bridge.js';
export * from './pendant-registry.js';
export * from './state-file.js';

/** Builds the pendant bridge with its Baken replay counters persisted in `dataDir` [PENDANT SPEC §3.4]. */
export function createPendantBridge(
  ctx: GatewayContext,
  opts: PendantBridgeOptions = {},
): PendantBridge | null {
  const open = ctx.transports.openBleScanner;
  if (!open) return null;
  const replay = new JsonStateFile(join(ctx.config.dataDir, 'pendant-counters.json'), emptyBakenReplayState);
  return new PendantBridge(
    {
      gatewayId: ctx.gatewayId,
      config: ctx.config,
      bus: ctx.bus,
      devices: ctx.devices,
      clock: ctx.clock,
      logger: ctx.logger.child({ part: 'pendant-bridge' }),
      openScanner: open,
    },
    { replayStore: replay, ...opts },
  );
}

/** An extension that does nothing: the unit has no BLE adapter binding (tests, wired-only units). */
const idle = (name: string): Extension => ({ name, start: async () => {}, stop: async () => {} });

/**
 * The bridge extensions every gateway runs (issue 5 §1): the pendant bridge (when a BLE scanner
 * binding is available) and one key-safe bridge per configured key safe.
 */
export function defaultBridges(
  opts: { pendant?: PendantBridgeOptions } = {},
): ((ctx: GatewayContext) => Extension)[] {
  return [
    (ctx) => createPendantBridge(ctx, opts.pendant) ?? idle('pendant-bridge'),
    (ctx) => new KeysafeBridges(ctx),
  ];
}
