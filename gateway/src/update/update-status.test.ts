import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { ReleaseLayout } from './release-layout.js';
import { fakePackage, fileUnpacker } from './testing.js';
import { formatUpdateStatus, readUpdateStatus } from './update-status.js';

describe('baken-gateway status: the update lines', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the release running, one on trial, an outcome not yet reported and versions refused', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-upd-status-'));
    const config = parseConfig({ dataDir: dir, updates: { packagedDir: join(dir, 'packaged') } });
    expect(formatUpdateStatus(readUpdateStatus(config, '0.1.0'))).toEqual(['release:       0.1.0']);
    const layout = new ReleaseLayout(join(dir, 'app'), { dir: join(dir, 'packaged'), version: '0.1.0' });
    await fileUnpacker(fakePackage({ version: '0.2.0' }), layout.partialDir('0.2.0'));
    layout.completeRelease('0.2.0');
    layout.beginTrial({ version: '0.2.0', previous: '0.1.0', startedAt: 0, linksUp: [] });
    writeFileSync(join(layout.root, 'trial-boots'), '2');
    expect(formatUpdateStatus(readUpdateStatus(config, '0.1.0'))).toEqual([
      'release:       0.2.0 (previous 0.1.0)',
      'update:        0.2.0 ON TRIAL, checking its health (start 2 of at most 3)',
    ]);
    layout.rollBack({
      id: 'upd-x-1',
      version: '0.2.0',
      state: 'rolled_back',
      reason: 'BAKEN_ERR_UPDATE_HEALTH: not connected to the broker',
    });
    expect(formatUpdateStatus(readUpdateStatus(config, '0.1.0'))).toEqual([
      'release:       0.1.0 (previous 0.1.0)',
      'update:        0.2.0 rolled back: BAKEN_ERR_UPDATE_HEALTH: not connected to the broker (not reported yet)',
      'refused:       0.2.0 (rolled back here before)',
    ]);
  });
});
