import { BakenError } from '../../errors.js';
import type { User, UserPatch, UsersRepository } from '../../store/repositories/index.js';

/** An admin who can log in now: role admin, not disabled, not past `validUntil`. */
export const isActiveAdmin = (u: Pick<User, 'role' | 'disabled' | 'validUntil'>, now: number): boolean =>
  u.role === 'admin' && !u.disabled && (u.validUntil === null || u.validUntil > now);

export const lastAdmin = (what: string): BakenError =>
  new BakenError(
    'BAKEN_ERR_LAST_ADMIN',
    409,
    `Refused: this is the last active admin, and ${what} would leave no one to administer the platform. Make another user admin first.`,
  );

export const ownAdmin = (): BakenError =>
  new BakenError(
    'BAKEN_ERR_OWN_ADMIN',
    409,
    'You cannot remove your own admin role or disable your own account; another admin must do it.',
  );

/**
 * The platform never loses its last active admin (server/src/http/README.md, "Users and roles"): a change that
 * would leave no active admin — demoting, disabling, expiring or deleting the last one — and a
 * password reset of the last one through the users API are refused; an admin changes their own
 * password with `POST /api/v1/auth/password`. An admin never removes their own admin role or
 * disables themselves, even when other admins remain.
 *
 * Checks and the change that follows run one at a time ({@link AdminGuard.serial}), so two admins
 * demoting each other at once cannot both succeed.
 */
export class AdminGuard {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly users: UsersRepository) {}

  /** Runs `fn` after every earlier guarded change has finished. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async othersActive(id: string, now: number): Promise<number> {
    return (await this.users.list()).filter((u) => u.id !== id && isActiveAdmin(u, now)).length;
  }

  async checkPatch(
    actorId: string,
    target: User,
    patch: UserPatch & { password?: string },
    now: number,
  ): Promise<void> {
    if (!isActiveAdmin(target, now)) return;
    const after = { ...target, ...patch };
    const staysAdmin = isActiveAdmin(after, now);
    if (!staysAdmin && target.id === actorId) throw ownAdmin();
    const resets = patch.password !== undefined || patch.passwordHash !== undefined;
    if ((!staysAdmin || resets) && (await this.othersActive(target.id, now)) === 0)
      throw lastAdmin(
        !staysAdmin
          ? 'this change'
          : 'resetting its password here (change your own with /api/v1/auth/password)',
      );
  }

  async checkDelete(target: User, now: number): Promise<void> {
    if (isActiveAdmin(target, now) && (await this.othersActive(target.id, now)) === 0)
      throw lastAdmin('deleting it');
  }
}
