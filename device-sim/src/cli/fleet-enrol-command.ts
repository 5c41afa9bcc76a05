import { SimError } from '../errors.js';
import { type FleetCredentials, writeFleetCredentials } from '../fleet/index.js';
import { flagString, parseArgs } from './args.js';
import { SIM_HELP_EN } from './help.js';
import type { CliIo } from './io.js';

export const FLEET_ENROL_HELP = SIM_HELP_EN.fleetEnrol;

const PER_CALL = 50;

interface BulkAnswer {
  mqtt: { urls: string[] };
  homes: FleetCredentials['homes'];
}

export async function fleetEnrolCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  help = FLEET_ENROL_HELP,
): Promise<number> {
  const args = parseArgs(argv, ['help']);
  const api = flagString(args, 'api');
  const out = flagString(args, 'out');
  const homes = Number(flagString(args, 'homes'));
  const token = env['BAKEN_API_TOKEN'];
  if (
    args.flags.has('help') ||
    api === undefined ||
    out === undefined ||
    !Number.isInteger(homes) ||
    homes < 1
  ) {
    (args.flags.has('help') ? io.out : io.err)(help);
    return args.flags.has('help') ? 0 : 2;
  }
  if (!token) {
    io.err('BAKEN_ERR_SIM_CONFIG: set BAKEN_API_TOKEN to an admin API token');
    return 2;
  }
  const label = flagString(args, 'label');
  const region = flagString(args, 'region');
  const creds: FleetCredentials = { v: 1, createdAt: Date.now(), homes: [] };
  try {
    while (creds.homes.length < homes) {
      const n = Math.min(PER_CALL, homes - creds.homes.length);
      const r = await fetch(new URL('/api/v1/enrolment/bulk', api), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ homes: n, ...(label ? { label } : {}), ...(region ? { region } : {}) }),
      });
      if (r.status !== 201) {
        const e = (await r.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
        throw new SimError(
          'BAKEN_ERR_SIM_FLEET_CREDENTIALS',
          `the server answered ${r.status}${e.error ? ` ${e.error.code}: ${e.error.message}` : ''}`,
        );
      }
      const answer = (await r.json()) as BulkAnswer;
      creds.mqttUrl ??= answer.mqtt.urls[0];
      creds.homes.push(...answer.homes);
      // written after every call: what was enrolled is never lost to a later failure
      writeFleetCredentials(out, creds);
      io.err(`enrolled ${creds.homes.length}/${homes}`);
    }
  } catch (err) {
    const e = err as { code?: string; message?: string };
    io.err(`${e.code ?? 'BAKEN_ERR_SIM_FLEET_CREDENTIALS'}: ${e.message ?? String(err)}`);
    return 1;
  }
  io.out(`${creds.homes.length} homes enrolled; credentials in ${out} (mode 0600)`);
  return 0;
}
