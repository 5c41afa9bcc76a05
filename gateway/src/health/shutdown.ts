import type { Clock, TimerHandle } from '@baken/hardware';
import type { Logger } from 'pino';

export interface StopDeadlineOptions {
  clock: Clock;
  log: Logger;
  /** The whole stop must end within this (default 8 s: systemd and operators expect < 10 s). */
  deadlineMs?: number;
  /**
   * Ends the process (`process.exit` in `main.ts`). Called with 1 when `stop()` missed the deadline,
   * and with 0 `lingerMs` after a clean stop if something (a serial port or D-Bus connection of a
   * device that went away) still holds the event loop open.
   */
  exit: (code: number) => void;
  /** Default 1 s. */
  lingerMs?: number;
}

export const DEFAULT_STOP_DEADLINE_MS = 8_000;

/**
 * Bounded shutdown [gateway/README.md "Shutdown"]: runs `stop()`, and if it has not finished by
 * the deadline logs that and exits with 1 (the outbox's commits are already durable; what is lost
 * is at most the retained `offline`, which the broker's last will replaces). After a clean stop the
 * process gets `lingerMs` to exit by itself, then is ended: a handle left open by a vanished device
 * must not keep a stopped gateway alive. Both timers are unref'd.
 */
export async function stopWithDeadline(
  stop: () => Promise<void>,
  opts: StopDeadlineOptions,
): Promise<'stopped' | 'deadline'> {
  const deadlineMs = opts.deadlineMs ?? DEFAULT_STOP_DEADLINE_MS;
  let timer: TimerHandle | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = opts.clock.setTimeout(() => resolve('deadline'), deadlineMs, { unref: true });
  });
  const stopped = stop().then(
    () => 'stopped' as const,
    (err: unknown) => {
      opts.log.error({ err: String(err) }, 'shutdown error');
      return 'stopped' as const;
    },
  );
  const outcome = await Promise.race([stopped, deadline]);
  opts.clock.clearTimeout(timer);
  if (outcome === 'deadline') {
    opts.log.error(
      { deadlineMs },
      'shutdown did not finish in time (a device or the broker did not answer): exiting now',
    );
    opts.exit(1);
  } else {
    opts.clock.setTimeout(() => opts.exit(0), opts.lingerMs ?? 1_000, { unref: true });
  }
  return outcome;
}
