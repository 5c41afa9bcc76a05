import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SimError } from '../errors.js';
import type { Fleet, FleetSummary } from './fleet-api.js';
import type { FleetOptions } from './options.js';
import { type FleetSnapshot, type FleetStats, mergeSnapshots } from './stats.js';
import type { FromWorker, ToWorker, WorkerOp } from './worker-protocol.js';

/**
 * How a worker starts: under `sh`, which raises the soft open-file limit to the hard one (Node has
 * no setrlimit) and then execs Node on worker-main (through tsx when running from sources).
 */
function workerCommand(): { cmd: string; args: string[] } {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(
    new URL(fromSources ? './worker-main.ts' : './worker-main.js', import.meta.url),
  );
  const node = [...(fromSources ? ['--import', import.meta.resolve('tsx')] : []), entry];
  const script = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  return { cmd: '/bin/sh', args: ['-c', script, 'sh', process.execPath, ...node] };
}

type WithId = Extract<ToWorker, { id: number }>;
/** A request without its id (distributes Omit over the union). */
type WorkerRequest = WithId extends infer T ? (T extends WithId ? Omit<T, 'id'> : never) : never;

class Worker {
  readonly child: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  #next = 1;
  readonly started: Promise<void>;
  #exited = false;

  constructor(opts: Omit<FleetOptions, 'clock' | 'random'>) {
    const { cmd, args } = workerCommand();
    this.child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.started = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.on('message', (m: FromWorker) => {
        if (m.t === 'started') resolve();
        else this.#settle(m);
      });
      this.child.once('exit', (code) => {
        this.#exited = true;
        const err = new SimError('BAKEN_ERR_SIM_FLEET_WORKER', `fleet worker exited (${code})`);
        reject(err);
        for (const w of this.#waiting.values()) w.reject(err);
        this.#waiting.clear();
      });
    });
    this.child.send({ t: 'start', opts } satisfies ToWorker);
  }

  #settle(m: FromWorker): void {
    if (m.t === 'started') return;
    const w = this.#waiting.get(m.id);
    this.#waiting.delete(m.id);
    if (m.t === 'error') w?.reject(new SimError(m.code as 'BAKEN_ERR_SIM_FLEET_WORKER', m.message));
    else w?.resolve(m);
  }

  request(m: WorkerRequest): Promise<Extract<FromWorker, { t: 'reply' }>> {
    if (this.#exited)
      return Promise.reject(new SimError('BAKEN_ERR_SIM_FLEET_WORKER', 'fleet worker is gone'));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (m: FromWorker) => void, reject });
      this.child.send({ ...m, id } as ToWorker);
    });
  }

  get exited(): boolean {
    return this.#exited;
  }
}

/** Splits `n` over `parts` as evenly as possible. */
const split = (n: number, parts: number): number[] =>
  Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));

class WorkerFleet implements Fleet {
  readonly #workers: Worker[];
  readonly #t0 = performance.now();

  constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  async #snapshots(): Promise<FleetSnapshot[]> {
    const replies = await Promise.all(this.#workers.map((w) => w.request({ t: 'snapshot' })));
    return replies.map((r) => r.snapshot!).filter((s) => s !== undefined);
  }

  async stats(): Promise<FleetStats> {
    const parts = await this.#snapshots();
    return mergeSnapshots(parts, performance.now() - this.#t0);
  }

  async #each(op: WorkerOp, args: (i: number) => number[]): Promise<Array<number | boolean | null>> {
    const replies = await Promise.all(
      this.#workers.map((w, i) => w.request({ t: 'call', op, args: args(i) })),
    );
    return replies.map((r) => r.value);
  }

  async #counted(op: WorkerOp, n: number): Promise<number> {
    const parts = split(n, this.#workers.length);
    const done = await this.#each(op, (i) => [parts[i] ?? 0]);
    return done.reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0);
  }

  async ready(timeoutMs = 120_000): Promise<void> {
    await this.#each('ready', () => [timeoutMs]);
  }
  alarm(n: number): Promise<number> {
    return this.#counted('alarm', n);
  }
  async storm(share: number, withinMs = 5_000): Promise<number> {
    const done = await this.#each('storm', () => [share, withinMs]);
    return done.reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0);
  }
  killSilently(n: number): Promise<number> {
    return this.#counted('killSilently', n);
  }
  killWithWill(n: number): Promise<number> {
    return this.#counted('killWithWill', n);
  }
  flap(n: number): Promise<number> {
    return this.#counted('flap', n);
  }
  openKeySafes(n: number): Promise<number> {
    return this.#counted('openKeySafes', n);
  }
  async settle(timeoutMs = 30_000): Promise<boolean> {
    return (await this.#each('settle', () => [timeoutMs])).every((v) => v === true);
  }

  async stop(opts: { drainMs?: number } = {}): Promise<FleetSummary> {
    const live = this.#workers.filter((w) => !w.exited);
    const replies = await Promise.all(
      live.map((w) => w.request({ t: 'stop', drainMs: opts.drainMs ?? 5_000 }).catch(() => undefined)),
    );
    const parts = replies.flatMap((r) => (r?.snapshot === undefined ? [] : [r.snapshot]));
    const s = mergeSnapshots(parts, performance.now() - this.#t0);
    return { ...s, lostAlarms: s.pendingAlarms, lostEvents: s.pendingEvents };
  }
}

/** Spreads the homes over `processes` workers; resolves once every worker has started its homes. */
export async function startWorkerFleet(opts: FleetOptions, processes: number): Promise<Fleet> {
  const { clock: _clock, random: _random, ...plain } = opts;
  const sizes = split(opts.homes.length, processes);
  // each worker's connection ramp gets its share of the fleet's connect rate
  const rate = (opts.connectRate ?? 500) / processes;
  let first = opts.firstIndex ?? 0;
  const workers = sizes.map((size, i) => {
    const from = sizes.slice(0, i).reduce((a, b) => a + b, 0);
    const w = new Worker({
      ...plain,
      homes: opts.homes.slice(from, from + size),
      firstIndex: first,
      connectRate: rate,
    });
    first += size;
    return w;
  });
  try {
    await Promise.all(workers.map((w) => w.started));
  } catch (err) {
    for (const w of workers) w.child.kill();
    throw err;
  }
  return new WorkerFleet(workers);
}
