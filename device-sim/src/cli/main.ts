import { readFileSync, writeFileSync } from 'node:fs';
import { SystemClock } from '@baken/hardware';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { type Home, type HomeTransports, startHome } from '../home.js';
import { DEFAULT_HOME, type HomeConfig, HomeConfigSchema } from '../home-config.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { runScenario } from '../scenario/run-scenario.js';
import { flagString, parseArgs } from './args.js';
import { fleetCommand } from './fleet-command.js';
import { fleetEnrolCommand } from './fleet-enrol-command.js';
import { SIM_HELP_EN, type SimHelp } from './help.js';
import { SIM_HELP_NL } from './help-nl.js';
import { interactive } from './interactive.js';
import type { CliIo } from './io.js';
import { pickLang } from './lang.js';
import { stopOnSignals } from './stop-signals.js';

export const MAIN_HELP = SIM_HELP_EN.main;
export const HOME_HELP = SIM_HELP_EN.home;
export const SCENARIO_HELP = SIM_HELP_EN.scenario;

function loadHomeConfig(path: string): HomeConfig {
  const text = readFileSync(path, 'utf8');
  const doc: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (!Value.Check(HomeConfigSchema, doc)) {
    const e = Value.Errors(HomeConfigSchema, doc).First();
    throw new Error(`${path}: ${e?.path || '/'} ${e?.message ?? 'invalid'}`);
  }
  return doc;
}

async function homeCommand(argv: string[], io: CliIo, help: SimHelp): Promise<number> {
  const args = parseArgs(argv, ['pty', 'help', 'no-stdin']);
  if (args.flags.has('help')) {
    io.out(help.home);
    return 0;
  }
  const configPath = flagString(args, 'config');
  const config = structuredClone(configPath === undefined ? DEFAULT_HOME : loadHomeConfig(configPath));
  const nv = flagString(args, 'nv');
  if (nv !== undefined && config.keySafe !== undefined) config.keySafe.nvPath = nv;
  const serialPath = flagString(args, 'serial');
  const ble = flagString(args, 'ble') ?? 'mock';
  if (ble !== 'mock' && ble !== 'bluez') {
    io.err(`--ble must be bluez or mock, not ${ble}`);
    return 2;
  }
  const transports: HomeTransports = {
    serial: serialPath !== undefined ? { path: serialPath } : args.flags.has('pty') ? 'pty' : 'mock',
    ble,
  };
  // Ctrl-C / SIGTERM (also during start-up and while reading stdin) stops the home, its helper
  // processes and their temporary folders; a second Ctrl-C forces. `quit` or the end of stdin
  // stops it the same way. Installed first: a signal may come at any moment.
  const clock = new SystemClock();
  const signalled = new AbortController();
  const starting = startHome(config, transports, clock);
  const detach = stopOnSignals({
    clock,
    say: io.err,
    exit: io.exit ?? ((code) => process.exit(code)),
    stop: async () => {
      signalled.abort();
      await (await starting.catch(() => undefined))?.stop();
    },
    ...(io.signals === undefined ? {} : { source: io.signals }),
  });
  let home: Home;
  try {
    home = await starting;
  } catch (err) {
    detach();
    throw err;
  }
  const keysOut = flagString(args, 'keys-out');
  if (keysOut !== undefined)
    writeFileSync(keysOut, `${JSON.stringify(home.keys, null, 2)}\n`, { mode: 0o600 });
  io.out(
    JSON.stringify({
      serial: home.serial === undefined ? null : { path: home.serial.path, kind: transports.serial },
      ble: { kind: ble, busAddress: home.ble.busAddress ?? null },
      pendants: home.keys.pendants.map((p) => ({ id: p.id, address: p.address, format: p.format })),
      keySafe:
        home.keys.keySafe === undefined
          ? null
          : { serial: home.keys.keySafe.serial, bleAddress: home.keys.keySafe.bleAddress ?? null },
      keysFile: keysOut ?? null,
    }),
  );
  try {
    if (args.flags.has('no-stdin')) {
      if (!signalled.signal.aborted)
        await new Promise<void>((resolve) => signalled.signal.addEventListener('abort', () => resolve()));
    } else await interactive(home, io, signalled.signal, help.interactive);
  } finally {
    if (!signalled.signal.aborted) {
      detach();
      await home.stop();
    }
  }
  return 0;
}

async function scenarioCommand(argv: string[], io: CliIo, help: SimHelp): Promise<number> {
  const args = parseArgs(argv, ['help', 'json']);
  const file = args.positional[0];
  if (args.flags.has('help') || file === undefined) {
    (file === undefined && !args.flags.has('help') ? io.err : io.out)(help.scenario);
    return args.flags.has('help') ? 0 : 2;
  }
  let scenario: ReturnType<typeof loadScenario>;
  try {
    scenario = loadScenario(file);
  } catch (err) {
    io.err(`invalid scenario: ${(err as Error).message}`);
    return 2;
  }
  const report = await runScenario(scenario);
  if (args.flags.has('json')) io.out(JSON.stringify(report));
  else {
    io.out(`scenario: ${report.name}`);
    for (const r of report.results) io.out(`  ${r.ok ? 'PASS' : 'FAIL'} ${r.step}: ${r.message}`);
    io.out(report.passed ? 'PASSED' : 'FAILED');
  }
  return report.passed ? 0 : 1;
}

/**
 * The whole CLI; returns the process exit code. Help speaks Dutch or English: `--lang`, else
 * BAKEN_LANG, LC_ALL/LC_MESSAGES/LANG, BAKEN_LOCALE (`lang.ts`).
 */
export async function main(
  argv0: string[],
  io: CliIo,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { lang, args: argv } = pickLang(argv0, env);
  const help = lang === 'nl' ? SIM_HELP_NL : SIM_HELP_EN;
  const [command, ...rest] = argv;
  switch (command) {
    case 'home':
      return homeCommand(rest, io, help);
    case 'scenario':
      return scenarioCommand(rest, io, help);
    case 'fleet':
      return fleetCommand(rest, io, help.fleet);
    case 'fleet-enrol':
      return fleetEnrolCommand(rest, io, env, help.fleetEnrol);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(help.main);
      return command === undefined ? 2 : 0;
    default:
      io.err(`${help.unknownCommand.replace('{command}', command)}\n${help.main}`);
      return 2;
  }
}
