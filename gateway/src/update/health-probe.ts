import type { DeviceState } from '../devices/device-registry.js';
import type { UpdateProbe } from './update-agent.js';

/** What the post-update check reads of the running gateway (`Gateway.status()`, narrowed). */
export interface UpdateHealthSource {
  status(): {
    running: boolean;
    uplink: { connected: boolean };
    storage: { state: string };
    devices: DeviceState[];
  };
}

/**
 * The post-update health check (docs/gateway-appliance.md, "Updates"): the gateway runs, is
 * connected to the broker, its outbox disk takes writes (`storage.state` ok), and every device whose
 * link was up before the update is up again. The reason names the first thing missing.
 */
export function postUpdateProbe(gateway: UpdateHealthSource): UpdateProbe {
  return (linksUp) => {
    const s = gateway.status();
    if (!s.running) return { ok: false, reason: 'the gateway is not running' };
    if (!s.uplink.connected) return { ok: false, reason: 'not connected to the broker' };
    if (s.storage.state !== 'ok') return { ok: false, reason: `outbox disk ${s.storage.state}` };
    const down = linksUp.filter((id) => s.devices.find((d) => d.deviceId === id)?.link !== 'up');
    if (down.length > 0) return { ok: false, reason: `links not up again: ${down.slice(0, 5).join(', ')}` };
    return { ok: true };
  };
}
