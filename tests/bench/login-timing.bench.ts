// Login timing: a wrong password and an unknown user must not be told apart by how long
// the 401 takes. Prints the median and spread of each, interleaved so machine noise hits both alike,
// beside a baseline of two identical wrong-password series measured in the same run (their ratio is
// what "no measurable difference" looks like on this machine).
import { testApp } from '@baken/server/testing/test-app';
import type { BenchContext } from './support/figures.js';

const ROUNDS = Number(process.env['BENCH_LOGIN_ROUNDS'] ?? 40);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const iqr = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.75)]! - s[Math.floor(s.length * 0.25)]!;
};

export async function run(ctx: BenchContext): Promise<void> {
  const t = await testApp({
    auth: { loginMaxFailuresPerUser: 1_000_000, loginMaxFailuresPerIp: 1_000_000 },
  });
  try {
    await t.app.baken.repos.users.create(
      {
        username: 'nurse',
        displayName: 'Nurse',
        role: 'care_worker',
        passwordHash: await t.app.baken.auth.hashPassword('the right one, long enough'),
      },
      t.clock.now(),
    );
    const attempt = async (username: string): Promise<number> => {
      const start = process.hrtime.bigint();
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: 'not the password at all' },
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.statusCode !== 401) throw new Error(`expected 401, got ${r.statusCode}`);
      return ms;
    };
    for (let i = 0; i < 5; i++) await attempt('nurse'); // warm-up
    const wrong: number[] = [];
    const wrongAgain: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      wrong.push(await attempt('nurse'));
      unknown.push(await attempt(`nobody-${i}`));
      wrongAgain.push(await attempt('nurse'));
    }
    const g = `login timing (${ROUNDS} interleaved rounds)`;
    ctx.report.add({
      group: g,
      name: 'unknown user → 401, median',
      value: median(unknown),
      unit: 'ms',
      baseline: { name: 'wrong password, known user', value: median(wrong) },
      goal: { op: '<=', target: 1.1, text: 'ratio ≤ 1.1× (no tell)', onRatio: true },
      cause: 'an unknown user answers faster than a wrong password: the user table can be probed',
      note: `IQR ${iqr(unknown).toFixed(2)} ms; noise: wrong password again ${(median(wrongAgain) / median(wrong)).toFixed(3)}× the first series`,
    });
  } finally {
    await t.close();
  }
}
