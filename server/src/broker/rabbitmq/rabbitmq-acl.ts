import type { TopicName } from '@baken/protocols';
import { BakenError } from '../../errors.js';
import { GATEWAY_DOWNLINK, GATEWAY_ID_PATTERN, GATEWAY_UPLINK, TOPIC_ROOT } from '../topic-acl.js';

/**
 * The per-gateway ACL of `topic-acl.ts` in RabbitMQ's terms (docs/adr/0001-clustered-broker.md).
 *
 * RabbitMQ's MQTT plugin publishes every message to the `amq.topic` exchange with the MQTT topic as
 * routing key, `/` written as `.`; a subscription is a queue `mqtt-subscription-{clientId}qos{0,1}`
 * bound to that exchange. So a gateway needs
 * - vhost permissions (configure, write, read) on its own subscription queues only, plus write and
 *   read on `amq.topic` itself;
 * - topic permissions on `amq.topic`: write exactly its uplink routing keys, read exactly its
 *   downlink routing keys. RabbitMQ checks these on every PUBLISH and SUBSCRIBE and closes the
 *   connection on a refusal.
 * A gateway id is `[a-z0-9-]` only [MQTT-MAP §1], so it needs no escaping inside a regex.
 */

export interface RabbitPermissions {
  configure: string;
  write: string;
  read: string;
}

export interface RabbitTopicPermissions {
  exchange: string;
  write: string;
  read: string;
}

export const MQTT_EXCHANGE = 'amq.topic';

/** MQTT topic → AMQP routing key, as the MQTT plugin maps it (`/` → `.`). */
export const routingKeyOf = (topic: string): string => topic.replaceAll('/', '.');
/** AMQP routing key → MQTT topic. */
export const topicOfRoutingKey = (key: string): string => key.replaceAll('.', '/');

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const keys = (names: readonly TopicName[]) => names.map((n) => esc(routingKeyOf(n))).join('|');

export function assertGatewayUsername(gatewayId: string): void {
  if (!GATEWAY_ID_PATTERN.test(gatewayId)) {
    throw new BakenError(
      'BAKEN_ERR_VALIDATION',
      400,
      `'${gatewayId}' is not a gateway id; RabbitMQ users are made only for gateway ids [MQTT-MAP §1].`,
      { details: [{ field: 'gatewayId', message: 'lower-case letters, digits and hyphens' }] },
    );
  }
}

/** Vhost permissions: the gateway's subscription queues (client id `{id}` or `{id}-probe`). */
export function gatewayPermissions(gatewayId: string): RabbitPermissions {
  assertGatewayUsername(gatewayId);
  const queues = `mqtt-subscription-${gatewayId}(-probe)?qos[01]`;
  return {
    configure: `^${queues}$`,
    write: `^(${esc(MQTT_EXCHANGE)}|${queues})$`,
    read: `^(${esc(MQTT_EXCHANGE)}|${queues})$`,
  };
}

/** Topic permissions on `amq.topic`: write its uplink, read its downlink, nothing else. */
export function gatewayTopicPermissions(gatewayId: string): RabbitTopicPermissions {
  assertGatewayUsername(gatewayId);
  const own = esc(routingKeyOf(`${TOPIC_ROOT}/gw/${gatewayId}/`));
  return {
    exchange: MQTT_EXCHANGE,
    write: `^${own}(${keys(GATEWAY_UPLINK)})$`,
    read: `^${own}(${keys(GATEWAY_DOWNLINK)})$`,
  };
}

/**
 * The server's own AMQP user: its uplink queues and `amq.topic`; on `amq.topic` it writes only
 * downlink routing keys and binds only uplink ones, of one gateway or of all (`*`).
 */
export function serverPermissions(queuePrefix: string): RabbitPermissions {
  const queues = `${esc(queuePrefix)}.*`;
  return {
    configure: `^${queues}$`,
    write: `^(${esc(MQTT_EXCHANGE)}|${queues})$`,
    read: `^(${esc(MQTT_EXCHANGE)}|${queues})$`,
  };
}

export function serverTopicPermissions(): RabbitTopicPermissions {
  // `*`: the uplink queue is bound with one wildcard level for the gateway id.
  const any = `${esc(routingKeyOf(`${TOPIC_ROOT}/gw/`))}(\\*|[a-z0-9-]+)\\.`;
  return {
    exchange: MQTT_EXCHANGE,
    write: `^${any}(${keys(GATEWAY_DOWNLINK)})$`,
    read: `^${any}(${keys(GATEWAY_UPLINK)})$`,
  };
}
