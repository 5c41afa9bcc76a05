import { Readable } from 'node:stream';

/** The retained-message side of an aedes persistence (aedes-persistence 11, promise form). */
export interface RetainedStore {
  storeRetained(packet: RetainedPacket): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

export interface RetainedPacket {
  topic: string;
  payload: Buffer;
  [k: string]: unknown;
}

/**
 * Does `topic` match the subscription `filter`? `+` one level, `#` the rest [MQTT-4.7.1]; a filter
 * starting with a wildcard never matches a topic starting with `$` [MQTT-4.7.2-1].
 */
export function filterMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const hasWildcard = (filter: string): boolean => filter.includes('+') || filter.includes('#');

/**
 * A stream holding `items`, already ended. The match is synchronous, so the packets are pushed at
 * once; `Readable.from` read them through an async iterator (a promise and a tick per item and one
 * more to end) on every SUBSCRIBE of a storm.
 */
function filled(items: Iterable<RetainedPacket>): Readable {
  const r = new Readable({ objectMode: true, read() {} });
  for (const p of items) r.push(p);
  r.push(null);
  return r;
}

/**
 * The broker's retained messages, looked up by topic (broker README, "Retained messages").
 *
 * aedes' memory persistence answers every SUBSCRIBE by testing each subscribed filter against
 * every retained message: with one retained `availability` and one `config` per gateway, each
 * gateway's SUBSCRIBE cost grew with the fleet and a reconnect storm of N gateways cost N². Here a
 * filter without wildcards — every filter a gateway may subscribe to (`topic-acl.ts`) — is one map
 * lookup, whatever the fleet size. A wildcard filter (the server's own `…/+/availability`, once
 * per server connection) still scans, which is linear and rare.
 *
 * Contract, as aedes-persistence: a retained message with an empty payload deletes the topic's
 * retained message [MQTT-3.3.1-10]; the stored packet is a copy; each stream yields each matching
 * message once per filter, in the order aedes-persistence used (filters in order).
 */
export class RetainedIndex implements RetainedStore {
  readonly #byTopic = new Map<string, RetainedPacket>();
  /** Retained messages tested against a wildcard filter so far (what a SUBSCRIBE cost). */
  scanned = 0;

  get size(): number {
    return this.#byTopic.size;
  }

  async storeRetained(packet: RetainedPacket): Promise<void> {
    if (packet.payload.length === 0) this.#byTopic.delete(packet.topic);
    else this.#byTopic.set(packet.topic, { ...packet });
  }

  createRetainedStream(pattern: string): Readable {
    return filled(this.#matching(pattern));
  }

  createRetainedStreamCombi(patterns: string[]): Readable {
    const self = this;
    return filled(
      (function* () {
        for (const p of patterns) yield* self.#matching(p);
      })(),
    );
  }

  *#matching(pattern: string): Generator<RetainedPacket> {
    if (!hasWildcard(pattern)) {
      const p = this.#byTopic.get(pattern);
      if (p) yield p;
      return;
    }
    for (const [topic, p] of this.#byTopic) {
      this.scanned++;
      if (filterMatches(pattern, topic)) yield p;
    }
  }
}

/**
 * Replaces the retained-message methods of a broker's persistence with a {@link RetainedIndex}.
 * Call it before the broker accepts its first connection (nothing retained yet).
 */
export function indexRetained(persistence: RetainedStore): RetainedIndex {
  const index = new RetainedIndex();
  persistence.storeRetained = (packet) => index.storeRetained(packet);
  persistence.createRetainedStream = (pattern) => index.createRetainedStream(pattern);
  persistence.createRetainedStreamCombi = (patterns) => index.createRetainedStreamCombi(patterns);
  return index;
}
