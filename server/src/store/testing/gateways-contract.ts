import { describe, expect, it } from 'vitest';
import { fromConstraint } from '../../http/constraint-errors.js';
import type { Repositories } from '../repositories/index.js';
import { type MakeRepositories, rejection, T0, useRepositories } from './repositories-fixture.js';

export async function someHome(r: Repositories, address = 'Kerkstraat 1'): Promise<string> {
  const c = await r.clients.createClient({ name: `client of ${address}` }, T0);
  return (await r.clients.createHome({ clientId: c.id, address }, T0)).id;
}

const gw = (id: string, homeId: string | null, createdAt = T0) => ({
  id,
  homeId,
  serial: `SER-${id}`,
  createdAt,
  revokedAt: null,
  mqttPasswordHash: `pw-${id}`,
});

/** The `GatewaysRepository` and `EnrolmentTokensRepository` contracts. */
export function gatewaysContract(name: string, make: MakeRepositories): void {
  describe(`GatewaysRepository contract: ${name}`, () => {
    const repos = useRepositories(make);

    it('creates, reads, lists by creation then id, and per home', async () => {
      const r = repos();
      const h = await someHome(r);
      await r.gateways.create(gw('gw-b', h, T0 + 1));
      await r.gateways.create(gw('gw-c', null, T0));
      await r.gateways.create(gw('gw-a', h, T0 + 1));
      expect(await r.gateways.get('gw-b')).toEqual({
        id: 'gw-b',
        homeId: h,
        serial: 'SER-gw-b',
        createdAt: T0 + 1,
        revokedAt: null,
      });
      expect(await r.gateways.get('nope')).toBeNull();
      expect((await r.gateways.list()).map((g) => g.id)).toEqual(['gw-c', 'gw-a', 'gw-b']);
      expect((await r.gateways.list(h)).map((g) => g.id)).toEqual(['gw-a', 'gw-b']);
    });

    it('hands out the password hash until revoked; replaces it only from the expected value', async () => {
      const r = repos();
      await r.gateways.create(gw('g1', null));
      expect(await r.gateways.mqttPasswordHash('g1')).toBe('pw-g1');
      expect(await r.gateways.replaceMqttPasswordHash('g1', 'stale', 'x')).toBe(false);
      expect(await r.gateways.replaceMqttPasswordHash('g1', 'pw-g1', 'pw2')).toBe(true);
      expect(await r.gateways.mqttPasswordHash('g1')).toBe('pw2');
      expect(await r.gateways.revoke('g1', T0 + 9)).toBe(true);
      expect(await r.gateways.revoke('g1', T0 + 10)).toBe(false);
      expect(await r.gateways.mqttPasswordHash('g1')).toBeNull();
      expect((await r.gateways.get('g1'))?.revokedAt).toBe(T0 + 9);
      expect(await r.gateways.mqttPasswordHash('nope')).toBeNull();
    });

    it('refuses a duplicate id (409)', async () => {
      const r = repos();
      await r.gateways.create(gw('g1', null));
      expect(fromConstraint(await rejection(r.gateways.create(gw('g1', null))))?.code).toBe(
        'BAKEN_ERR_CONFLICT',
      );
    });
  });

  describe(`EnrolmentTokensRepository contract: ${name}`, () => {
    const repos = useRepositories(make);
    const tok = (id: string, homeId: string, expiresAt = T0 + 1000) => ({
      id,
      homeId,
      tokenHash: `th-${id}`,
      createdBy: null,
      createdAt: T0,
      expiresAt,
      usedAt: null,
      gatewayId: null,
    });

    it('redeems once, only before expiry; attaches the gateway; lists per home', async () => {
      const r = repos();
      const h = await someHome(r);
      await r.enrolmentTokens.create(tok('e1', h));
      await r.enrolmentTokens.create(tok('e2', h, T0 + 5));
      expect(await r.enrolmentTokens.redeem('th-e2', T0 + 5)).toBeNull();
      const used = await r.enrolmentTokens.redeem('th-e1', T0 + 7);
      expect(used).toEqual({ ...tok('e1', h), usedAt: T0 + 7, tokenHash: undefined });
      expect(await r.enrolmentTokens.redeem('th-e1', T0 + 8)).toBeNull();
      await r.gateways.create(gw('g1', h));
      await r.enrolmentTokens.attachGateway('e1', 'g1');
      const listed = await r.enrolmentTokens.listForHome(h);
      expect(listed.find((t) => t.id === 'e1')).toMatchObject({ usedAt: T0 + 7, gatewayId: 'g1' });
      expect(listed).toHaveLength(2);
    });

    it('two redeems at the same time: exactly one succeeds', async () => {
      const r = repos();
      const h = await someHome(r);
      await r.enrolmentTokens.create(tok('e1', h));
      const got = await Promise.all([
        r.enrolmentTokens.redeem('th-e1', T0 + 1),
        r.enrolmentTokens.redeem('th-e1', T0 + 1),
      ]);
      expect(got.filter((x) => x !== null)).toHaveLength(1);
    });
  });
}
