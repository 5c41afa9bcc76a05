import { spawn } from 'node:child_process';

/**
 * The service manager's notification channel (sd_notify(3)): `READY=1`, `WATCHDOG=1`,
 * `STATUS=…`, `STOPPING=1`. Contract:
 * - `notify` resolves once the message has been handed over (or failed); it never rejects and never
 *   throws: a lost notification only means the manager acts on its own timeout;
 * - messages from one notifier arrive in the order they were sent.
 */
export interface Notifier {
  notify(fields: Readonly<Record<string, string>>): Promise<NotifyResult>;
}

export type NotifyResult = { ok: true } | { ok: false; reason: string };

/** What the service manager told the process through its environment (sd_watchdog_enabled(3)). */
export interface SystemdEnv {
  /** `NOTIFY_SOCKET` is set: the manager listens (a `Type=notify` unit). */
  notifySocket: string | undefined;
  /** `WATCHDOG_USEC` for this process, in ms; `undefined` when no watchdog is armed. */
  watchdogMs: number | undefined;
}

/**
 * Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`. The watchdog counts only when
 * `WATCHDOG_PID` is absent or names this process (a child inheriting the environment must not ping).
 */
export function readSystemdEnv(env: NodeJS.ProcessEnv, pid: number = process.pid): SystemdEnv {
  const notifySocket = env['NOTIFY_SOCKET'] || undefined;
  const usec = Number(env['WATCHDOG_USEC']);
  const watchdogPid = env['WATCHDOG_PID'];
  const forUs = watchdogPid === undefined || watchdogPid === '' || Number(watchdogPid) === pid;
  const watchdogMs = Number.isFinite(usec) && usec > 0 && forUs ? Math.floor(usec / 1000) : undefined;
  return { notifySocket, watchdogMs };
}

export interface SystemdNotifyOptions {
  /** The `systemd-notify` binary. Default `systemd-notify` from PATH. */
  command?: string;
  /** The environment handed to it (must carry `NOTIFY_SOCKET`). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A notification that has not been handed over after this long is abandoned. Default 5 s. */
  timeoutMs?: number;
}

/**
 * Sends notifications by running `systemd-notify VAR=VALUE…` (docs/gateway-appliance.md, "Why
 * systemd-notify"). `NOTIFY_SOCKET` is a unix datagram socket, which Node cannot write without a
 * native module; the tool ships with systemd itself, so it always speaks the manager's dialect (abstract
 * sockets included). It waits until the manager has processed the message (a notify barrier), so the
 * manager can still attribute it to this unit's control group after the short-lived process exits;
 * the unit therefore needs `NotifyAccess=all`. Notifications are serialised: one process at a time.
 *
 * The timeout is wall time on purpose: it bounds a child process, not gateway logic.
 */
export class SystemdNotify implements Notifier {
  readonly #command: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #timeoutMs: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: SystemdNotifyOptions = {}) {
    this.#command = opts.command ?? 'systemd-notify';
    this.#env = opts.env ?? process.env;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
  }

  notify(fields: Readonly<Record<string, string>>): Promise<NotifyResult> {
    const args = Object.entries(fields).map(([k, v]) => `${k}=${oneLine(v)}`);
    const next = this.#queue.then(() => this.#run(args));
    this.#queue = next;
    return next;
  }

  #run(args: string[]): Promise<NotifyResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: NotifyResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(result);
      };
      const child = spawn(this.#command, args, { env: this.#env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        if (stderr.length < 500) stderr += chunk.toString('utf8');
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({ ok: false, reason: `${this.#command} did not finish within ${this.#timeoutMs} ms` });
      }, this.#timeoutMs);
      timer.unref();
      child.on('error', (err) => finish({ ok: false, reason: `${this.#command}: ${err.message}` }));
      child.on('close', (code) =>
        finish(
          code === 0
            ? { ok: true }
            : { ok: false, reason: `${this.#command} exited ${code}: ${stderr.trim() || 'no message'}` },
        ),
      );
    });
  }
}

/** sd_notify fields are newline-separated: a value must stay on one line. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}
