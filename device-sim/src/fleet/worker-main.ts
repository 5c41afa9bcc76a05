// One fleet worker process: runs a LocalFleet on the homes its parent sends over IPC and answers
// the parent's calls (worker-protocol.ts). Started by worker-fleet.ts with its open-file limit raised.
import { LocalFleet } from './local-fleet.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

let fleet: LocalFleet | undefined;
const send = (m: FromWorker): void => {
  process.send?.(m);
};

async function handle(m: ToWorker): Promise<void> {
  if (m.t === 'start') {
    fleet = new LocalFleet(m.opts).start();
    send({ t: 'started' });
    return;
  }
  const f = fleet;
  if (f === undefined) return;
  try {
    if (m.t === 'snapshot') send({ t: 'reply', id: m.id, value: null, snapshot: f.snapshot() });
    else if (m.t === 'stop') {
      await f.settle(m.drainMs);
      const snapshot = f.snapshot();
      await f.core.stop();
      send({ t: 'reply', id: m.id, value: null, snapshot });
      process.disconnect?.();
    } else {
      const [a = 0, b] = m.args;
      let value: number | boolean | null;
      if (m.op === 'ready') {
        await f.ready(a);
        value = null;
      } else if (m.op === 'settle') value = await f.settle(a);
      else if (m.op === 'storm') value = await f.storm(a, b);
      else value = await f[m.op](a);
      send({ t: 'reply', id: m.id, value });
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    send({
      t: 'error',
      id: 'id' in m ? m.id : -1,
      code: typeof code === 'string' ? code : 'BAKEN_ERR_SIM_FLEET_WORKER',
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

process.on('message', (m: ToWorker) => void handle(m));
// the parent went away (Ctrl-C, crash): leave without waiting for acks
process.on('disconnect', () => {
  void (fleet?.core.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
// Ctrl-C reaches the whole process group; the parent decides when this worker stops
process.on('SIGINT', () => undefined);
