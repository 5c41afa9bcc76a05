import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MachineCredentials } from '../auth/machine-credentials.js';
import { loadConfig } from '../config.js';
import { bulkEnrol, MAX_BULK_HOMES } from '../modules/enrolment/bulk-enrolment.js';
import { writePrivateJson } from '../modules/enrolment/credentials-file.js';
import { openDatabase } from '../store/database.js';
import { createSqliteRepositories } from '../store/sqlite/index.js';
import { cliI18n } from './lang.js';

/** The help in English (tests and docs); the command prints it in the reader's language. */
export const ENROL_FLEET_USAGE = cliI18n(['--lang', 'en'], {}).i18n.t('cli.enrolFleet.usage');

const flag = (argv: string[], name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

/**
 * `npx tsx server/src/cli/enrol-fleet.ts --homes N --out FILE` — bulk enrolment for load tests and
 * technicians enrolling a batch (device-sim/README.md "Bulk enrolment"). Exit 0 done, 2 usage.
 */
export async function runEnrolFleet(
  argv0: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { i18n, args: argv } = cliI18n(argv0, env);
  const homes = Number(flag(argv, 'homes'));
  const file = flag(argv, 'out');
  if (argv.includes('--help') || !file || !Number.isInteger(homes) || homes < 1 || homes > MAX_BULK_HOMES) {
    err(i18n.t('cli.enrolFleet.usage'));
    return argv.includes('--help') ? 0 : 2;
  }
  const config = loadConfig({ env });
  const dbPath = flag(argv, 'db') ?? join(config.dataDir, 'baken.sqlite');
  if (dbPath !== ':memory:' && !existsSync(dbPath)) {
    err(`BAKEN_ERR_NOT_FOUND: no database at ${dbPath} (start the server once, or pass --db)`);
    return 2;
  }
  const mqttUrl =
    flag(argv, 'mqtt-url') ?? config.mqtt.publicUrls?.[0] ?? `mqtt://${config.mqtt.host}:${config.mqtt.port}`;
  const db = openDatabase(dbPath, { now: Date.now() });
  try {
    const region = flag(argv, 'region');
    const t0 = Date.now();
    const enrolled = await bulkEnrol(createSqliteRepositories(db), () => Date.now(), {
      homes,
      label: flag(argv, 'label') ?? 'Fleet',
      credentials: MachineCredentials.load(dbPath === ':memory:' ? ':memory:' : dirname(dbPath), env),
      ...(region === undefined ? {} : { region }),
      progress: (done) => {
        if (done % 500 === 0 || done === homes) err(`enrolled ${done}/${homes}`);
      },
    });
    writePrivateJson(file, { v: 1, mqttUrl, createdAt: Date.now(), homes: enrolled });
    out(
      `${enrolled.length} homes enrolled in ${((Date.now() - t0) / 1000).toFixed(1)} s; credentials in ${file} (mode 0600)`,
    );
    return 0;
  } finally {
    db.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  process.exitCode = await runEnrolFleet(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  );
}
