import { type Static, Type } from '@sinclair/typebox';

/**
 * Access settings, stored in the database and changed by an admin (`PUT /api/v1/access/settings`),
 * so they are the same on every server node and every change is audited. Documented in README.md.
 */
export const AccessSettingsSchema = Type.Object(
  {
    /** How long a released one-time code stays valid, minutes (default 15). */
    codeValidityMinutes: Type.Integer({ minimum: 5, maximum: 240 }),
    /** Seconds the door is released by a remote open (KS-SERIAL §8.2 UNLOCK_SECONDS). */
    remoteUnlockSeconds: Type.Integer({ minimum: 3, maximum: 60 }),
    /** At most this many access requests per person per `rateWindowMinutes`. */
    maxRequestsPerWindow: Type.Integer({ minimum: 1, maximum: 100 }),
    rateWindowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    /** Refusals of one person within `alertWindowMinutes` that alert monitoring staff. */
    refusalAlertThreshold: Type.Integer({ minimum: 1, maximum: 100 }),
    /** Wrong codes at one key safe within `alertWindowMinutes` that alert monitoring staff. */
    wrongCodeAlertThreshold: Type.Integer({ minimum: 1, maximum: 100 }),
    alertWindowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    /** Key and access data (audit log, releases, commands, alerts) are kept this many days (§8.3). */
    retentionDays: Type.Integer({ minimum: 30, maximum: 3650 }),
    /** Key-safe clock drift (|device − server|) that is flagged, seconds. */
    driftWarnSeconds: Type.Integer({ minimum: 5, maximum: 3600 }),
    /**
     * How long a request waits for the key safe to confirm an online PIN (SET_CODE `cmd/res`) before
     * handing out an offline window code instead, seconds (default 5).
     */
    pinConfirmSeconds: Type.Integer({ minimum: 1, maximum: 30 }),
    /** IANA time zone the matrix windows are written in. */
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    /** The matrix must be reviewed at least this often (REQUIREMENTS §9.3: yearly). */
    reviewIntervalDays: Type.Integer({ minimum: 1, maximum: 730 }),
  },
  { additionalProperties: false },
);
export type AccessSettings = Static<typeof AccessSettingsSchema>;

export const DEFAULT_ACCESS_SETTINGS: AccessSettings = {
  codeValidityMinutes: 15,
  remoteUnlockSeconds: 10,
  maxRequestsPerWindow: 10,
  rateWindowMinutes: 10,
  refusalAlertThreshold: 3,
  wrongCodeAlertThreshold: 3,
  alertWindowMinutes: 15,
  retentionDays: 730,
  driftWarnSeconds: 60,
  pinConfirmSeconds: 5,
  timeZone: 'Europe/Amsterdam',
  reviewIntervalDays: 365,
};
