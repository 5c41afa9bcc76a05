import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pickLang } from '../cli/lang.js';
import type { DemoControlInfo } from './control.js';
import { DEMO_PRESS_USAGE, DemoUsageError, parseDemoPressArgs } from './demo-options.js';
import { DEMO_PRESS_USAGE_NL } from './demo-usage-nl.js';

export interface DemoPressIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * `npm run demo:press` / `demo:cancel` / `demo:door` / `demo:code -- CODE`: asks the running demo
 * (`npm start`) to drive its simulated home. Finds the demo through `<data>/demo/control.json`,
 * with the same `--data` (or `BAKEN_DATA_DIR`) the demo was started with. Returns the exit code:
 * 0 done, 1 refused (a code the key safe did not accept) or no demo running, 2 usage.
 */
export async function demoPress(
  argv0: string[],
  env: Record<string, string | undefined>,
  io: DemoPressIo,
): Promise<number> {
  const { lang, args: argv } = pickLang(argv0, env);
  const usage = lang === 'nl' ? DEMO_PRESS_USAGE_NL : DEMO_PRESS_USAGE;
  let opts: ReturnType<typeof parseDemoPressArgs>;
  try {
    opts = parseDemoPressArgs(argv, env);
  } catch (err) {
    if (!(err instanceof DemoUsageError)) throw err;
    io.err(`${err.code}: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (opts.help) {
    io.out(usage);
    return 0;
  }
  let info: DemoControlInfo;
  try {
    info = JSON.parse(readFileSync(join(opts.dataDir, 'demo', 'control.json'), 'utf8')) as DemoControlInfo;
  } catch {
    io.err(
      `BAKEN_ERR_DEMO_NOT_RUNNING: no running demo uses ${opts.dataDir}; start it with 'npm start', ` +
        `or give the folder it was started with: --data DIR\n`,
    );
    return 1;
  }
  let r: Response;
  try {
    const arg = opts.code === undefined ? '' : `/${opts.code}`;
    r = await fetch(`${info.url}/${opts.action}${arg}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.token}` },
    });
  } catch {
    io.err(
      `BAKEN_ERR_DEMO_NOT_RUNNING: the demo at ${info.url} does not answer; start it with 'npm start'\n`,
    );
    return 1;
  }
  const text = await r.text();
  (r.ok ? io.out : io.err)(text);
  return r.ok ? 0 : 1;
}
