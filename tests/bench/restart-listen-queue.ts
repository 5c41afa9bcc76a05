import { execFile } from 'node:child_process';

/**
 * The kernel's accept queue of a listening port during a storm (docs/scaling.md §3, "Restart"):
 * `ss` reports, for a listening socket, the connections waiting to be accepted (Recv-Q) and the
 * queue's depth (Send-Q), once per listening descriptor. Sampled every `everyMs` until stopped.
 */
export class ListenQueueSampler {
  /** Most connections seen waiting in the accept queue. */
  peak = 0;
  /** Samples in which the queue was full (handshakes being dropped). */
  fullSamples = 0;
  samples = 0;
  /** Listening descriptors on the port at the last sample. */
  descriptors = 0;
  /** [ms since start, waiting] of every sample. */
  readonly series: Array<[number, number]> = [];
  readonly #t0 = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(
    private readonly port: number,
    private readonly everyMs = 250,
  ) {}

  start(): this {
    this.#timer = setInterval(() => this.#sample(), this.everyMs);
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #sample(): void {
    if (this.#busy) return;
    this.#busy = true;
    execFile('ss', ['-ltnpH', `sport = :${this.port}`], (err, out) => {
      this.#busy = false;
      if (err) return;
      const line = out.split('\n').find((l) => l.startsWith('LISTEN'));
      if (!line) return;
      const [, recvQ, sendQ] = line.split(/\s+/);
      const waiting = Number(recvQ);
      this.samples += 1;
      this.series.push([Math.round(performance.now() - this.#t0), waiting]);
      this.peak = Math.max(this.peak, waiting);
      if (waiting >= Number(sendQ)) this.fullSamples += 1;
      this.descriptors = (line.match(/fd=/g) ?? []).length;
    });
  }
}
