import { availableParallelism, loadavg } from 'node:os';

/** A goal from the table: `value op target`, e.g. ≥ 5,000 heartbeats/s. */
export interface Goal {
  op: '>=' | '<=';
  target: number;
  /** How the goal reads to a person, e.g. "≥ 0.5× bare aedes". */
  text: string;
  /** Compare the ratio to the baseline (not the value) with the target. */
  onRatio?: boolean;
}

export interface Machine {
  cores: number;
  node: string;
  /** 1-minute load average when the figure was taken (this machine is shared). */
  load1: number;
}

export interface Figure {
  group: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline (a figure that falls and rises with the machine's noise cancels out). */
  ratio?: number;
  goal?: Goal;
  met?: boolean;
  /** Why a goal was not met (or why the figure is what it is). */
  cause?: string;
  note?: string;
  machine: Machine;
  at: string;
}

export type FigureInput = Omit<Figure, 'machine' | 'at' | 'ratio' | 'met'>;

export function machine(): Machine {
  return {
    cores: availableParallelism(),
    node: process.version,
    load1: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** Collects every bench's figures; each is stamped with the machine's state when it was taken. */
export class Report {
  readonly figures: Figure[] = [];

  add(f: FigureInput): Figure {
    const ratio = f.baseline && f.baseline.value !== 0 ? f.value / f.baseline.value : undefined;
    const compared = f.goal?.onRatio ? ratio : f.value;
    const met =
      f.goal === undefined || compared === undefined || !Number.isFinite(compared)
        ? undefined
        : f.goal.op === '>='
          ? compared >= f.goal.target
          : compared <= f.goal.target;
    const fig: Figure = {
      ...f,
      ...(ratio !== undefined ? { ratio } : {}),
      ...(met !== undefined ? { met } : {}),
      machine: machine(),
      at: new Date().toISOString(),
    };
    if (met !== false) delete fig.cause;
    this.figures.push(fig);
    process.stdout.write(`  · ${fig.group}: ${fig.name} = ${fmtValue(fig.value)} ${fig.unit}\n`);
    return fig;
  }
}

export interface BenchContext {
  quick: boolean;
  report: Report;
  /** Progress lines (stderr-free, one line each). */
  log(line: string): void;
}

export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-GB');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
