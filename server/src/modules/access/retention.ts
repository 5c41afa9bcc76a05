import type { AccessService } from './access-service.js';

/**
 * The retention purge (seed 003 §8.3, issue 7 §4): key and access data older than
 * `retentionDays` — audit entries (through the audit log's documented purge path, which leaves a
 * checkpoint and an `audit.purged` entry), releases, delivered commands, acknowledged alerts and the
 * event de-duplication list — are deleted. Runs daily on the injected clock; README.md documents it.
 */
export function purgeRetention(svc: AccessService, now: number): { audit: number; releases: number } {
  const { db, audit } = svc.d;
  const cutoff = now - svc.d.settings().retentionDays * 86_400_000;
  const a = audit.purgeBefore(cutoff, now);
  const r = db
    .prepare('DELETE FROM access_releases WHERE issued_at < ? AND valid_until < ?')
    .run(cutoff, cutoff).changes;
  db.prepare("DELETE FROM keysafe_commands WHERE created_at < ? AND status NOT IN ('pending','sent')").run(
    cutoff,
  );
  db.prepare('DELETE FROM access_alerts WHERE at < ? AND acknowledged_at IS NOT NULL').run(cutoff);
  db.prepare('DELETE FROM access_seen_events WHERE at < ?').run(cutoff);
  audit.append({
    at: now,
    actor: 'system',
    action: 'access.retention_purge',
    subject: 'retention',
    details: { cutoff, auditEntries: a.purged, releases: r, retentionDays: svc.d.settings().retentionDays },
  });
  return { audit: a.purged, releases: r };
}
