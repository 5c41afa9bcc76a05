import { resolve } from 'node:path';
import { DEMO_ACTIONS, type DemoAction } from './control.js';

/**
 * Options of `npm start` (the demo: server + embedded broker + SQLite + one simulated home behind the
 * real gateway code). Parsed from argv; every error names the flag.
 */
export interface DemoOptions {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  /** Prometheus `/metrics` listener (loopback). */
  metricsPort: number;
  /** `mock`: in-memory radio and cable (needs nothing outside npm); `real`: socat pty + BlueZ stand-in. */
  transports: 'mock' | 'real' | 'auto';
  help: boolean;
}

export const DEMO_USAGE = `Usage: npm start -- [options]

Starts Baken's demo: the server (HTTP + embedded MQTT broker + SQLite under the data folder) and one
simulated home (a pendant and a key safe from device-sim) behind the real gateway code.

Options:
  --data DIR          data folder (default: ./data, or BAKEN_DATA_DIR); give the same one to
                      npm run demo:press and friends
  --port N            HTTP port (default: 8080, or BAKEN_HTTP_PORT; 0 picks a free one)
  --mqtt-port N       embedded MQTT broker port (default: 1883, or BAKEN_MQTT_PORT; 0 picks a free one)
  --metrics-port N    Prometheus /metrics on 127.0.0.1 (default: 9464, or BAKEN_METRICS_PORT; 0 picks a
                      free one)
  --transports MODE   mock | real | auto (default: auto). real = a socat pty pair for the key safe and
                      the BlueZ stand-in on a private dbus-daemon for the pendant; auto uses real when
                      socat and dbus-daemon are installed, else the in-memory bindings (and says so)
      --lang nl|en    language of this help (default from BAKEN_LANG or LANG)
  -h, --help          this help

While it runs, drive the simulated home from a second terminal (give the same --data, if any):
  npm run demo:press [-- --data DIR]              press the pendant (also demo:cancel, demo:door)
  npm run demo:code -- "0773 5652" [--data DIR]   type a code on the key safe's keypad
Ctrl-C stops the demo within 5 s; a second Ctrl-C forces.
`;

/** `npm run demo:press` and friends: what to do and where the running demo is. */
export interface DemoPressOptions {
  action: DemoAction;
  /** The code as typed on the keypad, spaces removed (`demo:code` only). */
  code?: string;
  dataDir: string;
  help: boolean;
}

export const DEMO_PRESS_USAGE = `Usage: npm run demo:press|demo:cancel|demo:door [-- --data DIR]
       npm run demo:code -- CODE [--data DIR]

Drives the simulated home of a running demo (npm start): press, cancel or door; code types CODE
on the key safe's keypad ("0773 5652" as shown on the phone, spaces allowed) and exits 1 when the
key safe refuses it.

  --data DIR   the data folder the demo was started with (default: ./data, or BAKEN_DATA_DIR)
      --lang nl|en  language of this help (default from BAKEN_LANG or LANG)
  -h, --help   this help
`;

const DEMO_PRESS_ACTIONS: readonly DemoAction[] = DEMO_ACTIONS;

/** Relative folders mean the same for `npm start` and `npm run demo:*` (npm runs both at the root). */
export function dataDirFrom(given: string, env: Record<string, string | undefined>): string {
  return resolve(env['INIT_CWD'] ?? process.cwd(), given);
}

export function parseDemoPressArgs(
  argv: string[],
  env: Record<string, string | undefined>,
): DemoPressOptions {
  const [action, ...rest] = argv;
  if (action === undefined || !DEMO_PRESS_ACTIONS.includes(action as DemoAction)) {
    throw new DemoUsageError(`unknown action '${action ?? ''}' (one of ${DEMO_ACTIONS.join(', ')})`);
  }
  const o: DemoPressOptions = {
    action: action as DemoAction,
    dataDir: env['BAKEN_DATA_DIR'] ?? './data',
    help: false,
  };
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--data') {
      const v = rest[++i];
      if (!v) throw new DemoUsageError('--data needs a folder');
      o.dataDir = v;
    } else if (a.startsWith('--data=')) o.dataDir = a.slice('--data='.length);
    else if (a === '-h' || a === '--help') o.help = true;
    else if (a.startsWith('-')) throw new DemoUsageError(`unknown option '${a}' (see --help)`);
    else words.push(a);
  }
  o.dataDir = dataDirFrom(o.dataDir, env);
  if (o.help) return o;
  if (o.action === 'code') {
    const code = words.join('').replace(/[\s-]/g, '');
    if (!/^\d{4,12}$/.test(code)) {
      throw new DemoUsageError(
        `demo:code needs the code as shown (4 to 12 digits, spaces allowed), got '${words.join(' ')}'`,
      );
    }
    o.code = code;
  } else if (words.length > 0) {
    throw new DemoUsageError(`demo:${o.action} takes no argument, got '${words.join(' ')}'`);
  }
  return o;
}

export class DemoUsageError extends Error {
  readonly code = 'BAKEN_ERR_DEMO_USAGE';
}

function int(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new DemoUsageError(`${flag} needs a port number between 0 and 65535, got '${value ?? ''}'`);
  }
  return n;
}

export function parseDemoArgs(argv: string[], env: Record<string, string | undefined>): DemoOptions {
  const o: DemoOptions = {
    dataDir: env['BAKEN_DATA_DIR'] ?? './data',
    httpPort: env['BAKEN_HTTP_PORT'] ? int('BAKEN_HTTP_PORT', env['BAKEN_HTTP_PORT']) : 8080,
    mqttPort: env['BAKEN_MQTT_PORT'] ? int('BAKEN_MQTT_PORT', env['BAKEN_MQTT_PORT']) : 1883,
    metricsPort: env['BAKEN_METRICS_PORT'] ? int('BAKEN_METRICS_PORT', env['BAKEN_METRICS_PORT']) : 9464,
    transports: 'auto',
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case '--data': {
        const v = next();
        if (!v) throw new DemoUsageError('--data needs a folder');
        o.dataDir = v;
        break;
      }
      case '--port':
        o.httpPort = int('--port', next());
        break;
      case '--mqtt-port':
        o.mqttPort = int('--mqtt-port', next());
        break;
      case '--metrics-port':
        o.metricsPort = int('--metrics-port', next());
        break;
      case '--transports': {
        const v = next();
        if (v !== 'mock' && v !== 'real' && v !== 'auto') {
          throw new DemoUsageError(`--transports must be mock, real or auto, got '${v ?? ''}'`);
        }
        o.transports = v;
        break;
      }
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new DemoUsageError(`unknown option '${a}' (see --help)`);
    }
  }
  o.dataDir = dataDirFrom(o.dataDir, env);
  return o;
}
