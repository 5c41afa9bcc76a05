import { type GatewayVersionPolicy, gatewayCompatibility, PROTOCOL_MAJOR } from '@baken/protocols';
import { BakenError } from './errors.js';

/**
 * The gateways this server release supports (docs/versioning.md, [MQTT-MAP §8]): the protocol
 * majors it speaks and the oldest gateway software. Raise `minGatewayVersion` only in a release whose
 * CHANGELOG says so, after the fleet has been updated past it.
 */
export const GATEWAY_VERSION_POLICY: GatewayVersionPolicy = {
  protocols: [PROTOCOL_MAJOR],
  minGatewayVersion: '0.1.0',
};

/** Refuses (426, `BAKEN_ERR_GATEWAY_VERSION`) a gateway this server does not support. */
export function assertGatewaySupported(
  software: string,
  protocol: number | undefined,
  policy: GatewayVersionPolicy = GATEWAY_VERSION_POLICY,
): void {
  const compat = gatewayCompatibility(software, protocol, policy);
  if (!compat.ok) {
    throw new BakenError(compat.code, 426, `Gateway not supported by this server: ${compat.message}.`);
  }
}
