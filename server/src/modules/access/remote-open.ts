import { randomUUID } from 'node:crypto';
import { BakenError, notFound } from '../../errors.js';
import type { User } from '../../store/repositories/index.js';
import type { AccessQueries } from './access-queries.js';
import type { AccessDeps } from './access-service.js';
import { keysafeNoKey } from './keysafe-keys.js';

/** What a remote opening uses. */
export type RemoteOpenDeps = Pick<
  AccessDeps,
  'audit' | 'clock' | 'alarms' | 'releases' | 'link' | 'matrix' | 'keys' | 'settings'
> &
  Pick<AccessQueries, 'keysafeForHome'>;

/**
 * Monitoring staff open a key safe remotely in an alarm (REQUIREMENTS §9.5): only with an open alarm at
 * that home, only when the key safe is reachable (otherwise read a code by phone), recorded with who
 * opened it and for whom. The door opens for `remoteUnlockSeconds` via a server-signed OPEN_NOW.
 */
export async function remoteOpen(
  d: RemoteOpenDeps,
  monitor: User,
  req: { homeId: string; alarmId: string; forUserId?: string | undefined },
): Promise<{ releaseId: string; commandId: string }> {
  const { audit, clock, alarms, releases, link, matrix } = d;
  const now = clock.now();
  const subject = `home:${req.homeId}`;
  const actor = `user:${monitor.id}`;
  const refuse = async (reason: string, status = 409) => {
    await audit.append({
      at: now,
      actor,
      action: 'access.remote_open_refused',
      subject,
      details: { ...req, reason },
    });
    return new BakenError(
      status === 403 ? 'BAKEN_ERR_ACCESS_DENIED' : 'BAKEN_ERR_KEYSAFE_UNAVAILABLE',
      status,
      `Remote open refused: ${reason}.`,
      {
        details: [{ field: 'reason', message: reason }],
      },
    );
  };
  const device = await d.keysafeForHome(req.homeId);
  if (!device) throw notFound('Key safe of this home');
  const alarm = (await alarms.openAtHome(req.homeId)).find((a) => a.id === req.alarmId);
  if (!alarm) throw await refuse('no_open_alarm', 403);
  if (!(await link.isOnline(device))) throw await refuse('keysafe_offline', 503);
  if (!(await d.keys.has(device.id))) {
    await refuse('keysafe_no_key');
    throw keysafeNoKey();
  }
  const forUserId = req.forUserId ?? monitor.id;
  const holderId = await matrix.holderId(forUserId);
  const id = randomUUID();
  await releases.insert({
    id,
    homeId: req.homeId,
    deviceId: device.id,
    userId: forUserId,
    teamId: alarm.assignedTeamId,
    functionId: null,
    situation: 'alarm',
    alarmId: alarm.id,
    mode: 'remote_open',
    holderId,
    slot: 0,
    validFrom: now,
    validUntil: now + 120_000,
    issuedAt: now,
    issuedBy: monitor.id,
    alarmRaisedAt: alarm.raisedAt,
    openedAt: null,
    revokedAt: null,
  });
  const commandId = await link.sendNow(
    device,
    { kind: 'open_now', holderId, unlockSeconds: (await d.settings()).remoteUnlockSeconds },
    'release',
    id,
  );
  if (!commandId) {
    await d.releases.delete(id);
    throw await refuse('keysafe_offline', 503);
  }
  await audit.append({
    at: now,
    actor,
    action: 'access.remote_open',
    subject,
    details: { releaseId: id, alarmId: alarm.id, forUserId, keysafe: device.id, commandId },
  });
  return { releaseId: id, commandId };
}
