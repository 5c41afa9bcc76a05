import { randomBytes } from 'node:crypto';
import webpush from 'web-push';

/**
 * Fresh keys every instance of one clustered deployment shares (docs/deploy/README.md, "A server
 * instance"): give the same object's variables to each instance a test or bench starts.
 */
export function sharedKeysEnv(): Record<string, string> {
  const vapid = webpush.generateVAPIDKeys();
  return {
    BAKEN_KEYSAFE_MASTER_KEY: randomBytes(32).toString('hex'),
    BAKEN_MACHINE_CREDENTIAL_KEY: randomBytes(32).toString('hex'),
    BAKEN_VAPID_PUBLIC_KEY: vapid.publicKey,
    BAKEN_VAPID_PRIVATE_KEY: vapid.privateKey,
  };
}
