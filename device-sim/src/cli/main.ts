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
import { INTERACTIVE_HELP, interactive } from './interactive.js';
import type { CliIo } from './io.js';
import { stopOnSignals } from './stop-signals.js';

export const MAIN_HELP = `baken-sim — simulated pendants and key safes for Baken

usage: baken-sim <command> [options]

commands:
  home       start a home's devices and drive them from stdin
  scenario   run a scenario file unattended (exit 0 pass, 1 fail, 2 bad file)
  fleet      run thousands of simulated home units against a server over MQTT
  fleet-enrol  enrol homes for a fleet through the server's API (writes a 0600 credentials file)

baken-sim <command> --help for its options.`;

export const HOME_HELP = `usage: baken-sim home [options]

  --config <file>     home description (YAML/JSON, see SCENARIOS.md "home"); default: one
                      encrypted BTHome pendant and key safe KS-SIM-0001 on serial
  --pty               create a socat pty pair; the gateway opens the printed path
  --serial <path>     use an existing serial device (e.g. /dev/pts/N) for the key safe
  --ble bluez|mock    BLE side: the BlueZ stand-in on a private D-Bus, or in-memory (default mock)
  --nv <file>         key-safe non-volatile memory file (default: in memory)
  --keys-out <file>   write the device keys (for provisioning) to this file, mode 0600
  --no-stdin          do not read commands from stdin; run until SIGINT/SIGTERM

Prints one JSON line with what it opened, then reads commands:
${INTERACTIVE_HELP}`;

export const SCENARIO_HELP = `usage: baken-sim scenario <file> [--json]

Runs the timed steps and expectations of <file> (YAML or JSON, documented in SCENARIOS.md) on a
fresh simulated home and prints a report. Exit code 0 when every expectation holds, 1 when one
fails (the report names the step), 2 when the file is invalid.

  --json    print the report as JSON`;

function loadHomeConfig(path: string): HomeConfig {
  const text = readFileSync(path, 'utf8');
  const doc: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (!Value.Check(HomeConfigSchema, doc)) {
    const e = Value.Errors(HomeConfigSchema, doc).First();
    throw new Error(`${path}: ${e?.path || '/'} ${e?.message ?? 'invalid'}`);
  }
  return doc;
}

async function homeCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['pty', 'help', 'no-stdin']);
  if (args.flags.has('help')) {
    io.out(HOME_HELP);
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
    } else await interactive(home, io, signalled.signal);
  } finally {
    if (!signalled.signal.aborted) {
      detach();
      await home.stop();
    }
  }
  return 0;
}

async function scenarioCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['help', 'json']);
  const file = args.positional[0];
  if (args.flags.has('help') || file === undefined) {
    (file === undefined && !args.flags.has('help') ? io.err : io.out)(SCENARIO_HELP);
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

/** The whole CLI; returns the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'home':
      return homeCommand(rest, io);
    case 'scenario':
      return scenarioCommand(rest, io);
    case 'fleet':
      return fleetCommand(rest, io);
    case 'fleet-enrol':
      return fleetEnrolCommand(rest, io);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(MAIN_HELP);
      return command === undefined ? 2 : 0;
    default:
      io.err(`unknown command '${command}'\n${MAIN_HELP}`);
      return 2;
  }
}
