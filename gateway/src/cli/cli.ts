import { existsSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SystemClock } from '@baken/hardware/clock/system-clock';
import { loadConfig, parseConfig } from '../config/load-config.js';
import type { GatewayConfig } from '../config/schema.js';
import { GatewayError, isGatewayError } from '../errors.js';
import { softwareVersion } from '../version.js';
import { detectHardwareId } from './hardware-id.js';
import { type CliIo, DEFAULT_CONFIG_PATH, EXIT } from './io.js';
import { provision } from './provision.js';
import { formatStatus, readStatus } from './status.js';
import { HELP_EN, type Help, pickLang } from './usage.js';
import { HELP_NL } from './usage-nl.js';

export interface CliDeps {
  io: CliIo;
  /** Starts the daemon (`run`); injected so tests and the CLI module do not load real bindings. */
  run?: (configPath: string) => Promise<void>;
  /** For the help language (LANG, LC_ALL); `--lang nl|en` wins. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Runs one CLI invocation and returns the exit code; never calls `process.exit`. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  const { lang, args } = pickLang(argv, deps.env ?? process.env);
  const h = lang === 'nl' ? HELP_NL : HELP_EN;
  const [command, ...rest] = args;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(h.main);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case '--version':
      case '-v':
        io.out(`${softwareVersion()}\n`);
        return EXIT.ok;
      case 'run':
        return await runCommand(rest, deps, h);
      case 'provision':
        return await provisionCommand(rest, io, h);
      case 'status':
        return statusCommand(rest, io, h);
      case 'pair':
        return await pairCli(rest, io, h);
      case 'check':
        return await checkCli(rest, io, h);
      default:
        io.err(`baken-gateway: unknown command '${command}'\n\n${h.main}`);
        return EXIT.usage;
    }
  } catch (err) {
    return report(err, io);
  }
}

function parse(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
): Record<string, string | boolean | (string | boolean)[] | undefined> {
  try {
    return parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      strict: true,
    }).values;
  } catch (err) {
    throw new GatewayError('BAKEN_ERR_USAGE', (err as Error).message);
  }
}

const configOption = { config: { type: 'string', short: 'c' } } as const;

async function runCommand(args: readonly string[], deps: CliDeps, h: Help): Promise<number> {
  const v = parse(args, configOption);
  if (v['help']) return help(h.run, deps.io);
  const configPath = (v['config'] as string | undefined) ?? DEFAULT_CONFIG_PATH;
  const run =
    deps.run ?? (async (path: string) => (await import('../main.js')).runGateway({ configPath: path }));
  await run(configPath);
  return EXIT.ok;
}

/** The config for commands that work before a config file exists (the default path only). */
function configFor(path: string | undefined): GatewayConfig {
  if (path === undefined && !existsSync(DEFAULT_CONFIG_PATH)) return parseConfig({}, 'built-in defaults');
  return loadConfig(path ?? DEFAULT_CONFIG_PATH);
}

async function provisionCommand(args: readonly string[], io: CliIo, h: Help): Promise<number> {
  const v = parse(args, {
    ...configOption,
    server: { type: 'string', short: 's' },
    token: { type: 'string', short: 't' },
    credentials: { type: 'string' },
    'hardware-id': { type: 'string' },
    force: { type: 'boolean' },
  });
  if (v['help']) return help(h.provision, io);
  const server = v['server'] as string | undefined;
  const token = v['token'] as string | undefined;
  if (!server || !token) {
    io.err(`baken-gateway provision: --server and --token are both required\n\n${h.provision}`);
    return EXIT.usage;
  }
  const config = configFor(v['config'] as string | undefined);
  const credentialsPath = (v['credentials'] as string | undefined) ?? config.credentialsFile;
  const creds = await provision(
    {
      server,
      token,
      hardwareId: (v['hardware-id'] as string | undefined) ?? detectHardwareId(),
      software: softwareVersion(),
      credentialsPath,
      force: v['force'] === true,
      now: new SystemClock().now(),
    },
    io,
  );
  io.out(
    `provisioned as gateway ${creds.gatewayId}; credentials written to ${credentialsPath} (mode 0600)\n`,
  );
  return EXIT.ok;
}

function statusCommand(args: readonly string[], io: CliIo, h: Help): number {
  const v = parse(args, { ...configOption, json: { type: 'boolean' } });
  if (v['help']) return help(h.status, io);
  const status = readStatus(configFor(v['config'] as string | undefined), new SystemClock());
  io.out(v['json'] ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  return status.provisioned ? EXIT.ok : EXIT.config;
}

async function pairCli(args: readonly string[], io: CliIo, h: Help): Promise<number> {
  const [what, ...more] = args;
  if (what === undefined || what === '-h' || what === '--help') return help(h.pair, io);
  if (what !== 'pendant' && what !== 'keysafe') {
    io.err(`baken-gateway pair: pendant or keysafe, not '${what}'\n\n${h.pair}`);
    return EXIT.usage;
  }
  const v = parse(more, {
    ...configOption,
    window: { type: 'string' },
    key: { type: 'string' },
    serial: { type: 'string' },
    port: { type: 'string' },
    ble: { type: 'string' },
  });
  if (v['help']) return help(h.pair, io);
  if (typeof v['key'] === 'string' && !/^[0-9a-fA-F]{32}$/.test(v['key'])) {
    io.err(`baken-gateway pair: --key needs the 32 hex digits of a BTHome bind key\n\n${h.pair}`);
    return EXIT.usage;
  }
  const { pairCommand } = await import('../pairing/pair-command.js');
  const optional = (k: string): Record<string, string> =>
    typeof v[k] === 'string' ? { [k]: v[k] as string } : {};
  const paired = await pairCommand(
    {
      what,
      configPath: (v['config'] as string | undefined) ?? DEFAULT_CONFIG_PATH,
      windowS: seconds(v['window'], 60),
      ...optional('key'),
      ...optional('serial'),
      ...optional('port'),
      ...optional('ble'),
    },
    io,
  );
  return paired ? EXIT.ok : EXIT.failure;
}

async function checkCli(args: readonly string[], io: CliIo, h: Help): Promise<number> {
  const v = parse(args, {
    ...configOption,
    technician: { type: 'string' },
    window: { type: 'string' },
    json: { type: 'boolean' },
    token: { type: 'string' },
  });
  if (v['help']) return help(h.check, io);
  // the technician's API token: from the option or, kept out of shell history, the environment
  const token = (v['token'] as string | undefined) ?? process.env['BAKEN_INSTALLER_TOKEN'];
  const { checkCommand } = await import('../check/check-command.js');
  const passed = await checkCommand(
    {
      configPath: (v['config'] as string | undefined) ?? DEFAULT_CONFIG_PATH,
      windowS: seconds(v['window'], 120),
      json: v['json'] === true,
      ...(typeof v['technician'] === 'string' ? { technician: v['technician'] } : {}),
      ...(token === undefined || token === '' ? {} : { token }),
    },
    io,
  );
  return passed ? EXIT.ok : EXIT.failure;
}

function seconds(raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 3600)
    throw new GatewayError('BAKEN_ERR_USAGE', '--window: whole seconds between 1 and 3600');
  return n;
}

function help(text: string, io: CliIo): number {
  io.out(text);
  return EXIT.ok;
}

function report(err: unknown, io: CliIo): number {
  if (isGatewayError(err)) {
    io.err(`baken-gateway: ${err.code}: ${err.message}\n`);
    switch (err.code) {
      case 'BAKEN_ERR_USAGE':
        return EXIT.usage;
      case 'BAKEN_ERR_CONFIG':
      case 'BAKEN_ERR_CREDENTIALS':
        return EXIT.config;
      case 'BAKEN_ERR_PROVISION':
        return EXIT.provision;
      default:
        return EXIT.failure;
    }
  }
  io.err(`baken-gateway: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.failure;
}
