import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '@baken/hardware';
import { availabilityWill, decodeMqttMessage, type TopicName } from '@baken/protocols';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { GatewayError } from '../errors.js';
import type { UplinkPath } from '../event-bus.js';
import { Backoff } from './backoff.js';
import { openSession, type SessionOptions } from './mqtt-session.js';
import { tcpReachable, UNREACHABLE } from './reach.js';
import { gatewayTopic, INBOUND_QOS, INBOUND_TOPICS } from './topics.js';
import {
  DEFAULT_REACH_CHECK_MS,
  DEFAULT_RECONNECT_SPREAD_MS,
  DEFAULT_URGENT_MAX_MS,
  type UplinkEvents,
  type UplinkFailure,
  type UplinkHealth,
  type UplinkOptions,
} from './uplink-types.js';

export * from './uplink-types.js';

/**
 * The MQTT uplink with two paths (EN 50136 dual path). Contract:
 * - connects to the primary; after a failed attempt or a lost connection it retries with
 *   exponential back-off and jitter on the injected clock;
 * - when the primary has been unreachable for `failoverAfterMs` and a secondary is configured, it
 *   connects to the secondary instead, and from then probes the primary every `probeIntervalMs`;
 *   when a probe succeeds it leaves the secondary and connects to the primary (fail back);
 * - on every connect: subscribes to the inbound topics, publishes the retained availability
 *   `online` (the broker holds a retained last will `offline`), then emits `connected`.
 * - `stop()` publishes the retained `offline` itself (a clean DISCONNECT suppresses the will).
 */
export class Uplink extends EventEmitter<UplinkEvents> {
  readonly #opts: UplinkOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  #client: MqttClient | undefined;
  #path: UplinkPath = 'primary';
  #failedOver = false;
  #primaryDownSince: number | undefined;
  #retryTimer: TimerHandle | undefined;
  #probeTimer: TimerHandle | undefined;
  #probing = false;
  #attempting = false;
  #attemptStartedAt: number | undefined;
  #downSince: number | undefined;
  #reachTimer: TimerHandle | undefined;
  /** One reachability-triggered reset per outage: if that attempt fails too, back-off resumes. */
  #reachSpent = false;
  /** The last failure was the broker not answering (not a refusal after TCP: TLS, credentials). */
  #lastUnreachable = false;
  #running = false;
  #lastFailure: UplinkFailure | undefined;
  /** Inbound messages refused by the topic map (bad JSON, schema, version, another gateway's). */
  rejectedInbound = 0;

  constructor(opts: UplinkOptions, clock: Clock, logger: Logger) {
    super();
    this.#opts = opts;
    this.#clock = clock;
    this.#log = logger;
    const backoff: ConstructorParameters<typeof Backoff>[0] = { ...opts.backoff };
    if (opts.random) backoff.random = opts.random;
    this.#backoff = new Backoff(backoff);
  }

  get connected(): boolean {
    return this.#client?.connected === true;
  }

  /** The path in use (or being tried). */
  get path(): UplinkPath {
    return this.#path;
  }

  get failedOver(): boolean {
    return this.#failedOver;
  }

  /** The last failed connection attempt since the uplink was last connected (for status pages). */
  get lastFailure(): UplinkFailure | undefined {
    return this.#lastFailure;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#downSince = this.#clock.monotonic();
    void this.#attempt();
  }

  /**
   * Publishes `payload` under this gateway's prefix. Resolves on PUBACK for QoS 1; rejects with
   * `BAKEN_ERR_UPLINK_NOT_CONNECTED` when there is no connection (callers keep the data in the outbox).
   */
  async publish(name: TopicName, payload: string, opts: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    const client = this.#client;
    if (!client?.connected) {
      throw new GatewayError('BAKEN_ERR_UPLINK_NOT_CONNECTED', 'uplink is not connected');
    }
    await client.publishAsync(gatewayTopic(this.#opts.gatewayId, name), payload, {
      qos: opts.qos,
      retain: opts.retain ?? false,
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#clock.clearTimeout(this.#retryTimer);
    this.#clock.clearTimeout(this.#probeTimer);
    this.#clock.clearTimeout(this.#reachTimer);
    this.#retryTimer = undefined;
    this.#probeTimer = undefined;
    this.#reachTimer = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    client.removeAllListeners('close');
    if (client.connected) {
      await this.#bounded(this.#publishOn(client, 'availability', this.#availability('offline'), true));
    }
    await this.#bounded(client.endAsync());
    client.end(true);
  }

  /**
   * Drops the connection as a cut cable or a power cut would: the socket is destroyed without an
   * MQTT DISCONNECT, so the broker publishes the retained last will [MQTT-MAP §4.4]. With
   * `reconnect` the uplink then carries on as after any lost connection (back-off, reach checks);
   * without, it stops for good and publishes nothing more. For fault injection (the fleet
   * simulator, tests); a gateway never calls it.
   */
  sever(opts: { reconnect: boolean }): void {
    const client = this.#client;
    if (!opts.reconnect) {
      this.#running = false;
      this.#clock.clearTimeout(this.#retryTimer);
      this.#clock.clearTimeout(this.#probeTimer);
      this.#clock.clearTimeout(this.#reachTimer);
      this.#retryTimer = undefined;
      this.#probeTimer = undefined;
      this.#reachTimer = undefined;
      this.#client = undefined;
      client?.removeAllListeners('close');
    }
    client?.on('error', ignoreLateError);
    client?.end(true);
  }

  /** Waits for `p` at most `ms` on the clock (a dead socket must not hold up shutdown). */
  async #bounded(p: Promise<unknown>, ms = 2_000): Promise<void> {
    let timer: TimerHandle | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = this.#clock.setTimeout(resolve, ms, { unref: true });
    });
    await Promise.race([
      p.then(
        () => undefined,
        () => undefined,
      ),
      limit,
    ]);
    this.#clock.clearTimeout(timer);
  }

  #publishOn(client: MqttClient, name: TopicName, payload: string, retain: boolean): Promise<unknown> {
    return client.publishAsync(gatewayTopic(this.#opts.gatewayId, name), payload, { qos: 1, retain });
  }

  /** [MQTT-MAP §4.4]; the will itself is `availabilityWill` (`at: null`, fixed at connect). */
  #availability(state: 'online' | 'offline'): string {
    return JSON.stringify({ v: 1, state, at: this.#clock.now() });
  }

  #session(url: string, clientId: string, will: boolean): SessionOptions {
    const s: SessionOptions = {
      url,
      clientId,
      keepaliveS: this.#opts.keepaliveS,
      connectTimeoutMs: this.#opts.connectTimeoutMs,
    };
    if (this.#opts.username !== undefined) s.username = this.#opts.username;
    if (this.#opts.password !== undefined) s.password = this.#opts.password;
    if (this.#opts.ca !== undefined) s.ca = this.#opts.ca;
    if (will) s.will = { ...availabilityWill(this.#opts.gatewayId) };
    return s;
  }

  get #clientId(): string {
    return this.#opts.clientId ?? this.#opts.gatewayId;
  }

  #choosePath(): UplinkPath {
    if (this.#failedOver) return 'secondary';
    const down = this.#primaryDownSince;
    if (
      this.#opts.secondaryUrl &&
      down !== undefined &&
      this.#clock.monotonic() - down >= this.#opts.failoverAfterMs
    ) {
      this.#failedOver = true;
      this.#log.warn(
        { afterMs: this.#opts.failoverAfterMs },
        'primary unreachable: failing over to secondary',
      );
      this.emit('failover');
      this.#scheduleProbe();
      return 'secondary';
    }
    return 'primary';
  }

  async #attempt(): Promise<void> {
    if (!this.#running || this.#attempting || this.#client) return;
    this.#attempting = true;
    this.#attemptStartedAt = this.#clock.monotonic();
    const path = this.#choosePath();
    this.#path = path;
    const url = path === 'primary' ? this.#opts.primaryUrl : this.#opts.secondaryUrl!;
    let client: MqttClient;
    try {
      client = await openSession(this.#session(url, this.#clientId, true));
    } catch (err) {
      this.#attempting = false;
      this.#attemptStartedAt = undefined;
      this.#onAttemptFailed(path, errorText(err));
      return;
    }
    this.#attempting = false;
    this.#attemptStartedAt = undefined;
    if (!this.#running || (path === 'secondary' && !this.#failedOver)) {
      // stopped, or failed back while this secondary attempt was in flight
      client.end(true);
      if (this.#running) void this.#attempt();
      return;
    }
    this.#client = client;
    client.on('error', (err) => this.#log.warn({ err: errorText(err), path }, 'uplink error'));
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    client.on('close', () => this.#onClosed(client, path, 'connection closed'));
    try {
      const topics = INBOUND_TOPICS.map((t) => gatewayTopic(this.#opts.gatewayId, t));
      await client.subscribeAsync(topics, { qos: INBOUND_QOS });
      await this.#publishOn(client, 'availability', this.#availability('online'), true);
    } catch (err) {
      this.#log.warn({ err: errorText(err), path }, 'subscribe/availability failed after connect');
      client.end(true);
      return;
    }
    if (this.#client !== client) return;
    if (path === 'primary') this.#primaryDownSince = undefined;
    this.#backoff.reset();
    this.#lastFailure = undefined;
    this.#downSince = undefined;
    this.#reachSpent = false;
    this.#clock.clearTimeout(this.#reachTimer);
    this.#reachTimer = undefined;
    this.#log.info({ path }, 'uplink connected');
    this.emit('connected', path);
  }

  #onMessage(topic: string, payload: Buffer): void {
    const decoded = decodeMqttMessage(topic, payload);
    if (!decoded.ok) {
      // an empty retained payload is the server clearing `config`: nothing to act on, not an error
      if (decoded.error.code === 'BAKEN_ERR_PAYLOAD_EMPTY') return;
      this.rejectedInbound += 1;
      this.#log.warn(
        { topic, code: decoded.error.code, reason: decoded.error.message },
        'rejected inbound message',
      );
      return;
    }
    if (decoded.value.gatewayId !== this.#opts.gatewayId) {
      this.rejectedInbound += 1;
      this.#log.warn({ topic }, 'message for another gateway ignored');
      return;
    }
    this.emit('message', decoded.value);
  }

  #onAttemptFailed(path: UplinkPath, reason: string): void {
    if (path === 'primary') this.#primaryDownSince ??= this.#clock.monotonic();
    this.#lastFailure = { path, reason, at: this.#clock.now() };
    this.#lastUnreachable = UNREACHABLE.test(reason);
    this.#log.warn({ path, reason }, 'uplink connection attempt failed');
    this.emit('attempt-failed', path, reason);
    this.#scheduleRetry();
  }

  #onClosed(client: MqttClient, path: UplinkPath, reason: string): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('message');
    if (path === 'primary') this.#primaryDownSince ??= this.#clock.monotonic();
    this.#downSince ??= this.#clock.monotonic();
    this.#lastUnreachable = true;
    this.#log.warn({ path, reason }, 'uplink disconnected');
    this.emit('disconnected', path, reason);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retryTimer) return;
    let delay = this.#backoff.next();
    if (this.#opts.urgent?.() === true) delay = Math.min(delay, this.#jittered(this.#urgentMaxMs));
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#attempt();
    }, delay);
    // a TCP check says nothing new when TCP worked and TLS or the broker refused the session
    if (delay > this.#reachCheckMs && this.#lastUnreachable) this.#scheduleReachCheck();
  }

  get #reachCheckMs(): number {
    return this.#opts.reachCheckMs ?? DEFAULT_REACH_CHECK_MS;
  }

  get #urgentMaxMs(): number {
    return this.#opts.urgentMaxMs ?? DEFAULT_URGENT_MAX_MS;
  }

  /** Between half and all of `ms` ("equal jitter", as the back-off). */
  #jittered(ms: number): number {
    return Math.round(ms / 2 + (ms / 2) * this.#random());
  }

  #random(): number {
    return (this.#opts.random ?? Math.random)();
  }

  /** While a long back-off wait runs, checks whether the broker accepts TCP again. */
  #scheduleReachCheck(): void {
    if (!this.#running || this.#reachTimer || this.#reachSpent || this.#reachCheckMs <= 0) return;
    this.#reachTimer = this.#clock.setTimeout(
      () => {
        this.#reachTimer = undefined;
        void this.#reachCheck();
      },
      this.#jittered(this.#reachCheckMs),
      { unref: true },
    );
  }

  async #reachCheck(): Promise<void> {
    if (!this.#running || this.#client || this.#attempting || !this.#retryTimer) return;
    const url =
      this.#path === 'secondary' && this.#failedOver ? this.#opts.secondaryUrl! : this.#opts.primaryUrl;
    const reachable = await (this.#opts.reachable ?? tcpReachable)(url, this.#opts.connectTimeoutMs).catch(
      () => false,
    );
    this.emit('reach-check', reachable);
    if (!this.#running || this.#client || this.#attempting || !this.#retryTimer) return;
    if (reachable) this.linkUp('broker accepts connections again');
    else this.#scheduleReachCheck();
  }

  /**
   * The link is back (the broker accepts TCP again, or the system reports the network up): resets
   * the back-off and connects after a random delay up to `reconnectSpreadMs`, so alarms flow again
   * within seconds of an outage without a fleet reconnecting in lock-step. No-op while connected
   * or connecting.
   */
  linkUp(reason: string): void {
    if (!this.#running || this.#client || this.#attempting) return;
    this.#reachSpent = true;
    this.#clock.clearTimeout(this.#reachTimer);
    this.#reachTimer = undefined;
    this.#clock.clearTimeout(this.#retryTimer);
    this.#backoff.reset();
    const delay = Math.round((this.#opts.reconnectSpreadMs ?? DEFAULT_RECONNECT_SPREAD_MS) * this.#random());
    this.#log.info({ reason, inMs: delay }, 'link is back: reconnecting');
    this.emit('link-up', reason);
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#attempt();
    }, delay);
  }

  /** For status pages and the watchdog; see {@link UplinkHealth}. */
  health(): UplinkHealth {
    const started = this.#attemptStartedAt;
    const stuckAfter = Math.max(this.#opts.connectTimeoutMs * 3, 60_000);
    return {
      running: this.#running,
      connected: this.connected,
      path: this.#path,
      downSinceMs: this.connected ? null : (this.#downSince ?? null),
      stuck: started !== undefined && this.#clock.monotonic() - started > stuckAfter,
    };
  }

  /** Running and not stuck (a link that is merely down is healthy: see {@link UplinkHealth.stuck}). */
  isHealthy(): boolean {
    const h = this.health();
    return h.running && !h.stuck;
  }

  #scheduleProbe(): void {
    if (!this.#running || this.#probeTimer) return;
    this.#probeTimer = this.#clock.setTimeout(() => {
      this.#probeTimer = undefined;
      void this.#probe();
    }, this.#opts.probeIntervalMs);
  }

  /** Tries the primary without a will; on success fails back to it. */
  async #probe(): Promise<void> {
    if (!this.#running || !this.#failedOver || this.#probing) return;
    this.#probing = true;
    try {
      const probe = await openSession(this.#session(this.#opts.primaryUrl, `${this.#clientId}-probe`, false));
      await probe.endAsync().catch(() => undefined);
    } catch {
      this.#probing = false;
      this.#scheduleProbe();
      return;
    }
    this.#probing = false;
    if (!this.#running) return;
    this.#log.info('primary reachable again: failing back');
    this.#failedOver = false;
    this.#primaryDownSince = undefined;
    this.emit('failback');
    const current = this.#client;
    if (current) {
      current.removeAllListeners('close');
      this.#client = undefined;
      this.emit('disconnected', 'secondary', 'failing back to primary');
      await current.endAsync().catch(() => undefined);
    }
    this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#backoff.reset();
    void this.#attempt();
  }
}

function ignoreLateError(): void {
  // a severed client may still report its socket's end; the sever itself was the event
}

/**
 * `CODE: message` when the error carries a code (TLS verification: `UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 * `ERR_TLS_CERT_ALTNAME_INVALID`, …; sockets: `ECONNREFUSED`), so an operator can tell a wrong CA or
 * host name from an unreachable broker.
 */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' && !err.message.startsWith(code)
    ? `${code}: ${err.message}`
    : err.message;
}
