import { SystemClock } from '@baken/hardware';
import { SimError } from '../errors.js';
import { type Fleet, type FleetStats, readFleetCredentials, startFleet } from '../fleet/index.js';
import { progressLine, summaryLines } from '../fleet/progress.js';
import { flagString, type ParsedArgs, parseArgs } from './args.js';
import { SIM_HELP_EN } from './help.js';
import type { CliIo } from './io.js';
import { stopOnSignals } from './stop-signals.js';

export const FLEET_HELP = SIM_HELP_EN.fleet;

const num = (args: ParsedArgs, name: string): number | undefined => {
  const v = flagString(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new SimError('BAKEN_ERR_SIM_CONFIG', `--${name} must be a number ≥ 0`);
  return n;
};

/** `F@T,F@T` → [[F, T], …]. */
const timed = (args: ParsedArgs, name: string): Array<[number, number]> =>
  (flagString(args, name) ?? '')
    .split(',')
    .filter((p) => p !== '')
    .map((p) => {
      const [a, t] = p.split('@').map(Number);
      if (!Number.isFinite(a) || !Number.isFinite(t))
        throw new SimError('BAKEN_ERR_SIM_CONFIG', `--${name} takes VALUE@SECONDS, not ${p}`);
      return [a!, t!];
    });

export async function fleetCommand(argv: string[], io: CliIo, help = FLEET_HELP): Promise<number> {
  const args = parseArgs(argv, ['help', 'json']);
  const file = flagString(args, 'credentials');
  if (args.flags.has('help') || file === undefined) {
    (args.flags.has('help') ? io.out : io.err)(help);
    return args.flags.has('help') ? 0 : 2;
  }
  let fleet: Fleet;
  const clock = new SystemClock();
  let plan: {
    storms: Array<[number, number]>;
    silent: Array<[number, number]>;
    die: Array<[number, number]>;
  };
  let duration: number | undefined;
  try {
    const creds = readFleetCredentials(file);
    const mqttUrl = flagString(args, 'mqtt-url') ?? creds.mqttUrl;
    if (mqttUrl === undefined)
      throw new SimError('BAKEN_ERR_SIM_CONFIG', 'no --mqtt-url and none in the file');
    const homes = creds.homes.slice(0, num(args, 'homes') ?? creds.homes.length);
    plan = { storms: timed(args, 'storm'), silent: timed(args, 'silent'), die: timed(args, 'die') };
    duration = num(args, 'duration');
    const opt = <T>(name: string, key: string): Record<string, T> => {
      const v = num(args, name);
      return v === undefined ? {} : { [key]: v as T };
    };
    io.err(`starting ${homes.length} homes against ${mqttUrl}…`);
    fleet = await startFleet({
      mqttUrl,
      homes,
      ...opt('processes', 'processes'),
      ...opt('connect-rate', 'connectRate'),
      ...opt('heartbeat', 'heartbeatIntervalS'),
      ...opt('jitter', 'heartbeatJitter'),
      ...opt('alarms-per-hour', 'alarmsPerHomePerHour'),
      ...opt('keysafe-per-day', 'keySafeOpeningsPerHomePerDay'),
      ...opt('battery-drain', 'batteryDrainPerHour'),
      ...opt('skew-share', 'skewShare'),
      ...opt('skew-max-ms', 'skewMaxMs'),
      ...opt('flap-share', 'flapShare'),
      ...opt('flap-every', 'flapEveryS'),
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    io.err(`${e.code ?? 'BAKEN_ERR_SIM_CONFIG'}: ${e.message ?? String(err)}`);
    return 2;
  }
  return runFleet(fleet, io, clock, plan, duration, args.flags.has('json'));
}

async function runFleet(
  fleet: Fleet,
  io: CliIo,
  clock: SystemClock,
  plan: { storms: Array<[number, number]>; silent: Array<[number, number]>; die: Array<[number, number]> },
  durationS: number | undefined,
  json: boolean,
): Promise<number> {
  const tty = (process.stderr as { isTTY?: boolean }).isTTY === true && io.signals === undefined;
  // rates over the last five seconds: heartbeats come in bursts a one-second window exaggerates
  const history: FleetStats[] = [];
  let lastPrinted = 0;
  const done = new AbortController();
  const at = (s: number, fn: () => Promise<number>, what: string) =>
    clock.setTimeout(() => {
      void fn().then((n) => say(`${what}: ${n} homes`));
    }, s * 1000);
  const say = (line: string): void => {
    if (tty) process.stderr.write('\r\x1b[K');
    io.err(line);
  };
  const timers = [
    ...plan.storms.map(([f, t]) => at(t, () => fleet.storm(f), `storm of ${f * 100} %`)),
    ...plan.silent.map(([n, t]) => at(t, () => fleet.killSilently(n), 'silenced')),
    ...plan.die.map(([n, t]) => at(t, () => fleet.killWithWill(n), 'died with their last will')),
  ];
  const ticker = clock.setInterval(() => {
    void fleet.stats().then(
      (s) => {
        const line = progressLine(s, history[0]);
        history.push(s);
        if (history.length > 5) history.shift();
        if (tty) process.stderr.write(`\r\x1b[K${line}`);
        else if (clock.monotonic() - lastPrinted >= 10_000) {
          lastPrinted = clock.monotonic();
          io.err(line);
        }
      },
      () => undefined,
    );
  }, 1000);
  if (durationS !== undefined) timers.push(clock.setTimeout(() => done.abort(), durationS * 1000));
  let summary: Awaited<ReturnType<Fleet['stop']>> | undefined;
  let stopping: Promise<void> | undefined;
  // one stop, whichever comes first: Ctrl-C, SIGTERM or the end of --duration
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clock.clearInterval(ticker);
      for (const t of timers) clock.clearTimeout(t);
      summary = await fleet.stop({ drainMs: 2_000 });
    })());
  const detach = stopOnSignals({
    clock,
    say,
    exit: (code) => {
      done.abort();
      if (code !== 0) (io.exit ?? ((c) => process.exit(c)))(code);
    },
    stop,
    deadlineMs: 20_000,
    ...(io.signals === undefined ? {} : { source: io.signals }),
  });
  await new Promise<void>((resolve) => {
    if (done.signal.aborted) resolve();
    done.signal.addEventListener('abort', () => resolve());
  });
  await stop();
  detach();
  if (tty) process.stderr.write('\r\x1b[K');
  const s = summary!;
  if (json) io.out(JSON.stringify(s));
  else for (const l of summaryLines(s)) io.out(l);
  return s.lostAlarms === 0 ? 0 : 1;
}
