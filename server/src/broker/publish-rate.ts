import { defaultEventPriority, MQTT_DEVICE_KINDS, type MqttDeviceKind } from '@baken/protocols';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import { parseGatewayTopic } from './topic-acl.js';

export type RateVerdict =
  /** Within the gateway's budget. */
  | 'pass'
  /** Over the budget, but an alarm event: it passes anyway [MQTT-MAP §4.1.1]. */
  | 'alarm_over_rate'
  /** Over the budget and not an alarm: the caller drops it. */
  | 'drop';

/** An alarm event is small; a larger `events` payload is not inspected when over the rate. */
const MAX_ALARM_PAYLOAD_BYTES = 16 * 1024;

/**
 * Whether a gateway `events` payload is an alarm: its `priority` says so, or its device and event
 * kind are alarm kinds whatever the label says (a mislabelled alarm must still arrive).
 */
export function isAlarmEvent(payload: Uint8Array): boolean {
  if (payload.length > MAX_ALARM_PAYLOAD_BYTES) return false;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'));
  } catch {
    return false;
  }
  if (!v || typeof v !== 'object') return false;
  const e = v as { priority?: unknown; deviceKind?: unknown; kind?: unknown };
  if (e.priority === 'alarm') return true;
  return (
    typeof e.kind === 'string' &&
    MQTT_DEVICE_KINDS.includes(e.deviceKind as MqttDeviceKind) &&
    defaultEventPriority(e.deviceKind as MqttDeviceKind, e.kind) === 'alarm'
  );
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per gateway on the injected clock: `burst` messages at once, then `ratePerS`.
 * Alarm events are never cut: over the budget they pass (and are reported as such); everything
 * else over the budget — heartbeats, garbage, a flood of normal events — is dropped. A dropped
 * `events` message is not lost: the gateway keeps it in its outbox until the server acknowledges
 * it [MQTT-MAP §4.2] and resends it after its ack timeout. Memory: one small entry per gateway id
 * that has published.
 */
export class PublishRateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: { publishRatePerS: number; publishBurst: number },
  ) {}

  check(gatewayId: string, topic: string, payload: Uint8Array): RateVerdict {
    const now = this.clock.now();
    let b = this.#buckets.get(gatewayId);
    if (b === undefined) {
      b = { tokens: this.limits.publishBurst, at: now };
      this.#buckets.set(gatewayId, b);
    } else if (now !== b.at) {
      b.tokens = Math.min(
        this.limits.publishBurst,
        b.tokens + (Math.max(0, now - b.at) / 1000) * this.limits.publishRatePerS,
      );
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 'pass';
    }
    const t = parseGatewayTopic(topic);
    return t?.suffix === 'events' && isAlarmEvent(payload) ? 'alarm_over_rate' : 'drop';
  }
}

/**
 * Counts every message over the budget in `baken_mqtt_rejected_total` (`publish_rate_limited` when
 * dropped, `publish_rate_alarm_passed` for an alarm let through) and logs it at most once a minute
 * per gateway and reason: a flood must not become a log flood.
 */
export function overRateReporter(
  metrics: Metrics,
  log: Logger,
  clock: Clock,
): (gatewayId: string, verdict: RateVerdict, topic: string) => void {
  const loggedAt = new Map<string, number>();
  return (gatewayId, verdict, topic) => {
    if (verdict === 'pass') return;
    const reason = verdict === 'drop' ? 'publish_rate_limited' : 'publish_rate_alarm_passed';
    metrics.mqttRejected.inc({ reason });
    const key = `${gatewayId} ${reason}`;
    const now = clock.now();
    if (now - (loggedAt.get(key) ?? Number.NEGATIVE_INFINITY) < 60_000) return;
    loggedAt.set(key, now);
    log.warn({ reason, gatewayId, topic }, 'mqtt publish rate over the limit');
  };
}
