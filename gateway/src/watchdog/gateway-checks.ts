import type { HealthCheck, HealthVerdict } from './watchdog.js';

/**
 * What the watchdog needs of the gateway: `Gateway.health()` (gateway.ts), reduced to the fields
 * it reads, so the watchdog never reaches into the outbox or the uplink itself.
 */
export interface GatewayHealthProbe {
  health(): {
    ok: boolean;
    outbox: { ok: boolean; storage: { state: string } };
    uplink: { running: boolean; stuck: boolean };
  };
}

/**
 * The gateway is alive while `health().ok`: the outbox takes entries (and keeps retrying a failing
 * disk) and the uplink runs without a hung attempt. A link that is merely down, or a degraded disk
 * that the outbox survives, is healthy there: a restart would mend neither and would lose what is
 * held in memory. When not ok, the reason names the part.
 */
export function gatewayCheck(gateway: GatewayHealthProbe): HealthCheck {
  return {
    name: 'gateway',
    check(): HealthVerdict {
      const h = gateway.health();
      if (h.ok) return { ok: true };
      const reasons: string[] = [];
      if (!h.outbox.ok) reasons.push(`outbox not taking entries (disk ${h.outbox.storage.state})`);
      if (!h.uplink.running) reasons.push('uplink not running');
      else if (h.uplink.stuck) reasons.push('uplink connection attempt hung');
      return { ok: false, reason: reasons.length > 0 ? reasons.join(', ') : 'not running' };
    },
  };
}
