import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * A stable id of this unit for enrolment: systemd's machine id, else the Raspberry Pi's CPU serial,
 * else the host name (weakest; the technician may pass `--hardware-id`).
 */
export function detectHardwareId(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): string {
  try {
    const id = read('/etc/machine-id').trim();
    if (/^[0-9a-f]{32}$/.test(id)) return `machine-id:${id}`;
  } catch {
    // not a systemd machine
  }
  try {
    const serial = /^Serial\s*:\s*([0-9a-fA-F]+)$/m.exec(read('/proc/cpuinfo'))?.[1];
    if (serial) return `cpu-serial:${serial.toLowerCase()}`;
  } catch {
    // no cpuinfo
  }
  return `hostname:${hostname()}`;
}
