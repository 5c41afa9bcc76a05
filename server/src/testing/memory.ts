import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAndBuffers = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * Measures this process's memory while `work` runs (abuse tests run the server in-process).
 * `peakBuffers`: the highest growth of Buffer memory, sampled every 2 ms (where a buffered packet
 * lives); `retained`: heap + buffers still held afterwards, past a forced GC. Short-lived garbage
 * (parsed and dropped messages) counts in neither, so the measure does not flake with GC timing.
 */
export async function memoryDuring(
  work: () => Promise<void>,
): Promise<{ peakBuffers: number; retained: number }> {
  gc();
  const base = heapAndBuffers();
  const baseBuffers = process.memoryUsage().arrayBuffers;
  let peak = baseBuffers;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  gc();
  return { peakBuffers: peak - baseBuffers, retained: heapAndBuffers() - base };
}

export const MB = 1024 * 1024;
