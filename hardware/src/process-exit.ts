/**
 * Last-resort cleanups for the helper processes and temporary folders this package creates (the
 * private dbus-daemon, the socat pty pair): run synchronously when the process exits by
 * `process.exit()`, by the end of the event loop or by an uncaught exception — so a forced stop
 * (a second Ctrl-C) leaves no child process and no folder behind. Not run on SIGKILL (nothing is).
 * Each owner still stops its resource properly and then removes its cleanup here.
 */
const cleanups = new Set<() => void>();

function runAll(): void {
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try {
      c();
    } catch {
      // the process is ending: one failed cleanup must not skip the others
    }
  }
}

/** Registers `cleanup` (synchronous, idempotent); returns the function that unregisters it. */
export function onProcessExit(cleanup: () => void): () => void {
  if (cleanups.size === 0) process.on('exit', runAll);
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) process.off('exit', runAll);
  };
}
