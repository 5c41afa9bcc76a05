import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dc09Deframer, dc09Ack, dc09Decode, dc09Encode } from '@baken/protocols';

const MAIN = fileURLToPath(new URL('../../server/src/main.ts', import.meta.url));

export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 60_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/** The real server (`server/src/main.ts`) as a child process on ephemeral ports. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      BAKEN_DATA_DIR: dataDir,
      BAKEN_HTTP_PORT: '0',
      BAKEN_MQTT_PORT: '0',
      BAKEN_METRICS_PORT: '0',
      BAKEN_DC09_PORT: '0',
      BAKEN_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Baken server: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${code}) before it started`)));
  });
  return { proc, url, exited };
}

/** Logs in as the first admin (password from the data folder) and returns a bearer API caller. */
export async function adminApi(s: ServerProcess, dataDir: string) {
  // main.ts prints the URL first, then writes the first admin's password file
  const file = join(dataDir, 'first-admin-password.txt');
  await until(
    () => existsSync(file) && /password: \S+/.test(readFileSync(file, 'utf8')),
    'the first admin file',
  );
  const text = readFileSync(file, 'utf8');
  const username = /username: (\S+)/.exec(text)![1]!;
  const password = /password: (\S+)/.exec(text)![1]!;
  const login = await fetch(`${s.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const tok = await fetch(`${s.url}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-baken-csrf': csrfToken },
    body: JSON.stringify({ name: 'dc09-test' }),
  });
  const { token } = (await tok.json()) as { token: string };
  return bearerApi(token);
}

export function bearerApi(token: string) {
  return async function call<T = Record<string, unknown>>(
    url: string,
    method = 'GET',
    body?: unknown,
  ): Promise<T> {
    const r = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${url} → ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

/**
 * A stand-in alarm receiving centre on a loopback TCP port: records every message it gets and
 * answers ACK, or stays silent (a centre that received but did not answer).
 */
export class TestCentre {
  readonly received: Array<{ token: string; sequence: number; data: string }> = [];
  answer: 'ack' | 'silent' = 'ack';
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    const server = createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      const deframer = new Dc09Deframer();
      s.on('data', (chunk: Buffer) => {
        for (const f of deframer.push(new Uint8Array(chunk))) {
          const m = dc09Decode(f);
          if (!m.ok) continue;
          this.received.push({ token: m.value.token, sequence: m.value.sequence, data: m.value.data });
          if (this.answer === 'silent') continue;
          const ack = dc09Ack(m.value, { now: Date.now() });
          if (ack.ok) s.write(ack.value);
        }
      });
      s.on('error', () => s.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  seqs(token = 'ADM-CID'): number[] {
    return this.received.filter((r) => r.token === token).map((r) => r.sequence);
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const c of this.sockets) c.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/** One ADM-CID message from a third-party unit, plain, timestamped now. */
export function unitFrame(account: string, sequence: number, cid: string): Uint8Array {
  const r = dc09Encode(
    {
      token: 'ADM-CID',
      encrypted: false,
      sequence,
      line: '0',
      account,
      data: `#${account}|${cid}`,
      extended: [],
      timestamp: Date.now(),
    },
    { random: (n) => new Uint8Array(randomBytes(n)) },
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Sends one frame over TCP and resolves with the decoded answer's token. */
export function sendFrame(port: number, frame: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(frame));
    const deframer = new Dc09Deframer();
    s.on('data', (chunk: Buffer) => {
      const [f] = deframer.push(new Uint8Array(chunk));
      if (!f) return;
      s.destroy();
      const m = dc09Decode(f);
      resolve(m.ok ? m.value.token : `undecodable: ${m.error.code}`);
    });
    s.on('error', reject);
  });
}
