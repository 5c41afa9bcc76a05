import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';
import { parseConfig } from '../config/load-config.js';
import type { DeviceConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';

/**
 * Adds (or replaces, by id) one paired device in the JSON config file, keeping every other setting
 * as written. The result is validated against the schema before it replaces the file (temp file +
 * rename, the file's mode kept), so pairing can never leave a config the daemon refuses.
 */
export function addDeviceToConfigFile(path: string, device: DeviceConfig): void {
  let raw: Record<string, unknown> = {};
  let mode = 0o644;
  if (existsSync(path)) {
    mode = statSync(path).mode & 0o777;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new GatewayError('BAKEN_ERR_CONFIG', `config file ${path} is not valid JSON: ${String(err)}`, {
        path,
      });
    }
  }
  const devices = Array.isArray(raw['devices']) ? (raw['devices'] as DeviceConfig[]) : [];
  const sameAddress = (d: DeviceConfig): boolean =>
    device.address !== undefined && d.address?.toUpperCase() === device.address.toUpperCase();
  const next = { ...raw, devices: [...devices.filter((d) => d.id !== device.id && !sameAddress(d)), device] };
  parseConfig(next, `config file ${path} after pairing`);
  writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, mode);
}
