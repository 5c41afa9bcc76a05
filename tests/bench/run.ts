// `npm run bench`: runs every `*.bench.ts` in this folder (each exports `run()`), one after the
// other. Other parts add their own bench files here. `npm run bench -- gateway` runs only files
// whose name contains "gateway".
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || f.includes(filter)))
  .sort();
let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(`${dir}${file}`).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    process.stderr.write(`${file}: exports no run()\n`);
    failed += 1;
    continue;
  }
  try {
    await mod.run();
  } catch (err) {
    process.stderr.write(
      `${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
