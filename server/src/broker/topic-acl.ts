/**
 * Who may publish and subscribe where (issue 6 §2). A gateway lives in `baken/v1/gw/{its id}/…`:
 * it publishes only uplink topics and subscribes only downlink topics, exactly (no wildcards).
 * The server's internal client may use the whole `baken/v1/` tree.
 *
 * TODO(topic map): the suffix lists mirror the topic map being written in `protocols/src/mqtt`;
 * switch to its exports once they land so there is one source of truth.
 */
export const TOPIC_ROOT = 'baken/v1';
export const GATEWAY_UPLINK = ['events', 'heartbeat', 'availability', 'cmd/res', 'check'] as const;
export const GATEWAY_DOWNLINK = ['ack', 'cmd/req', 'config'] as const;
export type GatewayUplink = (typeof GATEWAY_UPLINK)[number];

/** Gateway ids are also MQTT usernames and topic levels: no wildcards, separators or spaces. */
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/;

export function gatewayTopic(gatewayId: string, suffix: string): string {
  return `${TOPIC_ROOT}/gw/${gatewayId}/${suffix}`;
}

/** Parses `baken/v1/gw/{id}/{suffix}`; null for anything else. */
export function parseGatewayTopic(topic: string): { gatewayId: string; suffix: string } | null {
  const prefix = `${TOPIC_ROOT}/gw/`;
  if (!topic.startsWith(prefix)) return null;
  const rest = topic.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const gatewayId = rest.slice(0, slash);
  if (!GATEWAY_ID_PATTERN.test(gatewayId)) return null;
  return { gatewayId, suffix: rest.slice(slash + 1) };
}

export type AclDecision = { ok: true } | { ok: false; reason: string };

const deny = (reason: string): AclDecision => ({ ok: false, reason });

/** [MQTT-3.3.2-2] a PUBLISH topic has no wildcards; checked here too so a gateway cannot fan out. */
export function gatewayMayPublish(gatewayId: string, topic: string): AclDecision {
  if (/[+#]/.test(topic)) return deny('publish_wildcard');
  const t = parseGatewayTopic(topic);
  if (!t || t.gatewayId !== gatewayId) return deny('publish_foreign_topic');
  if (!(GATEWAY_UPLINK as readonly string[]).includes(t.suffix)) return deny('publish_not_uplink');
  return { ok: true };
}

export function gatewayMaySubscribe(gatewayId: string, filter: string): AclDecision {
  if (/[+#]/.test(filter)) return deny('subscribe_wildcard');
  const t = parseGatewayTopic(filter);
  if (!t || t.gatewayId !== gatewayId) return deny('subscribe_foreign_topic');
  if (!(GATEWAY_DOWNLINK as readonly string[]).includes(t.suffix)) return deny('subscribe_not_downlink');
  return { ok: true };
}

export function serverMayUse(topicOrFilter: string): AclDecision {
  return topicOrFilter === TOPIC_ROOT || topicOrFilter.startsWith(`${TOPIC_ROOT}/`)
    ? { ok: true }
    : deny('server_out_of_tree');
}
