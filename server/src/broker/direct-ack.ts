import type { Aedes } from 'aedes';

/** What of an aedes client the direct write reads (aedes 1.x `lib/client.js`). */
interface AedesClient {
  connected: boolean;
  closed: boolean;
  errored: boolean;
  clean: boolean;
  subscriptions: Record<string, { qos?: number } | undefined>;
  conn: { write(chunk: Buffer): boolean };
  _nextId: number;
}

/** A PUBLISH packet [MQTT-3.3]: QoS 0 or 1, not retained, not a duplicate. */
export function publishBytes(topic: string, payload: Buffer, qos: 0 | 1, messageId: number): Buffer {
  const t = Buffer.from(topic, 'utf8');
  const rest = 2 + t.length + (qos === 1 ? 2 : 0) + payload.length;
  const len: number[] = [];
  let n = rest;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  const head = Buffer.alloc(1 + len.length + 2 + t.length + (qos === 1 ? 2 : 0));
  let o = head.writeUInt8(0x30 | (qos << 1), 0);
  for (const b of len) o = head.writeUInt8(b, o);
  o = head.writeUInt16BE(t.length, o);
  o += t.copy(head, o);
  if (qos === 1) head.writeUInt16BE(messageId, o);
  return Buffer.concat([head, payload]);
}

/**
 * Writes the server's app ack to its unit's connection now (broker README, "The app ack, written
 * at once"), instead of through aedes' routing, which writes every delivery from a `setImmediate`
 * (behind whatever the event loop's check phase holds: a reconnect storm's admission slices,
 * other turns). It writes only what aedes would have written, and otherwise returns false (the
 * caller publishes through aedes):
 * - only to the connected session of client id `gatewayId` (a gateway's client id is its id,
 *   `embedded-broker.ts`), and only if that session subscribed to exactly `topic` (the ACL let it:
 *   a gateway may subscribe to its own topics only);
 * - a clean session only (a persistent one keeps its QoS 1 messages in aedes' store);
 * - with the lower of the message's and the subscription's QoS (as aedes downgrades), a QoS 1 message with the
 *   session's next message id (aedes' own counter, so the ids never collide);
 * - aedes' `publish` event is emitted after the write, as aedes does after a routed message.
 */
export function writeAckNow(
  aedes: Aedes,
  gatewayId: string,
  topic: string,
  payload: Buffer,
  maxQos: 0 | 1,
): boolean {
  const c = (aedes as unknown as { clients: Record<string, AedesClient | undefined> }).clients[gatewayId];
  if (!c?.connected || c.closed || c.errored || !c.clean) return false;
  const sub = c.subscriptions[topic];
  if (!sub) return false;
  const qos = maxQos === 1 && (sub.qos ?? 0) >= 1 ? 1 : 0;
  let id = 0;
  if (qos === 1) {
    id = c._nextId;
    c._nextId = id >= 65535 ? 1 : id + 1;
  }
  c.conn.write(publishBytes(topic, payload, qos, id));
  aedes.emit('publish', { cmd: 'publish', topic, payload, qos, retain: false, dup: false }, null);
  return true;
}
