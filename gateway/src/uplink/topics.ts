/**
 * The gateway's MQTT topics. Mirrors the topic map being written in `@baken/protocols` (mqtt/):
 * prefix `baken/v1/gw/{gatewayId}/`. Replace these with `topicFor` once it lands; the names here are
 * the same suffixes so the switch is mechanical.
 */
export type GatewayTopicName =
  | 'events'
  | 'ack'
  | 'heartbeat'
  | 'availability'
  | 'cmd/req'
  | 'cmd/res'
  | 'config'
  | 'check';

export const TOPIC_ROOT = 'baken/v1/gw';

/** Gateway ids are used as one topic level: no wildcards, separators or NUL. [MQTT-4.7.1] */
export function isValidGatewayId(id: string): boolean {
  return /^[A-Za-z0-9._-]{1,64}$/.test(id);
}

export function gatewayTopic(gatewayId: string, name: GatewayTopicName | string): string {
  return `${TOPIC_ROOT}/${gatewayId}/${name}`;
}

/** The suffix of `topic` under this gateway's prefix, or `undefined` when it is someone else's. */
export function topicSuffix(gatewayId: string, topic: string): string | undefined {
  const prefix = `${TOPIC_ROOT}/${gatewayId}/`;
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : undefined;
}

/** Topics the gateway subscribes to on every (re)connect (server → gateway). */
export const INBOUND_TOPICS: readonly GatewayTopicName[] = ['ack', 'cmd/req', 'config'];
