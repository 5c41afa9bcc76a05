import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareSoftwareVersions,
  type GatewayVersionPolicy,
  gatewayCompatibility,
  PROTOCOL_MAJOR,
  parseSoftwareVersion,
} from './compatibility.js';

const policy: GatewayVersionPolicy = { protocols: [1], minGatewayVersion: '0.2.0' };

describe('parseSoftwareVersion [MQTT-MAP §8]', () => {
  it.each([
    ['0.1.0', [0, 1, 0]],
    ['v1.4.2', [1, 4, 2]],
    ['baken-gateway 0.3.0+abc', [0, 3, 0]],
    ['0.3.0-rc.1', [0, 3, 0]],
    ['12.0.7.4', [12, 0, 7]],
  ])('%s → %j', (text, expected) => {
    expect(parseSoftwareVersion(text)).toEqual(expected);
  });

  it.each(['', 'dev', '1.2', '1..2.3', null, 42])('%j has no version', (text) => {
    expect(parseSoftwareVersion(text)).toBeUndefined();
  });

  it('is total: any input gives a version or undefined, never a throw', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        const v = parseSoftwareVersion(x);
        expect(v === undefined || v.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
      }),
    );
  });
});

describe('compareSoftwareVersions', () => {
  it('orders by major, then minor, then patch', () => {
    expect(compareSoftwareVersions([0, 10, 0], [0, 9, 9])).toBeGreaterThan(0);
    expect(compareSoftwareVersions([1, 0, 0], [0, 99, 99])).toBeGreaterThan(0);
    expect(compareSoftwareVersions([0, 2, 0], [0, 2, 0])).toBe(0);
    expect(compareSoftwareVersions([0, 1, 9], [0, 2, 0])).toBeLessThan(0);
  });
});

describe('gatewayCompatibility', () => {
  it('accepts the minimum, newer gateways of the same major, and a gateway without `protocol` as v1', () => {
    expect(gatewayCompatibility('0.2.0', PROTOCOL_MAJOR, policy)).toEqual({ ok: true });
    expect(gatewayCompatibility('7.0.0', 1, policy)).toEqual({ ok: true });
    expect(gatewayCompatibility('0.2.0-rc.1', undefined, policy)).toEqual({ ok: true });
  });

  it('refuses an older gateway, saying what to do', () => {
    const r = gatewayCompatibility('0.1.9', 1, policy);
    expect(r).toMatchObject({ ok: false, code: 'BAKEN_ERR_GATEWAY_VERSION', reason: 'software_too_old' });
    expect(!r.ok && r.message).toMatch(/0\.1\.9 is older than 0\.2\.0.*update the gateway/);
  });

  it('refuses a protocol major the server does not speak, whatever its software version', () => {
    const r = gatewayCompatibility('9.0.0', 2, policy);
    expect(r).toMatchObject({ ok: false, reason: 'protocol_unsupported' });
    expect(!r.ok && r.message).toMatch(/speaks protocol v2; this server speaks v1: update the server/);
    expect(gatewayCompatibility('0.2.0', '1', policy)).toMatchObject({ reason: 'protocol_unsupported' });
  });

  it('refuses a gateway without a software version', () => {
    expect(gatewayCompatibility('dev', 1, policy)).toMatchObject({ reason: 'software_unparseable' });
  });

  it('is total', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (software, protocol) => {
        const r = gatewayCompatibility(software, protocol, policy);
        expect(r.ok || r.code === 'BAKEN_ERR_GATEWAY_VERSION').toBe(true);
      }),
    );
  });
});
