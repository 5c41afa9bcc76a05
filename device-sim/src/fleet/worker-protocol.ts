import type { FleetOptions } from './options.js';
import type { FleetSnapshot } from './stats.js';

/** Operations a worker process runs on its part of the fleet (the `Fleet` methods with a count). */
export type WorkerOp =
  | 'alarm'
  | 'storm'
  | 'killSilently'
  | 'killWithWill'
  | 'flap'
  | 'openKeySafes'
  | 'ready'
  | 'settle';

/** Parent → worker, over the IPC channel (never argv or env: the options carry passwords). */
export type ToWorker =
  | { t: 'start'; opts: Omit<FleetOptions, 'clock' | 'random'> }
  | { t: 'call'; id: number; op: WorkerOp; args: number[] }
  | { t: 'snapshot'; id: number }
  | { t: 'stop'; id: number; drainMs: number };

/** Worker → parent. */
export type FromWorker =
  | { t: 'started' }
  | { t: 'reply'; id: number; value: number | boolean | null; snapshot?: FleetSnapshot }
  | { t: 'error'; id: number; code: string; message: string };
