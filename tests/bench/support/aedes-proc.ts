import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from './bundle.js';
import type { HomeCred } from './gen-proc.js';
import { LeanHome } from './lean-home.js';
import { eventTemplate } from './payloads.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export interface BareAedes {
  proc: ChildProcess;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** The baseline: a bare aedes broker in its own process (`bare-aedes.ts`). */
export async function startBareAedes(): Promise<BareAedes> {
  const js = await bundleEntry(here('./bare-aedes.ts'), 'bare-aedes.mjs');
  const proc = spawn(process.execPath, [js], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`bare aedes exited with ${code}`)));
  });
  return {
    proc,
    pid: proc.pid as number,
    port,
    async stop() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** PUBACK latency of `n` alarm events, one at a time, through the bare broker (ms each). */
export async function bareLatency(port: number, cred: HomeCred, n: number): Promise<number[]> {
  let waiting: (() => void) | undefined;
  const home = new LeanHome({
    host: '127.0.0.1',
    port,
    ...{ gatewayId: cred.id, password: 'x' },
    onPuback: () => waiting?.(),
  });
  await home.connect(false);
  const tpl = eventTemplate(cred.id, 'alarm');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const got = new Promise<void>((r) => {
      waiting = r;
    });
    home.publishEvent(tpl(`bareprobe${i.toString().padStart(4, '0')}`, Date.now()));
    await got;
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  home.disconnect();
  return out;
}
