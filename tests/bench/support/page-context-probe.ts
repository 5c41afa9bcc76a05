// Run by `page-context.bench.ts` in a process of its own, so no earlier bench has served a page in
// it: the server's CPU per request and per `await` before any page is served, then after one (the
// login page). Prints one JSON line.
import { testApp } from '@baken/server/testing/test-app';

const REQUESTS = Number(process.argv[2] ?? 2_000);
const AWAITS = 500_000;

const cpuUs = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return u.user + u.system;
};

const t = await testApp();
async function perRequest(): Promise<number> {
  const from = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    const r = await t.app.inject({ method: 'GET', url: '/healthz' });
    if (r.statusCode !== 200) throw new Error(`/healthz answered ${r.statusCode}`);
  }
  return cpuUs(from) / REQUESTS;
}
async function perAwait(): Promise<number> {
  const step = async (i: number): Promise<number> => (await Promise.resolve(i)) + 1;
  const from = process.cpuUsage();
  for (let i = 0; i < AWAITS; i++) await step(i);
  return (cpuUs(from) * 1000) / AWAITS;
}
/** The median of five rounds of each, so one noisy round on a shared machine does not decide. */
async function measure(): Promise<{ request: number; awaitNs: number }> {
  const requests: number[] = [];
  const awaits: number[] = [];
  for (let i = 0; i < 5; i++) {
    requests.push(await perRequest());
    awaits.push(await perAwait());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
  return { request: median(requests), awaitNs: median(awaits) };
}
try {
  for (let i = 0; i < 3; i++) await perRequest(); // warm-up: the JIT settles before the baseline
  await perAwait();
  const before = await measure();
  const page = await t.app.inject({ method: 'GET', url: '/login' });
  if (page.statusCode !== 200) throw new Error(`/login answered ${page.statusCode}`);
  const after = await measure();
  process.stdout.write(`${JSON.stringify({ before, after })}\n`);
} finally {
  await t.close();
}
