import type { Logger } from 'pino';
import type { StorageHealth } from './storage-health.js';

/**
 * One log line per storage state change, saying what happened and what to do
 * [gateway/README.md "Storage failures"]: `error` while alarms are held only in memory, `warn` while
 * the outbox lives on its space reserve and when the disk is fine again (logged only after a
 * degraded state, and at the level an operator who saw the error still reads).
 */
export function logStorage(log: Logger, path: string, s: StorageHealth): void {
  const fields = { storage: s.state, code: s.code, memoryDepth: s.memoryDepth, path };
  if (s.state === 'ok') log.warn(fields, 'outbox storage ok: alarms are committed to disk again');
  else if (s.state === 'low-space') log.warn(fields, `outbox storage low-space: ${s.advice}`);
  else log.error(fields, `outbox storage ${s.state}: ${s.advice}`);
}
