import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from './bundle.js';
import type { GenRequest, HomeCred, Tally } from './gen-proc.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

interface Proc {
  child: ChildProcess;
  waiting: Map<number, (body: unknown) => void>;
}

/**
 * The load generator: the fleet spread over several processes (each a plain `node` on a bundle, so
 * the generator is not the limit of what it measures), driven together. Replies are summed.
 */
export class Generator {
  private seq = 1;

  private constructor(private readonly procs: Proc[]) {}

  static async start(processes: number): Promise<Generator> {
    const js = await bundleEntry(here('./gen-proc.ts'), 'gen-proc.mjs');
    const procs = await Promise.all(
      Array.from({ length: processes }, async () => {
        const child = fork(js, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        const p: Proc = { child, waiting: new Map() };
        await new Promise<void>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`generator exited with ${code}`)));
          child.on('message', (m) => {
            const { seq, body } = m as { seq: number; body: unknown };
            if (seq === 0) return resolve();
            p.waiting.get(seq)?.(body);
            p.waiting.delete(seq);
          });
        });
        return p;
      }),
    );
    return new Generator(procs);
  }

  private ask<T>(p: Proc, req: GenRequest): Promise<T> {
    const seq = this.seq++;
    return new Promise<T>((resolve, reject) => {
      if (!p.child.connected) return reject(new Error('generator process is gone'));
      p.waiting.set(seq, (b) => resolve(b as T));
      p.child.send({ seq, req });
    });
  }

  private all<T>(req: (i: number) => GenRequest): Promise<T[]> {
    return Promise.all(this.procs.map((p, i) => this.ask<T>(p, req(i))));
  }

  /** Deals the homes out round robin and prepares their clients (nothing connects yet). */
  async init(o: {
    host: string;
    port: number;
    homes: HomeCred[];
    acks: 'app' | 'puback';
    will?: boolean;
  }): Promise<void> {
    const share = (i: number) => o.homes.filter((_, j) => j % this.procs.length === i);
    await this.all((i) => ({ op: 'init', ...o, will: o.will ?? false, homes: share(i) }));
  }

  async connect(concurrency: number, reconnect = false): Promise<{ failed: number }> {
    const per = Math.max(1, Math.ceil(concurrency / this.procs.length));
    const r = await this.all<{ failed: number }>(() => ({ op: 'connect', concurrency: per, reconnect }));
    return { failed: r.reduce((a, b) => a + b.failed, 0) };
  }

  /**
   * Every home keeps `inFlight` events unacknowledged; events completed per second over `seconds`
   * after `warmupS` of the same load.
   */
  async flood(seconds: number, inFlight: number, warmupS = 0): Promise<number> {
    const r = await this.all<{ completed: number }>(() => ({ op: 'flood', seconds, inFlight, warmupS }));
    return r.reduce((a, b) => a + b.completed, 0) / seconds;
  }

  /** Heartbeats at `ratePerS` in all (QoS 0, round robin over the homes); what was sent per second. */
  async heartbeats(ratePerS: number, seconds: number, intervalS: number): Promise<number> {
    const per = ratePerS / this.procs.length;
    const r = await this.all<{ sent: number }>(() => ({
      op: 'heartbeats',
      ratePerS: per,
      seconds,
      intervalS,
    }));
    return r.reduce((a, b) => a + b.sent, 0) / seconds;
  }

  async connected(): Promise<number> {
    const r = await this.all<{ connected: number }>(() => ({ op: 'count' }));
    return r.reduce((a, b) => a + b.connected, 0);
  }

  /** Each generator process's events since `init`: sent, acked, acked twice, still pending. */
  tally(): Promise<Tally[]> {
    return this.all<Tally>(() => ({ op: 'tally' }));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(async (p) => {
        if (!p.child.connected) return;
        const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
        await this.ask(p, { op: 'close' }).catch(() => undefined);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
        p.child.kill('SIGKILL');
      }),
    );
  }
}
