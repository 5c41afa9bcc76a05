import { type GatewayVersionPolicy, gatewayCompatibility, PROTOCOL_MAJOR } from '@baken/protocols';
import type { FastifyBaseLogger } from 'fastify';
import { GATEWAY_VERSION_POLICY } from '../../gateway-versions.js';

/**
 * Watches the software version each running gateway reports in its heartbeat
 * (docs/versioning.md, [MQTT-MAP §8]). A gateway below the server's minimum is warned about once per
 * reported version, with `BAKEN_ERR_GATEWAY_VERSION` and what to do; its messages are still ingested:
 * an alarm is never dropped because of a version. (Heartbeats of another protocol major never get
 * here: the topic map refuses them as `BAKEN_ERR_PAYLOAD_VERSION`.)
 */
export class GatewayVersionWatch {
  readonly #lastSeen = new Map<string, string>();
  /** Gateways whose last reported version is unsupported. */
  readonly unsupported = new Set<string>();

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly policy: GatewayVersionPolicy = GATEWAY_VERSION_POLICY,
  ) {}

  observe(gatewayId: string, software: string): void {
    if (this.#lastSeen.get(gatewayId) === software) return;
    this.#lastSeen.set(gatewayId, software);
    const compat = gatewayCompatibility(software, PROTOCOL_MAJOR, this.policy);
    if (compat.ok) {
      this.unsupported.delete(gatewayId);
      return;
    }
    this.unsupported.add(gatewayId);
    this.log.warn(
      { gatewayId, software, code: compat.code, reason: compat.reason },
      `gateway software not supported by this server: ${compat.message}`,
    );
  }
}
