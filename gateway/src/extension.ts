/**
 * A gateway extension (learned from zigbee2mqtt): bridges, the heartbeat and the command relay are
 * extensions. Contract:
 * - the constructor only assigns fields: no timers, listeners, I/O or bus subscriptions;
 * - `start()` acquires everything (timers, bus listeners, transports) and resolves when running;
 * - `stop()` releases everything `start()` acquired, is safe to call twice and after a failed
 *   `start()`, and never throws for a transport that is already gone;
 * - extensions never call each other: they meet only on the `GatewayBus`.
 */
export interface Extension {
  /** Stable name for logs and `status` (`'heartbeat'`, `'pendant-bridge'`, …). */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
