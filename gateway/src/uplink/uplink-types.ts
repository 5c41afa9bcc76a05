import type { DecodedMqttMessage } from '@baken/protocols';
import type { UplinkPath } from '../event-bus.js';

export interface UplinkOptions {
  gatewayId: string;
  /** Default `{gatewayId}` (the server requires it). The fail-back probe uses `{clientId}-probe`. */
  clientId?: string;
  primaryUrl: string;
  secondaryUrl?: string;
  username?: string;
  password?: string;
  ca?: string | Buffer;
  /** Fail over to the secondary after the primary has been unreachable this long. */
  failoverAfterMs: number;
  /** While on the secondary, probe the primary this often and fail back when it answers. */
  probeIntervalMs: number;
  backoff: { initialMs: number; maxMs: number };
  keepaliveS: number;
  connectTimeoutMs: number;
  random?: () => number;
  /**
   * While waiting to retry after a failure, check this often (± jitter) whether the broker accepts a
   * TCP connection again; when it does, the back-off is reset and the uplink connects within
   * `reconnectSpreadMs`. Default 2 s; 0 turns the check off.
   */
  reachCheckMs?: number;
  /** After the link is back, connect after a random delay up to this (default 1 s), so a fleet spreads out. */
  reconnectSpreadMs?: number;
  /** True while unsent alarms wait; then no wait between attempts exceeds `urgentMaxMs`. */
  urgent?: () => boolean;
  /** Longest wait between attempts while `urgent()` (default 3 s; jittered between half and all). */
  urgentMaxMs?: number;
  /** Whether the broker at `url` accepts TCP now (default: a plain TCP connect, closed at once). */
  reachable?: (url: string, timeoutMs: number) => Promise<boolean>;
}

export const DEFAULT_REACH_CHECK_MS = 2_000;
export const DEFAULT_RECONNECT_SPREAD_MS = 1_000;
export const DEFAULT_URGENT_MAX_MS = 3_000;

/** Uplink health for status pages and the systemd watchdog (`isHealthy()`). */
export interface UplinkHealth {
  running: boolean;
  connected: boolean;
  path: UplinkPath;
  /** `Clock.monotonic()` when the link was lost (or first tried), null while connected. */
  downSinceMs: number | null;
  /**
   * An attempt has been in flight for far longer than `connectTimeoutMs` (a hung socket that a
   * restart would fix). A link that is merely down is not stuck: restarting loses nothing there
   * but also fixes nothing.
   */
  stuck: boolean;
}

export interface UplinkFailure {
  path: UplinkPath;
  /** `CODE: message`, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate`. */
  reason: string;
  /** Wall-clock ms (`Clock.now()`). */
  at: number;
}

export interface UplinkEvents {
  /** Subscribed and availability `online` published; the sender resends the outbox now. */
  connected: [path: UplinkPath];
  /** The link came back (`reason`: the broker accepts TCP again, or `linkUp()`): back-off reset. */
  'link-up': [reason: string];
  /** One TCP reachability check ended (tests and debugging). */
  'reach-check': [reachable: boolean];
  disconnected: [path: UplinkPath, reason: string];
  /** Every connection attempt ends with exactly one `connected` or `attempt-failed`. */
  'attempt-failed': [path: UplinkPath, reason: string];
  failover: [];
  failback: [];
  /**
   * A validated message on one of this gateway's inbound topics (decoded with the protocols topic
   * map; anything that fails validation is counted in `rejectedInbound` and logged instead).
   */
  message: [message: DecodedMqttMessage];
}
