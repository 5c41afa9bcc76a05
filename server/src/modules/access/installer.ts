import { randomBytes, randomInt } from 'node:crypto';
import {
  KsCodeKind,
  ksBuildKeyInstall,
  ksEncodeFrame,
  ksEncodeMessage,
  ksParseInstallationCode,
} from '@baken/protocols';
import { BakenError, notFound } from '../../errors.js';
import type { Device, User } from '../../store/repositories/index.js';
import type { AccessQueries } from './access-queries.js';
import type { AccessDeps } from './access-service.js';
import { TRIAL_PURPOSE } from './attribution.js';
import { KEYSAFE_KEY_BYTES } from './keysafe-keys.js';
import type { Revocation } from './revocation.js';

/** The key-safe slot of the installer's trial code (outside the PIN slots 1–200 and the key slot 250). */
export const TRIAL_SLOT = 249;
/** How long a trial code works, seconds. */
export const TRIAL_VALIDITY_S = 600;
/** Longest wait for the key safe's answer to KEY_INSTALL or the trial code's SET_CODE. */
const ANSWER_WAIT_MS = 15_000;

const unavailable = (message: string) => new BakenError('BAKEN_ERR_KEYSAFE_UNAVAILABLE', 503, message);

/**
 * What an installer does at the key safe (REQUIREMENTS §8.5): deliver the key safe's key K to a newly
 * paired safe (KEY_INSTALL under its installation secret, KS-SERIAL §8.8) and get a one-time trial
 * code for the installation check's trial opening. Both are sent at once through the online home
 * unit and answered only after the key safe confirmed them. The installation code and the trial code
 * are never stored or logged.
 */
/** What installing a key safe's key and the trial code use. */
export type InstallerDeps = Pick<AccessDeps, 'repos' | 'link' | 'clock' | 'audit' | 'keys' | 'matrix'> &
  Pick<AccessQueries, 'deviceNowS'>;

export class Installer {
  constructor(
    private readonly d: InstallerDeps,
    private readonly rev: Revocation,
  ) {}

  /** A key safe by registry id or by serial (the home unit knows the serial). */
  async keysafe(idOrSerial: string): Promise<Device> {
    const repos = this.d.repos;
    const d = (await repos.devices.get(idOrSerial)) ?? (await repos.devices.getBySerial(idOrSerial));
    if (d?.type !== 'keysafe') throw notFound('Key safe');
    return d;
  }

  /**
   * KEY_INSTALL: a new K for the safe, wrapped under the installation code read inside its door; the
   * safe accepts it only in its pairing window. On success K replaces the server's key and the
   * offline-code key is queued under it. Returns the offline-key generation.
   */
  async installKey(device: Device, installationCode: string, by: User): Promise<number> {
    const { link, clock, audit, keys } = this.d;
    const secret = ksParseInstallationCode(installationCode);
    if (!secret.ok) {
      throw new BakenError(
        'BAKEN_ERR_VALIDATION',
        400,
        'The installation code is 32 hex digits, as printed inside the key safe door.',
        {
          details: [{ field: 'installationCode', message: secret.error.message }],
        },
      );
    }
    if (!(await link.isOnline(device)))
      throw unavailable('The home unit of this key safe is not online; the key goes through it.');
    const key = new Uint8Array(randomBytes(KEYSAFE_KEY_BYTES));
    const counter = BigInt(clock.now());
    const issuedAt = await this.d.deviceNowS(device.id);
    const cmd = ksBuildKeyInstall({
      serial: device.serial,
      counter,
      issuedAt,
      expiresAt: issuedAt + 120,
      key,
      installSecret: secret.value,
    });
    const frame = cmd.ok ? ksEncodeMessage(cmd.value, 0) : cmd;
    const bytes = frame.ok ? ksEncodeFrame(frame.value) : frame;
    if (!bytes.ok)
      throw new BakenError(
        'BAKEN_ERR_VALIDATION',
        400,
        `The key safe serial cannot be used: ${bytes.error.message}`,
      );
    const frameHex = Buffer.from(bytes.value).toString('hex');
    const id = await link.sendFrame(device, { kind: 'key_install', counter, frameHex }, 'key_install');
    if (id === null) throw unavailable('The key safe could not be reached through its home unit.');
    const status = await link.awaitResult(id, ANSWER_WAIT_MS);
    const subject = `keysafe:${device.id}`;
    if (status !== 'ok') {
      const reason = status === 'timeout' ? 'no answer' : ((await link.get(id))?.resultReason ?? status);
      await link.voidCommand(id, `void: ${status}`);
      await audit.append({
        at: clock.now(),
        actor: `user:${by.id}`,
        action: 'keysafe.key_install_failed',
        subject,
        details: { status, reason },
      });
      if (status === 'refused') {
        throw new BakenError(
          'BAKEN_ERR_CONFLICT',
          409,
          `The key safe refused the key (${reason}). Press the pairing button inside its door and try again within 5 minutes; check the installation code.`,
          { details: [{ field: 'installationCode', message: reason }] },
        );
      }
      throw unavailable(
        `The key safe did not confirm the key (${reason}); press its pairing button and try again.`,
      );
    }
    await keys.importKey(device.id, device.serial, key, clock.now());
    await audit.append({
      at: clock.now(),
      actor: `user:${by.id}`,
      action: 'keysafe.key_installed',
      subject,
      details: { commandId: id },
    });
    const generation = await this.rev.provisionOfflineKey(device, `user:${by.id}`);
    // commands queued while the safe had no key (a block, a revocation) go now
    await link.flushDevice(device);
    return generation;
  }

  /**
   * A one-time trial code for the installation check: an 8-digit PIN in the trial slot, valid for
   * 10 minutes, pushed and confirmed like a care worker's PIN. Its use is credited to the installer
   * (KS-SERIAL §7.1 ISSUE), never as an opening without a release.
   */
  async trialCode(device: Device, by: User): Promise<{ code: string; validUntil: number }> {
    const { link, clock, audit, matrix, keys } = this.d;
    if (!(await keys.has(device.id)))
      throw unavailable('The key safe has no key yet: install it first (key-install).');
    if (!(await link.isOnline(device))) throw unavailable('The home unit of this key safe is not online.');
    const pin = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const devNow = await this.d.deviceNowS(device.id);
    const id = await link.sendNow(
      device,
      {
        kind: 'set_code',
        slot: TRIAL_SLOT,
        holderId: await matrix.holderId(by.id),
        validFrom: devNow - 60,
        validUntil: devNow + TRIAL_VALIDITY_S,
        codeKind: KsCodeKind.Pin,
        oneTime: true,
        material: new TextEncoder().encode(pin),
      },
      TRIAL_PURPOSE,
      null,
    );
    if (id === null) throw unavailable('The key safe could not be reached through its home unit.');
    const status = await link.awaitResult(id, ANSWER_WAIT_MS);
    if (status !== 'ok') {
      await link.voidCommand(id, `void: ${status}`);
      if (status !== 'refused')
        await link.enqueue(device, { kind: 'revoke', slot: TRIAL_SLOT, holderId: 0 }, 'void_trial', null);
      const reason = status === 'timeout' ? 'no answer' : ((await link.get(id))?.resultReason ?? status);
      throw unavailable(`The key safe did not take the trial code (${reason}).`);
    }
    const validUntil = clock.now() + TRIAL_VALIDITY_S * 1000;
    await audit.append({
      at: clock.now(),
      actor: `user:${by.id}`,
      action: 'access.trial_code',
      subject: `keysafe:${device.id}`,
      details: { commandId: id, validUntil },
    });
    return { code: pin, validUntil };
  }
}
