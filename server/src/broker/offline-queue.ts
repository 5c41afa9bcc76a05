/** The offline-queue side of an aedes persistence (aedes-persistence 11, promise form). */
export interface OfflineQueueStore {
  addSubscriptions(client: unknown, subs: unknown[], ...rest: unknown[]): unknown;
  subscriptionsByTopic(topic: string, ...rest: unknown[]): unknown;
  outgoingEnqueueCombi(subs: unknown[], packet: unknown, ...rest: unknown[]): unknown;
}

const NONE: unknown[] = Object.freeze([]) as unknown as unknown[];
const DONE = Promise.resolve();

/**
 * Skips aedes' offline-queue lookup while no client has a persistent session's subscription
 * (broker README, "Message routing"). For every QoS 1 message aedes asks its persistence which
 * stored subscriptions (sessions with `clean: false`) match the topic, to queue a copy for those
 * offline — a topic-tree match and a chain of promises per message, about 6 % of what the server
 * allocated under an event flood. Home units connect with clean sessions and the server's
 * in-process uplink subscribes through aedes' emitter, so in a fleet that list is always empty.
 *
 * Contract: until the first `addSubscriptions` (a `clean: false` SUBSCRIBE or a restored session)
 * every topic has no stored subscription and an empty list enqueues nothing; from then on every
 * call goes to the persistence as before. Returns whether the shortcut is still on (for tests).
 */
export function skipOfflineQueueWhileUnused(persistence: OfflineQueueStore): () => boolean {
  let used = false;
  const add = persistence.addSubscriptions.bind(persistence);
  const byTopic = persistence.subscriptionsByTopic.bind(persistence);
  const enqueue = persistence.outgoingEnqueueCombi.bind(persistence);
  persistence.addSubscriptions = (client, subs, ...rest) => {
    used = true;
    return add(client, subs, ...rest);
  };
  // the promise form only (what aedes calls); a callback form goes through as it was
  persistence.subscriptionsByTopic = (topic, ...rest) =>
    used || rest.length > 0 ? byTopic(topic, ...rest) : Promise.resolve(NONE);
  persistence.outgoingEnqueueCombi = (subs, packet, ...rest) =>
    subs.length === 0 && rest.length === 0 ? DONE : enqueue(subs, packet, ...rest);
  return () => !used;
}
