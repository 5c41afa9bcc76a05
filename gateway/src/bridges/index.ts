import type { Extension } from '../extension.js';
import type { GatewayContext } from '../gateway.js';
import { KeysafeBridges } from './keysafe-bridges.js';
import { PendantBridge, type PendantBridgeOptions } from './pendant-bridge.js';
import { readLegacyBakenCounters } from './pendant-legacy.js';
import { type PendantVaultStore, SealedPendantVault } from './pendant-vault.js';

export * from './frame-transport.js';
export * from './keysafe-bridge.js';
export * from './keysafe-bridges.js';
export * from './keysafe-commands.js';
export * from './keysafe-events.js';
export * from './pendant-bridge.js';
export * from './pendant-registry.js';
export * from './pendant-vault.js';
export * from './state-file.js';

/**
 * Builds the pendant bridge with its pairings, keys and counters kept in `dataDir`, sealed with the
 * unit's own key [PENDANT SPEC §5.3]. A sealing key that cannot be made (read-only disk) leaves the
 * bridge without a vault — pendants are still heard once the server's config arrives — and says so.
 */
export function createPendantBridge(
  ctx: GatewayContext,
  opts: PendantBridgeOptions = {},
): PendantBridge | null {
  const open = ctx.transports.openBleScanner;
  if (!open) return null;
  const logger = ctx.logger.child({ part: 'pendant-bridge' });
  let vault: PendantVaultStore | undefined;
  try {
    vault = new SealedPendantVault(ctx.config.dataDir, {
      onDamaged: (err) =>
        logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'pendant vault does not open: pendants are heard again once the server config arrives',
        ),
    });
  } catch (err) {
    logger.error(
      { err: err instanceof Error ? err.message : String(err) },
      'pendant vault not available (sealing key): pairings and counters are not kept across restarts',
    );
  }
  const legacy = readLegacyBakenCounters(ctx.config.dataDir);
  return new PendantBridge(
    {
      gatewayId: ctx.gatewayId,
      config: ctx.config,
      bus: ctx.bus,
      devices: ctx.devices,
      clock: ctx.clock,
      logger,
      openScanner: open,
    },
    {
      ...(vault === undefined ? {} : { vault }),
      ...(legacy === undefined ? {} : { legacyBakenCounters: legacy }),
      ...opts,
    },
  );
}

/** An extension that does nothing: the unit has no BLE adapter binding (tests, wired-only units). */
const idle = (name: string): Extension => ({ name, start: async () => {}, stop: async () => {} });

/**
 * The bridge extensions every gateway runs: the pendant bridge (when a BLE scanner
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
