// What serving one dashboard page costs the rest of the process: pages render inside the request's
// language scope (server/src/i18n/context.ts), and on Node 20 an `AsyncLocalStorage` left enabled
// slows every `await` of every module, the ingest turn first. Measured in a fresh process: CPU per
// request (`GET /healthz` through the whole Fastify app) and per `await`, before any page is
// served (the baseline) and after the login page was served.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './support/figures.js';

interface Probe {
  before: { request: number; awaitNs: number };
  after: { request: number; awaitNs: number };
}

const probe = (requests: number): Promise<Probe> =>
  new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL('./support/page-context-probe.ts', import.meta.url));
    execFile(
      process.execPath,
      ['--import', 'tsx', script, String(requests)],
      { timeout: 300_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`page-context probe failed: ${stderr || err.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Probe);
      },
    );
  });

export async function run(ctx: BenchContext): Promise<void> {
  const p = await probe(ctx.quick ? 1_000 : 5_000);
  const g = 'after a dashboard page was served';
  const goal = {
    op: '<=' as const,
    target: 1.1,
    text: 'ratio ≤ 1.1× (a page costs nothing after it)',
    onRatio: true,
  };
  const cause = 'the page scope stays enabled after the render: every promise of the process pays for it';
  ctx.report.add({
    group: g,
    name: 'server CPU per request (GET /healthz)',
    value: p.after.request,
    unit: 'µs',
    baseline: { name: 'before any page', value: p.before.request },
    note: 'a request awaits little: this ratio is within the noise of a shared machine either way',
  });
  ctx.report.add({
    group: g,
    name: 'CPU per await',
    value: p.after.awaitNs,
    unit: 'ns',
    baseline: { name: 'before any page', value: p.before.awaitNs },
    goal,
    cause,
  });
}
