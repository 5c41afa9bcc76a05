import type { Aedes } from 'aedes';

/** What aedes announces on `$SYS/{broker id}/…` for every client (JSON or the client id). */
const NOTICES = ['/new/clients', '/new/subscribes', '/new/unsubscribes', '/disconnect/clients'];

/**
 * Stops aedes' per-client `$SYS` notices (broker README, "Start under a reconnect storm"). aedes
 * publishes one for every connect, SUBSCRIBE, UNSUBSCRIBE and disconnect, routed through its
 * emitter like any message: in a reconnect storm, thousands of messages that no one may read
 * (no client may subscribe to `$SYS` here, `topic-acl.ts`). Its own listener on `new/clients`
 * closes a client that connected to *another* broker sharing the emitter, which an embedded
 * broker never has. The broker's `heartbeat` and `birth` notices (periodic, not per client) stay.
 * Contract: every other publish — the broker's, the server's, a will — goes through unchanged.
 */
export function dropClientNotices(broker: Aedes): void {
  const prefix = `$SYS/${broker.id}/`;
  // aedes calls publish(packet, done) and publish(packet, client, done)
  type Done = (err?: Error) => void;
  type Publish = (packet: { topic: string }, client?: unknown, done?: Done) => void;
  const publish = (broker.publish as unknown as Publish).bind(broker);
  const filtered: Publish = (packet, client, done) => {
    const t = packet.topic;
    if (t.startsWith(prefix) && NOTICES.some((n) => t.endsWith(n))) {
      (typeof client === 'function' ? (client as Done) : done)?.();
      return;
    }
    publish(packet, client, done);
  };
  broker.publish = filtered as unknown as Aedes['publish'];
}
