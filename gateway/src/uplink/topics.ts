import { type TopicName, topicFor } from '@baken/protocols';

/** Topics the gateway subscribes to on every (re)connect (server → gateway) [MQTT-MAP §3]. */
export const INBOUND_TOPICS: readonly TopicName[] = ['ack', 'cmd/req', 'config'];

/**
 * The QoS the gateway subscribes with [MQTT-MAP §3]: 0. Its sessions are clean, so a QoS 1
 * subscription would keep nothing across a lost connection (what the server sends is carried by
 * the outbox, the app ack and command time-outs, not by the broker), and on RabbitMQ it makes the
 * subscription a durable queue homed on one node: while that node is down, the gateway's SUBSCRIBE
 * on every other node is refused (docs/adr/0001-clustered-broker.md, "Node failover").
 */
export const INBOUND_QOS = 0;

/** The full topic of `name` for this gateway; throws `BAKEN_ERR_GATEWAY_ID` on a malformed id. */
export function gatewayTopic(gatewayId: string, name: TopicName): string {
  return topicFor(name, gatewayId);
}
