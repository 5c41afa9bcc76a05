import type { BenchContext, Goal } from './figures.js';
import { percentile } from './figures.js';
import type { AlarmProbe, AlarmSample } from './probe.js';

/** Presses the probe's pendant `n` times, `gapMs` apart; samples that timed out are counted. */
export async function pressMany(
  probe: AlarmProbe,
  n: number,
  gapMs: number,
  until?: () => boolean,
): Promise<{ samples: AlarmSample[]; lost: number }> {
  const samples: AlarmSample[] = [];
  let lost = 0;
  for (let i = 0; i < n && (until === undefined || !until()); i++) {
    try {
      samples.push(await probe.press(10_000));
    } catch {
      lost += 1;
    }
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return { samples, lost };
}

/**
 * p50/p99/max of one latency path as figures. `baseline` is the same percentile of another path
 * measured in the same run; `goals` puts a goal on a percentile.
 */
export function latencyFigures(
  ctx: BenchContext,
  group: string,
  label: string,
  values: readonly number[],
  o: {
    baselineName?: string;
    baseline?: readonly number[];
    goals?: Partial<Record<50 | 99 | 100, Goal>>;
    cause?: string;
  } = {},
): void {
  for (const p of [50, 99, 100] as const) {
    const v = percentile(values, p);
    const goal = o.goals?.[p];
    ctx.report.add({
      group,
      name: `${label} ${p === 100 ? 'max' : `p${p}`} (n=${values.length})`,
      value: v,
      unit: 'ms',
      ...(o.baseline && o.baseline.length > 0
        ? {
            baseline: {
              name: `${o.baselineName ?? 'baseline'} ${p === 100 ? 'max' : `p${p}`}`,
              value: percentile(o.baseline, p),
            },
          }
        : {}),
      ...(goal ? { goal } : {}),
      ...(o.cause ? { cause: o.cause } : {}),
    });
  }
}
