import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { MockBleScanner, SystemClock } from '@baken/hardware';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import type { HomeCred } from '../../bench/support/gen-proc.js';
import { seedRegion } from '../../bench/support/seed.js';
import {
  freePort,
  kill9,
  type ServerOptions,
  type ServerProc,
  startServerProc,
  stopServer,
} from '../../bench/support/server-proc.js';

export const clock = new SystemClock();

/** Polls `cond` every 50 ms until it holds; fails with `what` after `ms` (a deadline, not a timing claim). */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 45_000,
): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A region for chaos tests: the server as a real child process (so `kill -9` is a real kill) on a
 * seeded data folder and fixed ports, real gateways (outbox on disk, the production uplink) built
 * in this process, and read-only SQL on the server's store for the verdicts.
 */
export class ChaosRegion {
  readonly gateways: Gateway[] = [];
  server!: ServerProc;
  homes: HomeCred[] = [];
  private opts!: ServerOptions;

  constructor(readonly dir = mkdtempSync(join(tmpdir(), 'baken-chaos-'))) {}

  async start(homes: number, env: Record<string, string> = {}): Promise<void> {
    await this.seed(homes);
    await this.startServer(env);
  }

  /** Enrols `homes` homes in a fresh store (before the server starts). */
  async seed(homes: number): Promise<void> {
    this.homes = (await seedRegion(this.dir, homes, 'chaos')).homes;
  }

  async startServer(env: Record<string, string> = {}): Promise<void> {
    this.opts = {
      dataDir: this.dir,
      httpPort: await freePort(),
      mqttPort: await freePort(),
      metricsPort: await freePort(),
      env: { BAKEN_LOG_LEVEL: 'fatal', ...env },
    };
    this.server = await startServerProc(this.opts);
  }

  /** `kill -9` of the server; returns the wall time just before the signal. */
  async kill(): Promise<number> {
    const at = Date.now();
    await kill9(this.server);
    return at;
  }

  /**
   * Starts the server again on the same store and ports. A start that fails is retried, as the
   * service manager does (`Restart=on-failure`): on a loaded machine a start can time out while a
   * reconnect storm's CONNECT hashing fills libuv's pool (the restart bench counts these).
   */
  async restart(attempts = 4): Promise<number> {
    for (let failed = 0; ; failed++) {
      try {
        this.server = await startServerProc(this.opts);
        return failed;
      } catch (e) {
        if (failed + 1 >= attempts) throw e;
      }
    }
  }

  /** A real gateway for home `i`, connected to `url` (default: the server's embedded broker). */
  async gateway(i: number, url = `mqtt://127.0.0.1:${this.opts.mqttPort}`): Promise<Gateway> {
    const cred = this.homes[i]!;
    const dataDir = join(this.dir, `gw-${i}`);
    mkdirSync(dataDir, { recursive: true });
    const gw = createGateway({
      config: parseConfig({
        dataDir,
        mqtt: { primaryUrl: url, backoffInitialMs: 200, backoffMaxMs: 1_000 },
        outbox: { ackTimeoutMs: 2_000 },
      }),
      credentials: {
        gatewayId: cred.id,
        server: 'http://127.0.0.1',
        mqtt: { username: cred.id, password: cred.password },
        provisionedAt: 0,
      },
      clock,
      logger: pino({ level: 'silent' }),
      softwareVersion: '0.1.0-chaos',
      transports: { openBleScanner: () => new MockBleScanner({ clock }) },
    });
    await gw.start();
    this.gateways.push(gw);
    return gw;
  }

  /** Read-only SQL on the server's store (WAL: never blocks the running server). */
  query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(join(this.dir, 'baken.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    for (const gw of this.gateways) await gw.stop().catch(() => undefined);
    if (this.server) await stopServer(this.server);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `n` pendant alarms on a gateway, as its BLE bridge emits them. */
export function pressAlarms(gw: Gateway, n: number, deviceId = 'pendant-chaos', firstCounter = 1): void {
  for (let i = firstCounter - 1; i < firstCounter - 1 + n; i++) {
    gw.bus.emit('device-event', {
      deviceId,
      deviceKind: 'pendant',
      kind: 'alarm',
      priority: 'alarm',
      deviceTime: null,
      receivedAt: clock.now(),
      data: { format: 'baken', counter: i + 1 },
    });
  }
}
