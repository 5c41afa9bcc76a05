/**
 * Options of `npm start` (the demo: server + embedded broker + SQLite + one simulated home behind the
 * real gateway code). Parsed from argv; every error names the flag.
 */
export interface DemoOptions {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  /** `mock`: in-memory radio and cable (needs nothing outside npm); `real`: socat pty + BlueZ stand-in. */
  transports: 'mock' | 'real' | 'auto';
  help: boolean;
}

export const DEMO_USAGE = `Usage: npm start -- [options]

Starts Baken's demo: the server (HTTP + embedded MQTT broker + SQLite under the data folder) and one
simulated home (a pendant and a key safe from device-sim) behind the real gateway code.

Options:
  --data DIR          data folder (default: ./data, or BAKEN_DATA_DIR)
  --port N            HTTP port (default: 8080, or BAKEN_HTTP_PORT; 0 picks a free one)
  --mqtt-port N       embedded MQTT broker port (default: 1883, or BAKEN_MQTT_PORT; 0 picks a free one)
  --transports MODE   mock | real | auto (default: auto). real = a socat pty pair for the key safe and
                      the BlueZ stand-in on a private dbus-daemon for the pendant; auto uses real when
                      socat and dbus-daemon are installed, else the in-memory bindings (and says so)
  -h, --help          this help

While it runs, press the simulated pendant from a second terminal:
  npm run demo:press            (also: demo:cancel, demo:door)
`;

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
  return o;
}
