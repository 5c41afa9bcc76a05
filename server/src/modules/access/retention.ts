import type { AccessDeps } from './access-service.js';
import type { AccessStores } from './access-stores.js';

/** What the retention purge uses. */
export type RetentionDeps = Pick<AccessDeps, 'releases' | 'audit' | 'settings'> & {
  stores: Pick<AccessStores, 'alerts' | 'commands' | 'seenEvents'>;
};

/**
 * The retention purge (REQUIREMENTS §8.3): key and access data older than
 * `retentionDays` — audit entries (through the audit log's documented purge path, which leaves a
 * checkpoint and an `audit.purged` entry), releases, delivered commands, acknowledged alerts and the
 * event de-duplication list — are deleted. Runs daily on the injected clock; README.md documents it.
 */
export async function purgeRetention(
  d: RetentionDeps,
  now: number,
): Promise<{ audit: number; releases: number }> {
  const { stores, releases, audit } = d;
  const { retentionDays } = await d.settings();
  const cutoff = now - retentionDays * 86_400_000;
  const a = await audit.purgeBefore(cutoff, now);
  const r = await releases.purgeEndedBefore(cutoff);
  await stores.commands.purgeFinishedBefore(cutoff);
  await stores.alerts.purgeAcknowledgedBefore(cutoff);
  await stores.seenEvents.purgeBefore(cutoff);
  await audit.append({
    at: now,
    actor: 'system',
    action: 'access.retention_purge',
    subject: 'retention',
    details: { cutoff, auditEntries: a.purged, releases: r, retentionDays },
  });
  return { audit: a.purged, releases: r };
}
