import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Figure, fmtValue, machine } from './figures.js';

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The one table `npm run bench` prints: figure, baseline, ratio, goal, verdict, load. */
export function table(figures: readonly Figure[]): string {
  const m = machine();
  const rows = figures.map((f) => [
    cut(`${f.group}: ${f.name}`, 58),
    `${fmtValue(f.value)} ${f.unit}`,
    f.baseline ? `${fmtValue(f.baseline.value)} ${cut(f.baseline.name, 30)}` : '',
    f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '',
    f.goal?.text ?? '',
    f.met === undefined ? '' : f.met ? 'met' : 'NOT MET',
    f.machine.load1.toFixed(2),
  ]);
  const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'goal', 'verdict', 'load'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const out = [
    `Baken bench — ${m.cores} cores, Node ${m.node}, load average now ${m.load1} (per figure: load column)`,
    line(head),
    widths.map((w) => '─'.repeat(w)).join('  '),
  ];
  for (const [i, r] of rows.entries()) {
    out.push(line(r));
    const f = figures[i]!;
    if (f.met === false && f.cause) out.push(`    ↳ cause: ${f.cause}`);
    if (f.note) out.push(`    ↳ ${f.note}`);
  }
  return `${out.join('\n')}\n`;
}

/** Writes `bench/results/<date>.json` and a chart beside it; returns their paths. */
export function writeResults(root: string, figures: readonly Figure[], mode: string): string[] {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  const json = join(dir, `${stamp}.json`);
  const svg = join(dir, `${stamp}.svg`);
  writeFileSync(json, `${JSON.stringify({ mode, machine: machine(), figures }, null, 2)}\n`);
  writeFileSync(svg, chart(figures, mode));
  return [json, svg];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A self-contained SVG: per figure with a goal, a bar of how far it is from the goal (the goal is
 * the line at 1; right of it is better, whichever way the goal points), green when met; per figure
 * with a baseline, its ratio to the baseline as a number.
 */
export function chart(figures: readonly Figure[], mode: string): string {
  const withGoal = figures.filter((f) => f.goal !== undefined || f.baseline !== undefined);
  const rowH = 22;
  const left = 430;
  const barW = 360;
  const h = 70 + withGoal.length * rowH;
  const m = machine();
  const x = (score: number) => left + Math.min(barW, (Math.min(score, 3) / 3) * barW);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + barW + 260}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<title>Baken bench (${esc(mode)}): each figure against its goal and its baseline</title>`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="10" y="20" font-size="15" font-weight="bold">Baken bench (${esc(mode)}) — ${m.cores} cores, Node ${esc(m.node)}, ${new Date().toISOString().slice(0, 16)}Z</text>`,
    `<text x="${left}" y="42" fill="#555">bar: figure ÷ goal (1 = exactly the goal, right is better; capped at 3)</text>`,
    `<line x1="${x(1)}" y1="48" x2="${x(1)}" y2="${h - 8}" stroke="#333" stroke-dasharray="4 3"/>`,
  ];
  withGoal.forEach((f, i) => {
    const y = 60 + i * rowH;
    parts.push(`<text x="10" y="${y + 12}">${esc(cut(`${f.group}: ${f.name}`, 62))}</text>`);
    if (f.goal) {
      const v = f.goal.onRatio ? (f.ratio ?? Number.NaN) : f.value;
      const score = f.goal.op === '>=' ? v / f.goal.target : f.goal.target / Math.max(v, 1e-9);
      const fill = f.met ? '#3a9a48' : '#c8372d';
      if (Number.isFinite(score))
        parts.push(
          `<rect x="${left}" y="${y}" width="${Math.max(1, x(score) - left)}" height="${rowH - 6}" fill="${fill}"/>`,
        );
    }
    const label = `${fmtValue(f.value)} ${f.unit}${f.goal ? ` (goal ${f.goal.text})` : ''}${f.ratio !== undefined ? `, ${f.ratio.toFixed(2)}× baseline` : ''}`;
    parts.push(`<text x="${left + barW + 8}" y="${y + 12}">${esc(cut(label, 48))}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
