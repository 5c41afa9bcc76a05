/**
 * Topic names, their direction/QoS/retain, and topic building and parsing [MQTT-MAP §1, §3].
 * Every topic is `baken/v1/gw/{gatewayId}/{name}`.
 */
import { fail, ok, ProtocolError, type Result } from '../errors.js';
import { GATEWAY_ID_PATTERN } from './common-schemas.js';

export const MQTT_TOPIC_ROOT = 'baken/v1/gw';

export const TOPIC_NAMES = [
  'events',
  'ack',
  'heartbeat',
  'availability',
  'cmd/req',
  'cmd/res',
  'config',
  'check',
] as const;
export type TopicName = (typeof TOPIC_NAMES)[number];

export type TopicDirection = 'gw_to_server' | 'server_to_gw';
export interface TopicMeta {
  readonly direction: TopicDirection;
  /** The QoS publishers use and subscribers request [MQTT-MAP §3]. */
  readonly qos: 0 | 1;
  /** Whether publishers set the retain flag. */
  readonly retain: boolean;
}

/** Direction, QoS and retain of every topic; the server's broker ACL derives from `direction`. */
export const TOPIC_META: Readonly<Record<TopicName, TopicMeta>> = {
  events: { direction: 'gw_to_server', qos: 1, retain: false },
  ack: { direction: 'server_to_gw', qos: 1, retain: false },
  heartbeat: { direction: 'gw_to_server', qos: 0, retain: false },
  availability: { direction: 'gw_to_server', qos: 1, retain: true },
  'cmd/req': { direction: 'server_to_gw', qos: 1, retain: false },
  'cmd/res': { direction: 'gw_to_server', qos: 1, retain: false },
  config: { direction: 'server_to_gw', qos: 1, retain: true },
  check: { direction: 'gw_to_server', qos: 1, retain: false },
};

const gatewayIdRe = new RegExp(GATEWAY_ID_PATTERN);
const topicNameSet: ReadonlySet<string> = new Set(TOPIC_NAMES);

export const isGatewayId = (value: unknown): value is string =>
  typeof value === 'string' && gatewayIdRe.test(value);

export const isTopicName = (value: unknown): value is TopicName =>
  typeof value === 'string' && topicNameSet.has(value);

const assertGatewayId = (gatewayId: string): void => {
  // A wildcard or `/` in a gateway id would widen a topic or an ACL: refuse loudly.
  if (!isGatewayId(gatewayId)) {
    throw new ProtocolError('BAKEN_ERR_GATEWAY_ID', 'gateway id must match ' + GATEWAY_ID_PATTERN, {});
  }
};

/** The topic of `name` for one gateway. Throws `BAKEN_ERR_GATEWAY_ID` on a malformed id. */
export const topicFor = (name: TopicName, gatewayId: string): string => {
  assertGatewayId(gatewayId);
  return `${MQTT_TOPIC_ROOT}/${gatewayId}/${name}`;
};

/** Everything of one gateway, e.g. for the broker ACL or a per-home debugging subscription. */
export const gatewaySubtreeFilter = (gatewayId: string): string => {
  assertGatewayId(gatewayId);
  return `${MQTT_TOPIC_ROOT}/${gatewayId}/#`;
};

/** One topic of every gateway, e.g. `baken/v1/gw/+/events` for server ingest. */
export const allGatewaysFilter = (name: TopicName): string => `${MQTT_TOPIC_ROOT}/+/${name}`;

export interface ParsedTopic {
  readonly name: TopicName;
  readonly gatewayId: string;
}

/** Parses a concrete topic (no wildcards); `BAKEN_ERR_TOPIC_UNKNOWN` for anything else. Never throws. */
export const parseTopic = (topic: unknown): Result<ParsedTopic> => {
  if (typeof topic !== 'string' || topic.length > 128) {
    return fail('BAKEN_ERR_TOPIC_UNKNOWN', 'not a Baken topic', {});
  }
  const prefix = MQTT_TOPIC_ROOT + '/';
  if (!topic.startsWith(prefix)) {
    return fail('BAKEN_ERR_TOPIC_UNKNOWN', 'topic is outside ' + MQTT_TOPIC_ROOT, { topic });
  }
  const rest = topic.slice(prefix.length);
  const slash = rest.indexOf('/');
  const gatewayId = slash < 0 ? rest : rest.slice(0, slash);
  const name = slash < 0 ? '' : rest.slice(slash + 1);
  if (!isGatewayId(gatewayId)) {
    return fail('BAKEN_ERR_TOPIC_UNKNOWN', 'topic has no valid gateway id', { topic });
  }
  if (!isTopicName(name)) {
    return fail('BAKEN_ERR_TOPIC_UNKNOWN', 'unknown topic name', { topic });
  }
  return ok({ name, gatewayId });
};
