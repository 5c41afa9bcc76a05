import type { Clock } from '@baken/hardware';
import type { HealthCheck, HealthVerdict } from './watchdog.js';

/** What the watchdog needs of the outbox: only whether it is open and still answers. */
export interface OutboxProbe {
  readonly closed: boolean;
  depth(): number;
}

/**
 * The outbox is alive while it is open and answers a query. A failing disk that the outbox survives on
 * its own (alarms held in memory, reported in the heartbeat) is not a reason to restart.
 */
export function outboxCheck(outbox: OutboxProbe): HealthCheck {
  return {
    name: 'outbox',
    check(): HealthVerdict {
      if (outbox.closed) return { ok: false, reason: 'closed while the gateway runs' };
      try {
        outbox.depth();
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: `does not answer: ${String(err)}` };
      }
    },
  };
}

/** What the watchdog needs of the uplink: its state and the events its reconnect loop emits. */
export interface UplinkProbe {
  readonly connected: boolean;
  on(event: 'connected' | 'disconnected' | 'attempt-failed', listener: () => void): unknown;
  off(event: 'connected' | 'disconnected' | 'attempt-failed', listener: () => void): unknown;
}

/**
 * The uplink is alive while it is connected or its reconnect loop keeps finishing attempts: every
 * attempt ends (connected or failed) within the connect timeout, and the next starts within the
 * longest back-off. A network that stays down is therefore healthy (the unit keeps trying and keeps
 * its alarms); only a reconnect loop that went quiet for `stuckAfterMs` is a hang.
 */
export function uplinkCheck(uplink: UplinkProbe, clock: Clock, stuckAfterMs: number): HealthCheck {
  let lastProgress = clock.monotonic();
  const progress = (): void => {
    lastProgress = clock.monotonic();
  };
  const events = ['connected', 'disconnected', 'attempt-failed'] as const;
  return {
    name: 'uplink',
    start() {
      lastProgress = clock.monotonic();
      for (const e of events) uplink.on(e, progress);
    },
    stop() {
      for (const e of events) uplink.off(e, progress);
    },
    check(): HealthVerdict {
      if (uplink.connected) {
        lastProgress = clock.monotonic();
        return { ok: true };
      }
      const quietMs = clock.monotonic() - lastProgress;
      if (quietMs <= stuckAfterMs) return { ok: true };
      return {
        ok: false,
        reason: `reconnect loop silent for ${Math.round(quietMs / 1000)} s (no attempt finished)`,
      };
    },
  };
}
