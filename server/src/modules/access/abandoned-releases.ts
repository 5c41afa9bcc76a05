import { type AccessDeps, VOID_PURPOSE } from './access-service.js';
import type { AccessStores } from './access-stores.js';
import { RELAY_EXPIRY_MS } from './keysafe-link.js';

/**
 * An online PIN release whose request has surely ended by then: a request waits at most
 * `pinConfirmSeconds` (30 s at most) for the key safe, and the home unit acts on the SET_CODE only
 * until its `expiresAt` ({@link RELAY_EXPIRY_MS}) and answers by then.
 */
export const ABANDONED_AFTER_MS = RELAY_EXPIRY_MS + 60_000;

/** The reason an abandoned release's SET_CODE is voided with (`keysafe_commands.result_reason`). */
export const RELEASE_ABANDONED = 'BAKEN_ERR_RELEASE_ABANDONED';

export type AbandonedReleaseDeps = Pick<AccessDeps, 'audit' | 'releases' | 'link' | 'repos'> & {
  stores: Pick<AccessStores, 'commands'>;
};

/**
 * Finishes the online PIN releases whose request ended without finishing them — the instance that
 * waited for the key safe died (clustered mode), or the server stopped: the request's own
 * clean-up ({@link AccessService} `releaseOnline`) never ran, so the release would hold its PIN
 * slot and its SET_CODE would stay `sent` (or `pending`) with no one left to answer. Each such
 * release older than {@link ABANDONED_AFTER_MS} is ended as a request that got no answer ends:
 * its SET_CODE voided (`dropped`, reason {@link RELEASE_ABANDONED}; a late `ok` is ignored), a
 * REVOKE of its slot queued unless the key safe refused the PIN, the release deleted (no one was
 * handed its PIN), and `access.release_abandoned` audited. A release the key safe confirmed
 * (`ok`) stands: its PIN is on the safe until it expires. Runs in the access sweep, on one
 * instance at a time; returns how many it finished.
 */
export async function finishAbandonedReleases(d: AbandonedReleaseDeps, now: number): Promise<number> {
  const cutoff = now - ABANDONED_AFTER_MS;
  const open = new Map<string, string>(); // release id → its SET_CODE still sent or pending
  const ids = new Set<string>();
  for (const c of await d.stores.commands.unfinished()) {
    if (c.purpose !== 'release' || !c.releaseId) continue;
    open.set(c.releaseId, c.id);
    if ((c.sentAt ?? c.createdAt) < cutoff) ids.add(c.releaseId);
  }
  for (const r of await d.releases.outstanding({}, now)) {
    if (r.mode === 'online_pin' && r.issuedAt < cutoff) ids.add(r.id);
  }
  let n = 0;
  for (const id of ids) {
    const commandId = open.get(id) ?? null;
    if (commandId) await d.link.voidCommand(commandId, `void: ${RELEASE_ABANDONED}`);
    const cmd = await d.stores.commands.latestForRelease(id);
    // the key safe has the PIN: the release stands (completed, however late)
    if (cmd?.status === 'ok') continue;
    const r = await d.releases.get(id);
    if (!r) continue;
    const device = await d.repos.devices.get(r.deviceId);
    // a SET_CODE that may have landed: clear its slot before the slot is free again
    if (cmd && cmd.status !== 'refused' && device) {
      await d.link.enqueue(
        device,
        { kind: 'revoke', slot: r.slot, holderId: r.holderId },
        VOID_PURPOSE,
        null,
      );
    }
    await d.releases.delete(r.id);
    await d.audit.append({
      at: now,
      actor: 'system',
      action: 'access.release_abandoned',
      subject: `home:${r.homeId}`,
      details: {
        releaseId: r.id,
        forUserId: r.userId,
        keysafe: r.deviceId,
        status: cmd?.status ?? 'not_sent',
        reason: RELEASE_ABANDONED,
      },
    });
    n++;
  }
  return n;
}
