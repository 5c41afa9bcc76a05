import { type TopicName, topicFor } from '@baken/protocols';

/** Topics the gateway subscribes to on every (re)connect (server → gateway) [MQTT-MAP §3]. */
export const INBOUND_TOPICS: readonly TopicName[] = ['ack', 'cmd/req', 'config'];

/** The full topic of `name` for this gateway; throws `BAKEN_ERR_GATEWAY_ID` on a malformed id. */
export function gatewayTopic(gatewayId: string, name: TopicName): string {
  return topicFor(name, gatewayId);
}
