import { MACHINE_KEY_ENV, MachineCredentials } from './auth/machine-credentials.js';
import { configError, type ServerConfig } from './config.js';
import { BakenError, type ErrorDetail } from './errors.js';
import { MASTER_KEY_ENV, masterKeyFromEnv } from './modules/access/keysafe-keys.js';
import {
  VAPID_PRIVATE_ENV,
  VAPID_PUBLIC_ENV,
  vapidKeysFromEnv,
} from './modules/followup/notify/vapid-keys.js';

const DEPLOY = 'docs/deploy/README.md, "A server instance"';

/** What each shared key is for, and where an instance that ran without the variable keeps its own. */
const REQUIRED: ReadonlyArray<{ names: readonly string[]; why: string }> = [
  {
    names: [MASTER_KEY_ENV],
    why: `every instance seals and opens the key-safe, pendant and alarm-centre secrets with it: set the same 64 hex characters on every instance (e.g. \`openssl rand -hex 32\`; if an instance already ran without it, the key in its data folder's keysafe-master.key) — ${DEPLOY}`,
  },
  {
    names: [VAPID_PUBLIC_ENV, VAPID_PRIVATE_ENV],
    why: `every instance signs Web Push with one key pair, and browsers subscribe under its public key: set the same pair on every instance (e.g. \`npx web-push generate-vapid-keys\`; if an instance already ran without them, the pair in its data folder's vapid-keys.json) — ${DEPLOY}`,
  },
  {
    names: [MACHINE_KEY_ENV],
    why: `gateway passwords are hashed under it, so a gateway enrolled through one instance is known to all: set the same 64 hex characters on every instance (e.g. \`openssl rand -hex 32\`; if an instance already ran without it, the key in its data folder's machine-credential.key) — ${DEPLOY}`,
  },
];

/**
 * The keys, checked before the server opens anything. In every mode a key variable that is set but
 * malformed stops the start (it is never ignored in favour of the data folder's key file). In the
 * clustered mode (`database=postgres`) every instance must share the key-safe master key, the VAPID
 * key pair and the machine-credential key, so each must be set: a missing one would silently give
 * each instance its own key from its own data folder. One `BAKEN_ERR_CONFIG` names every offending
 * variable and what to do; no key is ever printed.
 */
export function checkKeysAtStart(
  config: Pick<ServerConfig, 'database'>,
  env: Record<string, string | undefined>,
): void {
  const problems: ErrorDetail[] = [];
  const malformed = (read: () => unknown) => {
    try {
      read();
    } catch (e) {
      if (!(e instanceof BakenError) || e.code !== 'BAKEN_ERR_CONFIG') throw e;
      problems.push(...(e.details ?? []));
    }
  };
  malformed(() => masterKeyFromEnv(env));
  malformed(() => vapidKeysFromEnv(env));
  // set: read from the variable only (no data folder is touched); not set: nothing to check here
  if (env[MACHINE_KEY_ENV]) malformed(() => MachineCredentials.load(':memory:', env));
  if (config.database === 'postgres')
    for (const { names, why } of REQUIRED) {
      const missing = names.filter((n) => !env[n]);
      // a half-set pair is already named above
      if (missing.length === names.length)
        problems.push({
          field: missing.join(', '),
          message: `${missing.length > 1 ? 'are' : 'is'} required when BAKEN_DATABASE=postgres: ${why}`,
        });
    }
  if (problems.length > 0) throw configError(problems);
}
