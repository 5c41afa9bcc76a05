import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the one byte form an audit entry is hashed in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The chain value before the first entry ever written. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryBody {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  prevHash: string;
}

/**
 * hash = SHA-256 (hex) over the canonical JSON of
 * `{ seq, at, actor, action, subject, details, prevHash }` — the documented entry hash.
 */
export function auditEntryHash(e: AuditEntryBody): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        details: e.details,
        prevHash: e.prevHash,
      }),
    )
    .digest('hex');
}
