import { encodeMqttPayload, type GatewayConfigPayload, topicFor } from '@baken/protocols';
import type { AppContext } from '../../app-context.js';
import type { PendantPairingRepository } from './pendant-pairings.js';

/**
 * Builds and publishes a home unit's retained `config` [MQTT-MAP §4.7]: the heartbeat interval the
 * server's incident thresholds assume, and the home's paired pendants with their advert keys (secret;
 * the broker's ACL lets only that gateway read its subtree). Key safes stay in the unit's local
 * configuration: their serial path or BLE address is known only at the installation.
 *
 * `revision` is the publish time in ms, so a later config always has a higher revision and a
 * gateway ignores an older retained one.
 */
export class GatewayConfigPublisher {
  constructor(
    /** Only what it uses of the app context; `mqtt` is read at publish time (null without a broker). */
    private readonly ctx: Pick<AppContext, 'repos' | 'clock' | 'config' | 'mqtt'>,
    private readonly pairings: PendantPairingRepository,
  ) {}

  async build(gatewayId: string): Promise<GatewayConfigPayload | null> {
    const gw = await this.ctx.repos.gateways.get(gatewayId);
    if (!gw || gw.revokedAt !== null) return null;
    const pendants = gw.homeId
      ? await this.ctx.repos.devices.list({ homeId: gw.homeId, type: 'pendant', limit: 64, offset: 0 })
      : [];
    const now = this.ctx.clock.now();
    const entries: GatewayConfigPayload['pendants'] = [];
    for (const d of pendants) {
      const p = await this.pairings.get(d.id);
      if (!p) continue;
      entries.push({
        deviceId: d.serial,
        address: p.address,
        format: p.format,
        ...(p.key ? { keyHex: Buffer.from(p.key).toString('hex') } : {}),
      });
    }
    return {
      v: 1,
      revision: now,
      issuedAt: now,
      heartbeatIntervalS: this.ctx.config.heartbeatIntervalS,
      pendants: entries,
      keysafes: [],
    };
  }

  /** Publishes (retained, QoS 1) the gateway's config; a no-op without a broker or for unknown units. */
  async publish(gatewayId: string): Promise<boolean> {
    const mqtt = this.ctx.mqtt;
    if (!mqtt) return false;
    const config = await this.build(gatewayId);
    if (!config) return false;
    await mqtt.publish(topicFor('config', gatewayId), encodeMqttPayload('config', config), {
      qos: 1,
      retain: true,
    });
    return true;
  }

  /** Republishes for every gateway of a home (after a pairing changed). */
  async publishForHome(homeId: string): Promise<number> {
    let n = 0;
    for (const g of await this.ctx.repos.gateways.list(homeId)) if (await this.publish(g.id)) n++;
    return n;
  }
}
