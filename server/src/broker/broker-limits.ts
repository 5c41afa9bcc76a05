import { MQTT_MAX_PAYLOAD_BYTES } from '@baken/protocols';

/**
 * What one MQTT client can make the broker hold, the same for the embedded aedes broker and the
 * generated Mosquitto configuration (docs: `server/src/broker/README.md`).
 */
export interface BrokerLimits {
  /**
   * Largest MQTT packet accepted, in bytes of Remaining Length [MQTT-2.2.3]: the payload limit
   * [MQTT-MAP §2.1] plus room for the topic and ids. A larger packet closes the connection on its
   * header, before its body is read.
   */
  maxPacketBytes: number;
  /** Largest CONNECT (the first packet of every connection, read before authentication). */
  maxConnectBytes: number;
  /** Per gateway: messages per second after the burst is spent (alarm events always pass). */
  publishRatePerS: number;
  /** Per gateway: messages accepted at once before the rate applies (an outbox window, a reconnect). */
  publishBurst: number;
}

export const DEFAULT_BROKER_LIMITS: Readonly<BrokerLimits> = {
  maxPacketBytes: MQTT_MAX_PAYLOAD_BYTES + 1024,
  maxConnectBytes: 8 * 1024,
  publishRatePerS: 10,
  publishBurst: 300,
};

/** The defaults with whatever the configuration sets (`mqtt.limits`, `BAKEN_MQTT_*`). */
export function brokerLimits(configured: Partial<BrokerLimits> = {}): BrokerLimits {
  const defined = Object.fromEntries(Object.entries(configured).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_BROKER_LIMITS, ...defined };
}
