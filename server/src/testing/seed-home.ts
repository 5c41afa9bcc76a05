import type { Repositories } from '../store/repositories/index.js';

export interface SeededHome {
  clientId: string;
  homeId: string;
  gatewayId: string;
}

/**
 * A client, their home and its home unit in the registry, as enrolment leaves them (the unit's
 * MQTT password hash is a placeholder: tests that seed this way deliver its messages in-process).
 */
export async function seedHome(
  repos: Repositories,
  gatewayId: string,
  now: number,
  o: { client?: string; address?: string; region?: string } = {},
): Promise<SeededHome> {
  const c = await repos.clients.createClient({ name: o.client ?? 'C' }, now);
  const h = await repos.clients.createHome(
    { clientId: c.id, address: o.address ?? 'Straat 1', ...(o.region ? { region: o.region } : {}) },
    now,
  );
  await repos.gateways.create({
    id: gatewayId,
    homeId: h.id,
    serial: null,
    createdAt: now,
    revokedAt: null,
    mqttPasswordHash: 'x',
  });
  return { clientId: c.id, homeId: h.id, gatewayId };
}
