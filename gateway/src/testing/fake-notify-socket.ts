import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Binds a unix datagram socket and hands each datagram to Perl's `recv` without a control buffer, so
 * the kernel closes any descriptor passed along (the notify barrier of `systemd-notify`), which is what
 * the service manager does once it has processed a message. Each datagram is printed as
 * `<length>:<bytes>`. Perl is part of every Debian system (perl-base); Node has no unix datagrams.
 */
const RECEIVER = `
use strict; use Socket;
my $path = shift;
socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
bind($s, pack_sockaddr_un($path)) or die "bind: $!";
$| = 1; print "bound\\n";
while (1) { my $buf = ''; defined(recv($s, $buf, 65536, 0)) or die "recv: $!"; print length($buf), ":", $buf; }
`;

export interface NotifyMessage {
  fields: Record<string, string>;
}

/** A stand-in for systemd's `NOTIFY_SOCKET` that records every message it receives, in order. */
export class FakeNotifySocket {
  readonly path: string;
  readonly messages: NotifyMessage[] = [];
  readonly #dir: string;
  #proc: ChildProcess | undefined;
  #buffer = '';
  #waiters: (() => void)[] = [];

  constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'baken-notify-'));
    this.path = join(this.#dir, 'notify.sock');
  }

  async start(): Promise<void> {
    const proc = spawn('perl', ['-e', RECEIVER, this.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.#proc = proc;
    await new Promise<void>((resolve, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`fake notify socket exited ${code}`)));
      proc.stdout?.on('data', (chunk: Buffer) => {
        this.#buffer += chunk.toString('utf8');
        if (this.#buffer.startsWith('bound\n')) {
          this.#buffer = this.#buffer.slice('bound\n'.length);
          resolve();
        }
        this.#parse();
      });
    });
  }

  /** Resolves once a message satisfying `match` has arrived (event-driven; the caller bounds it). */
  async waitFor(match: (m: NotifyMessage) => boolean): Promise<NotifyMessage> {
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  count(key: string, value?: string): number {
    return this.messages.filter((m) => key in m.fields && (value === undefined || m.fields[key] === value))
      .length;
  }

  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (proc && proc.exitCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #parse(): void {
    for (;;) {
      const colon = this.#buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.#buffer.slice(0, colon));
      // lengths are bytes; notify messages are ASCII here, so bytes == UTF-16 units
      if (this.#buffer.length < colon + 1 + length) return;
      const body = this.#buffer.slice(colon + 1, colon + 1 + length);
      this.#buffer = this.#buffer.slice(colon + 1 + length);
      const fields: Record<string, string> = {};
      for (const line of body.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
      }
      this.messages.push({ fields });
      for (const w of this.#waiters.splice(0)) w();
    }
  }
}
