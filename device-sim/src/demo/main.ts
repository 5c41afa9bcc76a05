import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SystemClock } from '@baken/hardware';
import { loadConfig, startServer } from '@baken/server';
import { pickLang } from '../cli/lang.js';
import { stopOnSignals } from '../cli/stop-signals.js';
import { startDemoControl } from './control.js';
import { startDemoHome } from './demo-home.js';
import { DEMO_USAGE, DemoUsageError, dataDirFrom, parseDemoArgs } from './demo-options.js';
import { DEMO_USAGE_NL } from './demo-usage-nl.js';
import type { DemoLogin } from './seed-care-team.js';
import { type DemoHomeState, seedDemo } from './seed-demo.js';

/**
 * `npm start`: Baken's main job on embedded defaults — the server with its embedded MQTT broker and
 * a SQLite file in the data folder, plus one simulated home behind the real gateway code. Prints the
 * dashboard URL and, on the first start, the logins it created (shown once, never logged).
 */
async function main(): Promise<void> {
  const { lang, args } = pickLang(process.argv.slice(2), process.env);
  const usage = lang === 'nl' ? DEMO_USAGE_NL : DEMO_USAGE;
  let opts: ReturnType<typeof parseDemoArgs>;
  try {
    opts = parseDemoArgs(args, process.env);
  } catch (err) {
    if (err instanceof DemoUsageError) {
      process.stderr.write(`${err.code}: ${err.message}\n\n${usage}`);
      process.exit(2);
    }
    throw err;
  }
  if (opts.help) {
    process.stdout.write(usage);
    return;
  }
  const dataDir = resolve(opts.dataDir);
  const demoDir = join(dataDir, 'demo');
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const logLevel = process.env['BAKEN_LOG_LEVEL'] ?? 'warn';
  const clock = new SystemClock();
  // Installed before anything starts, so a Ctrl-C during start-up also stops what has started.
  const running: { what: string; stop: () => Promise<void> | void }[] = [];
  let stopping: string | undefined;
  stopOnSignals({
    clock,
    say: (text) => process.stdout.write(`\n${text}\n`),
    exit: (code) => process.exit(code),
    pending: () => stopping,
    stop: async () => {
      signalled = true;
      for (const { what, stop } of running.reverse()) {
        stopping = what;
        await stop();
      }
    },
  });
  const config = loadConfig({
    env: process.env,
    overrides: {
      dataDir,
      logLevel,
      http: { port: opts.httpPort },
      mqtt: { port: opts.mqttPort },
      metrics: { port: opts.metricsPort },
    },
  });
  // The server keeps its own clock type (it may not import hardware); both read the system time.
  const server = await startServer({ config });
  running.push({ what: 'the server', stop: () => server.close() });

  const stateFile = join(demoDir, 'home.json');
  let state: DemoHomeState;
  let logins: DemoLogin[] = [];
  if (existsSync(stateFile)) {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as DemoHomeState;
    if (!state.gatewayId || !state.pendant?.keyHex || !state.keySafe?.keyHex) {
      throw Object.assign(
        new Error(`${stateFile} is from an older demo; delete ${dataDir} to start afresh`),
        {
          code: 'BAKEN_ERR_DEMO_STATE',
        },
      );
    }
  } else {
    ({ state, logins } = await seedDemo(server).catch((err: Error) => {
      throw Object.assign(
        new Error(`${err.message} (an earlier demo's data? delete ${dataDir} to start afresh)`),
        {
          code: 'BAKEN_ERR_DEMO_SEED',
        },
      );
    }));
    writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  const home = await startDemoHome({
    state,
    mqttUrl: server.mqttUrl,
    dataDir: join(demoDir, 'gateway'),
    clock,
    transports: opts.transports,
    logLevel,
  });
  running.push({ what: 'the simulated home and its gateway', stop: () => home.stop() });
  const control = await startDemoControl(home.home);
  const controlFile = join(demoDir, 'control.json');
  writeFileSync(controlFile, JSON.stringify(control.info), { mode: 0o600 });
  chmodSync(controlFile, 0o600);
  running.push({
    what: 'the demo:press endpoint',
    stop: () => {
      control.server.close();
      control.server.closeAllConnections();
      rmSync(controlFile, { force: true });
    },
  });

  // demo:press and friends find this demo through the same --data
  const dataFlag = dataDir === dataDirFrom('./data', process.env) ? '' : ` -- --data ${dataDir}`;
  const lines = [
    '',
    'Baken demo is running.',
    `  Dashboard:   ${server.url}/`,
    ...(server.firstAdmin
      ? [
          '  Logins (shown once, never logged; note them now):',
          `    ${server.firstAdmin.username} / ${server.firstAdmin.password}   (admin, monitoring)`,
          ...logins.map((l) => `    ${l.username} / ${l.password}   (${l.role})`),
        ]
      : [`  Logins:      the passwords shown at the first start (delete ${dataDir} to start afresh)`]),
    `  MQTT broker: ${server.mqttUrl}`,
    `  Metrics:     ${server.metricsUrl} (this machine only)`,
    `  Data folder: ${dataDir}`,
    `  Simulated home: gateway ${state.gatewayId}, pendant ${state.pendant.address}, key safe ${state.keySafe.serial}`,
    `  Transports:  ${home.transports.note}`,
    '',
    '  From another terminal, press the pendant (also demo:cancel, demo:door):',
    `    npm run demo:press${dataFlag}`,
    "  and type a care worker's code on the key safe, as the phone shows it:",
    `    npm run demo:code -- "0773 5652"${dataFlag.replace(' --', '')}`,
    `  API documentation: ${server.url}/docs`,
    '  Stop with Ctrl-C (a second Ctrl-C forces).',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Set once Ctrl-C/SIGTERM stops the demo: start-up steps then fail as a matter of course. */
let signalled = false;

main().catch((err: unknown) => {
  if (signalled) return; // the stop in progress ends the process
  const e = err as { code?: string; message?: string };
  process.stderr.write(`${e.code ?? 'BAKEN_ERR_DEMO'}: ${e.message ?? String(err)}\n`);
  process.exit(1);
});
