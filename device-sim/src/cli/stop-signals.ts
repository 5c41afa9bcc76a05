import type { Clock } from '@baken/hardware';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Where signals come from: `process`, or an emitter in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

export interface StopOnSignalsOptions {
  clock: Clock;
  /** The graceful stop: resolves once every device, child process and temporary folder is gone. */
  stop(signal: StopSignal): Promise<void>;
  /** Ends the process (`process.exit`): 0 after a clean stop, 1 after a failed or late one, 130 forced. */
  exit(code: number): void;
  /** One line for the person at the terminal. */
  say(text: string): void;
  /** What the stop is still waiting for, named in the timeout message. */
  pending?(): string | undefined;
  /** A stop still running after this long is forced. Default 4500 ms (Ctrl-C must end within 5 s). */
  deadlineMs?: number;
  /**
   * A second signal within this long of the first is the same Ctrl-C delivered twice (the terminal
   * signals the whole process group, and `npm` forwards what it receives): ignored. Default 1000 ms.
   */
  sameSignalMs?: number;
  source?: SignalSource;
}

/**
 * Ctrl-C / SIGTERM handling of the long-running simulator commands (`npm start`, `baken-sim home`):
 * the first signal stops gracefully within `deadlineMs`; a second one forces. A forced or late stop
 * still ends through `exit`, whose process-exit cleanups kill the helper processes and remove the
 * temporary folders (see `@baken/hardware` `onProcessExit`). Returns the function that detaches.
 */
export function stopOnSignals(opts: StopOnSignalsOptions): () => void {
  const source: SignalSource = opts.source ?? process;
  const deadlineMs = opts.deadlineMs ?? 4500;
  const sameSignalMs = opts.sameSignalMs ?? 1000;
  let firstAt: number | undefined;
  let ended = false;
  const end = (code: number): void => {
    if (ended) return;
    ended = true;
    opts.clock.clearTimeout(deadline);
    opts.exit(code);
  };
  let deadline: ReturnType<Clock['setTimeout']> | undefined;
  const onSignal = (signal: StopSignal): void => {
    const now = opts.clock.monotonic();
    if (firstAt === undefined) {
      firstAt = now;
      opts.say(`${signal}: stopping… (Ctrl-C again to force)`);
      deadline = opts.clock.setTimeout(() => {
        const waiting = opts.pending?.();
        opts.say(
          `BAKEN_ERR_STOP_TIMEOUT: not stopped after ${deadlineMs / 1000} s${waiting ? ` (still stopping ${waiting})` : ''}; forcing`,
        );
        end(1);
      }, deadlineMs);
      opts.stop(signal).then(
        () => end(0),
        (err: unknown) => {
          const e = err as { code?: unknown; message?: unknown };
          const code = typeof e?.code === 'string' ? e.code : 'BAKEN_ERR_STOP';
          opts.say(`${code}: ${typeof e?.message === 'string' ? e.message : String(err)}`);
          end(1);
        },
      );
      return;
    }
    if (now - firstAt < sameSignalMs || ended) return;
    opts.say(`${signal} again: forced stop`);
    end(130);
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  source.on('SIGINT', onInt);
  source.on('SIGTERM', onTerm);
  return () => {
    source.off('SIGINT', onInt);
    source.off('SIGTERM', onTerm);
    opts.clock.clearTimeout(deadline);
  };
}
