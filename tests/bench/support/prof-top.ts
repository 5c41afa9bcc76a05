// `npx tsx tests/bench/support/prof-top.ts <file.cpuprofile> [n] [skipS]`: where a V8 CPU profile
// (from BENCH_CPU_PROF) spent its busy time — self time by function and by package or folder, and
// total (inclusive) time of the project's own functions — leaving out idle time and the first
// `skipS` seconds (start-up). Used to find per-message work (docs/scaling.md).
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, nArg, skipArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx tests/bench/support/prof-top.ts <file.cpuprofile> [n] [skipS]\n');
  process.exit(2);
}
const n = Number(nArg ?? 40);
const skipUs = Number(skipArg ?? 0) * 1e6;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
// A bundle's frames (the restart bench runs the production bundle) named by their source file and
// line, from the source map beside the bundle (`npm run build:server` writes one): the map must be
// the profiled bundle's, so read a profile before a bench run builds the bundle again.
const maps = new Map<string, SourceMap | null>();
for (const { callFrame: f } of p.nodes) {
  if (!f.url.startsWith('file:') || !f.url.endsWith('.mjs')) continue;
  if (!maps.has(f.url)) {
    const file = `${fileURLToPath(f.url)}.map`;
    maps.set(f.url, existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : null);
  }
  const e = maps.get(f.url)?.findEntry(f.lineNumber, f.columnNumber ?? 0);
  if (e && 'originalSource' in e && e.originalSource) {
    f.url = new URL(e.originalSource, `${f.url}.map`).href;
    f.lineNumber = e.originalLine;
  }
}
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const self = new Map<number, number>();
let total = 0;
let clock = 0;
for (let i = 0; i < p.samples.length; i++) {
  const dt = p.timeDeltas[i] ?? 0;
  clock += dt;
  if (clock < skipUs || byId.get(p.samples[i]!)?.callFrame.functionName === '(idle)') continue;
  total += dt;
  self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
}
const where = (u: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1]!;
  const o = /\/((?:server|protocols|gateway|hardware)\/src\/.*)$/.exec(u);
  if (o) return o[1]!;
  return u === '' ? '(native/vm)' : u.startsWith('node:') ? u : u.split('/').slice(-2).join('/');
};
const label = (x: Node) =>
  `${x.callFrame.functionName || '(anon)'} ${where(x.callFrame.url)}:${x.callFrame.lineNumber + 1}`;
const fn = new Map<string, number>();
const pkg = new Map<string, number>();
const incl = new Map<string, number>();
for (const [id, t] of self) {
  const x = byId.get(id)!;
  fn.set(label(x), (fn.get(label(x)) ?? 0) + t);
  const k = x.callFrame.url === '' ? x.callFrame.functionName || '(native)' : where(x.callFrame.url);
  pkg.set(k, (pkg.get(k) ?? 0) + t);
  // inclusive time of our own frames, each counted once per sample stack
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)!;
    if (!/\/(server|protocols)\/src\//.test(f.callFrame.url)) continue;
    const l = label(f);
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + t);
  }
}
const show = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
    process.stdout.write(`${((100 * t) / total).toFixed(1).padStart(6)} %  ${k}\n`);
};
process.stdout.write(`${(total / 1e6).toFixed(1)} s busy (idle and the first ${skipUs / 1e6} s left out)\n`);
show('self time by package / folder', pkg);
show('self time by function', fn);
show('total time of our own functions', incl);
