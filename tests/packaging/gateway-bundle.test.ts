// The home unit's bundle options (gateway/packaging/bundle-options.ts), shared by the package build
// and the gateway bench.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { GATEWAY_BUNDLE_OPTIONS } from '../../gateway/packaging/bundle-options.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baken-bundle-'));

describe('the gateway bundle', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the no-op stand-in for `debug`, not the package (its disabled loggers allocate per MQTT packet)', async () => {
    const result = await build({
      ...GATEWAY_BUNDLE_OPTIONS,
      entryPoints: [join(repo, 'gateway', 'src', 'cli', 'entry.ts')],
      outfile: join(dir, 'gateway.mjs'),
      metafile: true,
      write: false,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.includes('node_modules/mqtt-packet/'))).toBe(true);
    expect(inputs.filter((f) => /node_modules\/debug\//.test(f))).toEqual([]);
    expect(inputs.some((f) => f.endsWith('packaging/no-debug.cjs'))).toBe(true);
  });

  it('mqtt-packet and mqtt.js work with the stand-in and print nothing even with DEBUG set', async () => {
    const outfile = join(dir, 'packet.mjs');
    await build({
      ...GATEWAY_BUNDLE_OPTIONS,
      stdin: {
        contents: [
          "import mqttPacket from 'mqtt-packet';",
          "import { MqttClient } from 'mqtt';",
          "const p = mqttPacket.generate({ cmd: 'publish', topic: 'a/b', payload: 'x', qos: 1, messageId: 7, retain: false, dup: false });",
          "const c = new MqttClient(() => { throw new Error('no stream'); }, { manualConnect: true });",
          "c.log('formatted %s', 'line');",
          "process.stdout.write(p.toString('hex'));",
        ].join('\n'),
        resolveDir: repo,
        loader: 'js',
      },
      outfile,
    });
    const run = spawnSync(process.execPath, [outfile], { env: { ...process.env, DEBUG: '*' } });
    expect(run.status).toBe(0);
    expect(run.stderr.toString()).toBe('');
    // PUBLISH QoS 1, remaining length 8, topic "a/b", packet id 7, payload "x"
    expect(run.stdout.toString()).toBe('3208000361' + '2f62' + '0007' + '78');
  });
});
