import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_ACTIONS, type DemoAction, type DemoControlInfo } from './control.js';

/**
 * `npm run demo:press [-- action]`: asks the running demo (`npm start`) to press the simulated
 * pendant (or cancel, fall, test, door). Finds the demo through `<data>/demo/control.json`.
 */
const action = (process.argv[2] ?? 'press') as DemoAction;
const dataDir = process.env['BAKEN_DATA_DIR'] ?? './data';
if (action === ('--help' as DemoAction) || !DEMO_ACTIONS.includes(action)) {
  process.stdout.write(`Usage: npm run demo:press [-- ${DEMO_ACTIONS.join('|')}]\n`);
  process.exit(action === ('--help' as DemoAction) ? 0 : 2);
}
let info: DemoControlInfo;
try {
  info = JSON.parse(readFileSync(join(dataDir, 'demo', 'control.json'), 'utf8')) as DemoControlInfo;
} catch {
  process.stderr.write(
    `BAKEN_ERR_DEMO_NOT_RUNNING: no demo found in ${dataDir}; start it with 'npm start'\n`,
  );
  process.exit(1);
}
try {
  const arg = process.argv[3];
  const r = await fetch(`${info.url}/${action}${arg ? `/${encodeURIComponent(arg)}` : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${info.token}` },
  });
  process.stdout.write(await r.text());
  process.exit(r.ok ? 0 : 1);
} catch {
  process.stderr.write(
    `BAKEN_ERR_DEMO_NOT_RUNNING: the demo at ${info.url} does not answer; start it with 'npm start'\n`,
  );
  process.exit(1);
}
