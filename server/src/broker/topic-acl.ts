/**
 * Who may publish and subscribe where. A gateway lives in `baken/v1/gw/{its id}/…`:
 * it publishes only uplink topics and subscribes only downlink topics, exactly (no wildcards).
 * The server's internal client may use the whole `baken/v1/` tree.
 *
 * One source of truth: the suffix lists, the id pattern and topic parsing all derive from the
 * protocols topic map (`TOPIC_META`, `parseTopic`, `isGatewayId`) [MQTT-MAP §1, §3].
 */
import {
  isGatewayId,
  MQTT_TOPIC_ROOT,
  GATEWAY_ID_PATTERN as PROTOCOL_GATEWAY_ID_PATTERN,
  parseTopic,
  TOPIC_META,
  TOPIC_NAMES,
  type TopicDirection,
  type TopicName,
} from '@baken/protocols';
import { BakenError } from '../errors.js';

/** The tree the server's own client may use; gateway topics live under `${TOPIC_ROOT}/gw/`. */
export const TOPIC_ROOT = 'baken/v1';
if (MQTT_TOPIC_ROOT !== `${TOPIC_ROOT}/gw`) {
  // A topic map moved without the ACL following would silently lock every gateway out.
  throw new BakenError(
    'BAKEN_ERR_CONFIG',
    500,
    `The protocols topic root ${MQTT_TOPIC_ROOT} is not under ${TOPIC_ROOT}; move the broker ACL with the topic map.`,
  );
}

const namesWith = (direction: TopicDirection): readonly TopicName[] =>
  TOPIC_NAMES.filter((n) => TOPIC_META[n].direction === direction);

/** Topics a gateway publishes [MQTT-MAP §3 direction gw_to_server]. */
export const GATEWAY_UPLINK: readonly TopicName[] = namesWith('gw_to_server');
/** Topics a gateway subscribes to [MQTT-MAP §3 direction server_to_gw]. */
export const GATEWAY_DOWNLINK: readonly TopicName[] = namesWith('server_to_gw');

/** Gateway ids are also MQTT usernames and topic levels: the protocols pattern (no wildcards, separators or spaces). */
export const GATEWAY_ID_PATTERN = new RegExp(PROTOCOL_GATEWAY_ID_PATTERN);

export function gatewayTopic(gatewayId: string, suffix: string): string {
  return `${MQTT_TOPIC_ROOT}/${gatewayId}/${suffix}`;
}

/** Parses `baken/v1/gw/{id}/{name}` for a known topic name and a valid id; null for anything else. */
export function parseGatewayTopic(topic: string): { gatewayId: string; suffix: TopicName } | null {
  const r = parseTopic(topic);
  return r.ok && isGatewayId(r.value.gatewayId)
    ? { gatewayId: r.value.gatewayId, suffix: r.value.name }
    : null;
}

export type AclDecision = { ok: true } | { ok: false; reason: string };

const deny = (reason: string): AclDecision => ({ ok: false, reason });

/** Whether `topic` is `baken/v1/gw/{gatewayId}/…` (any suffix), so the reason names the right rule. */
const inOwnSubtree = (gatewayId: string, topic: string): boolean =>
  isGatewayId(gatewayId) && topic.startsWith(`${MQTT_TOPIC_ROOT}/${gatewayId}/`);

/** [MQTT-3.3.2-2] a PUBLISH topic has no wildcards; checked here too so a gateway cannot fan out. */
export function gatewayMayPublish(gatewayId: string, topic: string): AclDecision {
  if (/[+#]/.test(topic)) return deny('publish_wildcard');
  if (!inOwnSubtree(gatewayId, topic)) return deny('publish_foreign_topic');
  const t = parseGatewayTopic(topic);
  if (!t || TOPIC_META[t.suffix].direction !== 'gw_to_server') return deny('publish_not_uplink');
  return { ok: true };
}

export function gatewayMaySubscribe(gatewayId: string, filter: string): AclDecision {
  if (/[+#]/.test(filter)) return deny('subscribe_wildcard');
  if (!inOwnSubtree(gatewayId, filter)) return deny('subscribe_foreign_topic');
  const t = parseGatewayTopic(filter);
  if (!t || TOPIC_META[t.suffix].direction !== 'server_to_gw') return deny('subscribe_not_downlink');
  return { ok: true };
}

export function serverMayUse(topicOrFilter: string): AclDecision {
  return topicOrFilter === TOPIC_ROOT || topicOrFilter.startsWith(`${TOPIC_ROOT}/`)
    ? { ok: true }
    : deny('server_out_of_tree');
}
